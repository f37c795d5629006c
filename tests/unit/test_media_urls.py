"""Signed media URLs: real GCS V4 signatures with a local key, verified; the cache; API links."""

from __future__ import annotations

import binascii
import hashlib
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage  # type: ignore[attr-defined]
from google.oauth2 import service_account

from shortvideo.adapters.gcs_signed_urls import GcsSignedUrls
from shortvideo.studio.media import (
    ApiSignedUrls,
    MediaLinkInvalid,
    RangeNotSatisfiable,
    parse_range,
)

EMAIL = "api-signer@demo-shortvideo.iam.gserviceaccount.com"


@pytest.fixture(autouse=True)
def _real_gcs_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """URLs name storage.googleapis.com: an emulator exported by an earlier test in the same
    run (the session stack) would make the client sign for its host instead."""
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signer(key: rsa.RSAPrivateKey, clock: list[float]) -> GcsSignedUrls:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        {
            "type": "service_account",
            "client_email": EMAIL,
            "private_key": pem,
            "private_key_id": "k1",
            "token_uri": "https://oauth2.googleapis.com/token",
            "project_id": "demo-shortvideo",
        }
    )
    client = storage.Client(project="demo-shortvideo", credentials=AnonymousCredentials())
    return GcsSignedUrls(
        client, "private-bucket", 900, key_credentials=credentials, clock=lambda: clock[0]
    )


def verify_v4(url: str, public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """Google's V4 query-string signature, rebuilt from the URL and checked with the key."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = binascii.unhexlify(params.pop("X-Goog-Signature"))
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items())
    )
    canonical = "\n".join(
        [
            "GET",
            parts.path,
            query,
            f"host:{parts.netloc}",
            "",
            params["X-Goog-SignedHeaders"],
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = params["X-Goog-Credential"].split("/", 1)[1]
    to_sign = "\n".join(
        [
            "GOOG4-RSA-SHA256",
            params["X-Goog-Date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    public_key.verify(signature, to_sign.encode(), padding.PKCS1v15(), hashes.SHA256())
    return params


def test_a_v4_url_verifies_with_the_key_and_names_one_object(key: rsa.RSAPrivateKey) -> None:
    clock = [1_800_000_000.0]
    url = signer(key, clock).signed_url("final/abc.mp4")
    assert url.startswith("https://storage.googleapis.com/private-bucket/final/abc.mp4?")
    params = verify_v4(url, key.public_key())
    assert params["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert params["X-Goog-Expires"] == "900"
    assert params["X-Goog-Credential"].startswith(f"{EMAIL}/")
    # The signature covers the object: the same one on another object fails.
    tampered = url.replace("final/abc.mp4", "final/abd.mp4")
    with pytest.raises(InvalidSignature):
        verify_v4(tampered, key.public_key())
    with pytest.raises(InvalidSignature):  # and another key does not verify it
        verify_v4(url, rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())


def test_urls_are_cached_until_a_quarter_of_their_life_is_left(key: rsa.RSAPrivateKey) -> None:
    clock = [1_800_000_000.0]
    urls = signer(key, clock)
    first = urls.signed_url("final/abc.mp4")
    clock[0] += 600  # 300 s of 900 left: still more than a quarter
    assert urls.signed_url("final/abc.mp4") == first
    assert urls.signatures == 1
    urls.signed_url("thumbnails/abc.jpg")
    assert urls.signatures == 2
    clock[0] += 100  # 200 s left: less than a quarter, a new URL
    urls.signed_url("final/abc.mp4")
    assert urls.signatures == 3


def test_api_links_expire_and_name_one_object() -> None:
    clock = [1_800_000_000.0]
    links = ApiSignedUrls("a-secret-of-sixteen+", 900, clock=lambda: clock[0])
    url = links.signed_url("final/abc.mp4")
    query = dict(parse_qsl(urlsplit(url).query))
    links.verify("final/abc.mp4", query["expires"], query["signature"])
    with pytest.raises(MediaLinkInvalid):
        links.verify("final/abd.mp4", query["expires"], query["signature"])
    with pytest.raises(MediaLinkInvalid):
        links.verify("final/abc.mp4", str(int(query["expires"]) + 60), query["signature"])
    with pytest.raises(MediaLinkInvalid):  # another secret, another key
        ApiSignedUrls("another-secret-16+", 900).verify(
            "final/abc.mp4", query["expires"], query["signature"]
        )
    clock[0] = int(query["expires"]) + 1
    with pytest.raises(MediaLinkInvalid, match="expired"):
        links.verify("final/abc.mp4", query["expires"], query["signature"])
    assert datetime.fromtimestamp(int(query["expires"])) > datetime.fromtimestamp(1_800_000_000)


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        (None, 10, None),
        ("bytes=0-3", 10, (0, 3)),
        ("bytes=5-", 10, (5, 9)),
        ("bytes=-4", 10, (6, 9)),
        ("bytes=8-100", 10, (8, 9)),
        ("items=0-1", 10, None),
        ("bytes=0-1,4-5", 10, None),
    ],
)
def test_ranges(header: str | None, size: int, expected: tuple[int, int] | None) -> None:
    got = parse_range(header, size)
    assert (None if got is None else (got.start, got.end)) == expected


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=5-2", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 10)
