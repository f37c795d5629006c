"""Dashboards and alerts read log-based metrics that the code's structlog events really feed.

A log-based metric whose filter names an event (or a field) no log call writes stays at zero
forever, silently: the dashboards look calm and the alerts never fire. So every event and
jsonPayload field named in infra/terraform/modules/observability is matched against the log
calls in src/shortvideo (read with ast), and every metric a tile or an alert reads exists.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import shutil
from collections import defaultdict
from typing import Any

import pytest

from tests.infra import model, tf_eval
from tests.infra.model import ROOT

OBSERVABILITY = model.module("observability")
METRICS: dict[str, dict[str, object]] = OBSERVABILITY["locals"]["log_metrics"]
LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}
# Fields structlog adds to every line (logs.py processors), not kwargs of a call.
ALWAYS = {"level", "timestamp", "severity", "message"}


@functools.cache
def logged() -> tuple[dict[str, set[str]], set[str]]:
    """Event name -> fields its log calls pass; and the fields loggers are bound with."""
    events: dict[str, set[str]] = defaultdict(set)
    bound: set[str] = set()
    for path in (ROOT / "src" / "shortvideo").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            names = {k.arg for k in node.keywords if k.arg}
            if name in ("get_logger", "bind"):
                bound |= names
            elif name in LEVELS and node.args and isinstance(node.args[0], ast.Constant) and (
                isinstance(node.args[0].value, str)
            ):
                events[node.args[0].value] |= names
    return dict(events), bound


def unescaped(value: object) -> str:
    return str(value).replace('\\"', '"')  # python-hcl2 keeps the \" of HCL strings


def named_events(metric: dict[str, object]) -> set[str]:
    pattern = r'jsonPayload\.event=\(?((?:"[a-z_]+"(?: OR )?)+)\)?'
    found = re.search(pattern, unescaped(metric["filter"]))
    assert found, f"no event in {metric['filter']}"
    return set(re.findall(r'"([a-z_]+)"', found.group(1)))


def named_fields(metric: dict[str, object]) -> set[str]:
    text = " ".join([unescaped(metric["filter"]), str(metric.get("field", "")),
                     *map(str, dict(metric["labels"]).values())])  # type: ignore[call-overload]
    return set(re.findall(r"jsonPayload\.([a-z_]+)", text)) - {"event"}


def test_every_metric_names_events_the_code_logs_with_the_fields_it_reads() -> None:
    events, bound = logged()
    assert len(METRICS) >= 10
    for name, metric in METRICS.items():
        for event in named_events(metric):
            assert event in events, f"{name}: no log call writes the event {event!r}"
            missing = named_fields(metric) - events[event] - bound - ALWAYS
            assert not missing, f"{name}: {event} is never logged with {missing}"


def test_refusals_count_the_events_a_refused_block_logs() -> None:
    # A refusal's code is content_filtered.<category> (decision 0011): both outcomes of a
    # refused block (rephrased, refused again) are logged with it.
    assert named_events(METRICS["veo_refusals"]) == {
        "video_block_rephrased", "video_block_refused_after_rephrase"}


def metric_reads() -> set[str]:
    """Metric names the tiles and alerts read (Monitoring filters and PromQL names)."""
    text = repr(OBSERVABILITY["locals"])
    reads = set(re.findall(r"\$\{local\.metric\}/([a-z_]+)", text))
    for read in re.findall(r"\$\{local\.promql\}_([a-z_]+)", text):
        reads.add(re.sub(r"_(sum|count|bucket)$", "", read))
    return reads


def test_every_metric_a_tile_or_alert_reads_exists() -> None:
    reads = metric_reads()
    assert reads - set(METRICS) == set()
    assert {"jobs_failed", "jobs_created", "monitor_recovered", "video_cost_usd"} <= reads


def tile_titles(board: str) -> str:
    tiles = OBSERVABILITY["locals"]["dashboards"][board]["tiles"]
    return " | ".join(t["title"] for t in tiles)


def test_the_dashboards_show_every_panel_the_issue_lists() -> None:
    generation = tile_titles("generation")
    for panel in ("Videos created per day", "Generation time p50", "Generation time p95",
                  "Success rate", "Cost per video", "Veo throttles", "Veo refusals"):
        assert panel in generation, panel
    service = tile_titles("service")
    for panel in ("API latency p95", "API errors", "Cold starts"):
        assert panel in service, panel


def test_the_alerts_the_issue_lists_exist_with_their_thresholds() -> None:
    alerts = OBSERVABILITY["locals"]["alerts"]
    assert set(alerts) >= {"failure_rate", "stuck_jobs", "api_latency", "api_errors"}
    assert alerts["failure_rate"]["promql"].endswith("[1h])), 1) > 0.1")
    assert alerts["api_latency"]["threshold"]["aligner"] == "ALIGN_PERCENTILE_95"
    for name, alert in alerts.items():  # exactly one kind of condition each
        assert (alert["promql"] is None) != (alert["threshold"] is None), name
    budget = OBSERVABILITY["resource"]["google_billing_budget"]["project"]
    assert budget["dynamic"][0]["threshold_rules"]["for_each"] == [0.5, 0.75, 0.9, 1.0]


# --- the same module evaluated by terraform itself (offline; where a binary exists) --------

EVAL_OUTPUTS = """
output "metrics" {
  value = {
    for k, m in local.log_metrics : k => { distribution = can(m.field), unit = try(m.unit, "1") }
  }
}
output "alerts" { value = local.alerts }
"""


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if shutil.which("terraform") is None:
        pytest.skip("no terraform binary on this machine")
    variables = {"environment": "prod", "project_number": "1", "billing_account_id": "x",
                 "monthly_budget_usd": 100, "alert_email": "oncall@example.com",
                 "api_service_name": "api", "api_p95_threshold_ms": 1500}
    return tf_eval.plan(model.TF_DIR / "modules" / "observability",
                        tmp_path_factory.mktemp("observability"),
                        {"google_monitoring_dashboard": "dashboard_json"}, EVAL_OUTPUTS, variables)


def test_terraform_renders_each_tile_with_exactly_one_query(evaluated: dict[str, Any]) -> None:
    boards = {r["index"]: json.loads(r["values"]["input"])
              for r in evaluated["planned_values"]["root_module"]["resources"]}
    assert set(boards) == {"generation", "service"}
    for name, board in boards.items():
        tiles = board["mosaicLayout"]["tiles"]
        assert len(tiles) == len(OBSERVABILITY["locals"]["dashboards"][name]["tiles"])
        for tile in tiles:
            query = tile["widget"]["xyChart"]["dataSets"][0]["timeSeriesQuery"]
            assert len(query) == 1, tile["widget"]["title"]
            if "timeSeriesFilter" in query:
                aggregation = query["timeSeriesFilter"]["aggregation"]
                assert aggregation["perSeriesAligner"] and aggregation["alignmentPeriod"]
            else:
                assert "logging_googleapis_com:user_shortvideo_" in query["prometheusQuery"]


def test_terraform_types_each_metric_by_whether_it_reads_a_field(
    evaluated: dict[str, Any],
) -> None:
    metrics = evaluated["planned_values"]["outputs"]["metrics"]["value"]
    for name, spec in METRICS.items():
        assert metrics[name]["distribution"] == ("field" in spec), name
    assert metrics["generation_seconds"]["unit"] == "s"
    assert metrics["jobs_created"]["unit"] == "1"
    alerts = evaluated["planned_values"]["outputs"]["alerts"]["value"]
    assert alerts["api_latency"]["name"] == "Creator API: p95 latency over 1500 ms"
