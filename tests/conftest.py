"""Shared fixtures: the built-in schemes and one demo warehouse per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.schemes.checks import BUILTIN_SCHEMES_DIR, load_scheme_dir
from pipelines.schemes.model import Scheme

ROOT = Path(__file__).resolve().parent.parent  # the repository
TESTS = ROOT / "tests"  # golden files and fixtures, wherever a test module sits below it
SCHEMES_DIR = BUILTIN_SCHEMES_DIR


@pytest.fixture(autouse=True)
def page_errors_fail_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
                           ) -> None:
    """A page's unexpected error reaches an AppTest as Streamlit's exception (`at.exception`,
    which every page test asserts empty), not only as the visitor's short 「页面出错了」 message
    (`at.error`), which page tests did not read: the 指标 and 目标 pages showed the error page on
    the demo's latest year and every page test passed (fixed in 989b508). A test of the error
    page itself is marked `error_page`."""
    if request.node.get_closest_marker("error_page"):
        return
    from dashboard.kit import errors

    monkeypatch.setattr(errors, "guarded", lambda run: run())


@pytest.fixture(scope="session")
def schemes() -> dict[str, Scheme]:
    """Every built-in scheme by id."""
    return {s.id: s for s in load_scheme_dir()}


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


BIG_UNITS = 2000  # the page tests' large warehouse: units of jintan-2013


@pytest.fixture(scope="session")
def big_db(demo_dirs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse with BIG_UNITS more units of jintan-2013 (seeded input files of
    pipelines/scale_data.py loaded by the ingest pipeline; benchmarks/big_warehouse.py), built
    once per session."""
    from benchmarks.big_warehouse import build_big_warehouse

    base = tmp_path_factory.mktemp("big")
    return build_big_warehouse(base / "egov.duckdb", BIG_UNITS, sample_db=demo_dirs["db"])


def skip_unless(available: bool, reason: str) -> None:
    """Skip a test that needs a system package (chromium, a CJK font) when it is missing.

    `.ci/run` installs those packages and sets EGOV_REQUIRE_SYSTEM_PACKAGES=1, so in CI a missing
    package fails the test instead of silently skipping it.
    """
    import os

    if available:
        return
    if os.environ.get("EGOV_REQUIRE_SYSTEM_PACKAGES") == "1":
        pytest.fail(f"required system package missing in CI: {reason}")
    pytest.skip(reason)


# ---------------------------------------------------------------- input tests ----------------
# A few units per built-in scheme, for the reader/validation/template tests.
INPUT_UNITS = [
    ("jintan-2013", "金坛市档案局", "政府部门", ["档案局"]),
    ("jintan-2013", "儒林镇", "区镇", []),
    ("jintan-2013", "金坛市广播电视台", "广播电视台", []),
    ("yueyang-2017", "平江县", "县市区", ["平江"]),
    ("yueyang-2017", "岳阳市政务服务中心", "市直及中省驻岳单位", []),
    ("shengzhou-2020", "甘霖镇", "乡镇(街道)", []),
    ("shengzhou-2020", "嵊州市档案局", "市级部门", []),
    ("huaibei-2019", "淮北市数据资源局", "市直单位", []),
]


@pytest.fixture(scope="session")
def input_ctx(schemes: dict[str, Scheme]):
    """A load context with the built-in schemes and the units of INPUT_UNITS already known."""
    import polars as pl

    from pipelines.inputs.context import LoadContext

    rows = [u for u in INPUT_UNITS if u[0] in schemes]
    units = pl.DataFrame(
        [{"scheme": s, "unit": u, "unit_type": t} for s, u, t, _ in rows],
        schema={"scheme": pl.String, "unit": pl.String, "unit_type": pl.String},
    )
    aliases = pl.DataFrame(
        [{"scheme": s, "alias": a, "unit": u} for s, u, _, al in rows for a in al],
        schema={"scheme": pl.String, "alias": pl.String, "unit": pl.String},
    )
    return LoadContext(schemes).with_units(units, aliases)


# ---------------------------------------------------------------- scheme lab -----------------


def write_jintan_draft(out: Path) -> Path:
    """A draft of next year's Jintan scheme: stage weights 60/40 → 50/50, indicator 1 (重视程度,
    0.5) dropped and its half point given to indicator 3 (工作保障 0.5 → 1), so every sum holds."""
    import re

    text = (SCHEMES_DIR / "jintan-2013.yaml").read_text(encoding="utf-8")
    text = text.replace("id: jintan-2013", "id: jintan-draft", 1)
    # a draft compared beside the scheme in force, not its next year: a series of its own
    text = text.replace("series: jintan\n", "series: jintan-draft\n", 1)
    text = text.replace("  weight: 0.6\n", "  weight: 0.5\n", 1)
    text = text.replace("  weight: 0.4\n", "  weight: 0.5\n", 1)
    block = re.search(r"      - code: '1'\n(        .*\n)+", text)
    assert block is not None, "jintan-2013.yaml changed: indicator 1 not found"
    text = text.replace(block.group(0), "", 1)
    old3 = "      - code: '3'\n        name: 工作保障\n        max_points: 0.5\n"
    assert old3 in text, "jintan-2013.yaml changed: indicator 3 not found"
    text = text.replace(old3, old3.replace("0.5", "1.0"), 1)
    out.write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def jintan_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 50/50 Jintan draft (write_jintan_draft) as a YAML file."""
    return write_jintan_draft(tmp_path_factory.mktemp("draft") / "jintan-draft.yaml")
