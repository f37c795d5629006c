"""python -m devstack.admins grant|revoke EMAIL: the admin role of a Firebase Auth user.

Roles are the custom claim {"admin": true} (decision 0015); the Cloud Console cannot set claims,
so this is also the production one-off: run it with GOOGLE_CLOUD_PROJECT set, Application
Default Credentials of someone allowed to manage Firebase Auth users, and no emulator
variables. A grant reaches the user's next sign-in; a revoke ends their sessions at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from devstack.creators import account_store, identity
from shortvideo.errors import PipelineError


def set_admin(env: dict[str, str], email: str, admin: bool) -> str:
    with identity(env) as firebase:
        uid = firebase.set_admin(email, admin)
    store = account_store(env)
    if store.get_user(uid) is not None:  # users/{uid} mirrors the role for GET /admin/users
        store.set_roles(uid, ["admin"] if admin else [])
    return uid


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.admins", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("grant", "revoke"))
    parser.add_argument("email")
    args = parser.parse_args(argv)
    env = {"GOOGLE_CLOUD_PROJECT": "demo-shortvideo", **os.environ}
    try:
        uid = set_admin(env, args.email, args.action == "grant")
    except PipelineError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    done = "is now an admin (from the next sign-in)" if args.action == "grant" else \
        "is no longer an admin (sessions ended)"
    print(f"{args.email} ({uid}) {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
