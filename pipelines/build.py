"""`egov build`: the top of the load path. The sample's 示例方案 are added first, then every
workbook under the raw folder is read, validated, scored and published, then the curated Parquet
is written.

Kept above pipelines/loading.py, which the scheme admin and the cycle import: adding the sample
schemes (pipelines/years/sample.py, which uses the scheme admin) from inside loading made those
modules import each other.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.access.lock import writes_warehouse
from pipelines.loading import LoadSummary, ensure_warehouse, ingest, input_files, write_curated
from pipelines.years.sample import add_sample_schemes


@writes_warehouse
def build(db: Path, raw_dir: Path, curated_dir: Path) -> LoadSummary:
    """Read every file under raw_dir, validate, score, publish; write curated Parquet files."""
    add_sample_schemes(db, raw_dir / "sample")  # the sample's 示例方案 (pipelines/years/sample.py)
    files = input_files(raw_dir)
    summary = ingest(db, files, sample_root=raw_dir / "sample") if files else None
    if summary is None:
        ensure_warehouse(db)
        summary = LoadSummary([], db)
    write_curated(db, curated_dir)
    return summary
