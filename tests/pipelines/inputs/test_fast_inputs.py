"""The fast input paths name the same cells as the exact ones: blank rows told by first
characters, CSVs read as bytes, remembered normalisations, one-scheme unit lookups, a million
rows, and a workbook and a CSV of the same rows."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.inputs.load import read_inputs
from pipelines.inputs.normalize import clean_text
from pipelines.inputs.problems import InputRejected
from pipelines.inputs.readers import (
    _MAYBE_BLANK,
    _blank_mask,
    _nonblank_rows,
    _surely_filled,
    read_file,
    read_file_checked,
)
from pipelines.inputs.validation import validate_located

CONTENT = ["方案", "月份", "单位", "项目", "条数", "市级录用", "省级录用"]

# Characters a clerk's cell may hold that decide whether it is blank.
TRICKY = [" ", "\u3000", "\u00a0", "\u200b", "\u202e", "\ufeff", "\x1c", "\t", "\u2028",
          "\U000e0041", "\ufe0f", "a", "1", "东", "!", "~", "\u3001", "\uff01", "é"]


def _blank_by_rule(cell: str | None) -> bool:
    """A blank cell as the reader always defined it: null, or made only of whitespace and
    zero-width characters (the pattern) with nothing left after `clean_text`."""
    return cell is None or (re.match(_MAYBE_BLANK, cell) is not None and clean_text(cell) is None)


def test_no_character_that_can_be_blank_starts_a_surely_filled_cell():
    codes = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells = pl.Series([chr(c) for c in codes], dtype=pl.String)
    surely = _surely_filled(cells).to_list()
    wrong = [hex(c) for c, sure in zip(codes, surely, strict=True)
             if sure and (clean_text(chr(c)) is None or re.match(_MAYBE_BLANK, chr(c)))]
    assert wrong == []
    # And it is a real shortcut: ASCII text, digits and the CJK ideographs are decided at once.
    assert _surely_filled(pl.Series(["jintan-2013", "2013-01", "东阳县", "0.5"])).all()


@settings(max_examples=200, deadline=None)
@given(grid=st.lists(st.lists(st.one_of(st.none(), st.text(st.sampled_from(TRICKY), max_size=3)),
                              min_size=3, max_size=3), min_size=1, max_size=12))
def test_blank_rows_and_cells_follow_the_cell_by_cell_rule(grid):
    frame = pl.DataFrame({f"c{j}": [row[j] for row in grid] for j in range(3)},
                         schema={f"c{j}": pl.String for j in range(3)})
    expected_rows = [i for i, row in enumerate(grid) if not all(map(_blank_by_rule, row))]
    assert _nonblank_rows(frame).to_list() == expected_rows
    mask = _blank_mask(frame)
    assert [list(r) for r in mask.rows()] == [[_blank_by_rule(c) for c in row] for row in grid]


def _content_rows(n: int) -> list[list[str]]:
    units = ["儒林镇", "金坛市档案局", "金坛市广播电视台"]
    return [["jintan-2013", f"2013-{1 + i % 12:02d}", units[i % 3], str(1 + i % 5), str(i % 40),
             "0", "0"] for i in range(n)]


def test_a_utf8_csv_with_bom_crlf_and_blank_rows_reads_like_its_text(tmp_path):
    rows = [",".join(CONTENT), *(",".join(r) for r in _content_rows(4))]
    rows.insert(3, ",,,,,,")  # a blank row (Excel row 4) is skipped but counted
    rows.insert(4, "\u3000, ,,,,,")  # so is a row of spaces (Excel row 5)
    path = tmp_path / "月报.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    [sheet] = read_file(path)
    assert sheet.rows == [2, 3, 6, 7]
    assert sheet.frame["unit"].to_list() == ["儒林镇", "金坛市档案局", "金坛市广播电视台", "儒林镇"]
    # Not UTF-8: the same bytes in GB18030 are decoded, and read the same way.
    gb = tmp_path / "月报-gbk.csv"
    gb.write_bytes("\r\n".join(rows).encode("gb18030") + b"\r\n")
    [same] = read_file(gb)
    assert same.rows == sheet.rows and same.frame.equals(sheet.frame)


def test_a_bad_cell_in_the_millionth_row_is_named_with_its_excel_row(tmp_path, input_ctx):
    n = 1_000_000
    frame = pl.DataFrame({
        "方案": pl.repeat("jintan-2013", n, eager=True),
        "月份": pl.repeat("2013-01", n, eager=True),
        "单位": pl.Series(["儒林镇", "金坛市档案局"]).gather(pl.int_range(n, eager=True) % 2),
        "项目": (pl.int_range(n, eager=True) % 5 + 1).cast(pl.String),
        "条数": (pl.int_range(n, eager=True) % 40).cast(pl.String),
        "市级录用": pl.repeat("0", n, eager=True),
        "省级录用": pl.repeat("0", n, eager=True),
    })
    # Data row 999,999 (0-based) is Excel row 1,000,001; the one before it is the millionth.
    frame = frame.with_columns(
        pl.when(pl.int_range(n) == n - 2).then(pl.lit("三")).otherwise(pl.col("条数"))
        .alias("条数"))
    path = tmp_path / "百万行.csv"
    frame.write_csv(path)
    [sheet] = read_file(path)
    assert sheet.frame.height == n
    result = validate_located(sheet, input_ctx)
    assert [(p.row, p.column, p.value, p.problem_en) for p in result.problems] == [
        (1_000_000, "条数", "三", "a number is expected")]
    assert result.frame.height == n - 1
    assert result.frame.filter(pl.col("_row") == 1_000_000).is_empty()
    assert result.frame["_row"].max() == 1_000_001


def _write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("月报")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, value)
    wb.close()
    return path


def _problems(path: Path, ctx) -> list[tuple]:
    with pytest.raises(InputRejected) as err:
        read_inputs([path], ctx)
    return [(p.row, p.column, p.value, p.problem_zh, p.problem_en) for p in err.value.problems]


def test_a_workbook_and_a_csv_of_the_same_rows_give_the_same_report(tmp_path, input_ctx):
    rows: list[list[object]] = [CONTENT, *_content_rows(6)]
    rows[2] = ["jintan-2013", "2013-13", "儒林镇", "1", "3", "0", "0"]  # no such month
    rows[3] = ["jintan-2013", "2013-02", "无此镇", "2", "x", "0", "0"]  # unknown unit, bad count
    rows[4] = ["jintan-2013", "2013-03", "儒林镇", "99", "2", "5", "0"]  # unknown item, adopted
    rows.append(list(rows[1]))  # a duplicate of row 2
    rows.insert(5, [None] * 7)  # a blank row: later rows keep their Excel numbers
    csv_path = tmp_path / "月报.csv"
    csv_path.write_text("\n".join(",".join("" if v is None else str(v) for v in r)
                                  for r in rows) + "\n", encoding="utf-8")
    xlsx_path = _write_xlsx(tmp_path / "月报.xlsx", rows)
    from_csv = _problems(csv_path, input_ctx)
    from_xlsx = _problems(xlsx_path, input_ctx)
    assert len(from_csv) >= 6
    # The same cells, values and words; the duplicate names the other row by file (and sheet).
    strip = [(r, c, v, z.replace("「月报」", "").replace(" sheet '月报'", "").replace(
        str(xlsx_path), "F").replace(str(csv_path), "F"), e.replace(" sheet '月报'", "").replace(
        str(xlsx_path), "F").replace(str(csv_path), "F")) for r, c, v, z, e in from_xlsx]
    strip_csv = [(r, c, v, z.replace(str(csv_path), "F"), e.replace(str(csv_path), "F"))
                 for r, c, v, z, e in from_csv]
    assert strip == strip_csv
    assert {(r, c) for r, c, *_ in from_csv} >= {(3, "月份"), (4, "单位"), (4, "条数"),
                                                 (5, "项目"), (9, "项目"), (2, "项目")}


def test_a_bad_cell_is_reported_the_same_in_every_file_of_a_load(tmp_path, input_ctx):
    """Normalisations are remembered across files: a bad text seen in the first file is still
    a problem, with the same words, in the second."""
    paths = []
    for i, month in enumerate(("2013-01", "2013-02")):
        path = tmp_path / f"月报{i}.csv"
        path.write_text(",".join(CONTENT) + "\n" + f"jintan-2013,{month},儒林镇,1,３x,0,0\n",
                        encoding="utf-8")
        paths.append(path)
    with pytest.raises(InputRejected) as err:
        read_inputs(paths, input_ctx)
    found = [(Path(p.file).name, p.row, p.column, p.value, p.problem_en)
             for p in err.value.problems]
    assert found == [("月报0.csv", 2, "条数", "３x", "a number is expected"),
                     ("月报1.csv", 2, "条数", "３x", "a number is expected")]


def test_units_of_one_scheme_resolve_by_name_alias_and_spelling(tmp_path, input_ctx):
    cells = ["儒林镇", " 儒林镇\u3000", "儒林\u200b镇", "档案局", "金坛市档案局", "无此镇"]
    path = tmp_path / "月报.csv"
    path.write_text(",".join(CONTENT) + "\n" + "".join(
        f"jintan-2013,2013-01,{c},{1 + i},1,0,0\n" for i, c in enumerate(cells)),
        encoding="utf-8")
    [sheet] = read_file(path)
    result = validate_located(sheet, input_ctx)
    assert [(p.row, p.column, p.value) for p in result.problems] == [(7, "单位", "无此镇")]
    assert result.frame["unit"].to_list() == ["儒林镇"] * 3 + ["金坛市档案局"] * 2


def test_read_file_checked_refuses_bytes_in_no_known_encoding(tmp_path):
    path = tmp_path / "乱码.csv"
    path.write_bytes(",".join(CONTENT).encode("utf-8") + b"\n\x81\x30\xff\xfe,\xff\n")
    sheets, problems = read_file_checked(path)
    assert sheets == [] and [p.problem_en for p in problems] == [
        "unknown text encoding: save the CSV as UTF-8 or GB18030 (GBK)"]


RANGE_CHECKS = """
import sys
from pathlib import Path
from pipelines.inputs.context import LoadContext
from pipelines.inputs.readers import read_file
from pipelines.inputs.validation import validate_located
from pipelines.schemes.checks import load_scheme_dir
import polars as pl
ctx = LoadContext({s.id: s for s in load_scheme_dir()}).with_units(
    pl.DataFrame({"scheme": ["jintan-2013"], "unit": ["儒林镇"], "unit_type": ["区镇"]}),
    pl.DataFrame(schema={"scheme": pl.String, "alias": pl.String, "unit": pl.String}))
