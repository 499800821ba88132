"""`egov`: the command line of docs/contract.md, a thin layer over the library functions.

One module per command group (load, results, scheme, notice, history, user, demo); what they
share (the --db option, output, the exit-code contract) is in `egov.cli.common`.
Exit codes: 0 success; 1 invalid input (a readable report on stderr); 2 usage error.
"""

from __future__ import annotations

import click

from egov.cli import backup, cycle, demo, history, load, notice, results, scheme, serve, trend, user
from egov.cli.common import Reporting


@click.group(cls=Reporting,
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


for _command in (demo.demo, load.build, load.ingest, results.scores, results.schemes,
                 trend.trend,
                 results.template, scheme.scheme, notice.notice, history.history,
                 history.revert, user.user, backup.backup, backup.restore, cycle.deadline,
                 cycle.selfcheck, cycle.spotcheck, cycle.feedback, serve.serve):
    main.add_command(_command)
