"""Part 4: the creator API under load. p50/p95 latency, requests/s and errors per endpoint.

The local stack runs the Firestore, GCS and Cloud Tasks emulators and the API (uvicorn, one
worker, the same process `./dev.sh up` starts); the pipeline functions are *not* started, so
the jobs created stay `queued` (their script doorbells go to the Cloud Tasks emulator, which
fails to deliver them and gives up after its retries). The API work measured is therefore
exactly what a request does in production: token check, validation, the job-creating
Firestore transaction (with the month's budget reservation) and the Cloud Tasks doorbell for
POST, a Firestore query for the list.

`clients` (50) closed-loop clients, spread over `creators` creators, each send their next
request as soon as the previous answer arrives, for `seconds` (30): with probability
`post_share` (0.2) a `POST /videos` with a varied body, else `GET /videos/my-videos?limit=20`.
Before that, a warm-up (not measured) gives every creator `warmup_jobs` (20) videos so that the
lists are full pages. The monthly budget is set out of reach (MONTHLY_BUDGET_USD) so that no
request is refused for money; its document is still written by every POST, as in production.
An error is any answer other than 202 (POST) or 200 (GET), or no answer (timeout, reset).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from devstack.bench.report import percentile
from devstack.clients import firestore_client
from devstack.creators import add_creator
from devstack.stack import Stack
from shortvideo.models import Language, Style

LIST = "GET /videos/my-videos"
CREATE = "POST /videos"
LIBRARY = "GET /videos/my-videos sorted+filtered, 50 cards"
EXPECTED = {LIST: 200, CREATE: 202, LIBRARY: 200}
# The library requests: a sort and a filter each time, 50 finished cards (3 signed URLs each).
LIBRARY_QUERIES = (
    {"sort": "views", "limit": 50},
    {"sort": "duration", "limit": 50},
    {"sort": "date", "status": "completed", "limit": 50},
    {"sort": "views", "favorite": "false", "limit": 50},
    {"sort": "duration", "language": "en", "limit": 50},
)
LIBRARY_SHARE = 0.3
THEMES = ("octopuses", "volcanoes", "bees", "the moon", "old trains", "coral reefs", "owls")
REQUEST_TIMEOUT = 30.0
# The bench measures the API's throughput, not its abuse limits (decision 8): those are off.
STACK_OVERRIDES = {
    "MONTHLY_BUDGET_USD": "1000000000",
    "CREATE_VIDEO_PER_MINUTE": "0",
    "CREATE_VIDEO_PER_HOUR": "0",
    "MAX_RUNNING_JOBS_PER_CREATOR": "0",
}


@dataclass(frozen=True)
class Sample:
    endpoint: str
    started: float  # seconds since the run started
    seconds: float
    status: int  # 0: no answer
    error: str = ""  # exception name when there was no answer

    @property
    def ok(self) -> bool:
        return self.status == EXPECTED[self.endpoint]


def video_body(rng: random.Random, n: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "theme": f"The secret life of {rng.choice(THEMES)} #{n}",
        "style": rng.choice(list(Style)).value,
        "language": rng.choice(list(Language)).value,
        "target_seconds": rng.choice((64, 71, 78, 85)),
    }
    if rng.random() < 0.25:
        body["music"] = "calm"
    if rng.random() < 0.2:
        body["character_id"] = "nova"
    return body


def endpoint_summary(samples: Sequence[Sample], wall_seconds: float) -> dict[str, Any]:
    latencies = [s.seconds * 1000 for s in samples]
    errors = [s for s in samples if not s.ok]
    by_kind = Counter(s.error or str(s.status) for s in errors)
    summary: dict[str, Any] = {
        "requests": len(samples),
        "errors": len(errors),
        "error_kinds": dict(sorted(by_kind.items())),
        "requests_per_second": round(len(samples) / wall_seconds, 1) if wall_seconds else 0.0,
    }
    if latencies:
        summary.update(
            p50_ms=round(percentile(latencies, 0.5), 1),
            p95_ms=round(percentile(latencies, 0.95), 1),
            p99_ms=round(percentile(latencies, 0.99), 1),
            max_ms=round(max(latencies), 1),
            mean_ms=round(sum(latencies) / len(latencies), 1),
        )
    return summary


def summarize(samples: Sequence[Sample], wall_seconds: float) -> dict[str, Any]:
    """Per endpoint and overall: requests, errors, requests/s, latency percentiles (ms)."""
    endpoints = {
        name: endpoint_summary([s for s in samples if s.endpoint == name], wall_seconds)
        for name in (LIST, LIBRARY, CREATE)
    }
    overall = endpoint_summary(samples, wall_seconds)
    return {"endpoints": endpoints, "overall": overall}


async def _one(
    http: httpx2.AsyncClient, endpoint: str, token: str, body: dict[str, Any] | None, t0: float
) -> Sample:
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    try:
        if endpoint == CREATE:
            response = await http.post("/videos", json=body, headers=headers)
        elif endpoint == LIBRARY:
            response = await http.get("/videos/my-videos", params=body, headers=headers)
        else:
            response = await http.get("/videos/my-videos", params={"limit": 20}, headers=headers)
        status, error = response.status_code, ""
    except httpx2.HTTPError as exc:
        status, error = 0, type(exc).__name__
    return Sample(endpoint, started - t0, time.perf_counter() - started, status, error)


async def _client(
    http: httpx2.AsyncClient, token: str, rng: random.Random, post_share: float,
    t0: float, deadline: float, out: list[Sample],
) -> None:  # fmt: skip
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        draw = rng.random()
        if draw < post_share:
            out.append(await _one(http, CREATE, token, video_body(rng, n), t0))
        elif draw < post_share + LIBRARY_SHARE:
            query = dict(rng.choice(LIBRARY_QUERIES))
            out.append(await _one(http, LIBRARY, token, query, t0))
        else:
            out.append(await _one(http, LIST, token, None, t0))


async def _load(
    base_url: str, tokens: Sequence[str], clients: int, seconds: float, post_share: float,
    seed: int, progress: Callable[[str], None],
) -> tuple[list[Sample], float]:  # fmt: skip
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    samples: list[Sample] = []
    async with httpx2.AsyncClient(
        base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT
    ) as http:
        t0 = time.perf_counter()
        deadline = t0 + seconds
        tasks = []
        for i in range(clients):
            rng = random.Random(seed + i)
            loop = _client(http, tokens[i % len(tokens)], rng, post_share, t0, deadline, samples)
            tasks.append(asyncio.create_task(loop))
        while not all(t.done() for t in tasks):
            await asyncio.wait(tasks, timeout=5)
            if time.perf_counter() < deadline:
                progress(f"api: {len(samples)} requests after {time.perf_counter() - t0:.0f} s")
        for task in tasks:
            task.result()  # re-raise a bug in the client loop
        wall = time.perf_counter() - t0
    return samples, wall


async def _warm_up(base_url: str, tokens: Sequence[str], jobs: int, seed: int) -> int:
    """Give every creator `jobs` videos (full list pages), a few creators at a time."""
    rng = random.Random(seed)
    created = 0
    async with httpx2.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT) as http:
        for n in range(jobs):
            results = await asyncio.gather(
                *(_one(http, CREATE, token, video_body(rng, n), 0.0) for token in tokens)
            )
            created += sum(1 for r in results if r.ok)
    return created


def _cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


def group_cpu_seconds(pgid: int | None, proc: Path = Path("/proc")) -> float:
    """User + system CPU seconds of the live processes of one process group."""
    if pgid is None:
        return 0.0
    ticks = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # after "pid (comm)": state, ppid, pgrp, ..., utime, stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def finish_warm_jobs(env: Mapping[str, str], seed: int) -> int:
    """Mark the warm-up jobs finished (no functions run here), with durations and views, so
    that library pages are full of cards with media URLs; their objects are not needed."""
    rng = random.Random(seed)
    db = firestore_client(env)
    refs = [snap.reference for snap in db.collection("video_status").select([]).stream()]
    for start in range(0, len(refs), 400):
        batch = db.batch()
        for ref in refs[start : start + 400]:
            batch.update(ref, {"status": "completed", "duration": rng.choice((64.0, 71.0, 85.0)),
                               "views": rng.randrange(0, 50)})  # fmt: skip
        batch.commit()
    return len(refs)


def signing_costs(cards: int = 50, urls_per_card: int = 3) -> dict[str, Any]:
    """In-process: what signing a library page costs with a V4 key signer, uncached and cached.

    On Cloud Run each uncached URL is also one IAM signBlob round trip (not measurable here);
    the cache makes a repeated page cost no signing at all until URLs near expiry.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage  # type: ignore[attr-defined]
    from google.oauth2 import service_account

    from shortvideo.adapters.gcs_signed_urls import GcsSignedUrls
    from shortvideo.studio.media import ApiSignedUrls

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        {
            "type": "service_account",
            "client_email": "bench@demo.iam.gserviceaccount.com",
            "private_key": pem,
            "private_key_id": "b",
            "project_id": "demo",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )
    client = storage.Client(project="demo", credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    v4 = GcsSignedUrls(client, "bench", 900, key_credentials=credentials)
    names = [f"final/{i:04d}.mp4" for i in range(cards * urls_per_card)]

    def page_ms(sign: Callable[[str], str]) -> float:
        started = time.perf_counter()
        for name in names:
            sign(name)
        return round((time.perf_counter() - started) * 1000, 2)

    api = ApiSignedUrls("bench-secret-of-16+", 900)
    return {
        "cards": cards,
        "urls": len(names),
        "v4_local_key_uncached_ms": page_ms(v4.signed_url),
        "v4_cached_ms": page_ms(v4.signed_url),
        "v4_signatures": v4.signatures,
        "api_hmac_ms": page_ms(api.signed_url),
    }


def _job_count(env: Mapping[str, str]) -> int:
    jobs = firestore_client(env).collection("video_status")
    return sum(1 for _ in jobs.select([]).stream())


def bench_api(
    root: Path,
    *,
    clients: int = 50,
    seconds: float = 30.0,
    creators: int = 10,
    post_share: float = 0.2,
    warmup_jobs: int = 50,
    seed: int = 4,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    stack = Stack(root, overrides=STACK_OVERRIDES, functions=False, api=True, monitor_interval=0)
    progress("api: starting the emulators and the API (no pipeline functions)")
    stack.start()
    try:
        env = stack.env()
        tokens = [add_creator(env, f"Bench creator {i}")[1] for i in range(creators)]
        progress(f"api: warm-up, {warmup_jobs} videos for each of {creators} creators")
        warm = asyncio.run(_warm_up(stack.api_url, tokens, warmup_jobs, seed))
        finish_warm_jobs(env, seed)
        progress(f"api: {clients} clients for {seconds:g} s, {post_share:.0%} POST")
        watched = {name: stack.pid(name) for name in ("api", "firestore", "tasks", "storage")}
        cpu_before = {name: group_cpu_seconds(pid) for name, pid in watched.items()}
        busy0, total0 = _cpu_busy()
        cpu0 = time.process_time()
        samples, wall = asyncio.run(
            _load(stack.api_url, tokens, clients, seconds, post_share, seed, progress)
        )
        client_cpu = time.process_time() - cpu0
        busy1, total1 = _cpu_busy()
        cpu_seconds = {
            name: round(group_cpu_seconds(pid) - cpu_before[name], 1)
            for name, pid in watched.items()
        }
        cpu_seconds["load_generator"] = round(client_cpu, 1)
        jobs_in_store = _job_count(env)
    finally:
        stack.stop()
    summary = summarize(samples, wall)
    created = sum(1 for s in samples if s.endpoint == CREATE and s.ok)
    return {
        "setup": {
            "clients": clients,
            "seconds": seconds,
            "creators": creators,
            "post_share": post_share,
            "mix": f"{1 - post_share - LIBRARY_SHARE:.0%} {LIST}?limit=20, "
            f"{LIBRARY_SHARE:.0%} {LIBRARY} {list(LIBRARY_QUERIES)}, {post_share:.0%} {CREATE}",
            "library_share": LIBRARY_SHARE,
            "loop": "closed: each client sends its next request when the answer arrives",
            "warmup_jobs_per_creator": warmup_jobs,
            "stack": "Firestore, GCS and Cloud Tasks emulators + API (uvicorn, 1 worker); "
            "pipeline functions not started: created jobs stay queued",
            "overrides": dict(STACK_OVERRIDES),
        },
        "wall_seconds": round(wall, 2),
        **summary,
        "checks": {
            "warmup_created": warm,
            "jobs_created_in_run": created,
            "jobs_in_firestore": jobs_in_store,
            "every_202_is_a_job": jobs_in_store == warm + created,
        },
        "machine_cpu_busy": round((busy1 - busy0) / (total1 - total0), 3)
        if total1 > total0
        else None,
        # CPU seconds each process group used during the load (2 cores x wall is the most).
        "cpu_seconds": cpu_seconds,
        "cpus": os.cpu_count(),
        "signing": signing_costs(),
    }
