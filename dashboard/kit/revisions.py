"""Tables of loads and of what a load changed, as the 数据与方法 and 导入与更正 pages show them.

Only shaping and labels: the changes themselves are computed by the pipelines when a load is
published (`pipelines/corrections/revisions.py`) or previewed (`preview.py`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.corrections.history import revert_chains
from warehouse.reads import loads as load_reads

MEASURES = {"total": "年终总分", "points": "月度得分"}


def with_status(batches: pl.DataFrame) -> pl.DataFrame:
    """The batches of `warehouse.reads.loads.load_batches` with where each stands along its
    chain of reverts
    (pipelines/corrections/history.py): `in_effect`, `status` (「已被批次 7 撤销」, 「被批次 7
    撤销后由批次 8 恢复」 or empty), and a revert's `files` as 「撤销批次 N」 (its stored label
    holds a slash, which the file-name column would cut)."""
    chains = revert_chains(batches)
    return batches.with_columns(
        in_effect=pl.Series([chains[b].in_effect for b in batches["batch"]], dtype=pl.Boolean),
        status=pl.Series([chains[b].label() for b in batches["batch"]], dtype=pl.String),
        files=pl.when(pl.col("reverts").is_not_null())
        .then(pl.format("撤销批次 {}", pl.col("reverts"))).otherwise(pl.col("files")),
    )


def batch_label(row: dict) -> str:
    """「批次 12 · 2026-12-01 10:15 · 王科长 · 更正.xlsx」, with its revert status (a row of
    `with_status`)."""
    when = row["loaded_at"].strftime("%Y-%m-%d %H:%M") if row.get("loaded_at") else ""
    files = str(row["files"] or "").split("、")
    shown = "、".join(files[:3]) + (f" 等 {len(files)} 个文件" if len(files) > 3 else "")
    label = f"批次 {row['batch']} · {when} · {row.get('loaded_by') or '—'} · {shown}"
    if row.get("status"):
        label += f"({row['status']})"
    return label


def batches_table(batches: pl.DataFrame) -> pl.DataFrame:
    """The load list with Chinese headers (`batches`: a frame of `with_status`)."""
    return batches.select(
        pl.col("batch").alias("批次"),
        pl.col("loaded_at").dt.strftime("%Y-%m-%d %H:%M").alias("导入时间"),
        pl.col("loaded_by").alias("导入人"), pl.col("kinds").alias("类型"),
        pl.col("files").alias("文件"), pl.col("rows").alias("行数"),
        pl.col("replaced_rows").alias("替换行数"),
        pl.when(pl.col("reverts").is_not_null() & (pl.col("status") != ""))
        .then(pl.format("撤销批次 {};{}", pl.col("reverts"), pl.col("status")))
        .when(pl.col("reverts").is_not_null()).then(pl.format("撤销批次 {}", pl.col("reverts")))
        .when(pl.col("status") != "").then(pl.col("status"))
        .otherwise(pl.lit("已载入")).alias("状态"),
    )


def changes_table(changes: pl.DataFrame) -> pl.DataFrame:
    """Per unit and period: the score and rank before and after, with the changes; year-end
    totals first, then months; within each, the largest change first."""
    if changes.is_empty():
        return pl.DataFrame(schema={c: pl.String for c in (
            "方案", "期间", "指标", "单位类型", "单位", "变更前", "变更后", "变化", "名次(前)",
            "名次(后)", "名次变化")})
    return changes.with_columns(
        change=pl.col("after") - pl.col("before"),
        rank_change=pl.col("rank_before") - pl.col("rank_after"),
        order=pl.col("measure") != "total",
    ).sort(["order", "period", pl.col("change").abs()], descending=[False, False, True],
           nulls_last=True).select(
        pl.col("scheme").alias("方案"), pl.col("period").alias("期间"),
        pl.col("measure").replace_strict(MEASURES, default=pl.col("measure")).alias("指标"),
        pl.col("unit_type").alias("单位类型"), pl.col("unit").alias("单位"),
        pl.col("before").alias("变更前"), pl.col("after").alias("变更后"),
        pl.col("change").alias("变化"), pl.col("rank_before").alias("名次(前)"),
        pl.col("rank_after").alias("名次(后)"),
        pl.col("rank_change").alias("名次变化"),
    )


def counts(changes: pl.DataFrame) -> dict[str, int]:
    """What `changes` (revision rows in memory, e.g. a dry run's) count: `totals`, `moved`,
    `months` and `rows`, as `warehouse.reads.loads.revision_counts` counts a recorded load."""
    year = changes.filter(pl.col("measure") == "total")
    moved = year.filter(pl.col("rank_before").is_null() | pl.col("rank_after").is_null()
                        | (pl.col("rank_before") != pl.col("rank_after"))).height
    months = changes.filter(pl.col("measure") == "points").height
    return {"totals": year.height, "moved": moved, "months": months, "rows": changes.height}


def counts_line(counted: dict[str, int]) -> str:
    """「年终总分变化的单位 3 个,名次变化 2 个;月度得分变化 5 处」 from the counts of `counts` or
    of `warehouse.reads.loads.revision_counts`."""
    return (f"年终总分有变化的单位 {counted['totals']} 个,其中名次变化 {counted['moved']} 个;"
            f"月度得分有变化 {counted['months']} 处。")


def summary_line(changes: pl.DataFrame) -> str:
    """`counts_line` of revision rows in memory."""
    return counts_line(counts(changes))


SHOWN = 500  # rows of a load's changes a page shows; search and the export reach the rest


def changes_export(db: Path, batch: int, scheme: str | None = None) -> pl.DataFrame:
    """Every change of load `batch` as `changes_table` shows it: for a download, read when it
    is clicked and never cached (a large load changes tens of thousands of rows, which a page
    shows a screen of)."""
    return changes_table(load_reads.revisions(db, batch, scheme))
