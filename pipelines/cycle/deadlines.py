"""The deadline by which the assessing bodies send their 年终评分 rows (`egov deadline`), and the
progress of their rows against it (报送进度): per body and indicator, the units with a verified
row out of the units expected (those whose unit type's rubric has the indicator), who loaded
them and when. A body is behind when it has not sent every row and the deadline is at most
`NEAR_DAYS` days away or past (the 预警).

An indicator's bodies are its `assessing_bodies` (牵头考核单位), else its `lead_office` (牵头科室),
else 「未指定考核单位」: the scheme file names them (docs/schemes.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from pipelines.access.lock import writes_warehouse
from pipelines.cycle import records

NEAR_DAYS = 7
NO_BODY = "未指定考核单位"


class DeadlineError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@writes_warehouse
def set_deadline(db: Path, scheme_id: str, year: int, due: dt.date) -> None:
    """Set (or move) the deadline of a scheme-year; recorded in the load history."""
    from pipelines.schemes.stored import load_schemes

    scheme = {s.id: s for s in load_schemes(db)}.get(scheme_id)
    if scheme is None:
        raise DeadlineError(f"未知的方案「{scheme_id}」", f"unknown scheme '{scheme_id}'")
    if scheme.year != year:
        raise DeadlineError(f"方案「{scheme_id}」的年度为 {scheme.year},不是 {year}",
                            f"the scheme's year is {scheme.year}, not {year}")

    def write(con) -> None:
        con.execute("DELETE FROM cycle_deadlines WHERE scheme = ? AND year = ?",
                    [scheme_id, year])
        records.insert(con, "cycle_deadlines", [{
            "scheme": scheme_id, "year": year, "due": due, "set_by": records.current_user(),
            "set_at": records.database.now()}])
        records.record_load(con, "deadline", f"(报送时限 {scheme_id} {year} 年: {due.isoformat()})",
                            scheme_id, 0)

    records.write_records(db, write)


def deadline_of(db: Path, scheme_id: str, year: int) -> dt.date | None:
    """The deadline set for a scheme-year, or None."""
    from warehouse.cycle_queries import deadline

    frame = deadline(db, scheme_id, year)
    return frame["due"][0] if frame.height else None


def progress(db: Path, scheme_id: str, year: int, bodies: list[str] | None = None
             ) -> pl.DataFrame:
    """Per body and indicator: body, rubric, indicator, name, expected, loaded, missing, share,
    loaded_by (the accounts, joined by 、), last_loaded (the latest load's time)."""
    from warehouse.cycle_queries import body_rows

    rows = body_rows(db, scheme_id, year)
    rows = rows.with_columns(body=pl.col("bodies").str.split("、")).explode("body").with_columns(
        body=pl.when(pl.col("body").is_null() | (pl.col("body") == ""))
        .then(pl.lit(NO_BODY)).otherwise(pl.col("body")))
    if bodies is not None:
        rows = rows.filter(pl.col("body").is_in(bodies))
    return (rows.with_columns(missing=pl.col("expected") - pl.col("loaded"),
                              share=pl.col("loaded") / pl.col("expected"))
            .with_columns(pl.int_range(pl.len()).alias("_order"))
            .sort(["body", "_order"])
            .select("body", "rubric", "indicator", "name", "expected", "loaded", "missing", "share",
                    "loaded_by", "last_loaded"))


def by_body(frame: pl.DataFrame) -> pl.DataFrame:
    """The progress summed per body: indicators, rows expected and loaded, share; least first."""
    return (frame.group_by("body").agg(
        indicators=pl.len(), expected=pl.col("expected").sum(), loaded=pl.col("loaded").sum(),
        last_loaded=pl.col("last_loaded").max())
        .with_columns(share=pl.col("loaded") / pl.col("expected"))
        .sort(["share", "body"]))


def behind(db: Path, scheme_id: str, year: int, today: dt.date | None = None) -> pl.DataFrame:
    """The bodies that have not sent every row while the deadline is near or past (body,
    expected, loaded, share, due, days_left); empty without a deadline."""
    due = deadline_of(db, scheme_id, year)
    if due is None:
        return pl.DataFrame(schema={"body": pl.String, "expected": pl.Int64,
                                    "loaded": pl.Int64, "share": pl.Float64, "due": pl.Date,
                                    "days_left": pl.Int64})
    today = today or dt.date.today()
    days_left = (due - today).days
    summary = by_body(progress(db, scheme_id, year))
    late = summary.filter(pl.col("loaded") < pl.col("expected")) if days_left <= NEAR_DAYS \
        else summary.clear()
    return late.select("body", "expected", "loaded", "share").with_columns(
        due=pl.lit(due), days_left=pl.lit(days_left, dtype=pl.Int64))
