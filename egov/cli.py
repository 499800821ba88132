"""`egov`: the command line of CONTRACT.md, a thin layer over the library functions.

Exit codes: 0 success; 1 invalid input (a readable report on stderr); 2 usage error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import click

from egov import paths


def _remember_db(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    ctx.meta["egov.db"] = value  # meta is shared by every context of the command
    return value


DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=paths.DEFAULT_DB,
    show_default=True,
    callback=_remember_db,
    help="Warehouse file (DuckDB). Created with every built-in scheme if it does not exist.",
)


def _say(text: str, err: bool = False) -> None:
    """Print text for a person: names from files and schemes can hold control characters (an
    ANSI escape, a bidi override); they are shown escaped, never sent to the terminal raw."""
    from pipelines.inputs.problems import printable

    click.echo("\n".join(printable(line) for line in str(text).split("\n")), err=err)


class InvalidInput(click.ClickException):
    """Invalid input: exit 1 with the report on stderr."""

    exit_code = 1

    def show(self, file=None) -> None:
        _say(self.message, err=True)


def _rejecting(fn):
    """Turn InputRejected from the library into exit code 1 with its report."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from pipelines.inputs.problems import InputRejected

        try:
            return fn(*args, **kwargs)
        except InputRejected as err:
            raise InvalidInput(err.report()) from None

    return wrapper


