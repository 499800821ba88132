"""Undo a load as a new, recorded load: rows it added go, rows it replaced come back.

A load is what one command loaded (its files share a batch number, the first load id; any load
id of the batch names it). Reverting it:

- removes the rows the load put in that are still current (kept in `superseded_rows`, so the
  revert can itself be reverted);
- brings back the rows the load replaced, unless a later load has since loaded the same key (a
  later correction stands; the report counts these);
- is refused when it would leave loaded rows of a unit that the revert removes (revert the later
  loads that use the unit first), or when the load was already reverted.

A load brought back by reverting its revert (6 reverted by 7, 7 reverted by 8) can be reverted
again: that undoes the revert that restored it (8), whose rows are the load's rows now; the new
load records that it reverts 8, and its label names 6.

The revert is a load of kind `revert` in the history, with who and when, and its effect on the
results is recorded in `revisions` like any load's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.access.identity import current_user
from pipelines.access.lock import writes_warehouse
from pipelines.corrections.history import revert_chains
from pipelines.corrections.superseded import ALIAS_KEY, ALIASES, KEYED_TABLES, decode, encode
from pipelines.inputs.kinds import KINDS
from pipelines.inputs.kinds import units as unit_list
from pipelines.inputs.problems import InputRejected, Problem
from pipelines.loading import open_state, rescore_and_publish
from warehouse import database

# The tables of the loaded rows that name a unit of the unit list (every kind's but the list's).
FACTS = tuple(spec.table for kind, spec in KINDS.items() if kind != unit_list.KIND.kind)


class RevertRefused(InputRejected):
    """The revert cannot be done; nothing was changed."""

    def report(self) -> str:
        return "\n".join(["撤销被拒绝,数据未改变。 / Revert refused; nothing was changed.",
                          *(f"  - {p.render()}" for p in self.problems)])


@dataclass(frozen=True)
class RevertSummary:
    load_id: int
    reverted: int
    removed: int
    restored: int
    kept_later: int
    db: Path
    via: int | None = None  # the revert undone to revert a load that it had restored

    def render(self) -> str:
        lines = [f"已撤销批次 {self.reverted},记为批次 {self.load_id} / load {self.reverted} "
                 f"reverted as load {self.load_id}"]
        if self.via is not None:
            lines.append(f"  (即撤销曾恢复它的批次 {self.via} / by undoing load {self.via}, "
                         "which had restored it)")
        lines.append(f"  移除 removed {self.removed} 行 rows, 恢复 restored {self.restored} 行 "
                     "rows")
        if self.kept_later:
            lines.append(f"  {self.kept_later} 行已被之后的导入替换,保持不变 / rows since "
                         "replaced by later loads were left as they are")
        lines.append(f"已写入 warehouse written: {self.db}")
        return "\n".join(lines)


def _refuse(db: Path, zh: str, en: str, value: object = None) -> RevertRefused:
    return RevertRefused([Problem(str(db), None, None, None,
                                  None if value is None else str(value), zh, en)])


@writes_warehouse
def revert(db: Path, load_id: int) -> RevertSummary:
    """Undo the load (batch) that `load_id` belongs to, as a new load; see the module doc."""
    db = Path(db)
    if not db.exists():
        raise _refuse(db, "数据仓库不存在", "the warehouse does not exist")
    state = open_state(db)
    loads = state["loads"].with_columns(batch=pl.coalesce("batch", "load_id"))
    found = loads.filter(pl.col("load_id") == load_id)
    if found.is_empty():
        raise _refuse(db, f"没有编号为 {load_id} 的导入批次(用 egov history 查看)",
                      f"no load with id {load_id} (see egov history)", load_id)
    asked = batch = int(found["batch"][0])
    if found["kind"][0] in ("spotcheck", "deadline"):  # a record of the cycle, not data
        raise _refuse(db, f"批次 {batch} 是抽查或时限记录,不是数据导入,不能撤销",
                      f"load {batch} records a spot check or a deadline, not data: it cannot "
                      "be reverted", batch)
    chain = revert_chains(loads.select("batch", "reverts").unique("batch"))[batch]
    if not chain.in_effect:
        by = chain.undone_by
        raise _refuse(db, f"批次 {batch} 已被批次 {by} 撤销;如需恢复,撤销批次 {by}",
                      f"load {batch} was already reverted by load {by}; to bring it back, "
                      f"revert load {by}", batch)
    if chain.restored_by is not None:
        batch = chain.restored_by  # its rows are the load's rows now (see the module doc)
    ids = loads.filter(pl.col("batch") == batch)["load_id"].to_list()
    new_id = int(loads["load_id"].max()) + 1
    tables = dict(state.tables)
    kept = state["superseded_rows"]
    mine = kept.filter(pl.col("superseded_by") == batch)
    parts = [kept]
    removed = restored = later = 0
    for table, key in KEYED_TABLES.items():
        current = tables[table]
        ours = current.filter(pl.col("load_id").is_in(ids))
        others = current.filter(~pl.col("load_id").is_in(ids))
        back = decode(mine, table, dict(current.schema))
        held = others.select(key).unique()
        back_now = back.join(held, on=list(key), how="anti", nulls_equal=True)
        history = decode(kept.filter(pl.col("superseded_by") != batch), table,
                         dict(current.schema))
        later += history.filter(pl.col("load_id").is_in(ids)).height
        removed += ours.height
        restored += back_now.height
        parts.append(encode(ours, table, new_id))
        tables[table] = pl.concat([others, back_now.with_columns(
            load_id=pl.lit(new_id, dtype=current.schema["load_id"]))])
    tables[ALIASES] = _aliases(tables, state[ALIASES], mine, parts, new_id)
    _check_units(db, tables)
    tables["superseded_rows"] = pl.concat([p.cast(kept.schema) for p in parts])
    target = found.row(0, named=True)
    tables["loads"] = pl.concat([state["loads"], pl.DataFrame([{
        "load_id": new_id, "file": _label(asked, batch), "sha256": "",
        "kind": "revert", "schemes": target["schemes"], "rows": restored,
        "replaced_rows": removed, "loaded_at": database.now(), "batch": new_id,
        "loaded_by": current_user(), "reverts": batch,
    }], schema=state["loads"].schema)])
    rescore_and_publish(db, database.WarehouseState(tables), batch=new_id)
    return RevertSummary(new_id, asked, removed, restored, later, db,
                         None if batch == asked else batch)


def _label(asked: int, batch: int) -> str:
    """The revert's entry in the file column of the history."""
    if asked == batch:
        return f"(撤销批次 {batch} / revert of load {batch})"
    return (f"(撤销批次 {asked}:撤销恢复它的批次 {batch} / revert of load {asked}: undoes "
            f"load {batch}, which restored it)")


