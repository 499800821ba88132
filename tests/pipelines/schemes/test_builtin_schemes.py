"""The four built-in scheme files against the seeds they transcribe.

Counts, codes and sums come from docs/contract.md and the seed documents; texts must appear
verbatim in the seed (whitespace aside), so a typo in a transcription fails here.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from pipelines.schemes.tables import iter_leaves, node_leaf_sum

SEEDS = ROOT.parent / "shared" / "seeds"


def squash(text: str) -> str:
    """Compare texts without whitespace, and with full-width brackets folded."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def seed_text(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"the seeds are not beside this checkout ({SEEDS})")
    return squash(path.read_text(encoding="utf-8"))


def codes(scheme, rubric_id: str) -> list[str]:
    rubric = next(r for r in scheme.rubrics if r.id == rubric_id)
    return [leaf.indicator.code for leaf in iter_leaves(rubric)]


def test_codes_are_as_the_contract_says(schemes):
    assert codes(schemes["jintan-2013"], "yearend") == [str(i) for i in range(1, 129)]
    assert [it.number for it in schemes["jintan-2013"].content.items] == list(range(1, 46))
    assert codes(schemes["yueyang-2017"], "county") == [str(i) for i in range(1, 40)]
    assert codes(schemes["yueyang-2017"], "municipal") == [str(i) for i in range(1, 33)]
    town = codes(schemes["shengzhou-2020"], "town")
    assert town == [str(i) for i in range(1, 26) if i != 6]  # the seed's table skips 6
    department = codes(schemes["shengzhou-2020"], "department")
    assert department == ([str(i) for i in range(1, 40)] + ["40.1", "40.2", "40.3"]
                          + [str(i) for i in range(41, 52)])
    assert codes(schemes["huaibei-2019"], "annual") == [f"{i:03d}" for i in range(1, 36)]


@pytest.mark.parametrize(("scheme", "expected"), [
    ("jintan-2013", [[7, 13, 25, 20, 20, 6, 6.5, 2.5]]),
    ("yueyang-2017", [[15, 35, 39, 6, 5], [10, 35, 50, 5]]),
    ("shengzhou-2020", [[10, 25, 7, 3, 21, 30, 4], [5, 20, 15, 13, 2, 30, 10, 5]]),
    ("huaibei-2019", [[14, 6, 42, 28, 10]]),
])
def test_category_sums_are_the_seeds(schemes, scheme, expected):
    rubrics = schemes[scheme].rubrics
    assert [[c.max_points for c in r.categories] for r in rubrics] == expected
    leaf_sums = [[round(node_leaf_sum(c), 9) for c in r.categories] for r in rubrics]
    assert leaf_sums == expected


def test_every_rule_cites_its_seed_clause(schemes):
    for scheme in schemes.values():
        for rubric in scheme.rubrics:
            for leaf in iter_leaves(rubric):
                assert leaf.indicator.source, (scheme.id, leaf.indicator.code)
        for item in scheme.content.items if scheme.content else []:
            assert item.source, (scheme.id, item.number)
        for clause in scheme.adjustments.clauses if scheme.adjustments else []:
            assert clause.source, (scheme.id, clause.kind, clause.number)
        for target in scheme.targets:
            assert target.source and target.text, (scheme.id, target.code)


def test_contract_decisions_are_in_the_files(schemes):
    jintan = schemes["jintan-2013"]
    assert {s.id: (s.basis, s.weight) for s in jintan.stages} == {
        "monthly": ("content", 0.6), "yearend": ("rubric", 0.4)}
    fm = jintan.content.full_mark
    assert (fm.points, fm.excess_bonus) == (600, 0.3)
    assert fm.excess_step_by_unit_type == {"区镇": 500, "政府部门": 300, "垂直管理单位": 300,
                                           "广播电视台": 1000}
    assert (jintan.content.adoption_bonus.city, jintan.content.adoption_bonus.province) == (2, 5)
    assert jintan.adjustments.bonus_cap == 10
    assert [(b.name, b.min) for b in jintan.grades.bands] == [
        ("优秀", 90), ("合格", 75), ("基本合格", 60), ("不合格", None)]
    yueyang = schemes["yueyang-2017"]
    assert [(b.name, b.min) for b in yueyang.grades.bands] == [
        ("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", None)]
    assert all(r.default_rule.kind == "deduction" and r.exemption for r in yueyang.rubrics)
    assert {(c.kind, tuple(c.levels.items())) for c in yueyang.adjustments.clauses} == {
        ("加分", (("省级", 1.0), ("市级", 0.5))), ("减分", (("省级", 1.0), ("市级", 0.5)))}
    assert schemes["shengzhou-2020"].grades is None
    targets = {t.code: (t.floor, t.stretch, t.direction) for t in jintan.targets}
    assert targets["changzhou_rank"] == (2, 1, "lower_better")  # 保二争一
    assert targets["jiangsu_rank"] == (10, 5, "lower_better")  # 保十争五
    assert targets["open_documents"][0] == 2000
    assert targets["province_portal_score"][0] == 350
    assert targets["changzhou_portal_score"][0] == 2500
    assert targets["power_cases"][0] == 1_000_000
    assert targets["hotline_daily_calls"][0] == 150
    assert targets["hotline_connect_rate"][0] == 0.99


@pytest.mark.parametrize(("scheme", "seed"), [
    ("jintan-2013", "000_736ca5a5cfbed17c.txt"),
    ("yueyang-2017", "001_cfc4e59b374657d9.txt"),
    ("shengzhou-2020", "003_014d5ff27fa9e601.txt"),
    ("huaibei-2019", "004_ca7935b569e473ed.txt"),
])
def test_texts_are_verbatim_from_the_seed(schemes, scheme, seed):
    text = seed_text(seed)
    missing = []
    for rubric in schemes[scheme].rubrics:
        for leaf in iter_leaves(rubric):
            ind = leaf.indicator
            for field in (ind.criteria, ind.scoring_text, ind.evidence):
                if field and squash(field) not in text:
                    missing.append((ind.code, field[:30]))
    assert not missing


def test_jintan_items_and_targets_quote_the_seeds(schemes):
    scheme_text = seed_text("000_736ca5a5cfbed17c.txt")
    targets_text = seed_text("002_0bac45129d652c68.txt")
    jintan = schemes["jintan-2013"]
    for item in jintan.content.items:
        if item.description:
            assert squash(item.description) in scheme_text, item.number
    for target in jintan.targets:
        assert squash(target.text) in targets_text, target.code
