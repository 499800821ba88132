"""The demo: write the seeded sample workbooks and load them through the ordinary pipeline."""

from __future__ import annotations

from pathlib import Path

from egov import paths
from pipelines.build import build
from pipelines.cycle.sample import add_cycle_records
from pipelines.loading import LoadSummary, write_curated
from pipelines.sample_data import write_sample_data


def build_sample_warehouse(db: Path, raw_dir: Path | None = None,
                           curated_dir: Path | None = None, seed: int = 2013) -> LoadSummary:
    """Write the sample data (示例数据) under raw_dir/sample and build the warehouse from raw_dir,
    exactly as `egov build` would from a user's files."""
    raw = raw_dir if raw_dir is not None else paths.RAW_DIR
    curated = curated_dir if curated_dir is not None else paths.CURATED_DIR
    write_sample_data(raw / "sample", seed=seed)
    summary = build(db, raw, curated)
    add_cycle_records(db, seed)  # the cycle's deadline and feedback issued (示例数据)
    write_curated(db, curated)  # again: the curated Parquet mirrors the warehouse as it now is
    return summary
