"""GET /videos/my-videos (sort, filters, cursor), favorites and views on the Firestore emulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from devstack import Stack
from shortvideo.api import create_app
from shortvideo.stages.runner import utcnow
from shortvideo.studio.videos import count_view
from shortvideo.wiring import Services
from tests.integration.studio_helpers import finish, services, token_of

pytestmark = pytest.mark.integration


@pytest.fixture
def svc(clean_emulators: Stack) -> Iterator[Services]:
    yield services()


def ids(answer) -> list[str]:  # type: ignore[no-untyped-def]
    assert answer.status_code == 200, answer.text
    return [v["video_id"] for v in answer.json()["videos"]]


def test_sort_filter_and_paginate_a_library(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    made = []
    for theme, style, language in (("a", "anime", "en"), ("b", "sketch", "fr"),
                                   ("c", "anime", "fr"), ("d", "anime", "en")):  # fmt: skip
        answer = http.post("/videos", json={"theme": theme, "style": style, "language": language},
                           headers=ada)  # fmt: skip
        assert answer.status_code == 202, answer.text
        made.append(answer.json()["video_id"])
    a, b, c, d = made
    http.post("/videos", json={"theme": "bob's"}, headers=bob)
    finish(svc, a, 85.0)
    finish(svc, c, 64.0)
    # Newest first; bob's video is never in ada's library.
    assert ids(http.get("/videos/my-videos", headers=ada)) == [d, c, b, a]
    # Longest first; b and d have no duration yet: last (newest first among them), not gone.
    assert ids(http.get("/videos/my-videos?sort=duration", headers=ada)) == [a, c, d, b]
    assert ids(http.get("/videos/my-videos?style=anime", headers=ada)) == [d, c, a]
    assert ids(http.get("/videos/my-videos?style=anime&language=fr", headers=ada)) == [c]
    assert ids(http.get("/videos/my-videos?status=completed", headers=ada)) == [c, a]
    both = "/videos/my-videos?status=completed&style=anime&language=en&sort=duration"
    assert ids(http.get(both, headers=ada)) == [a]
    # Favorites: on, listed, filtered, off again.
    assert http.post(f"/videos/{c}/favorite", headers=ada).json()["favorite"] is True
    assert http.post(f"/videos/{b}/favorite", headers=ada).status_code == 200
    assert ids(http.get("/videos/my-videos?favorite=true", headers=ada)) == [c, b]
    assert ids(http.get("/videos/my-videos?favorite=true&language=fr&style=anime",
                        headers=ada)) == [c]  # fmt: skip
    assert ids(http.get("/videos/my-videos?favorite=false", headers=ada)) == [d, a]
    assert http.delete(f"/videos/{b}/favorite", headers=ada).json()["favorite"] is False
    assert ids(http.get("/videos/my-videos?favorite=true", headers=ada)) == [c]
    # Views: counted once per viewer per hour; sorted by views.
    assert http.post(f"/videos/{a}/view", headers=ada).json() == {
        "video_id": a, "views": 1, "counted": True}  # fmt: skip
    assert http.post(f"/videos/{a}/view", headers=ada).json()["counted"] is False
    later = utcnow() + timedelta(hours=1, seconds=1)
    assert count_view(svc, a, "ada", now=later)[0]["views"] == 2
    assert http.post(f"/videos/{b}/view", headers=ada).status_code == 409  # not finished
    assert ids(http.get("/videos/my-videos?sort=views", headers=ada)) == [a, d, c, b]
    # Cursor pagination walks every video once, in order, whatever the sort.
    for sort in ("date", "views", "duration"):
        seen, cursor = [], None
        for _ in range(5):
            url = f"/videos/my-videos?sort={sort}&limit=1" + (f"&cursor={cursor}" if cursor else "")
            page = http.get(url, headers=ada).json()
            seen += [v["video_id"] for v in page["videos"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ids(http.get(f"/videos/my-videos?sort={sort}", headers=ada)), sort
    assert len(seen) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=name", "sort"),
        ("status=done", "status"),
        ("style=pixel", "style"),
        ("language=de", "language"),
        ("cursor=%21%21", "cursor"),
        ("favorite=maybe", "favorite"),
        ("character_id=..%2Fx", "character_id"),
    ],
)
def test_bad_library_queries_name_their_field(svc: Services, query: str, field: str) -> None:
    ada = token_of(svc, "ada")
    answer = TestClient(create_app(svc)).get(f"/videos/my-videos?{query}", headers=ada)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field


def test_a_cursor_of_another_sort_is_refused(svc: Services) -> None:
    ada = token_of(svc, "ada")
    http = TestClient(create_app(svc))
    for theme in "ab":
        http.post("/videos", json={"theme": theme}, headers=ada)
    cursor = http.get("/videos/my-videos?limit=1", headers=ada).json()["next_cursor"]
    assert cursor
    answer = http.get(f"/videos/my-videos?sort=views&cursor={cursor}", headers=ada)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "cursor"