[sheet] = read_file(Path(sys.argv[1]))
for p in validate_located(sheet, ctx).problems:
    print(p.row, p.column, p.value, p.problem_zh, p.problem_en, sep="|")
print("pandas loaded:", "pandas" in sys.modules)
"""


def test_pandera_checks_report_the_same_without_pandas_loaded(tmp_path, input_ctx):
    """In a process that has not loaded pandas (the CLI), pandera is imported without it; the
    range checks report the same problems as in a process where pandas is loaded."""
    import subprocess
    import sys

    path = tmp_path / "月报.csv"
    path.write_text(",".join(CONTENT) + "\n"
                    "jintan-2013,2013-01,儒林镇,1,-2,0,0\n"
                    "jintan-2013,2013-01,儒林镇,2,2.5,0,0\n"
                    "jintan-2013,2013-01,儒林镇,3,2,2,1\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", RANGE_CHECKS, str(path)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[-1] == "pandas loaded: False"
    import pandas  # noqa: F401  (this process: pandas loaded, as under Streamlit)

    [sheet] = read_file(path)
    here = [f"{p.row}|{p.column}|{p.value}|{p.problem_zh}|{p.problem_en}"
            for p in validate_located(sheet, input_ctx).problems]
    assert sorted(out[:-1]) == sorted(here)
    assert {line.split("|")[0] for line in here} == {"2", "3", "4"}


# ---------------------------------------------------------------- sheets checked together ----


def _month_file(tmp_path: Path, name: str, rows: list[str], header: str = ",".join(CONTENT)
                ) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


MONTHS = {
    "一月.csv": ["jintan-2013,2013-01,儒林镇,1,5,0,0", "jintan-2013,2013-01,儒林镇,2,-1,0,0",
                "jintan-2013,2013-01,无此镇,3,2,0,0"],
    "二月.csv": ["jintan-2013,2013-02,儒林镇,1,5,9,0", "jintan-2013,2013-02,金坛市档案局,2,x,0,0"],
    "三月.csv": ["jintan-2013,2013-03,儒林镇,1,5,0,0", "jintan-2013,2013-03,儒林镇,2,1,0,0"],
}


def test_sheets_checked_together_give_what_each_gives_alone(tmp_path, input_ctx):
    from pipelines.inputs.validation import validate_together

    sheets = [read_file(_month_file(tmp_path, name, rows))[0] for name, rows in MONTHS.items()]
    alone = [validate_located(s, input_ctx) for s in sheets]
    frames, problems = validate_together(sheets, input_ctx)
    assert sorted(problems) == sorted(p for r in alone for p in r.problems)
    assert {(Path(p.file).name, p.row, p.column) for p in problems} == {
        ("一月.csv", 3, "条数"), ("一月.csv", 4, "单位"), ("二月.csv", 2, "条数"),
        ("二月.csv", 3, "条数")}
    assert len(frames) == 3
    for frame, single in zip(frames, alone, strict=True):
        assert frame.equals(single.frame)
    assert [f.height for f in frames] == [1, 0, 2]


def test_a_missing_column_is_named_in_every_file_checked_together(tmp_path, input_ctx):
    from pipelines.inputs.validation import validate_together

    header = "方案,年度,单位,指标,得分"  # yueyang's indicators 1-3 are scored from 扣分
    rows = {"年终0.csv": ["yueyang-2017,2017,平江县,1,1", "yueyang-2017,2017,平江县,2,1"],
            "年终1.csv": ["yueyang-2017,2017,平江县,3,1"],
            "年终2.csv": []}
    sheets = [read_file(_month_file(tmp_path, name, r, header))[0] for name, r in rows.items()]
    frames, problems = validate_together(sheets, input_ctx)
    alone = [p for s in sheets for p in validate_located(s, input_ctx).problems]
    assert sorted(problems) == sorted(alone)
    # Each file names the codes of its own rows; a file with no such row has no problem.
    assert sorted((Path(p.file).name, p.row, p.column, p.problem_en[-20:]) for p in problems) == [
        ("年终0.csv", 1, "扣分", "indicators need it: 1, 2"[-20:]),
        ("年终1.csv", 1, "扣分", "indicators need it: 3"[-20:])]
    assert [f.height for f in frames] == [0, 0, 0]


def test_a_load_in_small_batches_gives_the_same_report_and_rows(tmp_path, input_ctx, monkeypatch):
    import pipelines.inputs.load as load

    good = {name: [r for r in rows if ",-1," not in r and "无此" not in r and ",x," not in r
                   and ",9," not in r] for name, rows in MONTHS.items()}
    good["二月.csv"].append("jintan-2013,2013-02,儒林镇,3,2,0,0")
    paths = [_month_file(tmp_path, name, rows) for name, rows in good.items()]
    whole = read_inputs(paths, input_ctx)
    monkeypatch.setattr(load, "BATCH_ROWS", 1)
    small = read_inputs(paths, input_ctx)
    for path in paths:
        assert whole.rows_of(path, "content").equals(small.rows_of(path, "content"))
    assert [(f.path, f.rows) for f in whole.files] == [(f.path, f.rows) for f in small.files] == [
        (paths[0], 1), (paths[1], 1), (paths[2], 2)]
    bad = [_month_file(tmp_path, "坏" + name, rows) for name, rows in MONTHS.items()]
    reports = []
    for batch_rows in (1, 1_000_000):
        monkeypatch.setattr(load, "BATCH_ROWS", batch_rows)
        with pytest.raises(InputRejected) as err:
            read_inputs(bad, input_ctx)
        reports.append(err.value.report())
    assert reports[0] == reports[1] and "坏一月.csv" in reports[0] and "坏二月.csv" in reports[0]


@pytest.mark.parametrize("cells", [
    ["12", "3", None, "0.30", "7"],  # a plain cast gives every value: no join
    ["12", "１２", "-0", "1,234", None],  # some need the normaliser: the join
    ["-0", "0"],  # the sign of zero as parse_number gives it
])
def test_a_column_maps_the_same_with_or_without_the_join(cells, input_ctx):
    import math

    from pipelines.inputs.normalize import match_key, parse_number
    from pipelines.inputs.readers import RawSheet
    from pipelines.inputs.sheet_check import SheetCheck, map_unique

    frame = pl.DataFrame({"count": cells}, schema={"count": pl.String})
    sheet = RawSheet("f.csv", None, "content", frame, pl.Series(range(2, 2 + len(cells))))
    out = SheetCheck(sheet, input_ctx).parse("count", parse_number).to_list()
    want = [parse_number(c) for c in cells]
    assert out == want
    assert [math.copysign(1, v) for v in out if v is not None] == [
        math.copysign(1, v) for v in want if v is not None]
    assert map_unique(frame["count"], match_key, pl.String).to_list() == [
        match_key(c) for c in cells]


def test_remembered_normalisations_are_short_and_end_with_the_load(tmp_path, input_ctx):
    from pipelines.inputs import sheet_check

    long_name = "无此单位" * 40
    path = _month_file(tmp_path, "月报.csv", ["jintan-2013,2013-01,儒林镇,1,5,0,0",
                                             f"jintan-2013,2013-01,{long_name},2,5,0,0"])
    [sheet] = read_file(path)
    validate_located(sheet, input_ctx)
    remembered = [k for table in sheet_check._MEMO.values() for k in table]
    assert "儒林镇" in remembered and long_name not in remembered
    with pytest.raises(InputRejected):
        read_inputs([path], input_ctx)
    assert sheet_check._MEMO == {}


def test_the_import_finder_is_in_place_only_while_no_other_thread_runs(monkeypatch):
    import sys
    import threading

    from pipelines.inputs import pandera_import as models

    # A standard module nothing here loads stands for pandas: importable, not yet imported.
    monkeypatch.setattr(models, "_UNUSED", ("colorsys",))
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)

    def finder_in_place() -> bool:
        return any(isinstance(f, models._Unavailable) for f in sys.meta_path)

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with models.pandas_unloaded():
            assert not finder_in_place()  # a session thread could import meanwhile
    finally:
        stop.set()
        other.join()
    if threading.active_count() == 1:
        with models.pandas_unloaded():
            assert finder_in_place()
            with pytest.raises(ModuleNotFoundError, match="colorsys"):
                __import__("colorsys")
        assert not finder_in_place()
        assert __import__("colorsys")  # importable again once the finder is gone


def test_a_lone_carriage_return_ends_a_row_as_in_excel(tmp_path):
    rows = [",".join(CONTENT), *(",".join(r) for r in _content_rows(3))]
    path = tmp_path / "旧Mac.csv"
    # Row 2 ends with CRLF, row 3 with a lone CR (old Mac line end), row 4 with LF.
    path.write_bytes((rows[0] + "\r\n" + rows[1] + "\r\n" + rows[2] + "\r" + rows[3] + "\n")
                     .encode("utf-8"))
    [sheet] = read_file(path)
    assert sheet.rows == [2, 3, 4]
    assert sheet.frame["unit"].to_list() == ["儒林镇", "金坛市档案局", "金坛市广播电视台"]


def test_two_sheets_of_one_workbook_checked_together_name_their_own_sheet(tmp_path, input_ctx):
    wb = xlsxwriter.Workbook(str(tmp_path / "两月.xlsx"))
    for name, month, bad_row in (("一月", "2013-01", 2), ("二月", "2013-02", 3)):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, CONTENT)
        for r in range(1, 4):
            count = "x" if r + 1 == bad_row else str(r)
            ws.write_row(r, 0, ["jintan-2013", month, "儒林镇", str(r), count, "0", "0"])
    wb.close()
    path = tmp_path / "两月.xlsx"
    with pytest.raises(InputRejected) as err:
        read_inputs([path], input_ctx)
    assert [(p.sheet, p.row, p.column, p.value) for p in err.value.problems] == [
        ("一月", 2, "条数", "x"), ("二月", 3, "条数", "x")]
    good = tmp_path / "两月-改.xlsx"
    wb = xlsxwriter.Workbook(str(good))
    for name, month in (("一月", "2013-01"), ("二月", "2013-02")):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, CONTENT)
        for r in range(1, 4):
            ws.write_row(r, 0, ["jintan-2013", month, "儒林镇", str(r), str(r), "0", "0"])
    wb.close()
    loaded = read_inputs([good], input_ctx)
    rows = loaded.rows_of(good, "content")
    assert rows.height == 6 and rows["month"].to_list() == ["2013-01"] * 3 + ["2013-02"] * 3
    assert [(f.kind, f.rows) for f in loaded.files] == [("content", 6)]
