"""`egov scheme ...`: check, add, export and compare schemes; an empty scheme workbook."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, print_frame, rejecting, say


@click.group()
def scheme() -> None:
    """Check, add, export schemes; write an empty scheme workbook (see docs/schemes.md)."""


@scheme.command("check")
@DB_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rejecting
def scheme_check(db: Path, file: Path) -> None:
    """Validate a scheme file (YAML or workbook); list every problem, exit 1 if any.

    Also checked against the warehouse's schemes as `add` would (one scheme a year per series);
    prints the scheme's series and the years of it the warehouse holds. Nothing is written.
    """
    from pipelines.schemes.admin import check_scheme_against
    from pipelines.schemes.checks import ratio_policies

    scheme_obj, series_lines = check_scheme_against(db, file)
    say(f"方案检查通过 scheme OK: {scheme_obj.id} ({scheme_obj.name})")
    for line in series_lines:
        say(line)
    for line in ratio_policies(scheme_obj):
        say(line)


@scheme.command("add")
@DB_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace a scheme with the same id (kept in history).")
@rejecting
def scheme_add(db: Path, file: Path, replace: bool) -> None:
    """Add a scheme to the warehouse; an existing id only with --replace (rescores)."""
    from pipelines.schemes.admin import add_scheme

    say(add_scheme(db, file, replace=replace))


@scheme.command("export")
@DB_OPTION
@click.argument("scheme_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=".yaml for the text form, .xlsx for the workbook form.")
@rejecting
def scheme_export(db: Path, scheme_id: str, out: Path) -> None:
    """Write any scheme, built-in or added, as a file to copy and edit for next year."""
    from pipelines.schemes.admin import SchemeUsageError, export_scheme

    try:
        say(export_scheme(db, scheme_id, out))
    except SchemeUsageError as err:  # an unknown id or suffix is a usage error (exit 2)
        raise click.UsageError(str(err)) from None


@scheme.command("compare")
@DB_OPTION
@click.argument("scheme_id")
@click.argument("draft_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The scheme's year (default: the scheme's own).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@rejecting
def scheme_compare(db: Path, scheme_id: str, draft_file: Path, year: int | None,
                   fmt: str) -> None:
    """Score the data loaded under SCHEME_ID with the draft DRAFT_FILE too, and compare.

    The draft (a scheme file or workbook) is checked like `egov scheme check` but not added.
    Per unit: total, rank and grade under each, rank change (positive = up under the draft).
    Overall (on stderr for csv): rank correlations per unit type, grade changes, the changes
    that moved the most units, and the loaded rows the draft cannot score.
    """
    from pipelines.loading import dumps, ensure_warehouse
    from pipelines.scheme_lab import compare_draft_file
    from pipelines.schemes.admin import SchemeUsageError

    ensure_warehouse(db)
    try:
        result = compare_draft_file(db, scheme_id, draft_file, year)
    except SchemeUsageError as err:
        raise click.UsageError(str(err)) from None
    if result.units.is_empty():
        say(f"没有已载入的单位 no units loaded under {scheme_id}", err=True)
    elif result.units["sample"].any():
        click.echo("注意: 含示例数据 (sample data), 非真实考核结果 / not real results", err=True)
    if fmt == "json":
        click.echo(dumps(result.to_dict()))
        return
    print_frame(result.units.drop("total_raw", "draft_raw"), fmt)
    say("\n".join(result.summary_lines()), err=fmt == "csv")


@scheme.command("template")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def scheme_template(out: Path) -> None:
    """An empty scheme workbook (indicator rows, unit types, grades, clauses, targets)."""
    from pipelines.schemes.workbook import write_scheme_template

    write_scheme_template(out)
    click.echo(f"已生成方案模板 scheme template written: {out}")