def _aliases(tables: dict[str, pl.DataFrame], old: pl.DataFrame, mine: pl.DataFrame,
             parts: list[pl.DataFrame], new_id: int) -> pl.DataFrame:
    """Aliases after the revert: those of units that remain, plus the ones the load dropped."""
    units = tables["units"].select("scheme", "unit")
    keep = old.join(units, on=["scheme", "unit"], how="semi")
    gone = old.join(keep, on=list(ALIAS_KEY), how="anti")
    if gone.height:
        parts.append(encode(gone, ALIASES, new_id))
    back = decode(mine, ALIASES, dict(old.schema)).join(units, on=["scheme", "unit"], how="semi")
    back = back.join(keep, on=["scheme", "alias"], how="anti")
    return pl.concat([keep, back]).unique(["scheme", "alias"], keep="first")


def _check_units(db: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Refuse a revert that would leave loaded rows of a unit it removes."""
    units = tables["units"].select("scheme", "unit")
    orphans = pl.concat([tables[t].select("scheme", "unit") for t in FACTS
                         if "unit" in tables[t].columns]).unique().join(
        units, on=["scheme", "unit"], how="anti").sort("scheme", "unit")
    if orphans.height:
        names = "、".join(f"{r['unit']}({r['scheme']})" for r in orphans.head(10).to_dicts())
        more = f" 等 {orphans.height} 个" if orphans.height > 10 else ""
        raise _refuse(
            db, f"撤销后以下单位将不在单位名录中,但之后的导入仍有其数据: {names}{more};"
                "请先撤销那些导入",
            f"after the revert these units would leave the unit list while later loads still "
            f"hold their rows: {names}; revert those loads first")
