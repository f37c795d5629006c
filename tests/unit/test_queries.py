"""Every filter and order in the Firestore adapters belongs to a query in the registry."""

from __future__ import annotations

import re
from pathlib import Path

from shortvideo.queries import QUERIES

SRC = Path(__file__).resolve().parents[2] / "src" / "shortvideo"


def test_every_filter_and_order_in_the_code_is_registered() -> None:
    registered_filters = {(f.field, f.op) for q in QUERIES for f in q.filters}
    registered_orders = {o.field for q in QUERIES for o in q.order}
    code_filters: set[tuple[str, str]] = set()
    code_orders: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        code_filters |= set(re.findall(r'FieldFilter\("(\w+)",\s*"([^"]+)"', text))
        code_orders |= set(re.findall(r'\.order_by\("(\w+)"', text))
    assert code_filters, "the adapters filter on something"
    assert code_filters <= registered_filters, code_filters - registered_filters
    assert code_orders <= registered_orders, code_orders - registered_orders


def test_a_query_on_two_fields_needs_a_composite_index() -> None:
    by_name = {q.name: q for q in QUERIES}
    assert not by_name["jobs_by_status"].needs_composite_index
    assert by_name["jobs_by_creator_newest_first"].needs_composite_index
    assert by_name["ledger_of_creator_newest_first"].needs_composite_index
