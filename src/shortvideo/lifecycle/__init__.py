"""The one owner of job state transitions.

Every function here builds a mutation: it reads the current document and returns the fields to
write, or raises `Skip` when the call must not change anything (a doubled or late doorbell). The
job store runs mutations inside a Firestore transaction, so a check and its write are atomic.
No other module writes `status`, `lease_*`, `attempts` or `error`.

The transitions live in cohesive modules (states, leases, failures, doorbells); this package is
the one entry point: callers use `lifecycle.<name>` and never import the modules themselves.
"""

from shortvideo.lifecycle.doorbells import doorbell_due, mark_retry_rung
from shortvideo.lifecycle.failures import fail, recover_expired, throttle
from shortvideo.lifecycle.leases import (
    WAITING,
    claim,
    complete,
    made_progress,
    progress,
    renew,
    wait,
)
from shortvideo.lifecycle.states import (
    ALLOWED,
    IllegalTransition,
    Skip,
    cancel,
    in_flight_video_seconds,
    new_job,
    transition,
)
from shortvideo.models import ASSEMBLE, SCRIPT, VIDEO

__all__ = [
    "ALLOWED",
    "ASSEMBLE",
    "SCRIPT",
    "VIDEO",
    "WAITING",
    "IllegalTransition",
    "Skip",
    "cancel",
    "claim",
    "complete",
    "doorbell_due",
    "fail",
    "in_flight_video_seconds",
    "made_progress",
    "mark_retry_rung",
    "new_job",
    "progress",
    "recover_expired",
    "renew",
    "throttle",
    "transition",
    "wait",
]
