"""What every command shares: the --db option, printing for a person, the exit-code contract
(0 success, 1 invalid input with a report on stderr, 2 usage error) and table/csv/json output."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable
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


def server_options(command: Callable) -> Callable:
    """--port and --no-browser, as `egov demo` and `egov serve` take them (each says its own
    --address: who may be served differs)."""
    command = click.option("--no-browser", is_flag=True,
                           help="Serve without opening a browser window.")(command)
    return click.option("--port", type=int, default=8501, show_default=True,
                        help="Port to serve on.")(command)


def say(text: str, err: bool = False) -> None:
    """Print text for a person: names from files and schemes can hold control characters (an
    ANSI escape, a bidi override); they are shown escaped, never sent to the terminal raw."""
    from pipelines.inputs.problems import printable

    click.echo("\n".join(printable(line) for line in str(text).split("\n")), err=err)



class InvalidInput(click.ClickException):
    """Invalid input: exit 1 with the report on stderr."""

    exit_code = 1

    def show(self, file=None) -> None:
        say(self.message, err=True)


def rejecting(fn):
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


class Reporting(click.Group):
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


def ensure_warehouse(db: Path) -> None:
    """Create the warehouse `db` with the built-in schemes if it does not exist (docs/contract.md).
    The loading machinery (scoring, numpy) is imported only then: a reading command on an
    existing warehouse does not pay for it."""
    if not db.exists():
        from pipelines.loading import ensure_warehouse as create_if_absent

        create_if_absent(db)


def resolve_period(db: Path, scheme_id: str, year: int | None = None, month: str | None = None,
                   *, models: bool = False):
    """The checked period (pipelines.period.Period) in the warehouse `db` (created if absent),
    or a usage error (exit 2) naming the option at fault. Its `scheme` is the Scheme model with
    `models`, else only the scheme's id and year (read without building the models)."""
    from pipelines.period import PeriodError
    from pipelines.period import resolve_period as resolve
    from warehouse import queries

    ensure_warehouse(db)
    if models:  # the pydantic models cost a short command most of its start-up: only on demand
        from pipelines.schemes.stored import load_schemes

        schemes = load_schemes(db)
    else:
        schemes = queries.scheme_years(db)
    try:
        return resolve(schemes, scheme_id, year, month)
    except PeriodError as err:
        raise period_usage_error(err) from None


def period_usage_error(err) -> click.UsageError:
    """A PeriodError as a usage error; a month's message already names its options."""
    return click.UsageError(str(err) if err.option == "month" else f"--{err.option}: {err}")


def print_frame(frame, fmt: str) -> None:
    """Write a frame as a terminal table, CSV (formula cells neutralised) or JSON."""
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
            say(str(frame))

