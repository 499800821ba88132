"""A reading command imports what it needs (issue 21 goal 4): `egov scores` on an existing
warehouse stays off the loading machinery, the pydantic scheme models, pyarrow and numpy, which
cost it most of its start-up (BENCHMARKS.md, "Start-up of the command line"); `egov notice` and
`egov feedback` build the scheme models they use but not numpy or the loading machinery."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

HEAVY = ("pipelines.loading", "pipelines.schemes.model", "pydantic", "pyarrow", "numpy")
SEEN = (*HEAVY, "jinja2")  # what the probe reports

PROBE = """
import json, sys
from egov.cli import main
try:
    main(sys.argv[1:])
except SystemExit as end:
    code = end.code
print(json.dumps({"code": code, "loaded": [m for m in SEEN if m in sys.modules]}), file=sys.stderr)
""".replace("SEEN", repr(SEEN))


def _run(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          timeout=300)
    return json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("extra", [[], ["--month", "2013-06"], ["--format", "csv"]])
def test_scores_imports_nothing_heavy(demo_db, extra):
    out = _run("scores", "--db", str(demo_db), "--scheme", "jintan-2013", "--year", "2013",
               *extra)
    assert out == {"code": 0, "loaded": []}


def test_a_wrong_year_is_refused_as_lightly(demo_db):
    out = _run("scores", "--db", str(demo_db), "--scheme", "jintan-2013", "--year", "2014")
    assert out == {"code": 2, "loaded": []}


def test_template_builds_the_models_it_needs(demo_db, tmp_path):
    out = _run("template", "units", "--db", str(demo_db), "--scheme", "jintan-2013", "--out",
               str(tmp_path / "units.xlsx"))
    assert out["code"] == 0 and "pipelines.schemes.model" in out["loaded"]


NOT_FOR_DOCUMENTS = {"numpy", "pyarrow", "pipelines.loading"}


def test_notice_builds_its_models_without_numpy_or_the_loading_code(demo_db, tmp_path):
    out = _run("notice", "--db", str(demo_db), "--scheme", "jintan-2013", "--year", "2013",
               "--out", str(tmp_path / "notice.docx"))
    assert out["code"] == 0 and "pipelines.schemes.model" in out["loaded"]
    assert not NOT_FOR_DOCUMENTS & set(out["loaded"])


def test_feedback_needs_neither_numpy_nor_the_loading_code_nor_the_models(demo_db, tmp_path):
    """A sheet issued before (the sample's records): writing it again reads only. (The first
    issue of a sheet is a write to the warehouse, with the machinery of a write.)"""
    from warehouse.queries import table

    db = shutil.copy(demo_db, tmp_path / "egov.duckdb")
    unit = table(db, "feedback_issued", "yueyang-2017")["unit"][0]
    out = _run("feedback", "--db", str(db), "--scheme", "yueyang-2017", "--year", "2017",
               "--unit", unit, "--out", str(tmp_path / "sheet.docx"))
    assert out["code"] == 0
    assert not NOT_FOR_DOCUMENTS & set(out["loaded"])
    # the sheet and its ledger need no scheme model (settings.yaml's schema is pydantic's) and
    # render no template (no jinja2)
    assert not {"pipelines.schemes.model", "jinja2"} & set(out["loaded"])
