"""An account's life: first sign-in, export, deletion (with every object it owns)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shortvideo.accounts.ports import AccountStore, Identity, IdentityProvider
from shortvideo.accounts.registry import JOBS, character_image_objects, job_media_prefixes
from shortvideo.errors import RecentSignInRequired
from shortvideo.logs import get_logger
from shortvideo.ports import BlobStore

# Firebase's advice for sensitive operations: an ID token only from a sign-in this recent.
RECENT_SIGN_IN = timedelta(minutes=5)
DELETE_CONFIRMATION = "delete my account"


def sign_in(
    identity_provider: IdentityProvider,
    store: AccountStore,
    id_token: str,
    now: datetime,
    *,
    lifetime: timedelta,
    locale: str,
) -> tuple[str, Identity, dict[str, Any]]:
    """A fresh ID token -> (session cookie, its identity, users/{uid}); the user doc is made on
    first sign-in."""
    identity = identity_provider.verify_id_token(id_token)
    if now.timestamp() - identity.auth_time > RECENT_SIGN_IN.total_seconds():
        # A stolen, long-lived ID token must not become a 14-day session.
        raise RecentSignInRequired("sign in again: the ID token is from an old sign-in",
                                   field="id_token")
    cookie = identity_provider.create_session_cookie(id_token, lifetime)
    user = store.ensure_user(identity, now, locale)
    return cookie, identity, user


def media_of(blobs: BlobStore, video_ids: list[str]) -> list[str]:
    names: list[str] = []
    for video_id in video_ids:
        for prefix in job_media_prefixes(video_id):
            names += blobs.list_names(prefix)
    return names


def export_account(store: AccountStore, blobs: BlobStore, uid: str) -> dict[str, Any]:
    """The creator's data as JSON: users/{uid}, every owned document, media object names."""
    owned = store.owned_documents(uid)
    video_ids = [str(d["id"]) for d in owned.get(JOBS.collection, [])]
    return {
        "user": store.get_user(uid),
        "collections": owned,
        "media": [{"name": n, "uri": blobs.uri(n)} for n in media_of(blobs, video_ids)],
    }


def delete_account(
    identity_provider: IdentityProvider, store: AccountStore, blobs: BlobStore, uid: str
) -> dict[str, int]:
    """Delete media, owned documents, users/{uid}, then the Firebase user (last: until then the
    creator can sign in and ask again, so a deletion cut short is finished by repeating it)."""
    identity_provider.revoke_sessions(uid)
    owned = store.owned_documents(uid)
    video_ids = [str(d["id"]) for d in owned.get(JOBS.collection, [])]
    names = media_of(blobs, video_ids) + character_image_objects(owned.get("characters", []))
    for name in names:
        blobs.delete(name)
    counts = store.delete_owned(uid)
    identity_provider.delete_user(uid)
    counts["media"] = len(names)
    get_logger(component="accounts").info("account_deleted", uid=uid, **counts)
    return counts
