"""One job through the local stack, end to end: python -m devstack.demo --theme "..."."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from devstack.clients import firestore_client, split_gs_uri, storage_client
from devstack.procs import StackError
from devstack.stack import PROVIDERS, Stack

TIMEOUT_SECONDS = 20 * 60
# Output file name -> job fields that may name its object (first present wins).
OUTPUTS = {
    "final.mp4": ("final_video_uri", "final_video_url"),
    "thumbnail.jpg": ("thumbnail_uri", "thumbnail_url"),
    "subtitles.srt": ("subtitles_uri",),
}
STAGE_ORDER = ("script", "video", "assemble")
SUMMARY_KEYS = {"final.mp4": "final_path", "thumbnail.jpg": "thumbnail_path",
                "subtitles.srt": "subtitles_path"}


def repo_root() -> Path:
    """The checkout holding functions/ (this file lives in src/devstack/), else the cwd."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "functions").is_dir() else Path.cwd()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.demo", description=__doc__)
    parser.add_argument("--theme", required=True)
    parser.add_argument("--style")
    parser.add_argument("--language", choices=("fr", "en", "es"))
    parser.add_argument("--music", help="a track in gs://<bucket>/music/, e.g. calm or upbeat")
    parser.add_argument("--character", dest="character_id", help="e.g. nova")
    parser.add_argument("--voice", help="a narrator (Gemini TTS voice), e.g. Rasalgethi, Kore")
    parser.add_argument("--target-seconds", type=int)
    parser.add_argument("--json", action="store_true", help="last stdout line: a JSON summary")
    parser.add_argument("--keep-running", action="store_true", help="leave the stack up")
    parser.add_argument("--provider", choices=PROVIDERS, default="demo",
                        help="demo: offline demo models; google-fake: the Google adapters "
                             "against a local fake of the Vertex AI API")
    return parser.parse_args(argv)


def job_request(args: argparse.Namespace) -> dict[str, Any]:
    fields = ("theme", "style", "language", "music", "character_id", "voice", "target_seconds")
    return {f: getattr(args, f) for f in fields if getattr(args, f) is not None}


def wait_for_job(env: Mapping[str, str], video_id: str, timeout: float) -> dict[str, Any]:
    """Poll video_status/{video_id} every second; a progress line whenever it moves."""
    document = firestore_client(env).collection("video_status").document(video_id)
    started, last_seen, job = time.monotonic(), None, {}
    while time.monotonic() - started < timeout:
        job = document.get().to_dict() or {}
        status = str(job.get("status", "waiting"))
        seen = (status, job.get("completed_blocks"))
        if seen != last_seen:
            last_seen = seen
            blocks = ""
            if job.get("total_blocks"):
                blocks = f" {job.get('completed_blocks') or 0}/{job['total_blocks']} blocks"
            say(f"[{int(time.monotonic() - started):3d}s] {status}{blocks}")
        if status in ("completed", "failed", "cancelled"):
            return job
        time.sleep(1)
    return {**job, "status": "timeout",
            "error": {"code": "timeout", "message": f"not finished after {timeout:.0f} s"}}


def download_outputs(env: Mapping[str, str], job: Mapping[str, Any], out_dir: Path) -> dict[
    str, str | None
]:
    client = storage_client(env)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str | None] = {}
    for filename, fields in OUTPUTS.items():
        uri = next((job[f] for f in fields if job.get(f)), None)
        paths[SUMMARY_KEYS[filename]] = None
        if isinstance(uri, str) and uri.startswith("gs://"):
            bucket, name = split_gs_uri(uri)
            client.bucket(bucket).blob(name).download_to_filename(str(out_dir / filename))
            paths[SUMMARY_KEYS[filename]] = str(out_dir / filename)
    return paths


def summarize(video_id: str, job: Mapping[str, Any], paths: Mapping[str, str | None]) -> dict[
    str, Any
]:
    timings = job.get("stage_timings") or {}
    summary: dict[str, Any] = {"video_id": video_id, "status": job.get("status"), **paths}
    summary.update({key: job.get(key) for key in ("duration", "width", "height", "size_bytes")})
    order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    summary["stage_seconds"] = {
        stage: value.get("seconds")
        for stage, value in sorted(timings.items(), key=lambda kv: order.get(kv[0], 99))
        if isinstance(value, dict)
    }
    summary["provider"] = job.get("provider")
    if job.get("status") != "completed":
        summary["error"] = job.get("error")
    return summary


def print_summary(summary: Mapping[str, Any], elapsed: float) -> None:
    if summary["status"] != "completed":
        say(f"✘ {summary['status']} after {elapsed:.0f} s: {summary.get('error')}")
        return
    size = (summary.get("size_bytes") or 0) / 1e6
    say(f"✔ completed in {elapsed:.0f} s (provider: {summary.get('provider')})")
    say(f"  video      {summary['final_path']}  ({summary.get('duration')} s, "
        f"{summary.get('width')}x{summary.get('height')}, {size:.1f} MB)")
    say(f"  thumbnail  {summary['thumbnail_path']}")
    say(f"  subtitles  {summary['subtitles_path']}")
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in summary["stage_seconds"].items()
                       if isinstance(v, int | float))
    say(f"  stages     {stages or '-'}")


def run(stack: Stack, args: argparse.Namespace) -> int:
    env = stack.env()
    status, text = stack.submit_video(job_request(args), timeout=60)
    try:
        reply = json.loads(text)
    except ValueError:
        reply = {"error": {"code": "bad_reply", "message": text[:500]}}
    if status != 202 or "video_id" not in reply:
        say(f"job rejected ({status}): {json.dumps(reply.get('error', reply))}")
        return 2 if 400 <= status < 500 else 1
    video_id = str(reply["video_id"])
    say(f"job {video_id} {reply.get('status', 'queued')}")
    started = time.monotonic()
    job = wait_for_job(env, video_id, TIMEOUT_SECONDS)
    paths: dict[str, str | None] = {key: None for key in SUMMARY_KEYS.values()}
    if job.get("status") == "completed":
        paths = download_outputs(env, job, stack.root / "out" / video_id)
    summary = summarize(video_id, job, paths)
    print_summary(summary, time.monotonic() - started)
    if args.json:
        print(json.dumps(summary, default=str), flush=True)
    return 0 if summary["status"] == "completed" else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # The demo shows the pipeline, any length: no free-allowance or credits check (`./dev.sh up`
    # is where billing and the Stripe fake are shown, decision 0017).
    stack = Stack(repo_root(), monitor_interval=10, provider=args.provider, api=True,
                  overrides={"BILLING_ENFORCED": "false"})
    say("starting the local stack (emulators, functions, creator API)…")
    code = 130
    try:
        stack.start()
        say("stack up: " + ", ".join(f"{k} {v:.1f}s" for k, v in stack.startup_seconds.items()))
        code = run(stack, args)
        if args.keep_running:
            say("stack still running (Ctrl-C stops it):")
            for key, value in stack.env().items():
                say(f"  {key}={value}")
            while True:
                time.sleep(3600)
    except StackError as exc:
        say(f"local stack failed: {exc}")
        code = 1
    except OSError as exc:
        say(f"could not reach the local stack: {exc}")
        code = 1
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return code

if __name__ == "__main__":
    sys.exit(main())
