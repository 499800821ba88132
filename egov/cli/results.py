"""`egov scores`, `egov schemes`, `egov template`: what the warehouse holds, and empty
workbooks to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, print_frame, rejecting, resolve_period, say


@click.command()
@DB_OPTION
@click.option("--scheme", "scheme_id", required=True, help="Scheme id, e.g. jintan-2013.")
@click.option("--year", type=int, required=True)
@click.option("--month", help="YYYY-MM: monthly content points instead of year-end results.")
@click.option("--unit-type", help="Only units of this type (单位类型).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--stability", is_flag=True,
              help="Year-end only: add rank_median, rank_p05, rank_p95 (ranks under 1,000 "
                   "random weightings within ±20%; see docs/schemes.md).")
@click.option("--levels", type=click.IntRange(min=1), default=None,
              help="Year-end only: add each indicator group's score down to level N "
                   "(1 = 一级指标), one column per group named by its path.")
@rejecting
def scores(db: Path, scheme_id: str, year: int, month: str | None, unit_type: str | None,
           fmt: str, stability: bool, levels: int | None) -> None:
    """Results per unit: year-end totals, grades and ranks, or one month's content points."""
    from warehouse import queries
    from warehouse.reader import held

    resolve_period(db, scheme_id, year, month)
    if month is not None and stability:
        raise click.UsageError("--stability is for year-end results, not with --month / "
                               "稳定区间只用于年终结果")
    if month is not None and levels is not None:
        raise click.UsageError("--levels is for year-end results, not with --month / "
                               "分组得分只用于年终结果")
    with held(db):  # the reads below (up to five) attach the file once
        if month is not None:
            frame = queries.monthly_scores(db, scheme_id, month, unit_type)
        else:
            from warehouse.published import yearend_published

            intervals = None
            if stability:  # computed now, not stored at publish (pipelines/stability_on_demand.py)
                from pipelines.stability_on_demand import stability_of, unit_intervals

                intervals = unit_intervals(stability_of(db, scheme_id, year))
            frame = yearend_published(db, scheme_id, year, unit_type, intervals, levels)
    if frame.is_empty():
        say(f"没有结果 no results: {scheme_id} {month or year}"
                   + (f" {unit_type}" if unit_type else ""), err=True)
    elif frame["sample"].any():
        click.echo("注意: 含示例数据 (sample data), 非真实考核结果 / not real results", err=True)
    print_frame(frame, fmt)


@click.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def schemes(db: Path, fmt: str) -> None:
    """Schemes, rubrics, unit types and first-level categories with their max points."""
    from pipelines.loading import dumps, ensure_warehouse, scheme_json_summary
    from pipelines.schemes.stored import load_schemes

    ensure_warehouse(db)
    summary = scheme_json_summary(load_schemes(db))
    if fmt == "json":
        click.echo(dumps(summary))
        return
    for s in summary:
        say(f"{s['scheme']}  {s['jurisdiction']} {s['year']}  {s['name']}")
        for r in s["rubrics"]:
            say(f"  {r['rubric']} ({'、'.join(r['unit_types'])}) {r['max_points']:g}分")
            cats = "  ".join(
                f"{c['name']} 权重 {c['weight']}" if c.get("weight") else
                f"{c['name']} {c['max_points']:g}" for c in r["categories"])
            say(f"    {cats}")


class _ImportKind(click.Choice):
    """The import kinds of the registry (pipelines/inputs/kinds/), looked up when a command line
    is parsed or its help shown, not when `egov` starts."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from pipelines.inputs.kinds import KINDS

        return tuple(KINDS)

    @choices.setter
    def choices(self, value: tuple[str, ...]) -> None:
        """Choice's own __init__ sets the choices: the registry's stand instead."""


@click.command()
@DB_OPTION
@click.argument("kind", type=_ImportKind())
@click.option("--scheme", "scheme_id", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def template(db: Path, kind: str, scheme_id: str, out: Path) -> None:
    """An empty import workbook for KIND with drop-down lists of units and indicator codes."""
    from pipelines.inputs.template_writer import write_template
    from warehouse import queries

    scheme = resolve_period(db, scheme_id, models=True).scheme
    write_template(kind, scheme, queries.units(db, scheme_id), out)
    click.echo(f"已生成模板 template written: {out}")
