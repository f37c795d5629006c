"""Every code the API can answer has a text in the dashboard (frontend/src/i18n/locales).

The codes: each typed error's `code` (every PipelineError subclass in shortvideo), each refusal
category (`content_filtered.<category>`), the codes written as literals into job errors, and
every job status. English is checked here; frontend/src/i18n/translations.test.ts checks that
French and Spanish have every English key.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import shortvideo
from shortvideo.adapters.vertex_refusals import CATEGORY_HINTS
from shortvideo.errors import PipelineError
from shortvideo.models import Status

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "frontend" / "src" / "i18n" / "locales"
# Literal codes in job errors and error bodies: {"code": "x"}, error_body("x", ...), code="x",
# and the HTTP layer's {404: ("not_found", "path")}.
LITERAL = re.compile(r"""(?:["']code["']\s*:\s*|error_body\(\s*|\bcode\s*=\s*|error_code\s*=\s*"""
                     r"""|\b[45]\d\d:\s*\(\s*)["']([a-z][a-z0-9_]*)["']""")


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def api_codes() -> set[str]:
    for module in pkgutil.walk_packages(shortvideo.__path__, "shortvideo."):
        importlib.import_module(module.name)
    codes = {cls.code for cls in _subclasses(PipelineError) | {PipelineError}}
    codes |= {f"content_filtered.{category}" for category in CATEGORY_HINTS}
    for source in Path(shortvideo.__file__).parent.rglob("*.py"):
        codes |= set(LITERAL.findall(source.read_text()))
    return codes


def key(code: str) -> str:
    return code.replace(".", "_")  # i18next reads "." as nesting: frontend/src/i18n/apiText.ts


def test_every_api_error_code_has_an_english_text() -> None:
    texts = json.loads((LOCALES / "en" / "errors.json").read_text())
    codes = api_codes()
    assert {"payment_required", "email_not_verified", "content_filtered.child",
            "lease_expired", "not_found", "csrf_refused"} <= codes  # the scan finds them
    missing = sorted(code for code in codes if not texts.get(key(code), "").strip())
    assert missing == []


def test_every_job_status_has_an_english_text() -> None:
    texts = json.loads((LOCALES / "en" / "status.json").read_text())
    assert sorted(s.value for s in Status if not texts.get(s.value)) == []
