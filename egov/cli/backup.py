"""`egov backup` and `egov restore`: the warehouse with its accounts in one file, and back."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, rejecting, say


@click.command()
@DB_OPTION
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The backup file to write (replaced whole, or not at all).")
@rejecting
def backup(db: Path, out: Path) -> None:
    """A consistent copy of the warehouse, its accounts and its refused-attempts journal in one
    file, taken under the writer lock while the dashboard serves (see README, Backups)."""
    from pipelines.backup import backup as take

    say(take(db, out).render("已备份 backup written:"))


@click.command()
@DB_OPTION
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@rejecting
def restore(db: Path, file: Path) -> None:
    """Bring back a backup FILE as the warehouse (and its accounts), after checking it; the
    warehouse as it was is kept as <warehouse>.before-restore."""
    from pipelines.backup import restore as bring_back

    say(bring_back(file, db).render("已恢复 restored from"))
