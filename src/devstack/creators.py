"""python -m devstack.creators add NAME [--id ID] [--json]: a creator and its API token.

python -m devstack.creators delete ID: revoke its token at once (the id is never reused).

The token is printed once and never stored: creators/{id} keeps only its SHA-256. It is signed
with API_TOKEN_SECRET from the environment (the API's secret; the local default). Firestore is
the emulator named by FIRESTORE_EMULATOR_HOST (./dev.sh up prints the exports), else the
GOOGLE_CLOUD_PROJECT's real database with Application Default Credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from google.cloud import firestore

from devstack.clients import firestore_client
from shortvideo.adapters.firestore_creators import FirestoreCreatorStore
from shortvideo.creators import register_creator
from shortvideo.errors import PipelineError
from shortvideo.models import Creator
from shortvideo.settings import settings_from


def creator_store(env: Mapping[str, str]) -> FirestoreCreatorStore:
    if env.get("FIRESTORE_EMULATOR_HOST"):
        return FirestoreCreatorStore(firestore_client(env))
    return FirestoreCreatorStore(firestore.Client(project=env.get("GOOGLE_CLOUD_PROJECT")))


def add_creator(
    env: Mapping[str, str], name: str, creator_id: str | None = None
) -> tuple[Creator, str]:
    """Register a creator in the Firestore of `env`; returns it and its token."""
    return register_creator(
        creator_store(env),
        name,
        datetime.now(UTC),
        creator_id=creator_id,
        # The API process sees os.environ under the stack's variables: sign as it will check.
        token_secret=settings_from({**os.environ, **env}).api_token_secret,
    )


def delete_creator(env: Mapping[str, str], creator_id: str) -> bool:
    """Revoke a creator's token at once; its id stays taken (a tombstone)."""
    return creator_store(env).delete_creator(creator_id, datetime.now(UTC))


class StackCreator:
    """A creator of the API for a stack's own clients (demo, chaos, bench, tests), registered
    on first use with a fresh id; forget() after the emulators are wiped."""

    def __init__(self, env: Callable[[], Mapping[str, str]]) -> None:
        self._env = env
        self._token: str | None = None
        self._lock = threading.Lock()

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None:
                creator_id = f"local-stack-{secrets.token_hex(4)}"
                _, self._token = add_creator(self._env(), "Local stack client", creator_id)
            return {"Authorization": f"Bearer {self._token}"}

    def forget(self) -> None:
        with self._lock:
            self._token = None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.creators", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create a creator and print its token once")
    add.add_argument("name", help="display name; the id defaults to its slug")
    add.add_argument("--id", dest="creator_id", default=None, help="[A-Za-z0-9_-]{1,64}")
    add.add_argument("--json", action="store_true", help="print {creator_id, name, token}")
    delete = commands.add_parser("delete", help="revoke a creator's token; the id stays taken")
    delete.add_argument("creator_id")
    args = parser.parse_args(argv)
    env = {"GOOGLE_CLOUD_PROJECT": "demo-shortvideo", **os.environ}
    if args.command == "delete":
        if not delete_creator(env, args.creator_id):
            print(f"error: no creator {args.creator_id!r}", file=sys.stderr)
            return 2
        print(f"creator {args.creator_id} deleted; its token no longer works")
        return 0
    try:
        creator, token = add_creator(env, args.name, args.creator_id)
    except PipelineError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"creator_id": creator.creator_id, "name": creator.name, "token": token}))
    else:
        print(f"creator {creator.creator_id} ({creator.name}); token, shown once:\n{token}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
