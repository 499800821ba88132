"""Random cells and random YAML: the readers, the validation and the scheme checker refuse or
accept, never crash, and stay within a memory bound (issue 11, "What it must do" 2).

"Never crash" means: the only exception is the all-or-nothing refusal (InputRejected /
SchemeRejected), and its report renders with no raw control character. The memory bound is the
process's peak resident size, read before and after each property: a cell or a document that
made any reader allocate far beyond its size would raise it.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import resource
import tempfile
from pathlib import Path

import pytest
import xlsxwriter
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.inputs.kinds import KINDS
from pipelines.inputs.load import LoadedInputs, read_inputs
from pipelines.inputs.problems import InputRejected
from pipelines.schemes.checks import SchemeRejected, load_scheme_text
from pipelines.schemes.model import Scheme
from tests.hostile.corpus import SCHEME

MEMORY_BOUND_MB = 512
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HOSTILE_CELLS = [
    "", " ", "\u3000", "jintan-2013", "yueyang-2017", "2013-01", "2013年1月", "201301",
    "2013-13", "儒林镇", "儒林\u200b镇", "\u202e镇林儒", "平江县", "平江", "1", "３", "1.5", "-1",
    "1e309", "-1e309", "1e308", "1e20", "3000000000", "nan", "NaN", "inf", "-0", "0x10", "1,234",
    "92%", "150%", "是", "否", "加分", "减分", "国家级", "=1+1", "@SUM(1)", "+1", "\x1b[31m",
    "\x00", "\r\n", "𠀀", "9" * 400, "儒" * 2000,
]
HEADER_POOL = sorted({h for t in KINDS.values() for c in t.columns
                      for h in (c.zh, c.name)} | {"", "x", "\u200b方案", "方案 "})

cells = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=40),
                  st.integers(min_value=-2**70, max_value=2**70).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def grids(draw) -> list[list[str]]:
    template = draw(st.sampled_from(sorted(KINDS)))
    headers = [c.zh for c in KINDS[template].columns]
    if draw(st.booleans()):
        headers = draw(st.lists(st.sampled_from(HEADER_POOL), min_size=1, max_size=10))
    width = len(headers) + draw(st.integers(0, 2))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width), max_size=12))
    return [headers, *rows]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def outcome(paths: list[Path], ctx) -> str:
    try:
        loaded = read_inputs(paths, ctx)
    except InputRejected as err:
        report = err.report()
        assert report and "\x1b" not in report and "\x00" not in report
        return "refused"
    assert isinstance(loaded, LoadedInputs)
    return "accepted"


@pytest.fixture(scope="module")
def memory_guard():
    before = peak_mb()
    yield
    assert peak_mb() - before < MEMORY_BOUND_MB


@SETTINGS
@given(grid=grids())
def test_random_cells_in_a_csv(grid, input_ctx, memory_guard):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "随机.csv"
        out = io.StringIO()
        csv.writer(out).writerows(grid)
        encoding = "gb18030" if len(grid) % 2 else "utf-8"
        path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
        outcome([path], input_ctx)


@SETTINGS
@given(grid=grids(), hidden=st.booleans())
def test_random_cells_in_a_workbook(grid, hidden, input_ctx, memory_guard):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "随机.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("数据")
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                ws.write_string(r, c, value[:32_767])
        if hidden:
            wb.add_worksheet("隐藏").write_string(0, 0, "x")
            wb.worksheets()[-1].hide()
        wb.close()
        result = outcome([path], input_ctx)
        if hidden:
            assert result == "refused"  # a hidden sheet holding data is never skipped silently


# ---------------------------------------------------------------- YAML -----------------------

BASE = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**64, 2**64),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                    st.sampled_from([".inf", "-1", "0", "1e400", "", "\x1b[31m", "![x](http://e)"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def paths(data, prefix=()):
    """Every path to a value in a nested structure."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from paths(v, (*prefix, i))


ALL_PATHS = [p for p in paths(BASE) if p]


def check(text: str) -> str:
    try:
        scheme = load_scheme_text(text, "随机.yaml")
    except SchemeRejected as err:
        report = err.report()
        assert report and "\x1b" not in report
        return "refused"
    assert isinstance(scheme, Scheme)
    for value in _floats(scheme.model_dump()):
        assert math.isfinite(value)  # no .inf or .nan gets through
    return "accepted"


def _floats(data):
    if isinstance(data, float):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _floats(v)
    elif isinstance(data, list):
        for v in data:
            yield from _floats(v)


@SETTINGS
@given(edits=st.lists(st.tuples(st.sampled_from(ALL_PATHS), values), min_size=1, max_size=3))
def test_a_built_in_scheme_with_random_values(edits, memory_guard):
    data = copy.deepcopy(BASE)
    for path, value in edits:
        target = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this path
    check(yaml.safe_dump(data, allow_unicode=True))


yaml_tokens = st.sampled_from(["a: 1\n", "- x\n", "&a [1, 2]\n", "*a\n", "b: *a\n", "{", "}",
                               "[", "]", ": ", "- ", "  ", "\n", "!!python/object:os.system ",
                               "<<: *a\n", "? ", "|\n  text\n", "'", '"', "#", "%YAML 1.1\n",
                               "---\n", "...\n", ".inf", ".nan", "~", "\t", "\x1b"])


@SETTINGS
@given(text=st.one_of(st.lists(yaml_tokens, max_size=40).map("".join), st.text(max_size=200)))
def test_random_yaml_text(text, memory_guard):
    check(text)


@SETTINGS
@given(data=values)
def test_random_yaml_documents(data, memory_guard):
    check(yaml.safe_dump(data, allow_unicode=True))
