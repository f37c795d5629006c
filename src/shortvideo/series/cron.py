"""When a schedule's slots fall: a five-field cron expression read in an IANA time zone.

cronsim evaluates the expression on the zone's wall clock and follows Debian cron at the
daylight-saving changes (decision 0018): a fixed time that does not exist that day (02:30 when
clocks jump from 02:00 to 03:00) runs once, when the clocks jump; a fixed time that exists twice
(02:30 when clocks fall back from 03:00 to 02:00) runs once, at its first occurrence; a
wildcard hour ("0 * * * *") runs every real hour. A slot is named by its instant in UTC, so no
two slots of a schedule can share a name and no instant is a slot twice.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from shortvideo.errors import InvalidRequest

CRON_FIELDS = 5
MAX_CRON_CHARS = 100


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone by its exact name ("Europe/Paris"); InvalidRequest naming time_zone."""
    if name not in _zone_names():
        raise InvalidRequest(
            f"{name[:64]!r} is not an IANA time zone name such as Europe/Paris", field="time_zone"
        )
    return ZoneInfo(name)


def check_cron(expression: str) -> str:
    """The expression, normalised to single spaces, if it is a five-field cron that ever fires."""
    fields = expression.split()
    if len(expression) > MAX_CRON_CHARS or len(fields) != CRON_FIELDS:
        raise InvalidRequest(
            "cron must have five fields: minute hour day-of-month month day-of-week "
            "(for example '0 9 * * 1-5')",
            field="cron",
        )
    normalised = " ".join(fields)
    try:
        next(CronSim(normalised, datetime(2000, 1, 1, tzinfo=UTC)))
    except CronSimError as exc:
        raise InvalidRequest(f"cron: {exc}", field="cron") from exc
    except StopIteration as exc:  # e.g. "0 0 30 2 *": valid fields, never a date
        raise InvalidRequest("cron never fires (no date matches it)", field="cron") from exc
    return normalised


def slots_after(expression: str, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """The schedule's slots strictly after `after` (aware), in order, as UTC instants."""
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    last: datetime | None = None
    for local in CronSim(expression, after.astimezone(zone)):
        instant = local.astimezone(UTC)
        # Several skipped wall-clock times collapse onto the jump's instant: one slot.
        if last is not None and instant <= last:
            continue
        last = instant
        yield instant


def next_runs(expression: str, zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    runs: list[datetime] = []
    for instant in slots_after(expression, zone, after):
        runs.append(instant)
        if len(runs) == count:
            break
    return runs


def next_run(expression: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    found = next_runs(expression, zone, after, 1)
    return found[0] if found else None


def slot_key(instant: datetime) -> str:
    """A slot's name: its UTC instant to the minute, e.g. 20260329T0700Z."""
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%MZ")
