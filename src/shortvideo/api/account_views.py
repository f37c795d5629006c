"""What the account routes answer (response models, for the OpenAPI document too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shortvideo.accounts.ports import ApiToken
from shortvideo.models import Creator


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_token: str = Field(min_length=1, max_length=4096,
                          description="a Firebase ID token from a sign-in of the last 5 minutes")
    locale: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class DeleteAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm: str = Field(description='exactly "delete my account"')


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="what the token is for")


class Me(BaseModel):
    uid: str
    email: str | None
    email_verified: bool
    display_name: str
    roles: list[str]
    locale: str | None
    created_at: datetime | None
    auth: str = Field(description="session or token: how this request signed in")


class TokenInfo(BaseModel):
    token_id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class CreatedToken(TokenInfo):
    token: str = Field(description="the token itself: shown this once, never again")


class TokenList(BaseModel):
    tokens: list[TokenInfo]


class Deleted(BaseModel):
    deleted: dict[str, int]


class UserSummary(BaseModel):
    uid: str
    email: str | None
    email_verified: bool
    roles: list[str]
    created_at: datetime | None
    credits: int = Field(description="the creator's credit balance")
    videos: int = Field(description="how many videos the creator has")


class UserList(BaseModel):
    users: list[UserSummary]
    limit: int


def me(creator: Creator, user: dict[str, Any] | None) -> dict[str, Any]:
    user = user or {}
    return {
        "uid": creator.id,
        "email": creator.email,
        "email_verified": creator.email_verified,
        "display_name": str(user.get("display_name") or creator.name),
        "roles": sorted(creator.roles),
        "locale": user.get("locale"),
        "created_at": _iso(user.get("created_at")),
        "auth": creator.auth,
    }


def token_info(token: ApiToken) -> dict[str, Any]:
    return {"token_id": token.token_id, "name": token.name, "prefix": token.prefix,
            "created_at": _iso(token.created_at), "last_used_at": _iso(token.last_used_at)}


def user_summary(user: dict[str, Any]) -> dict[str, Any]:
    return {"uid": user.get("uid", ""), "email": user.get("email"),
            "email_verified": bool(user.get("email_verified")),
            "roles": list(user.get("roles") or []), "created_at": _iso(user.get("created_at"))}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def jsonable(value: Any) -> Any:
    """Firestore values (datetimes) as JSON, for the export."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
