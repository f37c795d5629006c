"""AccountStore on Firestore: users/{uid}, api_tokens/{token_id}, and erasure by the registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shortvideo import metering
from shortvideo.accounts.ports import ApiToken, Identity
from shortvideo.accounts.principal import roles_of
from shortvideo.accounts.registry import (
    API_TOKENS,
    OWNED_COLLECTIONS,
    RATE_LIMIT_COLLECTION,
    USERS,
    rate_limit_keys,
)

BATCH = 200  # documents per delete batch (Firestore allows 500 writes in one)


def _token(token_id: str, data: dict[str, Any]) -> ApiToken:
    return ApiToken(
        token_id=token_id,
        owner=data["owner"],
        name=data["name"],
        prefix=data["prefix"],
        sha256=data["sha256"],
        created_at=data["created_at"],
        last_used_at=data.get("last_used_at"),
    )


class FirestoreAccountStore:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client

    def ensure_user(self, identity: Identity, now: datetime, locale: str) -> dict[str, Any]:
        ref = self._client.collection(USERS).document(identity.uid)
        fresh = {
            "email": identity.email,
            "email_verified": identity.email_verified,
            "roles": sorted(roles_of(identity)),
            "last_sign_in_at": now,
        }
        with metering.firestore_call() as counts:

            @firestore.transactional  # type: ignore[misc]
            def upsert(transaction: firestore.Transaction) -> dict[str, Any]:
                counts["reads"] += 1
                snapshot = ref.get(transaction=transaction)
                if snapshot.exists:
                    transaction.update(ref, fresh)
                    return {**(snapshot.to_dict() or {}), **fresh}
                # Plan fields are the billing issue's (12); nothing of them here.
                doc = {"uid": identity.uid, "display_name": identity.name or "",
                       "created_at": now, "locale": locale, **fresh}
                transaction.create(ref, doc)
                return doc

            user: dict[str, Any] = upsert(self._client.transaction())
            counts["writes"] += 1
        return user

    def get_user(self, uid: str) -> dict[str, Any] | None:
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = self._client.collection(USERS).document(uid).get()
        return snapshot.to_dict() if snapshot.exists else None

    def list_users(self, limit: int) -> list[dict[str, Any]]:
        with metering.firestore_call() as counts:
            query = self._client.collection(USERS).limit(limit)
            found = [snapshot.to_dict() or {} for snapshot in query.stream()]
            counts["reads"] += max(1, len(found))
        return found

    def set_roles(self, uid: str, roles: list[str]) -> None:
        ref = self._client.collection(USERS).document(uid)
        with metering.firestore_call() as counts:
            ref.set({"roles": sorted(roles)}, merge=True)
            counts["writes"] += 1

    def add_token(self, token: ApiToken, max_tokens: int) -> bool:
        if len(self.list_tokens(token.owner)) >= max_tokens:
            return False
        data = {"owner": token.owner, "name": token.name, "prefix": token.prefix,
                "sha256": token.sha256, "created_at": token.created_at, "last_used_at": None}
        with metering.firestore_call() as counts:
            self._client.collection(API_TOKENS.collection).document(token.token_id).create(data)
            counts["writes"] += 1
        return True

    def find_token(self, sha256: str) -> ApiToken | None:
        # One equality filter: Firestore's automatic single-field index serves it.
        query = (self._client.collection(API_TOKENS.collection)
                 .where(filter=FieldFilter("sha256", "==", sha256)).limit(1))
        with metering.firestore_call() as counts:
            found = list(query.stream())
            counts["reads"] += max(1, len(found))
        return _token(found[0].id, found[0].to_dict() or {}) if found else None

    def list_tokens(self, owner: str) -> list[ApiToken]:
        query = self._client.collection(API_TOKENS.collection).where(
            filter=FieldFilter("owner", "==", owner))
        with metering.firestore_call() as counts:
            found = list(query.stream())
            counts["reads"] += max(1, len(found))
        tokens = [_token(s.id, s.to_dict() or {}) for s in found]
        return sorted(tokens, key=lambda t: t.created_at, reverse=True)

    def revoke_token(self, owner: str, token_id: str) -> bool:
        ref = self._client.collection(API_TOKENS.collection).document(token_id)
        with metering.firestore_call() as counts:
            counts["reads"] += 1
            snapshot = ref.get()
            if not snapshot.exists or (snapshot.to_dict() or {}).get("owner") != owner:
                return False
            ref.delete()  # gone: the next request with it finds nothing
            counts["writes"] += 1
        return True

    def touch_token(self, token_id: str, now: datetime) -> None:
        ref = self._client.collection(API_TOKENS.collection).document(token_id)
        with metering.firestore_call() as counts:
            try:
                ref.update({"last_used_at": now})
            except Exception:  # revoked meanwhile: nothing to touch
                return
            counts["writes"] += 1

    def _owned(self, collection: str, owner_field: str, uid: str) -> list[Any]:
        query = self._client.collection(collection).where(
            filter=FieldFilter(owner_field, "==", uid))
        with metering.firestore_call() as counts:
            found = list(query.stream())
            counts["reads"] += max(1, len(found))
        return found

    def owned_documents(self, uid: str) -> dict[str, list[dict[str, Any]]]:
        owned: dict[str, list[dict[str, Any]]] = {}
        for entry in OWNED_COLLECTIONS:
            docs = []
            for snapshot in self._owned(entry.collection, entry.owner_field, uid):
                data = {k: v for k, v in (snapshot.to_dict() or {}).items()
                        if k not in entry.private_fields}
                docs.append({"id": snapshot.id, **data})
            owned[entry.collection] = docs
        return owned

    def delete_owned(self, uid: str) -> dict[str, int]:
        counts_by_collection: dict[str, int] = {}
        refs: list[Any] = []
        for entry in OWNED_COLLECTIONS:
            found = self._owned(entry.collection, entry.owner_field, uid)
            counts_by_collection[entry.collection] = len(found)
            refs += [snapshot.reference for snapshot in found]
        refs += [self._client.collection(RATE_LIMIT_COLLECTION).document(key)
                 for key in rate_limit_keys(uid)]
        refs.append(self._client.collection(USERS).document(uid))  # last
        with metering.firestore_call() as counts:
            for start in range(0, len(refs), BATCH):
                batch = self._client.batch()
                for ref in refs[start:start + BATCH]:
                    batch.delete(ref)
                batch.commit()
                counts["writes"] += len(refs[start:start + BATCH])
        return counts_by_collection
