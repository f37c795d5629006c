"""Segments under Vertex's limits: tails, billing per mode, estimates, ceilings, block starts."""

import pytest

from shortvideo.errors import BudgetExceeded, ConfigError, CostCeilingExceeded
from shortvideo.segments import (
    Part,
    billed_seconds,
    planned_billed_seconds,
    planned_video_seconds,
    request_seconds,
    tail_ranges,
)
from shortvideo.settings import settings_from
from shortvideo.stages import intake
from shortvideo.stages.narration import block_start
from tests.fakes import memory_services


def test_the_tail_is_cut_from_the_last_parts_in_order():
    parts = [Part(0, "b0", 0.0, 8.0), Part(1, "b1", 8.0, 7.0), Part(2, "b2", 8.0, 7.04)]
    assert tail_ranges(parts, 8.0) == [(parts[1], 14.04, 0.96), (parts[2], 8.0, 7.04)]
    assert tail_ranges(parts, 3.0) == [(parts[2], 12.04, 3.0)]
    assert tail_ranges(parts, 30.0) == [(p, p.start, p.seconds) for p in parts]  # all of it


@pytest.mark.parametrize(
    ("env", "per_block", "total"),
    [
        ({}, [8.0] + [7.0] * 8, 64.0),  # new_seconds: each extension bills its 7 new seconds
        ({"VEO_EXTENSION_BILLING": "output_seconds"}, [8.0] + [15.0] * 8, 128.0),
        ({"VEO_EXTENSION_BILLING": "output_seconds", "VEO_EXTENSION_INPUT_SECONDS": "1"},
         [8.0] + [8.0] * 8, 72.0),
        ({"VEO_EXTENSION_BILLING": "output_seconds", "VEO_EXTENSION_INPUT_SECONDS": "30"},
         [8.0, 15.0, 22.0, 29.0, 36.0, 37.0, 37.0, 37.0, 37.0], 258.0),
        ({"VEO_EXTENSION_ROUTE": "image_to_video"}, [8.0] * 9, 72.0),
    ],
)  # fmt: skip
def test_billed_seconds_per_block_follow_route_billing_and_window(env, per_block, total):
    settings = settings_from(env)
    assert planned_billed_seconds(settings, 9) == per_block
    assert sum(planned_billed_seconds(settings, 9)) == total


def test_lengths_and_requested_durations_per_route():
    extend, image = settings_from({}), settings_from({"VEO_EXTENSION_ROUTE": "image_to_video"})
    assert [request_seconds(extend, i) for i in range(3)] == [8, 7, 7]
    assert [request_seconds(image, i) for i in range(3)] == [8, 8, 8]
    assert planned_video_seconds(extend, 12) == 85 and planned_video_seconds(image, 9) == 72
    assert billed_seconds(extend, 3, 8.02) == 7.0
    output = settings_from({"VEO_EXTENSION_BILLING": "output_seconds"})
    assert billed_seconds(output, 3, 8.02) == 15.02 and billed_seconds(output, 0) == 8.0


@pytest.mark.parametrize(
    "env",
    [{"VEO_EXTENSION_INPUT_SECONDS": "31"}, {"VEO_EXTENSION_INPUT_SECONDS": "0.5"},
     {"VEO_EXTENSION_ROUTE": "omni"}, {"VEO_EXTENSION_BILLING": "per_request"}],
)  # fmt: skip
def test_settings_refuse_what_vertex_or_the_routes_do_not_allow(env):
    with pytest.raises(ConfigError):
        settings_from(env)


def test_estimate_ceiling_and_budget_use_the_billing_mode(tmp_path):
    svc = memory_services(tmp_path)
    assert intake.create_job(svc, {"theme": "t"})["cost"]["estimated_usd"] == pytest.approx(25.6)
    output = memory_services(tmp_path, VEO_EXTENSION_BILLING="output_seconds")
    with pytest.raises(CostCeilingExceeded) as err:  # 128 s x $0.40 = $51.20 > $40
        intake.create_job(output, {"theme": "t"})
    assert err.value.field == "target_seconds" and not output.jobs.jobs
    cheap = memory_services(
        tmp_path, VEO_EXTENSION_BILLING="output_seconds", VEO_EXTENSION_INPUT_SECONDS="1",
        MONTHLY_BUDGET_USD="60",
    )  # fmt: skip
    job = intake.create_job(cheap, {"theme": "t"})
    assert job["cost"]["estimated_usd"] == pytest.approx(72 * 0.40)  # $28.80 reserved
    intake.create_job(cheap, {"theme": "t"})  # $57.60 of $60
    with pytest.raises(BudgetExceeded):
        intake.create_job(cheap, {"theme": "t"})


def test_blocks_start_where_the_measured_parts_before_them_end():
    lengths = [8.0, 7.04, 6.96, 7.0]
    assert [block_start(i, lengths) for i in range(4)] == [0.0, 8.0, 15.04, 22.0]
    assert [block_start(i) for i in range(3)] == [0.0, 8.0, 15.0]  # nominal, without lengths
