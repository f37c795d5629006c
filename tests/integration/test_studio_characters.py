"""/characters on the emulators: generated and uploaded images, bad uploads, limits, owners."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from devstack import Stack
from shortvideo.api import create_app
from shortvideo.studio.images import MAX_UPLOAD_BYTES
from shortvideo.wiring import Services
from tests.integration.studio_helpers import services, token_of

pytestmark = pytest.mark.integration
BODY = {"name": "Ana", "description": "a baker with flour on her apron", "style": "anime"}


@pytest.fixture
def svc(clean_emulators: Stack) -> Iterator[Services]:
    yield services(CREATE_CHARACTER_PER_MINUTE="3")


def picture(fmt: str = "PNG", size: tuple[int, int] = (300, 500), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(out, format=fmt, **save)
    return out.getvalue()


def upload(http: TestClient, headers: dict[str, str], data: bytes, name: str = "a.png"):  # type: ignore[no-untyped-def]
    return http.post("/characters", data=BODY, files={"image": (name, data, "image/png")},
                     headers=headers)  # fmt: skip


def test_generate_list_get_use_and_delete(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    made = http.post("/characters", json=BODY, headers=ada)
    assert made.status_code == 201, made.text
    character = made.json()
    cid = character["character_id"]
    assert character["source"] == "demo-offline" and character["style"] == "anime"
    image = http.get(character["image_url"])
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).size == (720, 1280)
    listed = {c["character_id"] for c in http.get("/characters", headers=ada).json()["characters"]}
    assert listed == {cid, "nova"}  # its own, and the catalogue's shared one
    assert [c["character_id"] for c in http.get("/characters", headers=bob).json()["characters"]
            ] == ["nova"]  # fmt: skip
    assert http.get(f"/characters/{cid}", headers=bob).status_code == 404
    assert http.delete(f"/characters/{cid}", headers=bob).status_code == 404
    refused = http.post("/videos", json={"theme": "bread", "character_id": cid}, headers=bob)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "character_id"
    video = http.post("/videos", json={"theme": "bread", "character_id": cid}, headers=ada)
    assert video.status_code == 202, video.text
    assert http.post("/videos", json={"theme": "x", "character_id": "nova"}, headers=bob
                     ).status_code == 202  # fmt: skip
    assert http.delete("/characters/nova", headers=bob).status_code == 404  # shared: not bob's
    assert http.delete(f"/characters/{cid}", headers=ada).json() == {
        "character_id": cid, "deleted": True}  # fmt: skip
    assert http.get(f"/characters/{cid}", headers=ada).status_code == 404
    assert not svc.blobs.exists(f"characters/{cid}.png")
    job = svc.jobs.get_job(video.json()["video_id"])
    assert job is not None and job["character"]["description"] == BODY["description"]
    assert svc.blobs.exists(svc.blobs.name_from_uri(job["character"]["reference_image_uri"]))


def test_an_upload_is_decoded_and_re_encoded_without_metadata(svc: Services) -> None:
    ada = token_of(svc, "ada")
    http = TestClient(create_app(svc))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 30.0)}  # GPS latitude
    jpeg = picture("JPEG", exif=exif.tobytes(), quality=90)
    assert b"SecretCam" in jpeg
    made = upload(http, ada, jpeg, "me.jpg")
    assert made.status_code == 201, made.text
    assert made.json()["source"] == "upload"
    stored = svc.blobs.download_bytes(f"characters/{made.json()['character_id']}.png")
    assert stored.startswith(b"\x89PNG") and b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (300, 500) and not image.getexif() and not image.info.get("exif")
    png = picture("PNG", pnginfo=_text_chunk("Comment", "home address"))
    stored_png = upload(http, ada, png)
    assert stored_png.status_code == 201
    data = svc.blobs.download_bytes(f"characters/{stored_png.json()['character_id']}.png")
    assert b"home address" not in data


def _text_chunk(key: str, value: str):  # type: ignore[no-untyped-def]
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


def bomb() -> bytes:
    """A few kilobytes that claim 20000 x 20000 pixels."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GIF89a not really", 422),
        (b"%PDF-1.7\n", 422),
        (b"", 422),
        (picture()[:200], 422),
        (picture("GIF"), 422),
        (picture("PNG", (20, 20)), 422),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_UPLOAD_BYTES + 10), 413),
    ],
    ids=["gif-text", "pdf", "empty", "truncated", "real-gif", "tiny", "oversize"],
)
def test_bad_uploads_are_refused_naming_the_image(svc: Services, data: bytes, status: int) -> None:
    ada = token_of(svc, "ada")
    http = TestClient(create_app(svc))
    answer = upload(http, ada, data)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["field"] == "image"
    assert svc.blobs.list_names("characters/") == ["characters/nova.png"]  # nothing stored


def test_a_decompression_bomb_is_refused_before_decoding(svc: Services) -> None:
    data = bomb()
    assert len(data) < 200_000
    answer = upload(TestClient(create_app(svc)), token_of(svc, "ada"), data)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "image"


def test_character_creation_is_rate_limited_and_bodies_validated(svc: Services) -> None:
    ada, bob = token_of(svc, "ada"), token_of(svc, "bob")
    http = TestClient(create_app(svc))
    bad = http.post("/characters", json={**BODY, "style": "pixel"}, headers=ada)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "style"
    bad = http.post("/characters", json={"name": "x"}, headers=ada)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "description"
    assert [http.post("/characters", json=BODY, headers=ada).status_code for _ in range(4)] == [
        201, 201, 201, 429]  # fmt: skip
    assert http.post("/characters", json=BODY, headers=bob).status_code == 201  # bob's own limit
