"""Sign-in, roles and upload in the dashboard, through Streamlit's AppTest.

An anonymous visitor (once accounts exist) sees only the sign-in form; a viewer gets the read-only
pages and no upload page; an editor uploads a workbook, sees the report or the preview, confirms,
and reverts; the loads are recorded with the signed-in user.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from ui_language import assert_one_language

from pipelines.access.accounts import AccountStore
from pipelines.corrections.history import history
from warehouse import queries

APP = ROOT / "dashboard" / "app.py"
PASSWORD = "a good password"
CORRECTION = ("方案,月份,单位,项目,条数,市级录用,省级录用\n"
              "jintan-2013,2013-06,金城镇,1,777,0,0\n").encode()
BAD = ("方案,月份,单位,项目,条数,市级录用,省级录用\n"
       "jintan-2013,2013-06,火星镇,1,5,0,0\n").encode()


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("EGOV_DB", str(copy))
    monkeypatch.delenv("EGOV_ANONYMOUS", raising=False)
    store = AccountStore.for_warehouse(copy)
    for name, role in (("viewer1", "viewer"), ("editor1", "editor"), ("admin1", "admin")):
        store.add(name, role, PASSWORD)
    return copy


def open_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["scheme"] = "jintan-2013"
    return at.run()


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="signin-name").input(name)
    at.text_input(key="signin-password").input(password)
    at.button[0].click()
    return at.run()


def text(at: AppTest) -> str:
    parts = [e.value for e in (*at.title, *at.subheader, *at.caption, *at.markdown, *at.success,
                               *at.error, *at.info)]
    return "\n".join(str(p) for p in parts)


def frame_with(at: AppTest, column: str):
    """The first table on the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column}"
    return found[0]


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_an_anonymous_visitor_sees_only_the_sign_in_form(db):
    at = open_app()
    assert_ok(at)
    assert "登录" in at.title[0].value
    assert not at.dataframe and not at.metric
    # the form in Chinese, the English in its tooltips (pages point 5)
    assert_one_language(at)
    assert [(t.label, t.help) for t in at.text_input] == [("账户", "Account name"),
                                                          ("密码", "Password")]
    assert [b.label for b in at.button] == ["登录"]
    at.switch_page("views/upload.py").run()
    assert_ok(at)
    assert "导入工作簿" not in text(at) and not at.file_uploader


def test_a_wrong_password_is_refused(db):
    at = sign_in(open_app(), "editor1", "not the password")
    assert_ok(at)
    assert [e.value for e in at.error] == ["账户或密码不对,或尝试过于频繁,请稍后再试"]
    assert "登录" in at.title[0].value


def test_a_viewer_reads_pages_but_cannot_use_upload_or_admin(db):
    at = sign_in(open_app(), "viewer1")
    assert_ok(at)
    assert at.title[0].value == "总览"
    assert any("viewer1" in c.value for c in at.sidebar.caption)
    assert_one_language(at)  # the sidebar's 已登录 and 退出登录 too
    at.switch_page("views/rankings.py").run()
    assert_ok(at)
    assert at.title[0].value == "排名"
    # a link to the editor's or the admin's page answers in Chinese which role it needs and
    # offers sign-in; the page itself never runs
    for page, title, role in (("views/upload.py", "导入与更正", "「编辑」"),
                              ("views/admin.py", "账户与方案", "「管理员」")):
        at.switch_page(page).run()
        assert_ok(at)
        assert at.title[0].value == title
        assert any(f"本页需要{role}" in w.value and "viewer1" in w.value for w in at.warning)
        assert not any("This page needs" in w.value for w in at.warning)  # one language
        assert at.text_input(key="need-signin-name") is not None
        assert not at.file_uploader and "导入工作簿" not in text(at) and not at.dataframe


def test_a_viewer_on_the_upload_link_signs_in_as_an_editor_and_stays_there(db):
    at = sign_in(open_app(), "viewer1")
    at.switch_page("views/upload.py").run()
    at.text_input(key="need-signin-name").input("editor1")
    at.text_input(key="need-signin-password").input(PASSWORD)
    at.button(key="FormSubmitter:need-signin-登录").click().run()
    assert_ok(at)
    assert at.title[0].value == "导入与更正"
    assert at.file_uploader(key="up-files") is not None


def test_an_anonymous_visitor_on_a_deep_link_lands_there_after_signing_in(db):
    at = open_app()
    at.query_params["unit"] = "金城镇"
    at.switch_page("views/rankings.py").run()
    assert "登录" in at.title[0].value and not at.dataframe
    at = sign_in(at, "viewer1")
    assert_ok(at)
    assert at.title[0].value == "排名"
    assert at.query_params["scheme"] == "jintan-2013" and at.query_params["unit"] == "金城镇"


def test_signing_out_in_one_tab_ends_the_session_in_every_tab(db):
    from dashboard.access.signin import SESSION_KEY

    first = sign_in(open_app(), "editor1")
    token = first.session_state[SESSION_KEY]
    second = AppTest.from_file(str(APP), default_timeout=90)  # another tab holding the session
    second.query_params["scheme"] = "jintan-2013"
    second.session_state[SESSION_KEY] = token
    second.run()
    assert any("editor1" in c.value for c in second.sidebar.caption)
    first.button(key="signout").click().run()
    assert_ok(first)
    assert "登录" in first.title[0].value
    second.run()
    assert_ok(second)
    assert "登录" in second.title[0].value  # ended on the server, not only in the first tab


