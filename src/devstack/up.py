"""The whole local stack in the foreground: python -m devstack.up [--monitor-interval N].

It also runs the creator API and makes a creator in the Firebase Auth emulator (verified
email, password) with a personal API token, and prints how to sign in with either.

--provider google-fake runs the functions on the Google adapters against a fake Vertex AI API.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence

from devstack.auth_emulator import API_KEY
from devstack.creators import LocalCreator, add_local_creator
from devstack.demo import repo_root
from devstack.procs import StackError
from devstack.stack import FUNCTION_NAMES, PROVIDERS, Stack


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.up", description=__doc__)
    parser.add_argument("--monitor-interval", type=float, default=120.0,
                        help="seconds between monitor calls (Cloud Scheduler */2 = 120; 0 = off)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="extra environment for the functions")
    parser.add_argument("--provider", choices=PROVIDERS, default="demo",
                        help="demo: offline demo models; google-fake: the Google adapters "
                             "against a local fake of the Vertex AI API")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    overrides = dict(item.split("=", 1) for item in args.overrides if "=" in item)
    stack = Stack(repo_root(), overrides=overrides, monitor_interval=args.monitor_interval,
                  provider=args.provider, api=True)
    try:
        stack.start()
        made = add_local_creator(stack.env(), "Local demo", creator_id="local-demo",
                                 email="local-demo@example.com")
        print("\nLocal stack is up. Functions:")
        for name in FUNCTION_NAMES:
            print(f"  {name:<13} {stack.url(name)}")
        print("  (private: they answer only the stack's signed doorbells and scheduler calls;"
              " create jobs with POST /videos)")
        print(f"Dashboard:      {stack.edge_url}/  (the API under {stack.edge_url}/api/;"
              " sign in there with the creator below)")
        print(f"Creator API:    {stack.api_url}  (OpenAPI: {stack.api_url}/openapi.json)")
        print_sign_in(stack, made)
        if args.provider == "google-fake":
            print(f"Fake Vertex AI: {stack.fake_vertex_url} (control: /_fake/config, /_fake/calls)")
        print(f"Local Stripe:   {stack.fake_stripe_url} (test mode; nothing reaches Stripe)")
        print("  to pay: curl -X POST -H \"Authorization: Bearer $CREATOR_TOKEN\" "
              f"-d '{{\"product\": \"pack_5\"}}' {stack.api_url}/billing/checkout")
        print("  then open the answer's url and press Pay: the signed webhook grants the credits"
              f" ({stack.api_url}/billing/status)")
        print(f"Logs: {stack.log_dir}/<name>.log\nEnvironment for clients:")
        for key, value in stack.env().items():
            print(f"  export {key}={value}")
        print("Ctrl-C stops everything.", flush=True)
        reported: set[str] = set()
        while True:
            time.sleep(1)
            for name in set(stack.dead()) - reported:
                reported.add(name)
                logging.error("%s exited; see %s/%s.log", name, stack.log_dir, name)
    except StackError as exc:
        print(f"local stack failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", file=sys.stderr)
        return 0
    finally:
        stack.stop()


def print_sign_in(stack: Stack, made: LocalCreator) -> None:
    """How to be the local creator: a personal token, or the browser session (decision 0015)."""
    auth_host = stack.env()["FIREBASE_AUTH_EMULATOR_HOST"]
    print(f"  creator local-demo: {made.email}, password {made.password}")
    print(f"  personal API token: export CREATOR_TOKEN={made.token}")
    print("  sign in (what the dashboard's Firebase SDK does), then exchange the ID token for"
          " the __session cookie:")
    print(f"    curl -s 'http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:"
          f"signInWithPassword?key={API_KEY}' -H 'Content-Type: application/json' -d "
          f"'{{\"email\":\"{made.email}\",\"password\":\"{made.password}\","
          f"\"returnSecureToken\":true}}'   # -> idToken")
    print(f"    curl -si {stack.api_url}/session -H 'Origin: {stack.edge_url}' -H 'Content-Type:"
          f" application/json' -d '{{\"id_token\":\"<idToken>\"}}'   # -> Set-Cookie")
    print("  more creators: ./dev.sh creators add NAME; admins: ./dev.sh admins grant EMAIL"
          " (with the exports below)")


if __name__ == "__main__":
    sys.exit(main())
