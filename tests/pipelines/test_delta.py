"""A load into an existing warehouse (pipelines/delta.py) gives exactly the tables a full rebuild
gives, rescoring only the schemes it touches, all or nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines import delta, loading
from pipelines.scale_data import write_month_file, write_scale_data
from warehouse.database import connect_read_only

TABLES = ("units", "unit_aliases", "loads", "content_tallies", "yearend_inputs",
          "adjustment_inputs", "metric_values", "indicator_scores", "stage_scores", "results",
          "monthly_points", "target_progress", "group_shares")


def snapshot(db: Path) -> dict[str, pl.DataFrame]:
    con = connect_read_only(db)
    try:
        out = {}
        for table in TABLES:
            frame = con.sql(f"SELECT * FROM {table}").pl()
            frame = frame.drop([c for c in ("loaded_at",) if c in frame.columns])
            out[table] = frame.sort(frame.columns, nulls_last=True)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def loads(tmp_path_factory) -> list[list[Path]]:
    """A sequence of loads: a year of two schemes, a resubmitted month, a units file that
    renames aliases, a replacing adjustments file."""
    base = tmp_path_factory.mktemp("delta")
    jintan = write_scale_data(base / "jintan", 25, months=[1, 2, 3])
    yueyang = write_scale_data(base / "yueyang", 12, "yueyang-2017")
    month = base / "content-2013-03-revised.csv"
    write_month_file(month, 25, month=3, revision=2)
    units = base / "units-again.csv"
    rows = jintan.units.read_text(encoding="utf-8").splitlines()
    head, first, second = rows[0], rows[1], rows[2]
    renamed = [head, first.rstrip(",") + ",甲别名", second.rstrip(",") + ",乙别名"]
    units.write_text("\n".join(renamed) + "\n", encoding="utf-8")
    adjust = base / "adjustments-again.csv"
    lines = jintan.adjustments.read_text(encoding="utf-8").splitlines()
    adjust.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    return [jintan.all() + yueyang.all(), [month], [units], [adjust]]


def run(db: Path, loads: list[list[Path]], monkeypatch, incremental: bool) -> list[str]:
    used = []
    real_apply = delta.apply

    def spy(*args, **kwargs):
        used.append("delta")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(delta, "apply", spy)
    if not incremental:
        monkeypatch.setattr(loading, "_same_schemes", lambda a, b: False)
    for files in loads:
        loading.ingest(db, files)
    monkeypatch.undo()
    return used


def test_incremental_loads_give_the_tables_of_a_full_rebuild(loads, tmp_path, monkeypatch):
    fast, full = tmp_path / "fast.duckdb", tmp_path / "full.duckdb"
    assert run(fast, loads, monkeypatch, incremental=True) == ["delta"] * 3  # all but the first
    assert run(full, loads, monkeypatch, incremental=False) == []
    a, b = snapshot(fast), snapshot(full)
    for table in TABLES:
        assert a[table].equals(b[table]), table
    # The loads did something: the month replaced rows, the aliases moved.
    assert a["loads"].filter(pl.col("kind") == "content")["replaced_rows"].to_list()[-1] > 0
    assert set(a["unit_aliases"]["alias"].to_list()) >= {"甲别名", "乙别名"}


def test_stability_on_demand_is_the_engines_on_the_results_of_the_loads(loads, tmp_path,
                                                                         monkeypatch):
    """Rank stability is no longer stored at publish: computed from the warehouse's results
    after a first load and three loads on top (rows deleted and appended per scheme), it is
    what the engine gives on the results scored in memory, to the last bit."""
    from pipelines.engine.stability import rank_stability
    from pipelines.stability_on_demand import stability_of

    db = tmp_path / "egov.duckdb"
    run(db, loads, monkeypatch, incremental=True)
    schemes, results = loading.score_state(loading.open_state(db))
    for scheme in (s for s in schemes if s.id in ("jintan-2013", "yueyang-2017")):
        expected = rank_stability(scheme, results)
        found = stability_of(db, scheme.id, scheme.year)
        assert found.units.height > 0
        assert found.units.equals(expected.units), scheme.id
        assert found.weights.equals(expected.weights), scheme.id
    assert stability_of(db, "jintan-2013", 2012).units.is_empty()  # not the scheme's year


def test_a_load_drops_the_stability_tables_an_older_warehouse_stored(loads, tmp_path):
    """A warehouse written when stability was stored at publish keeps its tables until its next
    load, which drops them rather than leave them stale."""
    import duckdb

    db = tmp_path / "egov.duckdb"
    loading.ingest(db, loads[0])
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE rank_stability (scheme VARCHAR, year INTEGER, unit VARCHAR)")
    con.execute("CREATE TABLE indicator_weights (scheme VARCHAR, year INTEGER, code VARCHAR)")
    con.close()
    loading.ingest(db, loads[1])
    con = connect_read_only(db)
    try:
        names = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables")
                 .fetchall()}
    finally:
        con.close()
    assert "results" in names and not names & {"rank_stability", "indicator_weights"}


def test_only_the_touched_scheme_is_rescored(loads, tmp_path, monkeypatch):
    db = tmp_path / "egov.duckdb"
    loading.ingest(db, loads[0])
    rescored = []
    real = delta.rescore
    monkeypatch.setattr(delta, "rescore", lambda con, schemes, score: (
        rescored.append([s.id for s in schemes]), real(con, schemes, score))[1])
    loading.ingest(db, loads[1])
    assert rescored == [["jintan-2013"]]


def test_a_failure_while_rescoring_leaves_the_warehouse_byte_identical(loads, tmp_path,
                                                                        monkeypatch):
    db = tmp_path / "egov.duckdb"
    loading.ingest(db, loads[0])
    before = db.read_bytes()

    def boom(con, schemes, score):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(delta, "rescore", boom)
    with pytest.raises(RuntimeError):
        loading.ingest(db, loads[1])
    assert db.read_bytes() == before
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "egov.duckdb.lock")
    assert left == ["egov.duckdb"]  # no leftover copy (the writer lock file stays, empty)
