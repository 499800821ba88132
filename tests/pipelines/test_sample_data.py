"""The seeded sample workbooks (示例数据): deterministic, complete, valid for their scheme, spread.

The sample is written once per module and read back with openpyxl, as plain cell values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from pipelines import sample_data
from pipelines.cycle import sample as cycle_sample
from pipelines.inputs.kinds import KINDS
from pipelines.sample.units import SAMPLE_UNITS
from pipelines.sample.yearend import EXEMPTION_NOTE
from pipelines.sample_data import FILE_NAMES, SCHEMES_DIR, write_sample_data
from pipelines.sample_workbook import SAMPLE_LABEL
from pipelines.schemes.checks import load_scheme_dir
from pipelines.schemes.model import RULE_INPUT_COLUMNS, Scheme
from pipelines.schemes.tables import INPUT_COLUMN_ZH, Leaf, iter_leaves

SEED = 2013
Rows = list[dict[str, object]]


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheme_files() -> list[Scheme]:
    """Every scheme file in schemes/, loaded once."""
    return load_scheme_dir(SCHEMES_DIR)


@pytest.fixture(scope="module")
def schemes(scheme_files) -> dict[str, Scheme]:
    return {s.id: s for s in scheme_files if s.id in SAMPLE_UNITS}


@pytest.fixture(scope="module")
def written(schemes, tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("sample")
    return out, write_sample_data(out, SEED, schemes=list(schemes.values()))


@pytest.fixture(scope="module")
def cells(written) -> dict[Path, dict[str, list[tuple]]]:
    """Every written workbook as {relative path: {sheet title: rows of cell values}}."""
    out, paths = written
    return read_all(out, paths)


@pytest.fixture(scope="module")
def rows(written, cells) -> dict[tuple[str, str], Rows]:
    """The data sheet of each (scheme id, kind) as dicts keyed by the Chinese header."""
    out, _ = written
    table: dict[tuple[str, str], Rows] = {}
    for relative, sheets in cells.items():
        kind = next(k for k, name in FILE_NAMES.items() if name == relative.name)
        header, *body = next(iter(sheets.values()))
        table[(relative.parent.name, kind)] = [dict(zip(header, r, strict=True)) for r in body]
    return table


def read_all(out: Path, paths: list[Path]) -> dict[Path, dict[str, list[tuple]]]:
    result = {}
    for path in paths:
        workbook = openpyxl.load_workbook(path, read_only=True)
        result[path.relative_to(out)] = {
            ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook
        }
        workbook.close()
    return result


def leaves_by_unit_type(scheme: Scheme) -> dict[str, dict[str, Leaf]]:
    """unit type -> indicator code -> leaf of the rubric that applies to it."""
    by_type = {}
    for rubric in scheme.rubrics:
        leaves = {leaf.indicator.code: leaf for leaf in iter_leaves(rubric)}
        for unit_type in rubric.unit_types:
            by_type[unit_type] = leaves
    return by_type


def unit_types_of(rows_of_units: Rows) -> dict[str, str]:
    return {r["单位"]: r["单位类型"] for r in rows_of_units}


def annual_points(scheme: Scheme, content: Rows) -> dict[str, float]:
    points = {it.number: it.points for it in scheme.content.items}
    bonus = scheme.content.adoption_bonus
    totals: dict[str, float] = defaultdict(float)
    for r in content:
        totals[r["单位"]] += (r["条数"] * points[r["项目"]] + bonus.city * r["市级录用"]
                             + bonus.province * r["省级录用"])
    return dict(totals)


def filled(value: object) -> bool:
    return value is not None and value != ""


# ---------------------------------------------------------------------------------------------
# Determinism and writing
# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_workbooks_and_another_seed_differs(
    schemes, written, cells, tmp_path
):
    out, paths = written
    again = write_sample_data(tmp_path / "again", SEED, schemes=list(schemes.values()))
    assert [p.relative_to(tmp_path / "again") for p in again] == [p.relative_to(out) for p in paths]
    # Byte-identical files (so identical cells, and no timestamp inside).
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(again, paths, strict=True))

    other = write_sample_data(tmp_path / "other", SEED + 1, schemes=[schemes["jintan-2013"]])
    other_cells = read_all(tmp_path / "other", other)
    for relative, sheets in other_cells.items():
        if relative.name != FILE_NAMES["units"]:  # the unit list itself does not depend on it
            assert sheets != cells[relative], relative


def test_every_scheme_file_has_sample_units_and_gets_its_workbooks(scheme_files, schemes, written):
    out, paths = written
    ids = {s.id for s in scheme_files}
    assert ids <= set(SAMPLE_UNITS), "a scheme file without sample units: add it to SAMPLE_UNITS"
    assert set(schemes) == ids
    by_scheme = defaultdict(set)
    for path in paths:
        assert path.exists() and path.parent.parent == out
        by_scheme[path.parent.name].add(path.name)
    for scheme in schemes.values():
        expected = {FILE_NAMES["units"], FILE_NAMES["yearend"]}
        expected |= {FILE_NAMES["content"]} if scheme.content else set()
        expected |= {FILE_NAMES["adjustments"]} if scheme.adjustments else set()
        expected |= {FILE_NAMES["metrics"]} if scheme.targets else set()
        expected |= {FILE_NAMES["rectification"]} if scheme.id == cycle_sample.LEDGER else set()
        assert by_scheme[scheme.id] == expected, scheme.id
    assert {"content.xlsx", "metrics.xlsx", "adjustments.xlsx"} <= by_scheme["jintan-2013"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "staging folder left behind"


def test_sheets_are_marked_as_sample_and_headers_follow_the_template(cells):
    for relative, sheets in cells.items():
        kind = next(k for k, name in FILE_NAMES.items() if name == relative.name)
        template = KINDS[kind]
        data_title, *others = sheets
        assert data_title.startswith(template.zh) and SAMPLE_LABEL in data_title
        header = list(sheets[data_title][0])
        order = [c.zh for c in template.columns]
        assert header == [h for h in order if h in header], relative
        assert {c.zh for c in template.required} <= set(header), relative
        if kind == "units":
            assert others == ["说明"]
            assert SAMPLE_LABEL in str(sheets["说明"][0][0])
        else:
            assert others == []


def test_rewriting_replaces_the_old_sample_and_touches_nothing_else(schemes, tmp_path):
    out = tmp_path / "sample"
    stale = out / "huaibei-2019" / "stale.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    neighbour = out / "keep.txt"
    neighbour.write_text("mine")
    outside = tmp_path / "outside.txt"
    outside.write_text("untouched")

    paths = write_sample_data(out, SEED, schemes=[schemes["yueyang-2017"], schemes["huaibei-2019"]])

    assert not stale.exists()
    assert neighbour.read_text() == "mine" and outside.read_text() == "untouched"
    assert sorted(p.name for p in out.iterdir()) == ["huaibei-2019", "keep.txt", "yueyang-2017"]
    assert all(p.exists() for p in paths)


def test_a_crash_leaves_the_previous_sample_whole(schemes, tmp_path, monkeypatch):
    out = tmp_path / "sample"
    first = write_sample_data(out, SEED, schemes=[schemes["huaibei-2019"]])
    before = {p: p.read_bytes() for p in first}
    real_write = sample_data.write_workbook

    def failing_write(path, *args, **kwargs):
        if path.name == FILE_NAMES["yearend"]:  # after units.xlsx was written
            raise OSError("disk full")
        real_write(path, *args, **kwargs)

    monkeypatch.setattr(sample_data, "write_workbook", failing_write)
    with pytest.raises(OSError, match="disk full"):
        write_sample_data(out, SEED + 1, schemes=[schemes["huaibei-2019"]])

    assert {p: p.read_bytes() for p in first} == before
    assert sorted(p.name for p in out.iterdir()) == ["huaibei-2019"]


# ---------------------------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------------------------


def test_units_cover_every_unit_type_and_match_sample_units(schemes, rows):
    for scheme in schemes.values():
        units = rows[(scheme.id, "units")]
        assert {r["方案"] for r in units} == {scheme.id}
        assert {r["单位类型"] for r in units} == {ut.name for ut in scheme.unit_types}
        listed = [(r["单位"], r["单位类型"], tuple(filter(None, str(r["别名"] or "").split("、"))))
                  for r in units]
        assert listed == SAMPLE_UNITS[scheme.id]
        names = [r["单位"] for r in units]
        aliases = [a for _, _, unit_aliases in listed for a in unit_aliases]
        assert len(set(names + aliases)) == len(names) + len(aliases), "names and aliases unique"
        assert not any("示例" in n for n in names + aliases)
    assert len(rows[("jintan-2013", "units")]) >= 25
    assert any(aliases for _, _, aliases in SAMPLE_UNITS["jintan-2013"])


def test_yearend_has_every_indicator_for_every_unit_once(schemes, rows):
    for scheme in schemes.values():
        types = unit_types_of(rows[(scheme.id, "units")])
        leaves = leaves_by_unit_type(scheme)
        # 核定 rows only (自评 rows: test_cycle_sample_...), less the rows of the two assessing
        # bodies behind schedule (pipelines/cycle/sample.py)
        yearend = [r for r in rows[(scheme.id, "yearend")] if r.get("评分来源") != "自评"]
        keys = Counter((r["单位"], r["指标"], r.get("分项")) for r in yearend)
        assert max(keys.values()) == 1
        units = sample_data.sample_units(scheme, SEED)
        expected = {(u, code) for u, t in types.items() for code in leaves[t]} - \
            cycle_sample.held_back(scheme, units, SEED)
        assert {(u, code) for u, code, _ in keys} == expected, scheme.id
        for t, by_code in leaves.items():  # a composite has one row per part, named in 分项
            for code, leaf in by_code.items():
                if leaf.rule.kind == "parts":
                    for u in (u for u, ut in types.items() if ut == t):
                        assert {p for uu, c, p in keys if (uu, c) == (u, code)} == {
                            p.name for p in leaf.rule.parts}
        assert {r["年度"] for r in yearend} == {scheme.year}


def test_content_covers_twelve_months_for_every_unit(schemes, rows):
    scheme = schemes["jintan-2013"]
    content = rows[(scheme.id, "content")]
    months = [f"{scheme.year}-{m:02d}" for m in range(1, 13)]
    units = set(unit_types_of(rows[(scheme.id, "units")]))
    assert {(r["单位"], r["月份"]) for r in content} == {(u, m) for u in units for m in months}
    keys = Counter((r["月份"], r["单位"], r["项目"]) for r in content)
    assert max(keys.values()) == 1


def test_metrics_cover_every_target_for_twelve_months(schemes, rows):
    scheme = schemes["jintan-2013"]
    metrics = rows[(scheme.id, "metrics")]
    months = {f"{scheme.year}-{m:02d}" for m in range(1, 13)}
    assert Counter(r["指标"] for r in metrics) == {t.code: 12 for t in scheme.targets}
    for target in scheme.targets:
        assert {r["月份"] for r in metrics if r["指标"] == target.code} == months


# ---------------------------------------------------------------------------------------------
# Validity against the scheme
# ---------------------------------------------------------------------------------------------


def test_yearend_values_are_valid_for_each_rule(schemes, rows):
    all_input_headers = set(INPUT_COLUMN_ZH.values())
    seen_kinds = set()
    for scheme in schemes.values():
        types = unit_types_of(rows[(scheme.id, "units")])
        leaves = leaves_by_unit_type(scheme)
        for r in rows[(scheme.id, "yearend")]:
            leaf = leaves[types[r["单位"]]][r["指标"]]
            rule, top = leaf.rule, leaf.indicator.max_points
            needed = {INPUT_COLUMN_ZH[c] for c in RULE_INPUT_COLUMNS[rule.kind]}
            if rule.kind == "parts":  # checked as its part: the part's rule and points
                part = next(p for p in rule.parts if p.name == r["分项"])
                rule, top = part.rule, part.max_points
                needed = {"分项", *(INPUT_COLUMN_ZH[c] for c in RULE_INPUT_COLUMNS[rule.kind])}
            given = {h for h in all_input_headers if filled(r.get(h))}
            if r.get("豁免") == "是":
                assert given == set(), r
                continue
            assert given == needed, (scheme.id, r)
            seen_kinds.add(rule.kind)
            match rule.kind:
                case "assessor_score":
                    assert 0 <= r["得分"] <= top
                case "deduction":
                    assert r["扣分"] >= 0 and (2 * r["扣分"]) == int(2 * r["扣分"])
                case "rate_target":
                    # A rate passes 100% only where the rule accepts it (嵊州 11, a growth rate).
                    assert 0 <= r["实际值"] <= (1.5 if rule.above_one == "cap" else 1)
                case "ratio":
                    assert 0 <= r["分子"] <= r["分母"] and r["分母"] > 0
                case "rank_tiers":
                    assert isinstance(r["名次"], int) and 1 <= r["名次"] <= rule.peers
                case "per_event":
                    assert isinstance(r["次数"], int) and r["次数"] >= 0
                case "choice":
                    assert r["选项"] in rule.options
    assert {"assessor_score", "deduction"} <= seen_kinds


def test_exemptions_only_where_the_rubric_allows_them(schemes, rows):
    for scheme in schemes.values():
        allows = {ut for r in scheme.rubrics if r.exemption for ut in r.unit_types}
        types = unit_types_of(rows[(scheme.id, "units")])
        exempt = [r for r in rows[(scheme.id, "yearend")] if filled(r.get("豁免"))
                  and r.get("评分来源") != "自评"]  # a unit's own claim repeats the exemption
        assert all(r["豁免"] == "是" and r["说明"] == EXEMPTION_NOTE for r in exempt)
        assert all(types[r["单位"]] in allows for r in exempt), scheme.id
        if allows:
            per_unit = Counter(r["单位"] for r in exempt)
            assert len(per_unit) >= 2 and max(per_unit.values()) <= 2, scheme.id
    yueyang = [r for r in rows[("yueyang-2017", "yearend")] if r.get("评分来源") != "自评"]
    assert any(r["扣分"] and r["扣分"] > 0 for r in yueyang)
    assert sum(1 for r in yueyang if r["扣分"] == 0) > 0.7 * len(yueyang), "mostly nothing deducted"


def test_content_counts_and_adoptions_are_valid(schemes, rows):
    scheme = schemes["jintan-2013"]
    numbers = {it.number for it in scheme.content.items}
    content = rows[(scheme.id, "content")]
    for r in content:
        assert r["项目"] in numbers
        assert all(isinstance(r[h], int) and r[h] >= 0 for h in ("条数", "市级录用", "省级录用"))
        assert r["市级录用"] + r["省级录用"] <= r["条数"]
    adopted = sum(r["市级录用"] + r["省级录用"] for r in content)
    assert 0 < adopted < 0.1 * sum(r["条数"] for r in content), "adoption is rare but present"


def test_adjustments_use_the_schemes_clauses_and_levels(schemes, rows):
    for scheme in schemes.values():
        if not scheme.adjustments:
            continue
        clauses = scheme.adjustments.clauses
        units = set(unit_types_of(rows[(scheme.id, "units")]))
        bonus = Counter()
        for r in rows[(scheme.id, "adjustments")]:
            assert r["单位"] in units and r["年度"] == scheme.year and r["事由"]
            same_kind = [c for c in clauses if c.kind == r["类别"]]
            if r["项目"] is None:
                assert len(same_kind) == 1
                clause = same_kind[0]
            else:
                clause = next(c for c in same_kind if c.number == r["项目"])
            level = "县级" if r["级别"] == scheme.county_level_label else r["级别"]
            points = clause.levels[level] if clause.levels else clause.fixed
            if clause.levels:
                assert level in clause.levels
            else:
                assert r["级别"] is None
            assert r["分值"] is None or r["分值"] == points
            if r["类别"] == "加分":
                bonus[r["单位"]] += points
        cap = scheme.adjustments.bonus_cap
        if cap is not None:
            assert 1 <= sum(total >= cap for total in bonus.values()) <= 2, bonus

    jintan = rows[("jintan-2013", "adjustments")]
    assert any(r["级别"] == "金坛市级" for r in jintan)
    assert sum(r["分值"] is None for r in jintan) > 0.6 * len(jintan), "分值 mostly left empty"
    fixed_clause_units = {r["单位"] for r in jintan if r["项目"] == 1}
    assert fixed_clause_units <= {"环保局", "水利局", "气象局"}
    yueyang = Counter(r["类别"] for r in rows[("yueyang-2017", "adjustments")])
    assert yueyang["加分"] > yueyang["减分"] > 0


def test_metrics_tell_a_mix_of_met_and_missed_targets(rows):
    metrics = defaultdict(list)
    for r in sorted(rows[("jintan-2013", "metrics")], key=lambda r: r["月份"]):
        metrics[r["指标"]].append(r["数值"])
    assert metrics["changzhou_rank"][0] == 3 and metrics["changzhou_rank"][-1] == 2
    assert min(metrics["changzhou_rank"]) == 1
    assert 6 <= metrics["jiangsu_rank"][-1] <= 7 and max(metrics["jiangsu_rank"]) <= 12
    assert 2000 < sum(metrics["open_documents"]) < 2200
    assert sum(metrics["open_documents"][:6]) < 1000, "behind pace at mid-year"
    assert 300 < sum(metrics["province_portal_score"]) < 350, "missed"
    assert sum(metrics["changzhou_portal_score"]) > 2500
    assert sum(metrics["power_cases"]) > 1_000_000
    assert metrics["hotline_daily_calls"][0] < 130 and metrics["hotline_daily_calls"][-1] >= 150
    assert all(0.985 <= v <= 0.995 for v in metrics["hotline_connect_rate"])
    assert all(2 <= v <= 5 for v in metrics["content_province_rank"])
    zero = metrics["zero_case_units"]
    assert zero[0] == 4 and zero[-1] == 0 and zero == sorted(zero, reverse=True)


# ---------------------------------------------------------------------------------------------
# Spreads
# ---------------------------------------------------------------------------------------------


def test_annual_content_points_spread_around_the_full_mark(schemes, rows):
    scheme = schemes["jintan-2013"]
    full = scheme.content.full_mark
    types = unit_types_of(rows[(scheme.id, "units")])
    points = annual_points(scheme, rows[(scheme.id, "content")])
    assert set(points) == set(types)
    below = [u for u, p in points.items() if p < full.points]
    far_above = [u for u, p in points.items()
                 if p >= full.points + full.excess_step_by_unit_type[types[u]]]
    assert len(below) >= 3 and len(far_above) >= 10
    assert 200 <= min(points.values()) < 450 and 1200 < max(points.values()) <= 1800


def test_yearend_scores_spread_with_unit_strength(schemes, rows):
    scheme = schemes["jintan-2013"]
    totals = Counter()
    for r in rows[(scheme.id, "yearend")]:
        totals[r["单位"]] += r["得分"]
    assert min(totals.values()) < 55 and max(totals.values()) > 80


# ---------------------------------------------------------------------------------------------
# Through the real import pipeline
# ---------------------------------------------------------------------------------------------

def test_the_whole_sample_passes_read_inputs(schemes, written):
    from pipelines.inputs.context import LoadContext
    from pipelines.inputs.load import read_inputs

    _, paths = written
    loaded = read_inputs(paths, LoadContext(dict(schemes)))  # raises InputRejected on any problem
    assert loaded is not None


def test_cycle_sample_self_assessments_differ_bodies_are_behind_and_the_ledger_is_mixed(
        schemes, rows):
    """pipelines/cycle/sample.py: 自评 rows for about two units in three of jintan and yueyang,
    differing from the verified rows; 市委政法委 and 市委办(档案局) behind in shengzhou; a ledger
    with done, open and overdue items."""
    import datetime as dt

    for scheme_id in cycle_sample.SELF_ASSESSED:
        table = rows[(scheme_id, "yearend")]
        claims = [r for r in table if r.get("评分来源") == "自评"]
        units = {r["单位"] for r in table}
        assert len({r["单位"] for r in claims}) == round(len(units) * cycle_sample.SELF_SHARE)
        verified = {(r["单位"], r["指标"], r.get("分项")): r for r in table
                    if r.get("评分来源") != "自评"}
        differ = [r for r in claims if any(
            r.get(c) != verified[(r["单位"], r["指标"], r.get("分项"))].get(c)
            for c in ("得分", "扣分"))]
        assert len(differ) > len(claims) / 3, scheme_id
    held = cycle_sample.held_back(schemes["shengzhou-2020"],
                                  sample_data.sample_units(schemes["shengzhou-2020"], SEED), SEED)
    assert {code for _, code in held} == {"9", "10", "11", "24", "25", "40.1", "40.2", "40.3"}
    # 市委政法委 scores both types, 市委办(档案局) departments: four units drawn per rubric each
    assert len(held) == 4 * 3 + 4 * 2 + 4 * 3
    ledger = rows[("yueyang-2017", "rectification")]
    today = dt.date.today()
    states = {"done" if r["状态"] == "已整改" else
              "overdue" if dt.date.fromisoformat(r["完成时限"]) < today else "open"
              for r in ledger}
    assert states == {"done", "open", "overdue"}
