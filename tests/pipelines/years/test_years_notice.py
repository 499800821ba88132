"""The year-over-year paragraph's largest moves: ties are stated as ties, from data."""

from __future__ import annotations

import polars as pl

from pipelines.notice import render
from pipelines.years.notice_facts import _moves


def test_the_largest_rise_names_every_unit_tied_on_it():
    frame = pl.DataFrame({"unit": ["甲", "乙", "丙", "丁"], "rank": [1, 2, 3, 4],
                          "prev_rank": [4, 5, 2, 1], "rank_change": [3, 3, -1, -3]})
    rise = _moves(frame, "rank_change", "rank", "prev_rank", up=True)
    assert rise == {"places": 3, "tied": True,
                    "units": [{"unit": "甲", "from": 4, "to": 1},
                              {"unit": "乙", "from": 5, "to": 2}]}
    fall = _moves(frame, "rank_change", "rank", "prev_rank", up=False)
    assert fall == {"places": 3, "tied": False, "units": [{"unit": "丁", "from": 1, "to": 4}]}
    assert _moves(frame.filter(pl.col("rank_change") < 0), "rank_change", "rank", "prev_rank",
                  up=True) is None


def test_a_tie_is_written_as_a_tie():
    env = render.environment()
    template = env.get_template("_years.j2")
    tied = {"places": 3, "tied": True, "units": [{"unit": "甲", "from": 4, "to": 1},
                                                 {"unit": "乙", "from": 5, "to": 2}]}
    years = {"has_previous": True, "previous_year": 2013, "previous_scheme_name": "某办法",
             "gap": "与2013年相比", "scheme_changes": [], "renamed": [], "merged": [],
             "split": [], "type_changed": [], "new_units": [],
             "types": [{"name": "区镇", "compared": 4, "rose": 2, "fell": 2, "same": 0,
                        "grade_up": 0, "grade_down": 0, "top_rise": tied, "top_fall": None}]}
    text = template.render(years=years).strip()
    assert text == ("与2013年相比（2013年度，依据《某办法》）：区镇4个可比单位中名次上升2个、"
                    "下降2个、持平0个，上升最多的是甲、乙并列升3位（甲由第4名升至第1名，"
                    "乙由第5名升至第2名）。")


def _scores(db, *args: str) -> list[dict[str, str]]:
    import csv
    import io

    from click.testing import CliRunner

    from egov.cli import main

    result = CliRunner().invoke(main, ["scores", "--db", str(db), *args, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _paragraph(db, scheme: str, year: int, start: str, month: str | None = None) -> str:
    from pipelines.notice import facts, render

    blocks = render.render(facts.gather(db, scheme, year, month))
    [text] = [b.text for b in blocks if b.text.startswith(start)]
    return text


def _largest(rows: list[dict], change: str, up: bool) -> str:
    """The largest move written as the template writes it, from `egov scores` rows."""
    moved = [r for r in rows if r[change] and (int(r[change]) > 0 if up else int(r[change]) < 0)]
    if not moved:
        return ""
    best = max(int(r[change]) for r in moved) if up else min(int(r[change]) for r in moved)
    units = sorted((r for r in moved if int(r[change]) == best), key=lambda r: (int(r["now"]),
                                                                                  r["unit"]))
    word = "升" if up else "降"
    if len(units) == 1:
        r = units[0]
        return f"{r['unit']}（由第{r['before']}名{word}至第{r['now']}名，{word}{abs(best)}位）"
    names = "、".join(r["unit"] for r in units)
    each = "，".join(f"{r['unit']}由第{r['before']}名{word}至第{r['now']}名" for r in units)
    return f"{names}并列{word}{abs(best)}位（{each}）"


def test_the_sample_yearend_comparison_agrees_with_egov_scores(demo_db):
    """jintan-2014 against jintan-2013: every count and move of the paragraph recomputed from
    `egov scores` (prev_rank, rank_change), ties included."""
    rows = _scores(demo_db, "--scheme", "jintan-2014", "--year", "2014")
    text = _paragraph(demo_db, "jintan-2014", 2014, "与上年相比")
    for unit_type in ("区镇", "政府部门", "垂直管理单位", "广播电视台"):
        part = [{**r, "now": r["rank"], "before": r["prev_rank"]} for r in rows
                if r["unit_type"] == unit_type and r["rank_change"] != ""]
        changes = [int(r["rank_change"]) for r in part]
        counts = (f"{unit_type}{len(part)}个可比单位中名次上升{sum(c > 0 for c in changes)}个、"
                  f"下降{sum(c < 0 for c in changes)}个、持平{sum(c == 0 for c in changes)}个")
        assert counts in text
        rise, fall = _largest(part, "rank_change", True), _largest(part, "rank_change", False)
        if rise:
            assert f"上升最多的是{rise}" in text
        if fall:
            assert f"下降最多的是{fall}" in text
    assert "卫生局更名为卫生计生委" in text
    assert "权重调整（平时考评 60%→50%、年终考评 40%→50%）" in text
    assert "两个年度的总分依据不同的考核方案" in text


def test_the_sample_monthly_comparison_agrees_with_egov_scores(demo_db):
    """2014-06 year to date against 2013-06, recomputed from `egov scores --month`."""
    now = _scores(demo_db, "--scheme", "jintan-2014", "--year", "2014", "--month", "2014-06")
    before = {r["unit"]: r for r in _scores(demo_db, "--scheme", "jintan-2013", "--year", "2013",
                                              "--month", "2013-06")}
    renamed = {"卫生计生委": "卫生局"}
    text = _paragraph(demo_db, "jintan-2014", 2014, "与上年同期", "2014-06")
    total_now = sum(float(r["ytd_points"]) for r in now)
    total_before = sum(float(r["ytd_points"]) for r in before.values())
    assert f"由{total_before:g}分增加至{total_now:g}分" in text
    paired = []
    for r in now:
        b = before[renamed.get(r["unit"], r["unit"])]
        if b["unit_type"] == r["unit_type"]:
            paired.append({"unit": r["unit"], "now": r["ytd_rank"], "before": b["ytd_rank"],
                           "change": str(int(b["ytd_rank"]) - int(r["ytd_rank"]))})
    rise = _largest(paired, "change", True)
    assert f"{len(paired)}个可比单位中累计排名上升最多的是{rise}" in text
    assert f"下降最多的是{_largest(paired, 'change', False)}" in text
