"""The load history: every load, revert and refused attempt, with who, when, files and outcome.

A revert can itself be reverted, so whether a load is in effect is read along its chain of
reverts (`revert_chains`): load 6 reverted by 7, 7 reverted by 8 leaves 6 in effect again
(「被批次 7 撤销后由批次 8 恢复」), 7 undone by 8; a third revert in the chain undoes 6 again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PureWindowsPath

import duckdb
import polars as pl

from pipelines.corrections.journal import refused_attempts
from warehouse import database

SCHEMA = {
    "load_id": pl.Int32, "batch": pl.Int32, "loaded_at": pl.Datetime("us"), "user": pl.String,
    "kind": pl.String, "file": pl.String, "sha256": pl.String, "rows": pl.Int32,
    "replaced_rows": pl.Int32, "outcome": pl.String,
}


def loads(db: Path) -> pl.DataFrame:
    """The warehouse's loads with their batch and outcome (loaded, reverted by N, revert of N).
    A warehouse written before loads had a batch or a user shows each load as its own batch."""
    if not Path(db).exists():
        return pl.DataFrame(schema=SCHEMA)
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = database.as_declared("loads", con.sql("SELECT * FROM loads").pl())
    finally:
        con.close()
    frame = frame.with_columns(batch=pl.coalesce("batch", "load_id"),
                               user=pl.col("loaded_by").fill_null("")).sort("load_id")
    chains = revert_chains(frame.select("batch", "reverts").unique("batch"))
    # A recorded event of the cycle (pipelines/cycle/) that loads no file: a draw, a deadline.
    cycle = {"spotcheck": "抽查 drawn", "deadline": "时限 deadline set"}
    outcome = [cycle[k] if k in cycle else chains[b].outcome(r) if b in chains
               else "已载入 loaded"
               for b, r, k in zip(frame["batch"], frame["reverts"], frame["kind"], strict=True)]
    return frame.with_columns(outcome=pl.Series(outcome, dtype=pl.String)).select(
        list(SCHEMA)).cast(SCHEMA)


@dataclass(frozen=True)
class Chain:
    """Where a load (batch) stands along the reverts that followed it.

    `links` are the reverts in order: the first reverts this load, each next one reverts the one
    before. With none or an even number the load is in effect; with an odd number it is undone.
    """

    batch: int
    links: tuple[int, ...]

    @property
    def in_effect(self) -> bool:
        return len(self.links) % 2 == 0

    @property
    def undone_by(self) -> int | None:
        """The revert that last undid this load (it may since have been undone itself)."""
        if not self.links:
            return None
        return self.links[-1] if not self.in_effect else self.links[-2]

    @property
    def restored_by(self) -> int | None:
        """The revert that brought this load back into effect, when one did."""
        return self.links[-1] if self.links and self.in_effect else None

    def status(self) -> tuple[str, str]:
        """(Chinese, English) status; empty for a load never reverted."""
        if not self.links:
            return "", ""
        if not self.in_effect:
            return f"已被撤销 reverted by {self.undone_by}", ""
        return (f"被批次 {self.undone_by} 撤销后由批次 {self.restored_by} 恢复",
                f"reverted by {self.undone_by}, restored by {self.restored_by}")

    def outcome(self, reverts: int | None) -> str:
        """The history's outcome: loaded, reverted by N, restored, and for a revert what it
        reverted, e.g. 「撤销 revert of 6; 已被撤销 reverted by 8」."""
        zh, en = self.status()
        if reverts is not None:
            head = f"撤销 revert of {reverts}"
            if not zh:
                return head
            return f"{head}; {zh}" + (f" / {en}" if en else "")
        if not zh:
            return "已载入 loaded"
        if en:
            return f"已载入 loaded ({zh} / {en})"
        return zh

    def label(self) -> str:
        """The dashboard's short Chinese status of a load: 「已被批次 7 撤销」 or
        「被批次 7 撤销后由批次 8 恢复」; empty when never reverted."""
        if not self.links:
            return ""
        if not self.in_effect:
            return f"已被批次 {self.undone_by} 撤销"
        return f"被批次 {self.undone_by} 撤销后由批次 {self.restored_by} 恢复"


def revert_chains(batches: pl.DataFrame) -> dict[int, Chain]:
    """Each batch's chain of reverts, from a frame of (batch, reverts) with one row per batch.
    A batch reverted more than once (not possible since reverts follow the chain; kept for old
    warehouses) follows its latest revert."""
    reverted_by: dict[int, int] = {}
    for batch, reverts in batches.select("batch", "reverts").sort("batch").iter_rows():
        if reverts is not None:
            reverted_by[int(reverts)] = int(batch)
    chains = {}
    for batch in batches["batch"].to_list():
        links, current = [], int(batch)
        while current in reverted_by and len(links) <= len(reverted_by):
            current = reverted_by[current]
            links.append(current)
        chains[int(batch)] = Chain(int(batch), tuple(links))
    return chains


def file_label(file: str, kind: str | None = None) -> str:
    """A load's file as a table shows it: the file's own name without its folder (either kind of
    separator), and a revert's label whole (「(撤销批次 13 / revert of load 13)」 holds a slash)."""
    if kind == "revert":
        return file
    return PureWindowsPath(file).name or file


def refused(db: Path) -> pl.DataFrame:
    """Refused attempts from the journal, one row per file."""
    rows = []
    for entry in refused_attempts(db):
        try:
            at = datetime.fromisoformat(str(entry.get("at")))
        except ValueError:
            at = None
        for f in entry["files"] or [{}]:
            rows.append({"loaded_at": at, "user": str(entry.get("user", "")), "kind": "",
                         "file": str(f.get("file", "")), "sha256": str(f.get("sha256", "")),
                         "outcome": f"被拒绝 refused ({entry.get('problems', '?')} 个问题 "
                                    "problems)"})
    return pl.DataFrame(rows, schema=SCHEMA) if rows else pl.DataFrame(schema=SCHEMA)


def history(db: Path) -> pl.DataFrame:
    """Loads and refused attempts together, in time order (oldest first)."""
    return pl.concat([loads(db), refused(db)]).sort("loaded_at", "load_id", nulls_last=True)
