"""The series stores on the real Firestore emulator: the slot created with its job (both or
neither), the per-creator cap, the due query, and the dispatcher run twice at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import firestore

from shortvideo import wiring
from shortvideo.adapters.firestore_jobs import FirestoreJobStore
from shortvideo.adapters.firestore_limits import BUDGETS
from shortvideo.adapters.firestore_schedules import FirestoreScheduleStore
from shortvideo.errors import AlreadyExists, ScheduleLimitReached
from shortvideo.ports import BudgetCharge, NewDocument
from shortvideo.series.dispatcher import run_dispatcher
from shortvideo.series.schedules import create_schedule
from shortvideo.series.spec import SLOTS
from shortvideo.settings import get_settings

pytestmark = pytest.mark.integration
T0 = datetime.now(UTC).replace(second=30, microsecond=0) - timedelta(minutes=3)


def job_doc(video_id: str) -> dict:
    return {"video_id": video_id, "status": "queued", "created_by": "ada",
            "created_at": T0, "updated_at": T0}  # fmt: skip


def test_the_slot_is_created_with_its_job_and_a_taken_slot_writes_nothing(clean_emulators):
    db = firestore.Client()
    jobs = FirestoreJobStore(db)
    month = "2099-01"
    slot = NewDocument(SLOTS, "s1_20990101T0900Z", {"slot_id": "s1_20990101T0900Z", "n": 1})
    jobs.create_job(job_doc("job-a"), BudgetCharge(month, 10.0, 1000.0), also_create=slot)
    assert db.collection(SLOTS).document(slot.document_id).get().to_dict()["n"] == 1
    with pytest.raises(AlreadyExists):
        jobs.create_job(job_doc("job-b"), BudgetCharge(month, 10.0, 1000.0), also_create=slot)
    assert not db.collection("video_status").document("job-b").get().exists
    assert db.collection(SLOTS).document(slot.document_id).get().to_dict()["n"] == 1
    # The refused job's reservation was given back: only job-a's $10 is reserved.
    budget = db.collection(BUDGETS).document(month).get().to_dict()
    assert round(budget["reserved_usd"], 2) == 10.0


def test_concurrent_creations_never_pass_the_cap(clean_emulators):
    store = FirestoreScheduleStore(firestore.Client())

    def add(n: int) -> str:
        doc = {"schedule_id": f"s{n}", "created_by": "ada", "created_at": T0}
        try:
            store.add_schedule(doc, max_per_creator=3)
        except ScheduleLimitReached:
            return "refused"
        return "added"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(add, range(6)))
    assert outcomes.count("added") == 3, outcomes
    assert len(store.list_schedules_by_creator("ada")) == 3


def test_two_dispatcher_runs_at_once_make_one_job_per_slot(clean_emulators, monkeypatch):
    monkeypatch.setenv("MAX_RUNNING_JOBS_PER_CREATOR", "0")
    monkeypatch.setenv("CREATE_VIDEO_PER_MINUTE", "0")
    monkeypatch.setenv("CREATE_VIDEO_PER_HOUR", "0")
    get_settings.cache_clear()
    wiring.services.cache_clear()
    try:
        svc = wiring.services()
        spec = {"name": "n", "cron": "* * * * *", "time_zone": "America/New_York",
                "themes": ["a", "b", "c"]}  # fmt: skip
        schedule = create_schedule(svc, "ada", spec, now=T0)
        now = T0 + timedelta(minutes=3)  # three slots due
        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(lambda _: run_dispatcher(svc, now=now), range(2)))
        made = sum(len(r["created"]) for r in runs)
        db = firestore.Client()
        jobs = [d.to_dict() for d in db.collection("video_status").stream()]
        mine = [j for j in jobs if j.get("series_id") == schedule["schedule_id"]]
        assert made == len(mine) == 3
        slots = svc.schedules.list_slots(schedule["schedule_id"], 10)
        assert sorted(s["video_id"] for s in slots) == sorted(j["video_id"] for j in mine)
        assert sorted(j["theme"] for j in mine) == ["a", "b", "c"]
        assert svc.schedules.list_due_schedules(now, 10) == []
    finally:
        get_settings.cache_clear()
        wiring.services.cache_clear()


def test_the_dispatcher_function_answers_its_scheduler_only_and_makes_the_due_jobs(
    clean_emulators, monkeypatch
):
    from functions_framework import create_app

    from devstack.local_oidc import (
        SCHEDULER_SERVICE_ACCOUNT,
        TASKS_SERVICE_ACCOUNT,
        sign_id_token,
    )
    from tests.conftest import REPO_ROOT

    audience = "https://series-dispatcher.test/"
    monkeypatch.setenv("OIDC_VERIFY", "true")
    monkeypatch.setenv("OIDC_AUDIENCE", audience)
    monkeypatch.setenv("OIDC_ALLOWED_SERVICE_ACCOUNTS", SCHEDULER_SERVICE_ACCOUNT)
    monkeypatch.setenv("MAX_RUNNING_JOBS_PER_CREATOR", "0")
    get_settings.cache_clear()
    wiring.services.cache_clear()
    try:
        svc = wiring.services()
        spec = {"name": "n", "cron": "* * * * *", "time_zone": "Europe/Paris", "themes": ["a"]}
        schedule = create_schedule(svc, "ada", spec, now=datetime.now(UTC) - timedelta(minutes=2))
        source = REPO_ROOT / "functions" / "series_dispatcher" / "main.py"
        app = create_app("handle", str(source)).test_client()

        def headers(email: str) -> dict[str, str]:
            token = sign_id_token(
                clean_emulators.oidc_keys.key_file, audience=audience, email=email
            )
            return {"Authorization": f"Bearer {token}"}

        for refused_headers, status in [({}, 401), (headers(TASKS_SERVICE_ACCOUNT), 403)]:
            refused = app.post("/", data="", headers=refused_headers)
            assert refused.status_code == status
            assert svc.schedules.list_slots(schedule["schedule_id"], 10) == []
        bad = app.post("/", data='{"now": 1}', content_type="application/json",
                       headers=headers(SCHEDULER_SERVICE_ACCOUNT))  # fmt: skip
        assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "now"
        answer = app.post("/", data="", headers=headers(SCHEDULER_SERVICE_ACCOUNT))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert len(answer.get_json()["created"]) == 2
        again = app.post("/", data="", headers=headers(SCHEDULER_SERVICE_ACCOUNT)).get_json()
        assert again["created"] == [] and again["due_schedules"] == 0
        assert len(svc.schedules.list_slots(schedule["schedule_id"], 10)) == 2
    finally:
        get_settings.cache_clear()
        wiring.services.cache_clear()


def test_the_owners_verified_email_is_read_from_users(clean_emulators):
    db = firestore.Client()
    store = FirestoreScheduleStore(db)
    db.collection("users").document("ada").set({"email_verified": True, "email": "a@x.example"})
    db.collection("users").document("bob").set({"email_verified": False})
    assert store.owner_email_verified("ada") is True
    assert store.owner_email_verified("bob") is False
    assert store.owner_email_verified("nobody") is False
