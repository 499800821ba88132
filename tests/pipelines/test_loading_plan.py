"""How a load's validated rows are cut per file (pipelines/loading.py): each file's rows, with
its own load id, without a copy of the kind's frame per file."""

from __future__ import annotations

import csv
from pathlib import Path

from pipelines import loading
from pipelines.inputs.context import LoadContext
from pipelines.inputs.load import read_inputs
from pipelines.scale_data import write_scale_data
from warehouse.database import connect_read_only


def _rows_in(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_each_file_of_a_kind_gets_exactly_its_rows(tmp_path, schemes):
    files = write_scale_data(tmp_path / "in", 9, months=[1, 2, 3])
    state = loading.open_state(tmp_path / "none.duckdb")
    ctx = LoadContext(schemes, units=state["units"].select("scheme", "unit", "unit_type"),
                      aliases=state["unit_aliases"])
    loaded = read_inputs(files.all(), ctx)
    ordered = sorted(loaded.files, key=lambda f: (f.kind, str(f.path)))
    cut = loading._rows_by_file(loaded, ordered)
    contents = [(info, rows) for info, rows in cut if info.kind == "content"]
    assert len(contents) == 3
    for info, rows in contents:
        # the same rows as the per-file split of the inputs package (which copies them)
        assert rows.equals(loaded.rows_of(info.path, "content"))
        assert rows.height == _rows_in(info.path) > 0
        assert rows["month"].unique().to_list() == [rows["month"][0]]


def test_a_load_of_several_monthly_files_records_each_file_with_its_rows(tmp_path):
    files = write_scale_data(tmp_path / "in", 9, months=[1, 2, 3])
    db = tmp_path / "egov.duckdb"
    loading.ingest(db, files.all())
    con = connect_read_only(db)
    try:
        loads = con.sql("SELECT load_id, file, rows FROM loads WHERE kind = 'content'").pl()
        per_id = con.sql("SELECT load_id, count(*) AS n, min(month) AS first, "
                         "max(month) AS last FROM content_tallies GROUP BY load_id").pl()
    finally:
        con.close()
    joined = loads.join(per_id, on="load_id")
    assert joined.height == 3
    for row in joined.iter_rows(named=True):
        assert row["rows"] == row["n"] == _rows_in(Path(row["file"]))
        assert row["first"] == row["last"]  # one file, one month
        assert Path(row["file"]).name == f"content-{row['first']}.csv"
    assert joined["load_id"].n_unique() == 3
