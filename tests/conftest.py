"""Shared fixtures: the built-in schemes and one demo warehouse per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.scheme_checks import load_scheme_file
from pipelines.scheme_model import Scheme

ROOT = Path(__file__).resolve().parent.parent
SCHEMES_DIR = ROOT / "schemes"


@pytest.fixture(scope="session")
def schemes() -> dict[str, Scheme]:
    """Every built-in scheme by id."""
    return {s.id: s for s in (load_scheme_file(p) for p in sorted(SCHEMES_DIR.glob("*.yaml")))}


@pytest.fixture(scope="session")
def demo_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample data written and built once per session, in a temporary directory."""
    from pipelines.demo import build_sample_warehouse

    base = tmp_path_factory.mktemp("demo")
    dirs = {"db": base / "egov.duckdb", "raw": base / "raw", "curated": base / "curated"}
    build_sample_warehouse(dirs["db"], raw_dir=dirs["raw"], curated_dir=dirs["curated"])
    return dirs


@pytest.fixture(scope="session")
def demo_db(demo_dirs: dict[str, Path]) -> Path:
    """A warehouse built from the seeded sample data through the ordinary pipeline."""
    return demo_dirs["db"]
