"""Every hostile input of the corpus gives its expected exit code and report, never a traceback,
and a refused input leaves the warehouse byte for byte as it was (issue 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from egov.cli import main
from tests.hostile.corpus import BASE_UNITS, CASES, UNITS_HEADERS, Case, csv_bytes

# Meant to be there: the writer lock (kept empty between writes) and the refused-attempts
# journal `egov history` reads. Nothing else may be left beside the warehouse.
RECORDS = {"egov.duckdb.lock", "egov.duckdb.refused.jsonl"}

# The first max_problems (200) problems, each line bounded (values and messages cut), then a count.
MAX_REPORT = 256 * 1024


@pytest.fixture(scope="session")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the built-in schemes and three Jintan units."""
    folder = tmp_path_factory.mktemp("corpus-base")
    units = folder / "单位名录.csv"
    units.write_bytes(csv_bytes([UNITS_HEADERS, *BASE_UNITS]))
    db = folder / "egov.duckdb"
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(units)])
    assert result.exit_code == 0, result.output
    return db


def test_corpus_has_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, base_db: Path, tmp_path: Path, monkeypatch):
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    folder = tmp_path / "w"
    folder.mkdir()
    db = folder / "egov.duckdb"
    shutil.copy(base_db, db)
    before = db.read_bytes()
    args = [a.replace("{db}", str(db)) for a in case.build(tmp_path)]

    result = CliRunner().invoke(main, args)

    out = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    assert "Traceback" not in out
    assert result.exit_code == case.code, out[:3000]
    if case.phrase is not None:
        assert case.phrase in (result.stderr if case.code else out), out[:3000]
    assert len(out) < MAX_REPORT, f"report of {len(out):,} characters"
    assert "\x1b" not in out and "\u202e" not in out  # nothing reaches the terminal raw
    assert "root:" not in out  # no external entity (file:///etc/passwd) was expanded
    if case.code != 0:
        assert db.read_bytes() == before, "a refused input changed the warehouse"
        assert sorted(p.name for p in folder.iterdir() if p.name not in RECORDS) == ["egov.duckdb"]
