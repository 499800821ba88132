"""Local accounts: argon2 hashes in a file beside the warehouse, roles, lockout, `egov user`."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from egov.cli import main
from pipelines.access import accounts
from pipelines.access.accounts import AccountError, AccountStore, accounts_path, role_at_least


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def store(tmp_path: Path) -> AccountStore:
    return AccountStore.for_warehouse(tmp_path / "egov.duckdb")


def test_the_store_is_a_file_beside_the_warehouse_holding_only_argon2_hashes(store, tmp_path):
    store.add("王科长", "editor", "correct horse")
    assert store.path == tmp_path / "egov.accounts.json"
    text = store.path.read_text(encoding="utf-8")
    assert "correct horse" not in text
    saved = json.loads(text)["users"]["王科长"]
    assert saved["hash"].startswith("$argon2id$") and saved["role"] == "editor"
    assert store.path.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_sign_in_right_and_wrong(store):
    store.add("li", "viewer", "long enough")
    ok = store.sign_in("li", "long enough")
    assert ok.account is not None and ok.account.role == "viewer"
    assert store.sign_in("li", "long enougH").account is None
    assert store.sign_in("nobody", "long enough").account is None
    assert store.sign_in("li", "").account is None
    # names are compared after NFKC normalisation and trimming (full-width letters, spaces)
    assert store.sign_in(" ｌｉ ", "long enough").account is not None


def test_lockout_after_repeated_failures_and_passwd_lifts_it(store):
    store.add("zhang", "editor", "the password")
    for _ in range(accounts.MAX_FAILURES):
        assert store.sign_in("zhang", "wrong guess").account is None
    locked = store.sign_in("zhang", "the password")
    assert locked.account is None and "锁定" in locked.message and "locked" in locked.message
    store.set_password("zhang", "a new password")
    assert store.sign_in("zhang", "a new password").account is not None


def test_a_success_resets_the_failure_count(store):
    store.add("zhao", "viewer", "the password")
    for _ in range(accounts.MAX_FAILURES - 1):
        store.sign_in("zhao", "wrong guess")
    assert store.sign_in("zhao", "the password").account is not None
    for _ in range(accounts.MAX_FAILURES - 1):
        store.sign_in("zhao", "wrong guess")
    assert store.sign_in("zhao", "the password").account is not None


def test_unknown_names_cost_as_much_as_known_ones(store):
    """Every attempt runs one argon2 verification, so timing does not reveal which names exist."""
    store.add("known", "viewer", "the password")

    def took(name: str) -> float:
        start = time.perf_counter()
        for _ in range(3):
            store.sign_in(name, "not the password")
        return time.perf_counter() - start

    store.set_password("known", "the password")  # keep it below the lockout
    known, unknown = took("known"), took("unknown-name")
    assert unknown > known * 0.4


def test_names_passwords_and_roles_are_checked(store):
    with pytest.raises(AccountError):
        store.add("has space", "viewer", "long enough")
    with pytest.raises(AccountError):
        store.add("bell\x07", "viewer", "long enough")
    with pytest.raises(AccountError):
        store.add("short", "viewer", "short")
    with pytest.raises(AccountError):
        store.add("x", "root", "long enough")
    store.add("dup", "viewer", "long enough")
    with pytest.raises(AccountError):
        store.add("dup", "viewer", "long enough")


def test_roles_include_the_ones_below():
    assert role_at_least("admin", "editor") and role_at_least("editor", "viewer")
    assert not role_at_least("viewer", "editor") and not role_at_least(None, "viewer")
    assert not role_at_least("root", "viewer")


def test_loads_never_touch_the_accounts(store, demo_db, tmp_path):
    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    store.add("keeper", "admin", "long enough")
    before = store.path.read_bytes()
    month = tmp_path / "m.csv"
    month.write_text("方案,月份,单位,项目,条数,市级录用,省级录用\n"
                     "jintan-2013,2013-06,金城镇,1,9,0,0\n", encoding="utf-8")
    assert run("ingest", "--db", str(db), str(month))[0] == 0
    assert store.path.read_bytes() == before


def test_egov_user_add_list_passwd(tmp_path):
    db = str(tmp_path / "egov.duckdb")
    code, out, err = run("user", "add", "alice", "--role", "editor", "--db", db,
                         input="s3cret-pass\ns3cret-pass\n")
    assert code == 0, err
    assert "alice" in out and "editor" in out
    code, _, err = run("user", "add", "bob", "--db", db, input="one-password\nother-password\n")
    assert code != 0
    code, out, _ = run("user", "add", "carol", "--role", "admin", "--password-stdin", "--db", db,
                       input="from a script\n")
    assert code == 0
    code, out, _ = run("user", "list", "--db", db, "--format", "json")
    listed = {a["name"]: a["role"] for a in json.loads(out)}
    assert listed == {"alice": "editor", "carol": "admin"}
    assert "argon2" not in out
    store = AccountStore(accounts_path(Path(db)))
    assert store.sign_in("carol", "from a script").account is not None
    code, _, _ = run("user", "passwd", "alice", "--password-stdin", "--db", db,
                     input="changed-pass\n")
    assert code == 0 and store.sign_in("alice", "changed-pass").account is not None
    code, _, err = run("user", "passwd", "nobody", "--password-stdin", "--db", db, input="x\n")
    assert code == 1 and "no such account" in err
    code, _, err = run("user", "add", "dave", "--password-stdin", "--db", db, input="short\n")
    assert code == 1 and "8" in err
    code, _, _ = run("user", "add", "eve", "--role", "god", "--db", db)
    assert code == 2
    code, out, _ = run("user", "role", "alice", "viewer", "--db", db)
    assert code == 0 and store.get("alice").role == "viewer"


def test_egov_user_list_when_there_are_none(tmp_path):
    code, out, err = run("user", "list", "--db", str(tmp_path / "egov.duckdb"))
    assert code == 0 and "egov user add" in err


def test_the_demo_opens_sample_data_to_readers_and_makes_a_demo_editor(demo_db, tmp_path):
    from pipelines.access.demo import prepare

    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    anonymous, notes = prepare(db)
    assert anonymous and "demo /" in notes[0]
    password = notes[0].split("demo / ")[1].split()[0]
    store = AccountStore.for_warehouse(db)
    assert store.sign_in("demo", password).account.role == "editor"
    anonymous, notes = prepare(db)  # a second start: the account is kept, no password shown
    assert anonymous and password not in notes[0] and "egov user passwd demo" in notes[0]


def test_real_data_is_not_opened_by_the_demo(tmp_path):
    from pipelines.access.demo import prepare
    from pipelines.loading import ingest

    db = tmp_path / "egov.duckdb"
    units = tmp_path / "单位.csv"
    units.write_text("方案,单位,单位类型\njintan-2013,甲镇,区镇\n", encoding="utf-8")
    ingest(db, [units])
    assert prepare(db) == (False, [])
    assert not AccountStore.for_warehouse(db).has_accounts()


def test_the_served_dashboard_hides_the_deploy_button():
    from dashboard import serve

    command = serve.command(8600)
    assert command[command.index("--client.toolbarMode") + 1] == "minimal"
    assert serve.environment(Path("x.duckdb"), anonymous_viewers=True)["EGOV_ANONYMOUS"] == \
        "viewer"
