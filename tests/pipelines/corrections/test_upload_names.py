"""Uploaded file names (issue 22, item 10): two files of one name in one upload are kept apart and
both read; a name that is `..`, holds a path separator or a control character is refused cleanly
and nothing is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from pipelines.access.accounts import AccountStore
from pipelines.corrections import preview

APP = ROOT / "dashboard" / "app.py"
PASSWORD = "a good password"
HEAD = "方案,月份,单位,项目,条数,市级录用,省级录用\n"
JUNE = (HEAD + "jintan-2013,2013-06,金城镇,1,701,0,0\n").encode()
JULY = (HEAD + "jintan-2013,2013-07,金城镇,1,702,0,0\n").encode()


def test_same_named_files_are_kept_apart(tmp_path):
    db = tmp_path / "egov.duckdb"
    paths = preview.keep_uploads(db, [("更正.csv", b"a"), ("更正.csv", b"b"), ("更正.CSV", b"c"),
                                      ("其他.csv", b"d")], "f1")
    assert [p.name for p in paths] == ["更正.csv", "更正 (2).csv", "更正 (3).CSV", "其他.csv"]
    assert [p.read_bytes() for p in paths] == [b"a", b"b", b"c", b"d"]
    assert all(p.parent == tmp_path / "uploads" / "f1" for p in paths)


@pytest.mark.parametrize("name", ["..", ".", "../../etc/evil.csv", "a/b.csv", r"..\b.csv",
                                  "/abs.csv", "a\x00b.csv", "a\x1b[31m.csv", "   ",
                                  "长" * 100 + ".csv"])
def test_bad_names_are_refused_and_nothing_is_kept(tmp_path, name):
    db = tmp_path / "egov.duckdb"
    with pytest.raises(preview.UploadRefused) as caught:
        preview.keep_uploads(db, [("好.csv", b"x"), (name, b"y")], "f1")
    report = caught.value.report()
    assert "上传被拒绝" in report and "Upload refused" in report
    assert "\x1b" not in report and "\x00" not in report
    assert not (tmp_path / "uploads").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_dry_run_reads_both_same_named_files(demo_db, tmp_path):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    paths = preview.keep_uploads(db, [("更正.csv", JUNE), ("更正.csv", JULY)], "f1")
    result = preview.dry_run(db, paths)
    assert result.accepted, result.report
    assert sorted(result.files["file"].map_elements(lambda p: Path(p).name,
                                                     return_dtype=pl.String)) == [
        "更正 (2).csv", "更正.csv"]
    months = set(result.changes.filter(pl.col("unit") == "金城镇")["period"])
    assert {"2013-06", "2013-07"} <= months


@pytest.fixture()
def editor_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("EGOV_DB", str(db))
    monkeypatch.delenv("EGOV_ANONYMOUS", raising=False)
    AccountStore.for_warehouse(db).add("editor1", "editor", PASSWORD)
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["scheme"] = "jintan-2013"
    at.run()
    at.text_input(key="signin-name").input("editor1")
    at.text_input(key="signin-password").input(PASSWORD)
    at.button[0].click()
    at.run()
    at.switch_page("views/upload.py").run()
    assert not at.exception
    return at, db


def test_the_upload_page_previews_two_same_named_files(editor_app):
    at, db = editor_app
    at.file_uploader(key="up-files").set_value([("更正.csv", JUNE, "text/csv"),
                                                ("更正.csv", JULY, "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    files = next(d.value for d in at.dataframe if "文件" in d.value.columns
                 and "导入行数" in d.value.columns)
    assert sorted(files["文件"].to_list()) == ["更正 (2).csv", "更正.csv"]
    assert files["导入行数"].to_list() == [1, 1]


def test_the_upload_page_refuses_a_name_with_folders(editor_app):
    # (Streamlit itself refuses a name without an allowed extension, such as "..", before the
    # page sees it; one with ../ in front passes its check and reaches the page's)
    at, db = editor_app
    before = db.read_bytes()
    at.file_uploader(key="up-files").set_value([("../../更正.csv", JUNE, "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("文件名不能使用" in e.value for e in at.error)
    assert any("路径分隔符" in c.value for c in at.code)
    assert db.read_bytes() == before
    assert not (db.parent / "uploads").exists() or not any((db.parent / "uploads").rglob("*.*"))
