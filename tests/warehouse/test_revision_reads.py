"""What a load changed, read a screen at a time (warehouse/reads/loads.py): the counts and the
first rows in SQL agree with the whole table the 更正记录 shows, so a page of a large load reads
a screen, not every row (issue 21 goal 5)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dashboard.kit import revisions
from warehouse.reads import loads

SCHEME = "jintan-2013"


@pytest.fixture(scope="module")
def biggest(demo_db: Path) -> tuple[int, pl.DataFrame]:
    """The demo's load that changed most of jintan-2013, and all its revision rows."""
    batches = loads.load_batches(demo_db, SCHEME)["batch"].to_list()
    whole = {b: loads.revisions(demo_db, b, SCHEME) for b in batches}
    batch = max(whole, key=lambda b: whole[b].height)
    assert whole[batch].height > 40  # totals and months of the demo's units
    return batch, whole[batch]


def test_counts_in_sql_are_the_counts_of_every_row(demo_db, biggest):
    batch, whole = biggest
    counted = loads.revision_counts(demo_db, batch, SCHEME).row(0, named=True)
    assert counted == revisions.counts(whole)
    assert counted["totals"] > 0 and counted["months"] > 0
    assert revisions.counts_line(counted) == revisions.summary_line(whole)


def test_a_screen_is_the_head_of_the_table_and_counts_the_rest(demo_db, biggest):
    batch, whole = biggest
    table = revisions.changes_table(whole)
    shown = loads.revision_rows(demo_db, batch, SCHEME, limit=25)
    assert shown.height == 25 and shown["matched"].to_list() == [whole.height] * 25
    head = revisions.changes_table(shown)

    def order(t: pl.DataFrame) -> list[tuple]:  # the table's sort key, row by row
        return t.select("指标", "期间", pl.col("变化").abs()).rows()

    assert order(head) == order(table.head(25))
    assert set(head.rows()) <= set(table.rows())


def test_a_search_reaches_every_row_of_the_load(demo_db, biggest):
    batch, whole = biggest
    unit = whole.sort("unit")["unit"][-1]
    wanted = whole.filter(pl.col("unit").str.contains(unit, literal=True))
    shown = loads.revision_rows(demo_db, batch, SCHEME, search=unit, limit=5)
    assert shown["unit"].str.contains(unit, literal=True).all()
    assert shown.height == min(5, wanted.height)
    assert shown["matched"][0] == wanted.height
    assert loads.revision_rows(demo_db, batch, SCHEME, search="没有这个单位").is_empty()


def test_the_export_holds_every_row(demo_db, biggest):
    batch, whole = biggest
    exported = revisions.changes_export(demo_db, batch, SCHEME)
    assert exported.height == whole.height
    assert exported.sort(pl.all()).equals(revisions.changes_table(whole).sort(pl.all()))