def test_without_accounts_the_dashboard_is_read_only_for_everyone(demo_db, tmp_path, monkeypatch):
    copy = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("EGOV_DB", str(copy))
    monkeypatch.delenv("EGOV_ANONYMOUS", raising=False)
    at = open_app()
    assert_ok(at)
    assert at.title[0].value == "总览"
    at.switch_page("views/upload.py").run()
    assert_ok(at)
    assert any("本页需要「编辑」" in w.value for w in at.warning)
    assert any("egov user add" in i.value for i in at.info)
    assert not at.file_uploader


def test_a_refused_upload_shows_the_report_and_loads_nothing(db):
    before = db.read_bytes()
    at = sign_in(open_app(), "editor1")
    at.switch_page("views/upload.py").run()
    assert_ok(at)
    at.file_uploader(key="up-files").upload("坏.csv", BAD, "text/csv")
    at.run()
    assert_ok(at)
    assert_one_language(at)
    assert any("检查未通过" in e.value for e in at.error)
    assert not any("Input rejected" in e.value for e in at.error)  # Chinese only in the UI
    problems = frame_with(at, "问题")
    assert "火星镇" in problems["值"].to_list()
    assert db.read_bytes() == before
    refused = history(db).filter(pl.col("outcome").str.contains("refused"))
    assert refused["user"].to_list() == ["editor1"]


def test_an_editor_previews_confirms_and_reverts(db):
    original = queries.table(db, "content_tallies", "jintan-2013").filter(
        (pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06") & (pl.col("item") == 1))
    at = sign_in(open_app(), "editor1")
    at.switch_page("views/upload.py").run()
    assert_ok(at)
    at.file_uploader(key="up-files").upload("更正.csv", CORRECTION, "text/csv")
    at.run()
    assert_ok(at)
    # the preview: nothing loaded yet, one row replaced, 金城镇's points move
    files = frame_with(at, "替换已有行数")
    assert files["替换已有行数"].to_list() == [1]
    changes = frame_with(at, "名次变化")
    assert "金城镇" in changes["单位"].to_list()
    assert queries.table(db, "content_tallies", "jintan-2013").filter(
        (pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06")
        & (pl.col("item") == 1))["count"].to_list() == original["count"].to_list()

    at.button(key="up-confirm").click().run()
    assert_ok(at)
    assert any("已导入" in s.value for s in at.success)
    tally = queries.table(db, "content_tallies", "jintan-2013").filter(
        (pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06") & (pl.col("item") == 1))
    assert tally["count"].to_list() == [777]
    last = history(db).filter(pl.col("load_id").is_not_null()).tail(1).row(0, named=True)
    assert last["user"] == "editor1" and last["file"].endswith("更正.csv")

    # revert it: the load just made is the one chosen
    assert at.selectbox(key="up-revert-batch").value == last["batch"]
    assert at.button(key="up-revert").disabled
    at.checkbox(key="up-revert-sure").check().run()
    at.button(key="up-revert").click().run()
    assert_ok(at)
    assert any("已撤销批次" in s.value for s in at.success)
    tally = queries.table(db, "content_tallies", "jintan-2013").filter(
        (pl.col("unit") == "金城镇") & (pl.col("month") == "2013-06") & (pl.col("item") == 1))
    assert tally["count"].to_list() == original["count"].to_list()
    assert history(db).tail(1)["user"].to_list() == ["editor1"]


def test_the_method_page_shows_a_loads_revisions(db, tmp_path):
    from pipelines.loading import ingest

    fix = tmp_path / "更正.csv"
    fix.write_bytes(CORRECTION)
    ingest(db, [fix])
    at = sign_in(open_app(), "viewer1")
    at.switch_page("views/data_method.py").run()
    assert_ok(at)
    table = frame_with(at, "名次变化")
    row = table[table["单位"] == "金城镇"]
    assert len(row) >= 1


def test_an_admin_scopes_an_editor_on_the_account_page(db):
    from pipelines.cycle.accounts import ScopeStore
    from pipelines.cycle.scope import Scope

    at = sign_in(open_app(), "admin1")
    at.switch_page("views/admin.py").run()
    assert_ok(at)
    assert at.selectbox(key="adm-scope-target").options == ["editor1"]  # editors only
    at.radio(key="adm-scope-kind").set_value("考核单位")
    at.text_input(key="adm-scope-value").input("市大数据中心、市委网信办")
    next(b for b in at.button if b.label == "保存范围").click().run()
    assert_ok(at)
    assert ScopeStore.for_warehouse(db).get("editor1") == Scope(bodies=("市大数据中心",
                                                                         "市委网信办"))
    assert frame_with(at, "范围").set_index("账户").loc["editor1", "范围"] == \
        "考核单位 市大数据中心、市委网信办"
    at.radio(key="adm-scope-kind").set_value("不限")
    next(b for b in at.button if b.label == "保存范围").click().run()
    assert ScopeStore.for_warehouse(db).get("editor1") is None


def test_an_admin_adds_an_account(db):
    at = sign_in(open_app(), "admin1")
    at.switch_page("views/admin.py").run()
    assert_ok(at)
    assert_one_language(at)  # roles and sign-in methods in Chinese, in the table and pickers
    assert at.main.selectbox[0].options == ["查看", "编辑", "管理员"]
    assert set(frame_with(at, "角色")["角色"]) == {"查看", "编辑", "管理员"}
    form = at.get("form")
    assert form
    at.text_input[0].input("newbie")
    at.text_input[1].input("long enough pw")
    at.text_input[2].input("long enough pw")
    at.button[0].click().run()
    assert_ok(at)
    assert AccountStore.for_warehouse(db).get("newbie").role == "viewer"

