"""The overview's 本月名次变化 (dashboard/sections/movers.py): which units it lists, ties at the
cut included, and what its caption says it leaves out."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.sections import movers

APP = ROOT / "dashboard" / "app.py"


def _ranking(changes: dict[str, int | None]) -> pl.DataFrame:
    """A month's ranking with these year-to-date rank changes (positive: up)."""
    return pl.DataFrame({
        "unit": list(changes), "ytd_change": list(changes.values()),
        "ytd_rank": list(range(1, len(changes) + 1)),
        "prev_ytd_rank": [i + 1 + (c or 0) for i, c in enumerate(changes.values())],
    }, schema_overrides={"ytd_change": pl.Int64})


def test_the_largest_moves_by_size_then_unit_without_the_unmoved():
    shown, others = movers.largest_moves(_ranking(
        {"乙": -3, "甲": 3, "丙": 0, "丁": None, "戊": 1, "己": -5}))
    assert shown["unit"].to_list() == ["己", "乙", "甲", "戊"]  # 乙 before 甲: by unit
    assert shown["change"].to_list() == [-5, -3, 3, 1]
    assert others == 0


def test_units_tied_with_the_tenth_are_all_listed():
    # ten units moved 9..1 places down the alphabet of names; three more moved 1 place
    changes = {f"单位{n:02d}": 10 - n for n in range(1, 10)}  # 9, 8, ..., 1
    changes |= {"单位10": -1, "单位11": 1, "单位12": -1, "单位13": 0}
    shown, others = movers.largest_moves(_ranking(changes))
    assert shown.height == 12  # the 10th moved 1 place; 单位10, 单位11, 单位12 moved 1 too
    assert set(shown["unit"]) == set(changes) - {"单位13"}
    assert others == 0


def test_a_tie_too_large_is_cut_at_ten_and_counted():
    changes = {"甲": 4, "乙": -2} | {f"单位{n:02d}": 1 for n in range(1, 25)}
    shown, others = movers.largest_moves(_ranking(changes))
    assert shown["unit"].to_list() == ["甲", "乙"] + [f"单位{n:02d}" for n in range(1, 9)]
    assert others == 16  # 24 units moved 1 place: 8 listed, 16 counted


@pytest.mark.parametrize("moved", [25, 0])
def test_the_caption_says_what_is_left_out(demo_db: Path, monkeypatch: pytest.MonkeyPatch,
                                           moved: int):
    """The overview of the demo's default view: its movers as the ranking has them, and the
    caption's count of those left out (none in the demo: patched to 25 units moving 1 place)."""
    monkeypatch.setenv("EGOV_DB", str(demo_db))
    if moved:
        real = movers.largest_moves
        monkeypatch.setattr(movers, "largest_moves", lambda ranking: (
            real(ranking)[0].head(10), moved - 10))
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption if "升降最大的单位" in c.value]
    assert len(captions) == 1
    if moved:
        assert "另有15个单位累计排名有变化,未列出(见排名页)。" in captions[0]
    else:
        assert "未列出" not in captions[0]
    # the table behind the bars is drawn only when its expander is opened: none before
    assert [e.label for e in at.expander if e.label.startswith("名次变化明细")] == [
        "名次变化明细(上月与本月累计排名、累计得分;可导出)"]
    assert not at.dataframe and not [t for t in at.table if "上月累计排名" in t.value.columns]
    at.session_state[movers.DETAILS_KEY] = True
    at.run()
    assert not at.exception
    table = next(t.value for t in at.dataframe if "上月累计排名" in t.value.columns)
    changes = (table["上月累计排名"] - table["本月累计排名"]).abs().tolist()
    assert 0 < len(table) <= 10 and 0 not in changes
    assert changes == sorted(changes, reverse=True)  # the largest moves first
