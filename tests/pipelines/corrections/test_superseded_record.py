"""`superseded.record`: the rows a load replaced, each kept once, and nothing on a first load."""

from __future__ import annotations

import polars as pl

from pipelines.corrections import superseded
from warehouse import database


def _content(rows: list[tuple[str, str, str, int, int, int]]) -> pl.DataFrame:
    schema = database.empty_state()["content_tallies"].schema
    frame = pl.DataFrame(
        [{"scheme": s, "month": m, "unit": u, "item": i, "count": c, "load_id": load}
         for s, m, u, i, c, load in rows])
    return frame.with_columns(
        year=pl.col("month").str.slice(0, 4).cast(pl.Int32), city_adopted=pl.lit(0),
        province_adopted=pl.lit(0)).select(list(schema)).cast(schema)


def test_a_replaced_row_is_kept_once_even_when_its_key_comes_twice():
    before = dict(database.empty_state().tables)
    before["content_tallies"] = _content([
        ("s", "2013-01", "甲", 1, 5, 1),
        ("s", "2013-01", "乙", 1, 7, 1),
    ])
    after = dict(before)
    # Load 2 and load 3 (one batch) both bring 甲's key again; 乙 is untouched.
    after["content_tallies"] = pl.concat([
        before["content_tallies"].filter(pl.col("unit") == "乙"),
        _content([("s", "2013-01", "甲", 1, 6, 2), ("s", "2013-01", "甲", 1, 8, 3)]),
    ])
    out = superseded.record(before, after, [2, 3], batch=2)
    assert out.height == 1
    assert out["table_name"].to_list() == ["content_tallies"]
    assert out["superseded_by"].to_list() == [2]
    kept = superseded.decode(out, "content_tallies", before["content_tallies"].schema)
    assert kept.select("unit", "count", "load_id").rows() == [("甲", 5, 1)]


def test_a_first_load_replaces_nothing_and_keeps_the_earlier_record():
    before = dict(database.empty_state().tables)
    earlier = superseded.encode(_content([("s", "2012-12", "甲", 1, 1, 1)]), "content_tallies", 1)
    before["superseded_rows"] = earlier.cast(before["superseded_rows"].schema)
    before["content_tallies"] = before["content_tallies"].clear()
    after = dict(before)
    after["content_tallies"] = _content([("s", "2013-01", "甲", 1, 6, 2)])
    out = superseded.record(before, after, [2], batch=2)
    assert out.equals(before["superseded_rows"])
