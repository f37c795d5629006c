"""Refusals through the whole stack on the Google adapters against the fake Vertex AI.

One job: block 2 is refused at submission (a synchronous 400 usage-guidelines refusal), gets its
one rephrase and passes; block 4 is refused as an operation error (code 3), rephrased, refused
again, and the job fails with the refusal's reason code. Nothing is retried as a provider error.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from devstack.chaos import fake_configure, fake_get
from devstack.clients import firestore_client
from devstack.scheduler import post_json
from devstack.stack import Stack
from tests.e2e.jobs import wait_until_ended

pytestmark = pytest.mark.e2e

REFUSAL = (
    "The prompt could not be submitted. This prompt contains words that violate Vertex AI's "
    "usage guidelines. If you think this was an error, send feedback. Support codes: {code}"
)
SAFER = ("Adults tend a sunny meadow where bees visit flowers.", "Bees hover calmly over a hive.")


def script_fake(url: str, behaviours: list[dict[str, Any]]) -> None:
    status, text = post_json(f"{url}/_fake/script", behaviours)
    assert status == 200, text


def test_a_refused_block_is_rephrased_once_then_passes_or_fails_with_its_reason(
    google_fake_stack: Stack,
) -> None:
    stack = google_fake_stack
    fake_configure(stack.fake_vertex_url, {"fault_rate": 0, "render": "light"})
    op_refusal = {"outcome": "error", "op_latency": 0,
                  "error": {"code": 3, "message": REFUSAL.format(code="61493863")}}  # fmt: skip
    script_fake(stack.fake_vertex_url, [
        {"kind": "predictLongRunning", "times": 2},  # blocks 0 and 1
        {"kind": "predictLongRunning", "status": 400, "message": REFUSAL.format(code="58061214")},
        {"kind": "predictLongRunning", "times": 2},  # block 2 rephrased, block 3
        {"kind": "predictLongRunning", **op_refusal, "times": 2},  # block 4, then its rephrase
        {"kind": "generateContent"},  # the script; then Gemini's two rephrases
        {"kind": "generateContent", "text": SAFER[0]},
        {"kind": "generateContent", "text": SAFER[1]},
    ])  # fmt: skip
    status, text = stack.submit_video({"theme": "Bees and flowers"})  # jobs come from the API
    assert status == 202, text
    video_id = json.loads(text)["video_id"]
    document = firestore_client(stack.env()).collection("video_status").document(video_id)
    doc = wait_until_ended(document, 360)

    assert doc.get("status") == "failed", doc.get("status")
    assert doc["error"]["code"] == "content_filtered.violence"
    assert doc["error"]["stage"] == "video" and doc["attempts"]["video"] == 1
    assert doc["completed_blocks"] == 4
    rephrases = doc["rephrases"]
    assert set(rephrases) == {"2", "4"}
    assert rephrases["2"]["reason_code"] == "content_filtered.child"
    assert rephrases["2"]["outcome"] == "passed"
    assert rephrases["4"]["reason_code"] == "content_filtered.violence"
    assert rephrases["4"]["outcome"] == "refused"
    submits = [c for c in fake_get(stack.fake_vertex_url, "/_fake/calls")
               if c["kind"] == "predictLongRunning"]  # fmt: skip
    prompts = [c["body"]["instances"][0]["prompt"] for c in submits]
    assert len(prompts) == 7  # blocks 0, 1, 2, 2 again, 3, 4, 4 again: no other retry
    for key, first, second, safer in (("2", 2, 3, SAFER[0]), ("4", 5, 6, SAFER[1])):
        entry = rephrases[key]
        assert entry["rephrased_prompt"] == safer
        assert f"Scene: {entry['original_prompt']}" in prompts[first]
        assert f"Scene: {safer}" in prompts[second] and safer not in prompts[first]
    rephrase_calls = [c for c in fake_get(stack.fake_vertex_url, "/_fake/calls")
                      if c["kind"] == "generateContent" and "refused the scene"
                      in json.dumps(c["body"])]  # fmt: skip
    assert len(rephrase_calls) == 2  # Gemini wrote each rephrase
    assert all("/models/gemini-2.5-flash:" in c["path"] for c in rephrase_calls)