class _Reporting(click.Group):
    """Every exit path is a report: an environment fault (a locked, damaged or read-only
    warehouse, a full disk) or an unexpected error becomes a bilingual message and exit 1,
    never a traceback (EGOV_DEBUG=1 shows the traceback). A bad EGOV_MAX_* setting is a usage
    error (exit 2)."""

    def invoke(self, ctx: click.Context):
        from egov import faults
        from pipelines.inputs.limits import LimitSettingError

        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
            return result
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader stopped reading (`egov scores | head`): not a fault, so no report and
            # exit 0, as `cat` or `grep` stop. Nothing is written after a command's output.
            _discard_stdout()
            ctx.exit(0)
        except LimitSettingError as err:
            raise click.UsageError(str(err)) from None
        except Exception as err:  # noqa: BLE001 - the one place that turns faults into reports
            if os.environ.get(faults.DEBUG_VARIABLE):
                raise
            raise InvalidInput(faults.report(err, ctx.meta.get("egov.db"))) from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file behind stdout (a test runner's buffer)
        pass


@click.group(cls=_Reporting,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """egov: 电子政务绩效考核分析 (e-government performance evaluation analytics).

    \b
    Start here:
      egov demo                      build the sample warehouse and open the dashboard
      egov schemes                   the schemes this tool knows
      egov template yearend --scheme yueyang-2017 --out 年终评分.xlsx
                                     an empty workbook to fill in
      egov ingest 年终评分.xlsx       check and load your workbooks (all or nothing)
      egov scores --scheme yueyang-2017 --year 2017
                                     the results per unit
    """


@main.command()
@DB_OPTION
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve on.")
@click.option("--no-browser", is_flag=True, help="Serve without opening a browser window.")
@click.option("--address", default=None, metavar="IP",
              help="Address to listen on (default 127.0.0.1, this machine only; EGOV_ADDRESS). "
                   "0.0.0.0 serves the office network.")
def demo(db: Path, port: int, no_browser: bool, address: str | None) -> None:
    """Build the sample warehouse if absent, then serve the dashboard (示例数据)."""
    from pipelines import demo as demo_data

    if not db.exists():
        click.echo("正在生成示例数据并建库 Building the sample warehouse ...", err=True)
        summary = demo_data.build_sample_warehouse(db)
        _say(summary.render(), err=True)
    from dashboard import serve
    from pipelines.access.demo import prepare

    anonymous, notes = prepare(db)
    for line in notes:
        _say(line, err=True)
    serve.run(db, port=port, open_browser=not no_browser, address=address,
              anonymous_viewers=anonymous)


@main.command()
@DB_OPTION
@click.option("--raw", type=click.Path(file_okay=False, path_type=Path),
              default=paths.RAW_DIR, show_default=True, help="Directory of input files.")
@click.option("--curated", type=click.Path(file_okay=False, path_type=Path),
              default=paths.CURATED_DIR, show_default=True, help="Where Parquet copies go.")
@_rejecting
def build(db: Path, raw: Path, curated: Path) -> None:
    """Read every .xlsx/.csv under RAW, validate, score, write Parquet, publish the warehouse.

    Files under RAW/sample/ are the sample data (示例数据): `egov demo` writes them there.
    """
    from pipelines.loading import build as build_warehouse

    if not raw.is_dir():
        raise click.UsageError(f"--raw: no such directory 目录不存在: {raw}")
    summary = build_warehouse(db, raw, curated)
    _say(summary.render())


@main.command()
@DB_OPTION
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_rejecting
def ingest(db: Path, files: tuple[Path, ...]) -> None:
    """Validate FILES and load them into the warehouse, then rescore. All or nothing.

    A file's kind (units, content, yearend, adjustments, metrics) is told from its headers;
    rows for a key already loaded replace the old ones.
    """
    from pipelines.loading import ingest as ingest_files

    _say(ingest_files(db, list(files)).render())


@main.command()
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
@_rejecting
def scores(db: Path, scheme_id: str, year: int, month: str | None, unit_type: str | None,
           fmt: str, stability: bool) -> None:
    """Results per unit: year-end totals, grades and ranks, or one month's content points."""
    from pipelines.loading import ensure_warehouse
    from warehouse import queries

    ensure_warehouse(db)
    years = {s.id: s.year for s in queries.load_schemes(db)}
    if scheme_id not in years:
        raise click.UsageError(f"--scheme: 未知方案 unknown scheme '{scheme_id}'; "
                               f"known 可用: {', '.join(years)}")
    if year != years[scheme_id]:
        raise click.UsageError(f"--year: 方案 {scheme_id} 的考核年度为 {years[scheme_id]} / "
                               f"the scheme's year is {years[scheme_id]}")
    if month is not None and stability:
        raise click.UsageError("--stability is for year-end results, not with --month / "
                               "稳定区间只用于年终结果")
    if month is not None:
        if len(month) != 7 or month[4] != "-" or not month[:4].isdigit():
            raise click.UsageError("--month must be YYYY-MM / 月份格式应为 YYYY-MM")
        if int(month[:4]) != year:
            raise click.UsageError("--month must fall in --year / 月份须在所选年度内")
        frame = queries.monthly_scores(db, scheme_id, month, unit_type)
    else:
        frame = queries.yearend_scores(db, scheme_id, year, unit_type, stability=stability)
    if frame.is_empty():
        _say(f"没有结果 no results: {scheme_id} {month or year}"
                   + (f" {unit_type}" if unit_type else ""), err=True)
    elif frame["sample"].any():
        click.echo("注意: 含示例数据 (sample data), 非真实考核结果 / not real results", err=True)
    _print_frame(frame, fmt)


@main.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def schemes(db: Path, fmt: str) -> None:
    """Schemes, rubrics, unit types and first-level categories with their max points."""
    from pipelines.loading import dumps, ensure_warehouse, scheme_json_summary
    from warehouse import queries

    ensure_warehouse(db)
    summary = scheme_json_summary(queries.load_schemes(db))
    if fmt == "json":
        click.echo(dumps(summary))
        return
    for s in summary:
        _say(f"{s['scheme']}  {s['jurisdiction']} {s['year']}  {s['name']}")
        for r in s["rubrics"]:
            _say(f"  {r['rubric']} ({'、'.join(r['unit_types'])}) {r['max_points']:g}分")
            cats = "  ".join(f"{c['name']} {c['max_points']:g}" for c in r["categories"])
            _say(f"    {cats}")


@main.command()
@DB_OPTION
@click.argument("kind", type=click.Choice(["units", "content", "yearend", "adjustments",
                                           "metrics"]))
@click.option("--scheme", "scheme_id", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def template(db: Path, kind: str, scheme_id: str, out: Path) -> None:
    """An empty import workbook for KIND with drop-down lists of units and indicator codes."""
    from pipelines.inputs.template_writer import write_template
    from pipelines.loading import ensure_warehouse
    from warehouse import queries

    ensure_warehouse(db)
    found = {s.id: s for s in queries.load_schemes(db)}
    if scheme_id not in found:
        raise click.UsageError(f"--scheme: 未知方案 unknown scheme '{scheme_id}'; "
                               f"known 可用: {', '.join(found)}")
    write_template(kind, found[scheme_id], queries.units(db, scheme_id), out)
    click.echo(f"已生成模板 template written: {out}")


@main.group()
def scheme() -> None:
    """Check, add, export schemes; write an empty scheme workbook (see docs/schemes.md)."""


@scheme.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_rejecting
def scheme_check(file: Path) -> None:
    """Validate a scheme file (YAML or workbook); list every problem, exit 1 if any."""
    from pipelines.schemes.admin import check_scheme_file
    from pipelines.schemes.checks import ratio_policies

    scheme_obj = check_scheme_file(file)
    _say(f"方案检查通过 scheme OK: {scheme_obj.id} ({scheme_obj.name})")
    for line in ratio_policies(scheme_obj):
        _say(line)


@scheme.command("add")
@DB_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace a scheme with the same id (kept in history).")
@_rejecting
def scheme_add(db: Path, file: Path, replace: bool) -> None:
    """Add a scheme to the warehouse; an existing id only with --replace (rescores)."""
    from pipelines.schemes.admin import add_scheme

    _say(add_scheme(db, file, replace=replace))


@scheme.command("export")
@DB_OPTION
@click.argument("scheme_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=".yaml for the text form, .xlsx for the workbook form.")
@_rejecting
def scheme_export(db: Path, scheme_id: str, out: Path) -> None:
    """Write any scheme, built-in or added, as a file to copy and edit for next year."""
    from pipelines.schemes.admin import SchemeUsageError, export_scheme

    try:
        _say(export_scheme(db, scheme_id, out))
    except SchemeUsageError as err:  # an unknown id or suffix is a usage error (exit 2)
        raise click.UsageError(str(err)) from None


@scheme.command("compare")
@DB_OPTION
@click.argument("scheme_id")
@click.argument("draft_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The scheme's year (default: the scheme's own).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@_rejecting
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
        _say(f"没有已载入的单位 no units loaded under {scheme_id}", err=True)
    elif result.units["sample"].any():
        click.echo("注意: 含示例数据 (sample data), 非真实考核结果 / not real results", err=True)
    if fmt == "json":
        click.echo(dumps(result.to_dict()))
        return
    _print_frame(result.units.drop("total_raw", "draft_raw"), fmt)
    _say("\n".join(result.summary_lines()), err=fmt == "csv")


@scheme.command("template")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def scheme_template(out: Path) -> None:
    """An empty scheme workbook (indicator rows, unit types, grades, clauses, targets)."""
    from pipelines.schemes.workbook import write_scheme_template

    write_scheme_template(out)
    click.echo(f"已生成方案模板 scheme template written: {out}")


@main.command()
@DB_OPTION
@click.option("--scheme", "scheme_id", required=True, help="Scheme id, e.g. jintan-2013.")
@click.option("--year", type=int, required=True)
@click.option("--month", help="YYYY-MM: the monthly 通报 (schemes with monthly scoring).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .docx file to write.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder with your own settings.yaml and notice templates (default notices/).")
def notice(db: Path, scheme_id: str, year: int, month: str | None, out: Path,
           templates: Path | None) -> None:
    """The 通报 draft in Word (GB/T 9704 layout): year-end, or one month's where the scheme
    scores months. Wording from the templates in notices/ (see README)."""
    from pipelines.loading import ensure_warehouse
    from pipelines.notice import NoticeError, build_notice
    from pipelines.notice.render import TemplateProblem

    if month is not None and (len(month) != 7 or month[4] != "-" or not month[:4].isdigit()):
        raise click.UsageError("--month must be YYYY-MM / 月份格式应为 YYYY-MM")
    if out.suffix.lower() != ".docx":
        raise click.UsageError("--out must name a .docx file / 输出文件应为 .docx")
    ensure_warehouse(db)
    try:
        data = build_notice(db, scheme_id, year, month, templates=templates)
    except NoticeError as err:
        raise click.UsageError(str(err)) from None
    except TemplateProblem as err:
        raise InvalidInput(str(err)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    click.echo(f"已生成通报 notice written: {out}")


@main.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def history(db: Path, fmt: str) -> None:
    """Loads, reverts and refused attempts: who, when, files with SHA-256, rows, outcome."""
    from pipelines.corrections.history import history as load_history

    frame = load_history(db)
    if frame.is_empty():
        click.echo(f"没有导入记录 no loads yet: {db}", err=True)
    if fmt == "table":
        import polars as pl  # the table shows file names and short hashes; csv/json in full

        frame = frame.with_columns(pl.col("sha256").str.slice(0, 12), pl.col("file").map_elements(
            lambda f: Path(f).name or f, return_dtype=pl.String))
    _print_frame(frame, fmt)


@main.command()
@DB_OPTION
@click.argument("load_id", type=int)
@_rejecting
def revert(db: Path, load_id: int) -> None:
    """Undo load LOAD_ID (all files loaded with it) as a new recorded load; see egov history."""
    from pipelines.corrections.revert import revert as revert_load

    click.echo(revert_load(db, load_id).render())


@main.group()
def user() -> None:
    """Dashboard accounts (viewer, editor, admin), kept beside the warehouse, passwords hashed.

    \b
    Roles: viewer reads every page; editor also uploads workbooks and reverts loads;
    admin also manages schemes and accounts. See README "Access".
    """


def _accounts(db: Path):
    from pipelines.access.accounts import AccountStore

    return AccountStore.for_warehouse(db)


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码 Password", hide_input=True,
                        confirmation_prompt="再输一次 Repeat password", err=True)


def _account_errors(fn):
    """AccountError from the library: exit 1 with its message."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from pipelines.access.accounts import AccountError

        try:
            return fn(*args, **kwargs)
        except AccountError as err:
            raise InvalidInput(str(err)) from None

    return wrapper


PASSWORD_STDIN = click.option("--password-stdin", is_flag=True,
                              help="Read the password from one line of stdin (for scripts).")


@user.command("add")
@DB_OPTION
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), default="viewer",
              show_default=True)
@PASSWORD_STDIN
@click.option("--sso", is_flag=True,
              help="No password: the name is an e-mail that signs in through OIDC (st.login).")
@_account_errors
def user_add(db: Path, name: str, role: str, password_stdin: bool, sso: bool) -> None:
    """Add an account; the password is asked twice (or read from stdin).

    \b
    Passwords (NIST SP 800-63B): at least 8 characters; not the account name nor containing
    it; not a common or breached password; not easy to guess (README "Access")."""
    password = None if sso else _new_password(password_stdin)
    account = _accounts(db).add(name, role, password)
    click.echo(f"已添加账户 account added: {account.name} ({account.role})")


@user.command("passwd")
@DB_OPTION
@click.argument("name")
@PASSWORD_STDIN
@_account_errors
def user_passwd(db: Path, name: str, password_stdin: bool) -> None:
    """Set a new password (also forgets failed sign-in attempts)."""
    store = _accounts(db)
    if store.get(name) is None:
        raise InvalidInput(f"没有这个账户 no such account: {name}")
    store.set_password(name, _new_password(password_stdin))
    click.echo(f"密码已更新 password changed: {name}")


@user.command("role")
@DB_OPTION
@click.argument("name")
@click.argument("role", type=click.Choice(["viewer", "editor", "admin"]))
@_account_errors
def user_role(db: Path, name: str, role: str) -> None:
    """Change an account's role."""
    _accounts(db).set_role(name, role)
    click.echo(f"角色已更新 role changed: {name} → {role}")


@user.command("remove")
@DB_OPTION
@click.argument("name")
@_account_errors
def user_remove(db: Path, name: str) -> None:
    """Remove an account."""
    _accounts(db).remove(name)
    click.echo(f"已删除账户 account removed: {name}")


@user.command("list")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@_account_errors
def user_list(db: Path, fmt: str) -> None:
    """Accounts with their role, creation time and sign-in throttling (failed attempts in a
    row, and until when the next attempt waits); never a password or hash."""
    from pipelines.access.accounts import accounts_frame

    store = _accounts(db)
    frame = accounts_frame(store.list())
    if frame.is_empty():
        click.echo(f"没有账户 no accounts yet ({store.path}); add one with: "
                   "egov user add NAME --role admin", err=True)
    _print_frame(frame, fmt)


def _print_frame(frame, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(frame.to_dicts(), ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        from pipelines.csv_safety import neutralise_frame

        frame = neutralise_frame(frame)  # no cell runs as a formula in a spreadsheet
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(frame.columns)
        writer.writerows(frame.rows())
        sys.stdout.write(buffer.getvalue())
    else:
        import polars as pl

        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=40,
                       tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
            _say(str(frame))


if __name__ == "__main__":
    main()
