"""The rectification ledger's state (整改): per unit and indicator the items open, done and
overdue, and the 预警 of the cycle: overdue items, and units with no ledger 30 days after their
feedback sheet was issued (Yueyang 四(三): 被考核对象要制定整改方案,限时整改到位).

An item is done when its 状态 is 已整改; otherwise it is overdue once its 完成时限 has passed
(due < today) and open before.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

DONE = "已整改"
NO_LEDGER_DAYS = 30


def items(db: Path, scheme_id: str, year: int, units: list[str] | None = None,
          today: dt.date | None = None) -> pl.DataFrame:
    """Every ledger row with its state (未完成/已完成/已逾期 as open/done/overdue)."""
    from warehouse.cycle_queries import rectifications

    today = today or dt.date.today()
    frame = rectifications(db, scheme_id, year, units)
    state = (pl.when(pl.col("status") == DONE).then(pl.lit("done"))
             .when(pl.col("due") < pl.lit(today)).then(pl.lit("overdue"))
             .otherwise(pl.lit("open")))
    return frame.with_columns(state=state)


def per_unit(frame: pl.DataFrame) -> pl.DataFrame:
    """Per unit: items, open, done, overdue (most overdue first)."""
    return (frame.group_by("unit", "unit_type").agg(
        items=pl.len(), open=(pl.col("state") == "open").sum(),
        done=(pl.col("state") == "done").sum(), overdue=(pl.col("state") == "overdue").sum())
        .sort(["overdue", "open", "unit"], descending=[True, True, False]))


def per_indicator(frame: pl.DataFrame) -> pl.DataFrame:
    """Per indicator: items, open, done, overdue (most items first)."""
    return (frame.group_by("indicator", "indicator_name").agg(
        items=pl.len(), open=(pl.col("state") == "open").sum(),
        done=(pl.col("state") == "done").sum(), overdue=(pl.col("state") == "overdue").sum())
        .sort(["items", "indicator"], descending=[True, False]))


def no_ledger(db: Path, scheme_id: str, year: int, units: list[str] | None = None,
              today: dt.date | None = None) -> pl.DataFrame:
    """Units whose feedback was issued NO_LEDGER_DAYS days ago or more and that have sent no
    ledger row: unit, issued_at, days."""
    from warehouse.cycle_queries import feedback_issued, rectifications

    today = today or dt.date.today()
    issued = feedback_issued(db, scheme_id, year)
    if units is not None:
        issued = issued.filter(pl.col("unit").is_in(units))
    sent = set(rectifications(db, scheme_id, year, units)["unit"].to_list())
    out = issued.with_columns(days=(pl.lit(today) - pl.col("issued_at").dt.date()).dt.total_days())
    return (out.filter((pl.col("days") >= NO_LEDGER_DAYS) & ~pl.col("unit").is_in(list(sent)))
            .select("unit", "issued_at", "days").sort("days", descending=True))


def completed(db: Path, scheme_id: str, year: int) -> tuple[int, int]:
    """(items done, items in all) of a scheme-year's ledger: for the next year's 通报."""
    frame = items(db, scheme_id, year)
    return int((frame["state"] == "done").sum()), frame.height
