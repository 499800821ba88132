"""The input-kind registry (pipelines/inputs/kinds/): every kind declared once, consistent with
the warehouse it loads into, and each told apart from the others by its headers."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.inputs.kinds import KINDS, LOAD_ORDER
from pipelines.inputs.readers import match_headers
from warehouse import database

KIND_NAMES = list(KINDS)


def test_the_kinds_in_load_order_the_unit_list_first():
    assert LOAD_ORDER == ("units", "content", "yearend", "selfassessment", "adjustments",
                          "metrics", "rectification")
    assert [KINDS[k].order for k in LOAD_ORDER] == sorted(KINDS[k].order for k in LOAD_ORDER)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_kind_loads_into_a_state_table_with_its_facts_and_load_id(kind):
    """A kind's table is in schema.sql with the kind's fact columns and types plus load_id, and
    is a state table (a full rebuild carries it over; a table missing there would be emptied)."""
    spec = KINDS[kind]
    assert spec.table in database.STATE_TABLES
    declared = database.table_schema(spec.table)
    assert {**spec.facts, "load_id": pl.Int32()} == dict(declared)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_kind_names_its_keys_and_naming_column_among_its_facts(kind):
    spec = KINDS[kind]
    assert set(spec.key) <= set(spec.facts) and set(spec.replace_key) <= set(spec.facts)
    assert spec.naming in {c.name for c in spec.columns}
    assert len({c.name for c in spec.columns}) == len(spec.columns)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_kinds_headers_tell_it_apart(kind):
    """The required headers of a kind, in Chinese or in English, are recognised as that kind."""
    spec = KINDS[kind]
    for headers in ([c.zh for c in spec.required], [c.name for c in spec.required]):
        found, _, problems = match_headers(headers, "f.csv", None)
        assert (found, problems) == (kind, [])
