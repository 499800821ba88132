"""The rule registry: every kind declared once (pipelines/rules/kinds/), and everything that names
kinds (the scheme model, the workbook's drop-downs and columns, the docs) agreeing with it."""

from __future__ import annotations

import pkgutil
import re

import pytest
from conftest import ROOT

from pipelines.rules import kinds as kinds_package
from pipelines.rules.registry import KINDS, RULE_KIND_ZH, input_columns, kind_of, params
from pipelines.schemes.checks import load_scheme_text
from pipelines.schemes.tables import INPUT_COLUMN_ZH
from pipelines.schemes.workbook.layout import (
    ENUMS,
    PARAMS_OF_KIND,
    RULE_PARAM_COLS,
    enum_entry,
    parse_enum,
)

DOC = ROOT / "docs" / "schemes.md"


def doc_rule_rows() -> dict[str, list[str]]:
    """The rows of the 计分规则 table in docs/schemes.md, by kind."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("### 计分规则 Rule kinds")
    section = text[start:text.index("\n### ", start + 1)]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `(\w+)` \|", line)
        if m and m.group(1) != "kind":  # not the header row
            rows[m.group(1)] = [c.strip() for c in line.strip("|").split("|")]
    return rows


def test_every_module_of_the_kinds_package_is_a_registered_kind():
    modules = [m.name for m in pkgutil.iter_modules(kinds_package.__path__)]
    assert sorted(modules) == sorted(KINDS)  # one file per kind, named after it
    assert list(KINDS) == ["assessor_score", "deduction", "rate_target", "ratio", "rank_tiers",
                           "per_event", "choice", "parts", "normalise"]


def test_each_kind_has_one_label_used_everywhere():
    """The drop-down, the tables and the docs say the same label (they used to say 倒扣分 in one
    place and 倒扣分(扣完为止) in another)."""
    assert len(set(RULE_KIND_ZH.values())) == len(RULE_KIND_ZH)
    rows = doc_rule_rows()
    for name, kind in KINDS.items():
        assert ENUMS["rule"][name] == kind.label
        assert enum_entry("rule", name) == f"{name} {kind.label}"
        assert rows[name][1] == kind.label, name
    assert RULE_KIND_ZH["deduction"] == "倒扣分(扣完为止)"


def test_docs_row_of_each_kind_names_its_input_columns():
    rows = doc_rule_rows()
    assert set(rows) == set(KINDS)
    for name, kind in KINDS.items():
        for column in kind.inputs:
            assert INPUT_COLUMN_ZH[column] in rows[name][3], (name, column)


@pytest.mark.parametrize("written,kind", [
    ("倒扣分", "deduction"), ("deduction 倒扣分", "deduction"), ("倒扣分(扣完为止)", "deduction"),
    ("按次计分", "per_event"), ("per_event 按次计分", "per_event"), ("分项计分", "parts"),
    ("比率对标", "rate_target"), ("rate_target", "rate_target"),
])
def test_workbooks_written_with_older_labels_still_read(written, kind):
    assert parse_enum("rule", written) == kind


def test_aliases_do_not_name_another_kind():
    names: dict[str, str] = {}
    for name, kind in KINDS.items():
        for n in (name, kind.label, *kind.aliases):
            assert names.setdefault(n, name) == name, n


def test_parameters_are_model_fields_with_one_column_each():
    fields = [p.field for p in params()]
    assert len(fields) == len(set(fields))
    assert [c.field for c in RULE_PARAM_COLS] == fields
    for name, kind in KINDS.items():
        assert PARAMS_OF_KIND[name] == tuple(p.field for p in kind.params)
        for p in kind.params:
            assert p.field in kind.model.model_fields, (name, p.field)
            if p.kind.startswith("enum:"):
                assert p.kind[5:] in ENUMS


def test_a_composite_reads_its_parts_columns():
    scheme = load_scheme_text("""
id: t-2024
name: t
jurisdiction: t
year: 2024
documents: [{number: "1", title: t}]
unit_types: [{name: 乡镇}]
stages: [{id: yearend, name: 年终, basis: rubric, weight: 1}]
rubrics:
  - id: main
    name: t
    unit_types: [乡镇]
    max_points: 4
    missing_input: zero
    categories:
      - name: c
        children:
          - code: "1"
            max_points: 4
            rule:
              kind: parts
              parts:
                - {name: a, max_points: 2, rule: {kind: choice, options: {是: 2, 否: 0}}}
                - {name: b, max_points: 2, rule: {kind: per_event, points_each: 0.5}}
""", "t.yaml")
    rule = scheme.rubrics[0].categories[0].children[0].rule
    assert kind_of(rule).composite
    assert input_columns(rule) == ("part", "choice", "times")
    assert input_columns(rule, "score") == ("score",)
