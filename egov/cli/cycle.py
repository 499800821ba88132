"""The office's cycle (pipelines/cycle/): `egov selfcheck`, `spotcheck`, `feedback`, `deadline`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

# ensure_warehouse from common: the loading machinery (scoring, numpy) only for a new warehouse
from egov.cli.common import DB_OPTION, ensure_warehouse, print_frame, say

SCHEME = click.option("--scheme", "scheme_id", required=True, help="Scheme id, e.g. yueyang-2017.")
YEAR = click.option("--year", type=int, required=True)


def _usage(err) -> click.UsageError:
    return click.UsageError(f"{err.zh} / {err.en}")


@click.command()
@DB_OPTION
@SCHEME
@YEAR
@click.option("--unit", help="Only this unit (单位).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def selfcheck(db: Path, scheme_id: str, year: int, unit: str | None, fmt: str) -> None:
    """Self-assessment (评分来源 自评) beside the verified score: one row per indicator where
    either exists, largest gap first, then each unit's total over the indicators with both."""
    from pipelines.cycle.selfcheck import SelfcheckError
    from pipelines.cycle.selfcheck import selfcheck as compare

    ensure_warehouse(db)
    try:
        frame = compare(db, scheme_id, year, unit)
    except SelfcheckError as err:
        raise _usage(err) from None
    if frame.is_empty():
        say(f"没有自评或核定行 no self-assessed or verified rows: {scheme_id} {year}", err=True)
    print_frame(frame, fmt)


@click.command()
@DB_OPTION
@SCHEME
@YEAR
@click.option("--units", "count", type=int, required=True, help="How many units to draw.")
@click.option("--seed", type=int, help="The random seed (drawn and recorded when not given).")
@click.option("--weighted", is_flag=True,
              help="Weight each unit by 1 + its summed gap between 自评 and 核定.")
def spotcheck(db: Path, scheme_id: str, year: int, count: int, seed: int | None,
              weighted: bool) -> None:
    """Draw the units to check on site (抽查) and record the draw (seed, who, when, units) in the
    load history, so that it can be drawn again."""
    from pipelines.cycle.selfcheck import SelfcheckError
    from pipelines.cycle.spotcheck import spotcheck as draw

    ensure_warehouse(db)
    try:
        result = draw(db, scheme_id, year, count, seed, weighted)
    except SelfcheckError as err:
        raise _usage(err) from None
    say(result.render())


@click.command()
@DB_OPTION
@SCHEME
@YEAR
@click.option("--unit", help="One unit: a .docx (and its 整改台账 .xlsx beside it).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="A .docx for one unit, a .zip for every unit.")
def feedback(db: Path, scheme_id: str, year: int, unit: str | None, out: Path) -> None:
    """Each unit's feedback sheet (反馈单, GB/T 9704 layout) and its rectification ledger to fill
    (整改台账 XLSX): one unit to a .docx, every unit to a .zip."""
    from pipelines.cycle.feedback import FeedbackError, write_feedback

    want = ".docx" if unit else ".zip"
    if out.suffix.lower() != want:
        raise click.UsageError(f"--out must name a {want} file / 输出文件应为 {want}"
                               + ("" if unit else "(不带 --unit 时为全部单位的 .zip)"))
    ensure_warehouse(db)
    try:
        written = write_feedback(db, scheme_id, year, out, unit)
    except FeedbackError as err:
        raise _usage(err) from None
    for path in written.paths:
        click.echo(f"已生成 written: {path}")
    click.echo(f"反馈单 feedback sheets: {len(written.units)} 个单位 units")


@click.command()
@DB_OPTION
@SCHEME
@YEAR
@click.option("--date", "due", required=True, metavar="YYYY-MM-DD",
              help="The day the assessing bodies' 年终评分 rows are due.")
def deadline(db: Path, scheme_id: str, year: int, due: str) -> None:
    """Set the deadline of the assessing bodies' rows for a scheme-year (报送进度, 预警)."""
    from pipelines.cycle.deadlines import DeadlineError, set_deadline

    try:
        day = dt.date.fromisoformat(due)
    except ValueError:
        raise click.UsageError(f"--date {due}: 应为日期 YYYY-MM-DD / a date YYYY-MM-DD is "
                               "expected") from None
    ensure_warehouse(db)
    try:
        set_deadline(db, scheme_id, year, day)
    except DeadlineError as err:
        raise _usage(err) from None
    click.echo(f"报送时限 deadline: {scheme_id} {year} → {day.isoformat()}")
