"""python -m devstack.creators add NAME [--email E] [--id UID] [--json]: a creator of the API.

It makes what a creator gets by signing up and verifying their email (a Firebase Auth user with
a verified email and a password, and users/{uid}), then a personal API token, printed once
(only its SHA-256 is stored). python -m devstack.creators delete UID deletes the account and
everything in it, as DELETE /me does.

Local: the emulators named by FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST
(./dev.sh up prints the exports). Elsewhere: the GOOGLE_CLOUD_PROJECT's Firestore and Firebase
Auth with Application Default Credentials. Tokens are signed with API_TOKEN_SECRET (the API's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import google.cloud.storage as storage  # untyped: "from google.cloud import storage" upsets mypy
from firebase_admin import auth
from google.cloud import firestore

from devstack.clients import environ, firestore_client, storage_client
from shortvideo.accounts.lifecycle import delete_account
from shortvideo.accounts.ports import Identity
from shortvideo.accounts.tokens import create_token
from shortvideo.adapters.firebase_identity import FirebaseIdentity
from shortvideo.adapters.firestore_accounts import FirestoreAccountStore
from shortvideo.adapters.firestore_limits import FirestoreRateLimiter
from shortvideo.adapters.gcs_blobs import GcsBlobStore
from shortvideo.errors import PipelineError
from shortvideo.models import Creator
from shortvideo.settings import settings_from

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class LocalCreator:
    creator: Creator
    email: str
    password: str
    token: str


def account_store(env: Mapping[str, str]) -> FirestoreAccountStore:
    if env.get("FIRESTORE_EMULATOR_HOST"):
        return FirestoreAccountStore(firestore_client(env))
    return FirestoreAccountStore(firestore.Client(project=env.get("GOOGLE_CLOUD_PROJECT")))


@contextmanager
def identity(env: Mapping[str, str]) -> Iterator[FirebaseIdentity]:
    """firebase-admin on the Auth emulator of `env` (when named), else on the real project."""
    host = env.get("FIREBASE_AUTH_EMULATOR_HOST")
    with environ({"FIREBASE_AUTH_EMULATOR_HOST": host} if host else {}):
        yield FirebaseIdentity.for_project(env.get("GOOGLE_CLOUD_PROJECT", "demo-shortvideo"))


def add_local_creator(env: Mapping[str, str], name: str, creator_id: str | None = None,
                      email: str | None = None) -> LocalCreator:
    """A signed-up creator with a verified email, users/{uid} and a personal API token."""
    name = name.strip()
    slug = _SLUG.sub("-", name.lower()).strip("-")[:40] or "creator"
    email = email or f"{slug}-{secrets.token_hex(3)}@example.com"
    password = secrets.token_urlsafe(12)
    settings = settings_from({**os.environ, **env})
    with identity(env) as firebase:
        user = auth.create_user(uid=creator_id, email=email, email_verified=True,
                                password=password, display_name=name or None, app=firebase.app)
    store = account_store(env)
    now = datetime.now(UTC)
    store.ensure_user(Identity(uid=user.uid, email=email, email_verified=True, name=name,
                               admin=False, auth_time=int(now.timestamp()),
                               issued_at=int(now.timestamp())), now, "en")
    limiter = FirestoreRateLimiter(store._client)
    # An operator's command: no hourly limit (per_hour=0), the creator's token cap still holds.
    _, token = create_token(store, limiter, user.uid, "devstack.creators", now,
                            secret=settings.api_token_secret, per_hour=0,
                            max_tokens=settings.max_api_tokens_per_creator)
    creator = Creator(creator_id=user.uid, name=name[:100], email=email, email_verified=True,
                      auth="token", created_at=now)
    return LocalCreator(creator, email, password, token)


def add_creator(env: Mapping[str, str], name: str, creator_id: str | None = None
                ) -> tuple[Creator, str]:
    """add_local_creator's creator and personal token."""
    made = add_local_creator(env, name, creator_id)
    return made.creator, made.token


def delete_creator(env: Mapping[str, str], creator_id: str) -> dict[str, int]:
    """Delete the account and everything in it (DELETE /me without the confirmation)."""
    settings = settings_from({**os.environ, **env})
    client = (storage_client(env) if env.get("STORAGE_EMULATOR_HOST")
              else storage.Client(project=env.get("GOOGLE_CLOUD_PROJECT")))
    with identity(env) as firebase:
        return delete_account(firebase, account_store(env), GcsBlobStore(client, settings.bucket),
                              creator_id)


class StackCreator:
    """A creator of the API for a stack's own clients (demo, chaos, bench, tests), made on first
    use with a fresh id; forget() after the emulators are wiped."""

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
    add = commands.add_parser("add", help="a verified creator and a personal token (shown once)")
    add.add_argument("name", help="display name")
    add.add_argument("--email", default=None, help="default: <name>-<random>@example.com")
    add.add_argument("--id", dest="creator_id", default=None, help="the uid (default: Firebase's)")
    add.add_argument("--json", action="store_true",
                     help="print {creator_id, name, email, password, token}")
    delete = commands.add_parser("delete", help="delete the account and everything in it")
    delete.add_argument("creator_id")
    args = parser.parse_args(argv)
    env = {"GOOGLE_CLOUD_PROJECT": "demo-shortvideo", **os.environ}
    try:
        if args.command == "delete":
            counts = delete_creator(env, args.creator_id)
            print(f"creator {args.creator_id} deleted: {json.dumps(counts)}")
            return 0
        made = add_local_creator(env, args.name, args.creator_id, args.email)
    except (PipelineError, auth.EmailAlreadyExistsError, auth.UidAlreadyExistsError) as exc:
        print(f"error: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"creator_id": made.creator.id, "name": made.creator.name,
                          "email": made.email, "password": made.password, "token": made.token}))
    else:
        print(f"creator {made.creator.id} ({made.email}, password {made.password});"
              f" personal API token, shown once:\n{made.token}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
