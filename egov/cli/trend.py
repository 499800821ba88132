"""`egov trend`: every unit's results across the years of a series (pipelines/years/trend.py)."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, print_frame, rejecting, say


@click.command()
@DB_OPTION
@click.option("--series", required=True, help="The evaluation's series id, e.g. jintan.")
@click.option("--unit-type", help="Only units whose latest unit type is this.")
@click.option("--unit", help="One unit, by any of its names over the years.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@rejecting
def trend(db: Path, series: str, unit_type: str | None, unit: str | None, fmt: str) -> None:
    """One row per unit and year of a series, the unit under its latest name."""
    from pipelines.loading import ensure_warehouse
    from pipelines.years.trend import TrendUsageError, trend_table

    ensure_warehouse(db)
    try:
        frame = trend_table(db, series, unit_type, unit)
    except TrendUsageError as err:
        raise click.UsageError(str(err)) from None
    if frame.is_empty():
        say(f"没有结果 no results: {series}", err=True)
    elif frame["sample"].any():
        click.echo("注意: 含示例数据 (sample data), 非真实考核结果 / not real results", err=True)
    print_frame(frame, fmt)
