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
