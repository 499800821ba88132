"""Default locations, relative to the working directory (the project root in the README)."""

from pathlib import Path

DEFAULT_DB = Path("warehouse/egov.duckdb")
RAW_DIR = Path("data/raw")
SAMPLE_DIR = RAW_DIR / "sample"
CURATED_DIR = Path("data/curated")
