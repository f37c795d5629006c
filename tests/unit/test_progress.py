"""The progress update: words and codes, percent, ETA from measured times, failure and retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shortvideo.studio.progress import PRIOR_SECONDS, progress

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def job(**fields):  # type: ignore[no-untyped-def]
    return {
        "video_id": "v1",
        "status": "queued",
        "completed_blocks": 0,
        "total_blocks": 9,
        "stage_timings": {},
        "updated_at": NOW,
        **fields,
    }


def test_eta_uses_the_jobs_own_block_rate_once_measured() -> None:
    timings = {
        "script": {
            "started_at": NOW - timedelta(seconds=200),
            "finished_at": NOW,
            "seconds": 20.0,
        },
        "video": {"started_at": NOW - timedelta(seconds=120)},
    }
    update = progress(
        job(status="generating_video", completed_blocks=3, stage_timings=timings), NOW
    )
    # 120 s for 3 blocks: 40 s a block, 6 left; assembly not started: its prior.
    assert update["eta_seconds"] == 6 * 40 + PRIOR_SECONDS["assemble"]
    assert update["percent"] == round(5 + 80 * 3 / 9, 1)
    assert update["status_code"] == 40 and update["stage_timings"]["video"]["seconds"] == 120.0
    fresh = progress(job(), NOW)
    assert fresh["eta_seconds"] == sum(
        (PRIOR_SECONDS["script"], 9 * PRIOR_SECONDS["block"], PRIOR_SECONDS["assemble"])
    )


def test_a_retry_and_a_failure_say_why_and_when() -> None:
    retry_at = NOW + timedelta(seconds=60)
    waiting = progress(
        job(
            status="script_generated",
            next_retry_at=retry_at,
            error={"stage": "video", "code": "quota_exceeded", "message": "429", "internal": "x"},
        ),
        NOW,
    )
    assert waiting["next_retry_at"] == retry_at.isoformat()
    assert waiting["error"] == {"stage": "video", "code": "quota_exceeded", "message": "429"}
    assert waiting["eta_seconds"] >= 60
    failed = progress(
        job(
            status="failed",
            error={"stage": "video", "code": "content_filtered.x", "message": "refused"},
        ),
        NOW,
    )
    assert failed["final"] is True and failed["status_code"] == 900
    assert failed["eta_seconds"] is None and failed["error"]["code"] == "content_filtered.x"
