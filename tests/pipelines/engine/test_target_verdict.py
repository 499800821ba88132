"""The word a target's status is said with (pipelines/engine/targets.py `verdict`): 达争/达保/未达
where a target has both levels, 完成/未完成 where it has a floor alone (issue 19 point 3), on
the pages as in the 通报."""

from __future__ import annotations

import polars as pl

from pipelines.engine import targets as tg


def test_two_levels_keep_their_status_and_a_floor_alone_is_done_or_not():
    assert tg.verdict("达争", 1.0) == "达争"
    assert tg.verdict("达保", 1.0) == "达保"
    assert tg.verdict("未达", 1.0) == "未达"
    assert tg.verdict("达保", None) == "完成"
    assert tg.verdict("未达", None) == "未完成"
    assert tg.verdict(None, None) is None and tg.verdict(None, 1.0) is None  # no figure yet


def test_the_column_says_what_verdict_says_row_by_row():
    frame = pl.DataFrame({"status": ["达争", "达保", "未达", "达保", "未达", None, None],
                          "stretch": [1.0, 1.0, 1.0, None, None, None, 2.0]})
    got = frame.with_columns(tg.verdict_column())["status"].to_list()
    assert got == [tg.verdict(s, x) for s, x in frame.iter_rows()]
    assert got == ["达争", "达保", "未达", "完成", "未完成", None, None]
