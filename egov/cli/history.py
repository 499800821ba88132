"""`egov history` and `egov revert`: the record of loads, and undoing one."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, print_frame, rejecting


@click.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def history(db: Path, fmt: str) -> None:
    """Loads, reverts and refused attempts: who, when, files with SHA-256, rows, outcome."""
    from pipelines.corrections.history import file_label
    from pipelines.corrections.history import history as load_history

    frame = load_history(db)
    if frame.is_empty():
        click.echo(f"没有导入记录 no loads yet: {db}", err=True)
    if fmt == "table":
        import polars as pl  # the table shows file names and short hashes; csv/json in full

        frame = frame.with_columns(pl.col("sha256").str.slice(0, 12), pl.struct(
            "file", "kind").map_elements(lambda r: file_label(r["file"], r["kind"]),
                                         return_dtype=pl.String).alias("file"))
    print_frame(frame, fmt)


@click.command()
@DB_OPTION
@click.argument("load_id", type=int)
@rejecting
def revert(db: Path, load_id: int) -> None:
    """Undo load LOAD_ID (all files loaded with it) as a new recorded load; see egov history."""
    from pipelines.corrections.revert import revert as revert_load

    click.echo(revert_load(db, load_id).render())
