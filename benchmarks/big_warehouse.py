"""A large warehouse for page tests and page benchmarks: the sample warehouse plus N units.

The sample warehouse (107 units over four schemes, 示例数据) is copied, and N more units of a
scheme are loaded into it with `egov ingest`'s own path (`pipelines.loading.ingest`) from the
seeded input files `pipelines.scale_data.write_scale_data` writes for the scale benchmark
(benchmarks/bench_scale.py): one generator of large data for the whole repository, real import
templates, every check and score done by the pipeline, never invented here. The files are written
under a folder named `sample`, so the units are flagged 示例数据 like the sample's. Used by the
2,000-unit test fixture (tests/conftest.py), `benchmarks/bench_pages.py --units N` and
`benchmarks/bench_browser.py --units N`.

Run: uv run python benchmarks/big_warehouse.py --units 6000 [--scheme jintan-2013|all] --db OUT
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def build_big_warehouse(db: Path, units: int, *, scheme: str | None = "jintan-2013",
                        work: Path | None = None, sample_db: Path | None = None,
                        seed: int = 2013) -> Path:
    """The sample warehouse with `units` more units of `scheme` (of every built-in scheme when
    `scheme` is None), written to `db` (replaced if it exists)."""
    from pipelines.loading import builtin_schemes, ingest
    from pipelines.scale_data import write_scale_data

    base = Path(work or tempfile.mkdtemp(prefix="egov-big-"))
    if sample_db is None:
        from pipelines.demo import build_sample_warehouse

        sample_db = base / "sample.duckdb"
        build_sample_warehouse(sample_db, raw_dir=base / "raw", curated_dir=base / "curated")
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    shutil.copy(sample_db, db)
    sample_root = base / f"scale-{units}" / "sample"
    for scheme_id in [scheme] if scheme is not None else [s.id for s in builtin_schemes()]:
        files = write_scale_data(sample_root / scheme_id, units, scheme_id, seed=seed)
        ingest(db, files.all(), sample_root=sample_root)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=6000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--scheme", default="jintan-2013",
                        help="the scheme to grow (`all`: every built-in scheme, N units each)")
    parser.add_argument("--sample-db", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    build_big_warehouse(args.db, args.units, sample_db=args.sample_db,
                        scheme=None if args.scheme == "all" else args.scheme)
    print(f"built {args.db} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
