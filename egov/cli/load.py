"""`egov build` and `egov ingest`: check input files and load them into the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from egov import paths
from egov.cli.common import DB_OPTION, rejecting, say


@click.command()
@DB_OPTION
@click.option("--raw", type=click.Path(file_okay=False, path_type=Path),
              default=paths.RAW_DIR, show_default=True, help="Directory of input files.")
@click.option("--curated", type=click.Path(file_okay=False, path_type=Path),
              default=paths.CURATED_DIR, show_default=True, help="Where Parquet copies go.")
@rejecting
def build(db: Path, raw: Path, curated: Path) -> None:
    """Read every .xlsx/.csv under RAW, validate, score, write Parquet, publish the warehouse.

    Files under RAW/sample/ are the sample data (示例数据): `egov demo` writes them there.
    """
    from pipelines.build import build as build_warehouse

    if not raw.is_dir():
        raise click.UsageError(f"--raw: no such directory 目录不存在: {raw}")
    summary = build_warehouse(db, raw, curated)
    say(summary.render())


@click.command()
@DB_OPTION
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rejecting
def ingest(db: Path, files: tuple[Path, ...]) -> None:
    """Validate FILES and load them into the warehouse, then rescore. All or nothing.

    A file's kind (units, content, yearend, adjustments, metrics) is told from its headers;
    rows for a key already loaded replace the old ones.
    """
    from pipelines.loading import ingest as ingest_files

    say(ingest_files(db, list(files)).render())
