"""`egov demo`: the sample warehouse and the dashboard in one step."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, say, server_options


@click.command()
@DB_OPTION
@server_options
@click.option("--address", default=None, metavar="IP",
              help="Address to listen on (default 127.0.0.1, this machine only; EGOV_ADDRESS). "
                   "0.0.0.0 serves the office network.")
def demo(db: Path, port: int, no_browser: bool, address: str | None) -> None:
    """Build the sample warehouse if absent, then serve the dashboard (示例数据)."""
    from pipelines import demo as demo_data

    if not db.exists():
        click.echo("正在生成示例数据并建库 Building the sample warehouse ...", err=True)
        summary = demo_data.build_sample_warehouse(db)
        say(summary.render(), err=True)
    from dashboard import serve
    from pipelines.access.demo import prepare

    anonymous, notes = prepare(db)
    for line in notes:
        say(line, err=True)
    serve.run(db, port=port, open_browser=not no_browser, address=address,
              anonymous_viewers=anonymous)
