"""`egov notice`: the 通报 draft in Word."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, InvalidInput, ensure_warehouse, period_usage_error


@click.command()
@DB_OPTION
@click.option("--scheme", "scheme_id", required=True, help="Scheme id, e.g. jintan-2013.")
@click.option("--year", type=int, required=True)
@click.option("--month", help="YYYY-MM: the monthly 通报 (schemes with monthly scoring).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .docx file to write.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder with your own settings.yaml and notice templates (default notices/).")
@click.option("--doc-number", default="",
              help="发文字号, e.g. 坛电政办〔2014〕1号 (default: settings.yaml's doc_number).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="成文日期 YYYY-MM-DD (default today); also the file's dates.")
def notice(db: Path, scheme_id: str, year: int, month: str | None, out: Path,
           templates: Path | None, doc_number: str, day) -> None:
    """The 通报 draft in Word (GB/T 9704 layout): year-end, or one month's where the scheme
    scores months. Wording from the templates in notices/ (see README)."""
    from pipelines.notice import NoticeError, build_notice
    from pipelines.notice.render import TemplateProblem
    from pipelines.period import PeriodError, check_month

    if month is not None:
        try:  # before the warehouse is opened: a mistyped month costs nothing
            check_month(month)
        except PeriodError as err:
            raise period_usage_error(err) from None
    if out.suffix.lower() != ".docx":
        raise click.UsageError("--out must name a .docx file / 输出文件应为 .docx")
    ensure_warehouse(db)
    try:
        data = build_notice(db, scheme_id, year, month, templates=templates,
                            doc_number=doc_number.strip(), day=day.date() if day else None)
    except NoticeError as err:
        raise click.UsageError(str(err)) from None
    except TemplateProblem as err:
        raise InvalidInput(str(err)) from None
    from pipelines import atomic

    atomic.write_bytes(out, data)  # whole or not at all: a full disk keeps the old file
    click.echo(f"已生成通报 notice written: {out}")
