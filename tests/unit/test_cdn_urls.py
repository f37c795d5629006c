"""Cloud CDN signed URLs: Google's own worked example, and a verifier doing what the CDN checks.

Cloud CDN "Use signed URLs" (https://cloud.google.com/cdn/docs/using-signed-urls): a request with
a Signature is served only if the method is GET/HEAD, Expires is in the future, and Signature is
the base64url HMAC-SHA1, under the named key, of the URL up to `&Signature=`. The expected
values below are those of Google's sample test for that page (GoogleCloudPlatform/python-docs-
samples cdn/snippets_test.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from shortvideo.adapters.cdn_signed_urls import CdnSignedUrls, decode_cdn_key, sign_cdn_url
from shortvideo.errors import ConfigError
from shortvideo.settings import settings_from
from shortvideo.wiring import media_urls

DOCS_KEY = "nZtRohdNF9m3cKM24IcK4w=="
KEY = base64.urlsafe_b64encode(bytes(range(16))).decode()
BASE = "https://media.acme.example"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://35.186.234.33/index.html",
         "http://35.186.234.33/index.html?Expires=1549751401&KeyName=my-key&"
         "Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc="),
        ("http://www.example.com/",
         "http://www.example.com/?Expires=1549751401&KeyName=my-key&"
         "Signature=OqDUFfHpN5Vxga6r80bhsgxKves="),
        ("http://www.example.com/some/path?some=query&another=param",
         "http://www.example.com/some/path?some=query&another=param&Expires=1549751401&"
         "KeyName=my-key&Signature=9Q9TCxSju8-W5nUkk5CuTrun2_o="),
    ],
)  # fmt: skip
def test_the_docs_worked_examples(url: str, expected: str) -> None:
    assert sign_cdn_url(url, "my-key", decode_cdn_key(DOCS_KEY), 1549751401) == expected


def cdn_accepts(url: str, keys: dict[str, bytes], now: float) -> bool:
    """What Cloud CDN checks of a signed GET, written from the docs (not from our signer)."""
    signed_part, _, signature = url.rpartition("&Signature=")
    params = dict(parse_qsl(urlsplit(signed_part).query))
    key = keys.get(params.get("KeyName", ""))
    if key is None or not params.get("Expires", "").isdigit():
        return False
    expected = base64.urlsafe_b64encode(
        hmac.new(key, signed_part.encode(), hashlib.sha1).digest()
    ).decode()
    return hmac.compare_digest(expected, signature) and int(params["Expires"]) > now


def test_a_url_names_the_object_under_the_cdn_and_passes_the_cdns_checks() -> None:
    clock = [1_800_000_000.0]
    urls = CdnSignedUrls(BASE + "/", "media-2026", KEY, 900, clock=lambda: clock[0])
    url = urls.signed_url("final/abc.mp4")
    assert url.startswith(f"{BASE}/final/abc.mp4?Expires=1800000900&KeyName=media-2026&Signature=")
    keys = {"media-2026": decode_cdn_key(KEY)}
    assert cdn_accepts(url, keys, now=clock[0])
    # Tampered: another object, a later expiry, another key name, another key.
    assert not cdn_accepts(url.replace("abc.mp4", "abd.mp4"), keys, now=clock[0])
    assert not cdn_accepts(url.replace("Expires=1800000900", "Expires=1900000900"), keys,
                           now=clock[0])  # fmt: skip
    assert not cdn_accepts(url.replace("KeyName=media-2026", "KeyName=old"),
                           {**keys, "old": bytes(16)}, now=clock[0])  # fmt: skip
    assert not cdn_accepts(url, {"media-2026": bytes(16)}, now=clock[0])
    # Expired once its lifetime is over.
    assert not cdn_accepts(url, keys, now=clock[0] + 900)


def test_urls_are_cached_until_a_quarter_of_their_life_is_left() -> None:
    clock = [1_800_000_000.0]
    urls = CdnSignedUrls(BASE, "k", KEY, 900, clock=lambda: clock[0])
    first = urls.signed_url("final/abc.mp4")
    clock[0] += 600
    assert urls.signed_url("final/abc.mp4") == first
    clock[0] += 100  # 200 s of 900 left
    assert urls.signed_url("final/abc.mp4") != first
    assert urls.signatures == 2


@pytest.mark.parametrize(
    "key", ["", "not base64!", base64.urlsafe_b64encode(bytes(15)).decode(), "+" * 22 + "=="]
)
def test_a_missing_or_malformed_key_is_refused(key: str) -> None:
    with pytest.raises(ConfigError, match="MEDIA_CDN_KEY"):
        CdnSignedUrls(BASE, "k", key, 900)


def test_cdn_mode_is_wired_from_settings_and_refuses_without_its_key() -> None:
    env = {"MEDIA_URL_MODE": "cdn", "MEDIA_CDN_BASE_URL": BASE, "MEDIA_CDN_KEY_NAME": "k"}
    url = media_urls(settings_from({**env, "MEDIA_CDN_KEY": KEY}), None).signed_url("final/a.mp4")
    assert url.startswith(f"{BASE}/final/a.mp4?Expires=")
    with pytest.raises(ConfigError, match="MEDIA_CDN_KEY"):
        media_urls(settings_from(env), None)
