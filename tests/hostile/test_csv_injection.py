"""CSV exports neutralise cells a spreadsheet would run as formulas (issue 11, defect 6)."""

from __future__ import annotations

import csv
import io

import polars as pl
from click.testing import CliRunner

from dashboard.exports import exports
from egov.cli import main
from pipelines.csv_safety import neutralise_text
from tests.hostile.corpus import UNITS_HEADERS, csv_bytes

HOSTILE = ['=HYPERLINK("http://evil.example/?x","点此")', "+1+1", "@SUM(1,1)",
           "=cmd|' /C calc'!A0", "-2+3", "\t=1+1", "\r=1+1", "-1+1"]
PLAIN = ["-3", "-2.5", "教育局", "a=b", "1-2"]


def test_each_trigger_gets_an_apostrophe_and_plain_numbers_stay():
    assert [neutralise_text(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [neutralise_text(v) for v in PLAIN] == PLAIN


def test_table_csv_neutralises_text_and_keeps_number_columns():
    frame = pl.DataFrame({"单位": HOSTILE + PLAIN,
                          "得分": [-1.5] * len(HOSTILE + PLAIN)})
    rows = list(csv.reader(io.StringIO(exports.table_csv(frame).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE] + PLAIN
    assert {r[1] for r in rows[1:]} == {"-1.50"}  # a negative score stays a number


def test_egov_scores_csv_neutralises_unit_names(tmp_path):
    names = ['=HYPERLINK("http://evil.example","x")', "+1+1", "@SUM(1,1)",
             "=cmd|' /C calc'!A0"]
    units = tmp_path / "units.csv"
    units.write_bytes(csv_bytes([UNITS_HEADERS, *[["jintan-2013", n, "区镇", ""]
                                                  for n in names]]))
    db = tmp_path / "egov.duckdb"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--db", str(db), str(units)]).exit_code == 0
    result = runner.invoke(main, ["scores", "--db", str(db), "--scheme", "jintan-2013",
                                  "--year", "2013", "--format", "csv"])
    assert result.exit_code == 0, result.output
    shown = {r["unit"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert shown == {"'" + n for n in names}
    assert not any(line.startswith(("=", "+", "@")) or ",=" in line or ",+" in line
                   or ",@" in line for line in result.stdout.splitlines())
