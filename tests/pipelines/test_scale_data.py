"""The scale generator (pipelines/scale_data.py): seeded, valid for every built-in scheme, loadable.

Small N only: the big runs are benchmarks (benchmarks/bench_scale.py).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from pipelines.inputs.readers import read_file
from pipelines.loading import ingest
from pipelines.scale_data import (
    scale_units,
    write_month_file,
    write_scale_data,
)
from pipelines.schemes.checks import load_scheme_dir
from warehouse import database

SCHEMES = ("jintan-2013", "yueyang-2017", "shengzhou-2020", "huaibei-2019")


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_same_seed_same_files_other_seed_other_figures(tmp_path: Path) -> None:
    a = write_scale_data(tmp_path / "a", 40, seed=7)
    b = write_scale_data(tmp_path / "b", 40, seed=7)
    c = write_scale_data(tmp_path / "c", 40, seed=8)
    for pa, pb in zip(a.all(), b.all(), strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert a.yearend.read_bytes() != c.yearend.read_bytes()


def test_n_units_spread_over_every_unit_type_with_distinct_names() -> None:
    scheme = next(s for s in load_scheme_dir() if s.id == "jintan-2013")
    units = scale_units(scheme, 2_000)
    assert len(units) == 2_000
    assert len({u.name for u in units}) == 2_000
    types = Counter(u.unit_type for u in units)
    assert set(types) == {ut.name for ut in scheme.unit_types}
    # The proportions of the real unit list (10 : 16 : 5 : 1 for Jintan), give or take rounding.
    assert 0.25 < types["区镇"] / 2_000 < 0.38
    assert types["广播电视台"] >= 50
    # Tiny N still has every type, so ranks have peers of each.
    assert {u.unit_type for u in scale_units(scheme, 4)} == set(types)


def test_jintan_files_in_the_templates_with_twelve_months(tmp_path: Path) -> None:
    files = write_scale_data(tmp_path, 12)
    assert sorted(files.content) == list(range(1, 13))
    assert (tmp_path / "示例数据-README.txt").read_text(encoding="utf-8").startswith("示例数据")
    kinds = {p.name: [s.kind for s in read_file(p)] for p in files.all()}
    assert kinds["units.csv"] == ["units"]
    assert kinds["content-2013-06.csv"] == ["content"]
    assert kinds["yearend.csv"] == ["yearend"]
    assert kinds["adjustments.csv"] == ["adjustments"]
    assert kinds["metrics.csv"] == ["metrics"]
    assert len(_csv_rows(files.units)) == 13
    months = {r[1] for r in _csv_rows(files.content[6])[1:]}
    assert months == {"2013-06"}
    assert files.rows["content"] == sum(len(_csv_rows(p)) - 1 for p in files.content.values())


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_every_builtin_scheme_loads_without_a_problem(tmp_path: Path, scheme_id: str) -> None:
    files = write_scale_data(tmp_path / "in", 30, scheme_id, months=[1, 2])
    db = tmp_path / "egov.duckdb"
    summary = ingest(db, files.all())
    loaded = {f["kind"]: 0 for f in summary.files}
    for f in summary.files:
        loaded[f["kind"]] += f["rows"]
    assert loaded["units"] == 30
    assert loaded["yearend"] == files.rows["yearend"]
    con = database.connect_read_only(db)
    try:
        n = con.sql("SELECT count(DISTINCT unit) FROM results WHERE scheme = ?",
                    params=[scheme_id]).fetchall()[0][0]
    finally:
        con.close()
    assert n == 30


def test_resubmitted_month_replaces_that_month(tmp_path: Path) -> None:
    files = write_scale_data(tmp_path / "in", 20, months=[11, 12])
    db = tmp_path / "egov.duckdb"
    ingest(db, files.all())
    month = tmp_path / "content-2013-12-revised.csv"
    rows = write_month_file(month, 20, month=12, revision=2)
    assert rows > 0
    assert month.read_bytes() != files.content[12].read_bytes()
    summary = ingest(db, [month])
    assert summary.files[0]["rows"] == rows
    assert summary.files[0]["replaced_rows"] > 0


def test_xlsx_format_reads_like_csv(tmp_path: Path) -> None:
    files = write_scale_data(tmp_path, 6, fmt="xlsx", months=[3])
    assert files.units.suffix == ".xlsx"
    sheets = read_file(files.content[3])
    assert sheets[0].kind == "content"
    assert sheets[0].frame.height == files.rows["content"]


def test_a_large_yearend_is_split_into_parts(tmp_path: Path) -> None:
    files = write_scale_data(tmp_path, 10, months=[1], max_rows_per_file=500)
    assert [p.name for p in files.yearend_parts] == ["yearend-part01.csv", "yearend-part02.csv",
                                                     "yearend-part03.csv"]
    assert sum(len(_csv_rows(p)) - 1 for p in files.yearend_parts) == files.rows["yearend"]
    assert set(files.yearend_parts) <= set(files.all())
