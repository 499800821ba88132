"""The year-over-year paragraph's moves: the units that moved 3 places or more (「较多」, stated),
largest first, ties stated as ties, a long list cut with 「等N个单位」, from data."""

from __future__ import annotations

import polars as pl

from pipelines.notice import render
from pipelines.years.notice_facts import _movers, _moves


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


def test_moves_of_three_places_or_more_are_grouped_by_places_ties_together():
    # 甲 and 乙 rose 3 (a tie), 丙 rose 5, 丁 rose 2 (not 「较多」); 戊 fell 4.
    frame = pl.DataFrame({"unit": ["甲", "乙", "丙", "丁", "戊"], "rank": [1, 2, 3, 4, 5],
                          "prev_rank": [4, 5, 8, 6, 1], "rank_change": [3, 3, 5, 2, -4]})
    assert _movers(frame, "rank_change", "rank", "prev_rank", up=True) == {
        "groups": [{"places": 5, "units": [{"unit": "丙", "from": 8, "to": 3}]},
                   {"places": 3, "units": [{"unit": "甲", "from": 4, "to": 1},
                                           {"unit": "乙", "from": 5, "to": 2}]}],
        "more": 0}
    assert _movers(frame, "rank_change", "rank", "prev_rank", up=False) == {
        "groups": [{"places": 4, "units": [{"unit": "戊", "from": 1, "to": 5}]}], "more": 0}
    assert _movers(frame.filter(pl.col("unit") == "丁"), "rank_change", "rank", "prev_rank",
                   up=True) is None


def test_a_long_list_of_moves_names_three_and_counts_all():
    # Seven units all rose 3 places: a tie of seven, named 「甲、乙、丙等7个单位」.
    units = list("甲乙丙丁戊己庚")
    frame = pl.DataFrame({"unit": units, "rank": list(range(1, 8)),
                          "prev_rank": list(range(4, 11)), "rank_change": [3] * 7})
    got = _movers(frame, "rank_change", "rank", "prev_rank", up=True)
    assert got == {"groups": [{"places": 3, "units": [{"unit": "甲", "from": 4, "to": 1},
                                                      {"unit": "乙", "from": 5, "to": 2},
                                                      {"unit": "丙", "from": 6, "to": 3}]}],
                   "more": 7}
    text = _render({"name": "区镇", "compared": 7, "rose": 7, "fell": 0, "same": 0,
                    "grade_up": 0, "grade_down": 0, "risers": got, "fallers": None})
    assert "名次上升3位及以上的有甲、乙、丙均升3位（甲由第4名升至第1名，乙由第5名升至第2名，" \
           "丙由第6名升至第3名）等7个单位。" in text


def _render(*types: dict) -> str:
    env = render.environment()
    years = {"has_previous": True, "previous_year": 2013, "previous_scheme_name": "某办法",
             "gap": "与2013年相比", "scheme_changes": [], "renamed": [], "merged": [],
             "split": [], "type_changed": [], "new_units": [], "move_places": 3,
             "types": list(types)}
    return env.get_template("_years.j2").render(years=years).strip()


def test_a_tie_is_written_as_a_tie_and_small_moves_are_not_named():
    tied = {"groups": [{"places": 4, "units": [{"unit": "丙", "from": 8, "to": 4}]},
                       {"places": 3, "units": [{"unit": "甲", "from": 4, "to": 1},
                                               {"unit": "乙", "from": 5, "to": 2}]}],
            "more": 0}
    fall = {"groups": [{"places": 3, "units": [{"unit": "丁", "from": 1, "to": 4}]}], "more": 0}
    text = _render({"name": "区镇", "compared": 5, "rose": 3, "fell": 2, "same": 0,
                    "grade_up": 0, "grade_down": 0, "risers": tied, "fallers": fall},
                   {"name": "部门", "compared": 3, "rose": 1, "fell": 1, "same": 1,
                    "grade_up": 0, "grade_down": 0, "risers": None, "fallers": None})
    assert text == ("与2013年相比（2013年度，依据《某办法》）：区镇5个可比单位中名次上升3个、"
                    "下降2个、持平0个，名次上升3位及以上的有丙（由第8名升至第4名，升4位）、"
                    "甲、乙均升3位（甲由第4名升至第1名，乙由第5名升至第2名），"
                    "名次下降3位及以上的有丁（由第1名降至第4名，降3位）；"
                    "部门3个可比单位中名次上升1个、下降1个、持平1个，名次升降均不足3位。")


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


def _moved(rows: list[dict], change: str, up: bool) -> str:
    """The moves of 3 places or more written as the template writes them, from `egov scores`
    rows: largest first, units moving by the same places as a tie (均升3位), 「等N个单位」 past
    five."""
    moved = [r for r in rows if r[change] and (int(r[change]) >= 3 if up
                                               else int(r[change]) <= -3)]
    moved.sort(key=lambda r: (-abs(int(r[change])), int(r["now"]), r["unit"]))
    more = len(moved) if len(moved) > 5 else 0
    moved = moved[:3] if more else moved
    word = "升" if up else "降"
    parts = []
    for places in dict.fromkeys(abs(int(r[change])) for r in moved):
        group = [r for r in moved if abs(int(r[change])) == places]
        if len(group) == 1:
            r = group[0]
            parts.append(f"{r['unit']}（由第{r['before']}名{word}至第{r['now']}名，{word}{places}位）")
        else:
            each = "，".join(f"{r['unit']}由第{r['before']}名{word}至第{r['now']}名" for r in group)
            parts.append(f"{'、'.join(r['unit'] for r in group)}均{word}{places}位（{each}）")
    return "、".join(parts) + (f"等{more}个单位" if more else "")


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
        rise, fall = _moved(part, "rank_change", True), _moved(part, "rank_change", False)
        if rise:
            assert f"名次上升3位及以上的有{rise}" in text
        if fall:
            assert f"名次下降3位及以上的有{fall}" in text
        if not (rise or fall) and len(part) > 1:
            assert f"{counts}，名次升降均不足3位" in text
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
    rise, fall = _moved(paired, "change", True), _moved(paired, "change", False)
    said = "，".join([*([f"累计排名上升3位及以上的有{rise}"] if rise else []),
                     *([f"累计排名下降3位及以上的有{fall}"] if fall else [])])
    assert f"{len(paired)}个可比单位中{said or '累计排名升降均不足3位'}。" in text
