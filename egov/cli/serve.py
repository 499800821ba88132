"""`egov serve`: an office's real warehouse on the dashboard (no sample data, no demo account)."""

from __future__ import annotations

from pathlib import Path

import click

from egov.cli.common import DB_OPTION, InvalidInput, say, server_options


@click.command()
@DB_OPTION
@server_options
@click.option("--address", default=None, metavar="IP",
              help="Address to listen on (default 127.0.0.1, this machine only; EGOV_ADDRESS). "
                   "Any other address needs an account first (egov user add).")
def serve(db: Path, port: int, no_browser: bool, address: str | None) -> None:
    """Serve the dashboard over a real warehouse as it is: no sample data is built, no demo
    account made; visitors sign in once accounts exist (EGOV_ANONYMOUS=viewer opens reading).
    Refuses an address other machines reach while no account exists."""
    from dashboard import serve as server

    address = address or server.default_address()
    refusal = server.serve_refusal(db, address)
    if refusal is not None:
        raise InvalidInput(f"未启动 not started: {refusal[0]} / {refusal[1]}")
    say(f"数据仓库 warehouse: {db}", err=True)
    server.run(db, port=port, open_browser=not no_browser, address=address,
               anonymous_viewers=False)
