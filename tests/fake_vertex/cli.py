"""`python -m tests.fake_vertex.server [--port N] ...`: the fake as a process (devstack)."""

from __future__ import annotations

import argparse
import re
import signal
import threading

from tests.fake_vertex.control import KINDS, RENDER_MODES
from tests.fake_vertex.server import FakeVertex


def _allowed_model(text: str) -> tuple[str, str, tuple[str, ...]]:
    """--allow-model METHOD:MODEL@LOC[,LOC...]"""
    found = re.fullmatch(r"(\w+):([\w.\-]+)@([\w\-,]+)", text)
    if found is None or found[1] not in KINDS:
        raise argparse.ArgumentTypeError(f"expected METHOD:MODEL@LOCATION[,LOCATION], method in "
                                         f"{KINDS}; got {text!r}")  # fmt: skip
    return found[1], found[2], tuple(found[3].split(","))


def main() -> None:
    parser = argparse.ArgumentParser(description="A strict fake of the Vertex AI REST API.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--op-latency", type=float, default=1.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--render", choices=RENDER_MODES, default="full")
    parser.add_argument("--invalid-as", choices=("sync", "operation"), default="sync")
    parser.add_argument("--require-veo-input", action="store_true",
                        help="refuse extension inputs this fake did not make (see 0007)")
    parser.add_argument("--allow-model", type=_allowed_model, action="append", default=[],
                        help="serve one more model id: METHOD:MODEL@LOCATION[,LOCATION]")
    args = parser.parse_args()
    fake = FakeVertex(args.port, op_latency=args.op_latency, fault_rate=args.fault_rate,
                      seed=args.seed)  # fmt: skip
    fake.configure({"render": args.render, "invalid_as": args.invalid_as,
                    "require_veo_input": args.require_veo_input})  # fmt: skip
    for method, model, locations in args.allow_model:
        fake.control.allow_model(method, model, locations)
    fake.start()
    print(f"fake Vertex AI listening on {fake.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    fake.stop()
