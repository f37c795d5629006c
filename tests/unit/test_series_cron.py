"""Next-run times of cron schedules in IANA zones, across the daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from shortvideo.errors import InvalidRequest
from shortvideo.series.cron import check_cron, next_run, next_runs, parse_zone, slot_key

PARIS = parse_zone("Europe/Paris")
NEW_YORK = parse_zone("America/New_York")
# 2026: Paris springs forward 29 March 02:00 -> 03:00, falls back 25 October 03:00 -> 02:00;
# New York springs forward 8 March 02:00 -> 03:00, falls back 1 November 02:00 -> 01:00.
CHANGES = {
    "paris-spring": (PARIS, datetime(2026, 3, 28, 12, tzinfo=PARIS)),
    "paris-autumn": (PARIS, datetime(2026, 10, 24, 12, tzinfo=PARIS)),
    "ny-spring": (NEW_YORK, datetime(2026, 3, 7, 12, tzinfo=NEW_YORK)),
    "ny-autumn": (NEW_YORK, datetime(2026, 10, 31, 12, tzinfo=NEW_YORK)),
}


def local(runs: list[datetime], zone: object) -> list[str]:
    return [f"{r.astimezone(zone):%m-%d %H:%M%z}" for r in runs]  # type: ignore[arg-type]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_nine_oclock_every_day_is_one_slot_a_day_at_local_nine_across_the_change(
    change: str,
) -> None:
    zone, start = CHANGES[change]
    start -= timedelta(days=1)  # the first slot is the day before the change's eve
    runs = next_runs("0 9 * * *", zone, start, 4)
    assert [r.astimezone(zone).hour for r in runs] == [9, 9, 9, 9]
    days = [r.astimezone(zone).date() for r in runs]
    assert days == [start.date() + timedelta(days=n) for n in range(1, 5)]
    # Across the change the UTC gap is 23 h or 25 h, never 24 h twice: the local hour held.
    gaps = {runs[1] - runs[0], runs[2] - runs[1], runs[3] - runs[2]}
    assert gaps - {timedelta(hours=24)} in ({timedelta(hours=23)}, {timedelta(hours=25)})


def test_weekdays_at_nine_paris_time_in_utc_before_and_after_the_spring_change() -> None:
    # Friday 27 March 2026 (CET, +01:00), then Monday 30 March (CEST, +02:00).
    runs = next_runs("0 9 * * 1-5", PARIS, datetime(2026, 3, 27, 7, tzinfo=UTC), 2)
    assert runs == [datetime(2026, 3, 27, 8, tzinfo=UTC), datetime(2026, 3, 30, 7, tzinfo=UTC)]


@pytest.mark.parametrize(("change", "expected"), [
    ("paris-spring", ["03-29 03:00+0200", "03-30 02:30+0200"]),
    ("ny-spring", ["03-08 03:00-0400", "03-09 02:30-0400"]),
])  # fmt: skip
def test_a_time_that_does_not_exist_that_day_runs_once_when_the_clocks_jump(
    change: str, expected: list[str]
) -> None:
    zone, start = CHANGES[change]
    assert local(next_runs("30 2 * * *", zone, start, 2), zone) == expected


@pytest.mark.parametrize(("change", "expected"), [
    ("paris-autumn", ["10-25 02:30+0200", "10-26 02:30+0100"]),
    ("ny-autumn", ["11-01 01:30-0400", "11-02 01:30-0500"]),
])  # fmt: skip
def test_a_time_that_exists_twice_that_day_runs_once_at_its_first_occurrence(
    change: str, expected: list[str]
) -> None:
    zone, start = CHANGES[change]
    expression = "30 2 * * *" if zone is PARIS else "30 1 * * *"
    assert local(next_runs(expression, zone, start, 2), zone) == expected


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_hourly_schedule_runs_every_real_hour_neither_skipped_nor_doubled(change: str) -> None:
    zone, start = CHANGES[change]
    after = start.replace(hour=23)
    runs = next_runs("0 * * * *", zone, after, 6)
    assert [b - a for a, b in itertools.pairwise(runs)] == [timedelta(hours=1)] * 5
    assert len({slot_key(r) for r in runs}) == 6


def test_half_hourly_across_the_spring_gap_has_no_slot_inside_it_and_none_twice() -> None:
    runs = next_runs("*/30 * * * *", PARIS, datetime(2026, 3, 29, 0, 45, tzinfo=PARIS), 4)
    assert local(runs, PARIS) == [
        "03-29 01:00+0100", "03-29 01:30+0100", "03-29 03:00+0200", "03-29 03:30+0200",
    ]  # fmt: skip


def test_slots_are_strictly_after_the_given_instant_and_in_utc() -> None:
    at = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)  # 09:00 in Paris
    first = next_run("0 9 * * *", PARIS, at)
    assert first == datetime(2026, 5, 5, 7, 0, tzinfo=UTC)
    assert first is not None and first.tzinfo == UTC
    assert next_run("0 9 * * *", PARIS, at - timedelta(seconds=1)) == at


def test_slot_keys_name_the_utc_minute() -> None:
    assert slot_key(datetime(2026, 3, 29, 3, 0, tzinfo=PARIS)) == "20260329T0100Z"


@pytest.mark.parametrize("bad", [
    "61 * * * *", "* * * *", "* * * * * *", "@daily", "0 0 30 2 *", "", "0 9 * * MON-FUN",
])  # fmt: skip
def test_a_bad_cron_expression_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_cron(bad)
    assert caught.value.field == "cron"


def test_a_good_cron_expression_is_normalised() -> None:
    assert check_cron("  0  9 * *   1-5 ") == "0 9 * * 1-5"


@pytest.mark.parametrize("bad", ["Europe/Atlantis", "paris", "../etc/passwd", "", "UTC+2"])
def test_an_unknown_time_zone_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_zone(bad)
    assert caught.value.field == "time_zone"
