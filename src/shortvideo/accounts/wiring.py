"""The account adapters of a process, built once from settings (Firestore and Firebase Auth)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from shortvideo.accounts.ports import AccountStore, IdentityProvider
from shortvideo.settings import Settings, get_settings


@dataclass(frozen=True)
class Accounts:
    identity: IdentityProvider
    store: AccountStore


def build_accounts(settings: Settings) -> Accounts:
    from google.cloud import firestore

    from shortvideo.adapters.firebase_identity import FirebaseIdentity
    from shortvideo.adapters.firestore_accounts import FirestoreAccountStore

    return Accounts(
        identity=FirebaseIdentity.for_project(settings.project),
        store=FirestoreAccountStore(firestore.Client(project=settings.project)),
    )


@functools.cache
def accounts() -> Accounts:
    return build_accounts(get_settings())
