"""Local accounts: argon2 hashes in a file beside the warehouse, roles, the password policy,
sign-in throttling, names compared case-insensitively, `egov user`."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as hyp

from egov.cli import main
from pipelines.access import accounts, throttle
from pipelines.access.accounts import AccountError, AccountStore, accounts_path, role_at_least
from pipelines.access.passwords import fold


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def store(tmp_path: Path) -> AccountStore:
    return AccountStore.for_warehouse(tmp_path / "egov.duckdb")


class Clock:
    """A clock the test moves by hand (the throttle's waits are seconds long)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture()
def clock(store: AccountStore) -> Clock:
    store.throttle.clock = clock = Clock()
    return clock


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


def test_failures_slow_the_next_attempt_instead_of_locking(store, clock):
    """After NAME_FREE failures the next attempt waits 2 s, then 4 s …; an attempt that comes
    too early is refused unchecked with the wrong-password message; once the wait is over the
    right password works (no 15-minute lock a stranger could put on a colleague)."""
    store.add("zhang", "editor", "the password")
    wrong = store.sign_in("zhang", "wrong guess")
    for _ in range(throttle.NAME_FREE - 1):
        assert store.sign_in("zhang", "wrong guess") == wrong
    early = store.sign_in("zhang", "the password")  # right password, but too early
    assert early.account is None and early == wrong
    assert early.message == accounts.SIGN_IN_REFUSED
    clock.advance(2)  # the first wait
    assert store.sign_in("zhang", "wrong guess") == wrong
    clock.advance(3)  # the second wait is 4 s
    assert store.sign_in("zhang", "the password").account is None
    clock.advance(1)
    assert store.sign_in("zhang", "the password").account is not None
    # a success forgets the name's failures
    assert store.get("zhang").failures == 0
    assert store.sign_in("zhang", "wrong guess") == wrong
    assert store.sign_in("zhang", "the password").account is not None


def test_the_wait_grows_to_a_cap_and_is_forgotten(clock):
    assert [throttle.delay(n, 3, 60) for n in range(10)] == [0, 0, 0, 2, 4, 8, 16, 32, 60, 60]
    assert throttle.delay(400, 10, 300) == 300


def test_unknown_names_and_locked_names_answer_alike(store, clock):
    """The same message, and the same throttling, for an unknown name as for a real one."""
    store.add("known", "viewer", "the password")
    answers = set()
    for name in ("known", "nobody-here"):
        for _ in range(throttle.NAME_FREE + 1):
            answers.add(store.sign_in(name, "not it", address="10.0.0.9").message)
        assert not store.throttle.begin(fold(name), "10.0.0.8")  # throttled, known or not
    assert answers == {accounts.SIGN_IN_REFUSED}


def test_an_address_guessing_many_names_is_slowed(store, clock):
    store.add("li", "viewer", "the password")
    for i in range(throttle.ADDRESS_FREE):
        store.sign_in(f"name{i}", "guess", address="203.0.113.7")
    # the next attempt from that address waits, even for a name never tried and the right
    # password; another address is not slowed
    assert store.sign_in("li", "the password", address="203.0.113.7").account is None
    assert store.sign_in("li", "the password", address="198.51.100.1").account is not None
    clock.advance(2)
    assert store.sign_in("li", "the password", address="203.0.113.7").account is not None


def test_attempts_in_parallel_cannot_share_one_gap(store, clock):
    """An attempt is counted as a failure before its password is checked, so a burst of
    parallel attempts meets the wait as a sequence of attempts would."""
    allowed = [store.throttle.begin("target", f"10.0.0.{i}") for i in range(10)]
    assert allowed == [True] * throttle.NAME_FREE + [False] * (10 - throttle.NAME_FREE)


def test_passwd_forgets_failures(store, clock):
    store.add("zhao", "viewer", "the password")
    for _ in range(throttle.NAME_FREE):
        store.sign_in("zhao", "wrong guess")
    assert store.get("zhao").throttled_until is not None
    store.set_password("zhao", "a new password")
    assert store.get("zhao").failures == 0
    assert store.sign_in("zhao", "a new password").account is not None


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


def test_the_hash_an_unknown_name_is_checked_against_costs_what_a_real_one_costs():
    """The dummy hash is written out (no argon2 hash computed at import, which cost every
    dashboard server 0.2 s of CPU before its first page): its memory, passes and lanes must
    be the hasher's, or an unknown name would answer faster or slower than a real one."""
    assert not accounts._HASHER.check_needs_rehash(accounts._DUMMY_HASH)
    assert accounts._verify(accounts._DUMMY_HASH, "egov-no-such-account")
    assert not accounts._verify(accounts._DUMMY_HASH, "not the password")


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


def test_whether_the_demo_holds_sample_data_alone_is_asked_once_per_version_of_the_file(
        demo_db, tmp_path, monkeypatch):
    """Every page run of `egov demo` asks; only a changed file (a load) is opened again."""
    import os

    import duckdb

    from pipelines.access import demo

    db = tmp_path / "egov.duckdb"
    shutil.copy(demo_db, db)
    opened = []
    connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: opened.append(a[0]) or connect(*a, **k))
    assert demo.sample_only(db) and demo.sample_only(db)
    assert opened == [str(db)]
    later = db.stat().st_mtime_ns + 1_000_000_000
    os.utime(db, ns=(later, later))  # as a load publishes a new file
    assert demo.sample_only(db) and opened == [str(db)] * 2
    assert not demo.sample_only(tmp_path / "missing.duckdb")


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
        "demo"


# ------------------------------------------------------------------ the password policy -------
@pytest.mark.parametrize(("name", "password", "why"), [
    ("admin1", "12345678", "common or breached"),
    ("admin1", "password", "common or breached"),
    ("admin1", "qwertyui", "common or breached"),
    ("adminadmin", "adminadmin", "account name"),
    ("adminadmin", "AdminAdmin", "account name"),
    ("wangfang", "Wangfang-2026!", "account name"),
    ("wangfang", "ｗａｎｇｆａｎｇ1234", "account name"),  # full-width letters fold to ASCII
    ("admin1", "Password1", "common or breached"),
    ("admin1", "asdfghjkl;", "adjacent keys"),
    ("admin1", "aaaaaaaaaaa", "repeats"),
    ("admin1", "密码密码密码密码", "repeats"),
])
def test_weak_passwords_are_refused_saying_why(store, name, password, why):
    with pytest.raises(AccountError) as refused:
        store.add(name, "admin", password)
    message = str(refused.value)
    assert why in message and "密码不可用" in message
    assert not store.has_accounts()


def test_good_passwords_pass_and_the_minimum_length_stays(store):
    for i, password in enumerate(("correct horse battery", "王科长的密码很长", "Tr0ub4dor&3x",
                                  "x7#Lq" * 30)):  # long: the estimate reads its start
        store.add(f"user{i}", "viewer", password)
        assert store.sign_in(f"user{i}", password).account is not None
    with pytest.raises(AccountError, match="at least 8"):
        store.add("shorty", "viewer", "k9#Lq2z")
    with pytest.raises(AccountError, match="account name"):
        store.set_password("user0", "USER0 has a long password")


def test_a_short_name_is_only_refused_as_the_whole_password(store):
    store.add("li", "viewer", "reliable horse battery")  # contains "li": fine
    assert store.sign_in("li", "reliable horse battery").account is not None


def test_egov_user_add_and_passwd_refuse_weak_passwords_in_both_languages(tmp_path):
    db = str(tmp_path / "egov.duckdb")
    for password in ("12345678", "password", "qwertyui"):
        code, _, err = run("user", "add", "boss", "--role", "admin", "--password-stdin",
                           "--db", db, input=password + "\n")
        assert code == 1 and "密码不可用" in err and "common or breached password" in err
    code, _, err = run("user", "add", "adminadmin", "--role", "admin", "--password-stdin",
                       "--db", db, input="adminadmin\n")
    assert code == 1 and "账户名" in err and "account name" in err
    assert run("user", "list", "--db", db, "--format", "json")[1].strip() == "[]"
    code, _, err = run("user", "add", "boss", "--role", "admin", "--password-stdin", "--db", db,
                       input="seven blue lanterns\n")
    assert code == 0, err
    code, _, err = run("user", "passwd", "boss", "--password-stdin", "--db", db,
                       input="12345678\n")
    assert code == 1 and "密码不可用" in err and "common or breached password" in err
    assert AccountStore(accounts_path(Path(db))).sign_in("boss", "seven blue lanterns").account


def test_accounts_from_before_the_policy_keep_signing_in(store):
    """An old file (weak password, the old lockout fields) loads and its accounts sign in."""
    old_hash = accounts._HASHER.hash("12345678")
    store.path.write_text(json.dumps({"users": {"old": {
        "role": "editor", "hash": old_hash, "created_at": "2026-01-05 09:00:00",
        "failures": 2, "locked_until": None}}}), encoding="utf-8")
    assert store.sign_in("old", "12345678").account.role == "editor"
    assert store.get("OLD").name == "old"


# ------------------------------------------------------------------ names -----------------------
def test_names_differing_only_in_case_or_width_are_one_account(store):
    store.add("Admin", "admin", "seven blue lanterns")
    for clash in ("admin", "ADMIN", "Ａｄｍｉｎ"):
        with pytest.raises(AccountError, match="already exists"):
            store.add(clash, "viewer", "another long secret")
    assert store.sign_in("admin", "seven blue lanterns").account.name == "Admin"
    assert store.get("ａｄｍｉｎ").name == "Admin"
    store.set_role("ADMIN", "editor")
    assert [a.role for a in store.list()] == ["editor"]


def test_an_old_file_holding_both_spellings_is_refused_until_one_is_removed(tmp_path):
    db = tmp_path / "egov.duckdb"
    store = AccountStore.for_warehouse(db)
    hashed = accounts._HASHER.hash("seven blue lanterns")
    store.path.write_text(json.dumps({"users": {
        "Admin": {"role": "admin", "hash": hashed, "created_at": "2026-01-05 09:00:00"},
        "admin": {"role": "viewer", "hash": hashed, "created_at": "2026-02-05 09:00:00"}}}),
        encoding="utf-8")
    code, _, err = run("user", "list", "--db", str(db))
    assert code == 1
    assert "Admin" in err and "admin" in err and "egov user remove" in err and "大小写" in err
    with pytest.raises(AccountError, match="differ only in case"):
        store.sign_in("admin", "seven blue lanterns")
    code, _, err = run("user", "remove", "admin", "--db", str(db))
    assert code == 0, err
    assert [a.name for a in store.list()] == ["Admin"]
    assert store.sign_in("admin", "seven blue lanterns").account.role == "admin"


def test_egov_user_list_shows_who_is_being_slowed(tmp_path):
    db = tmp_path / "egov.duckdb"
    store = AccountStore.for_warehouse(db)
    store.add("target", "editor", "seven blue lanterns")
    store.add("calm", "viewer", "another long secret")
    for _ in range(throttle.NAME_FREE):
        store.sign_in("TARGET", "guess")
    code, out, _ = run("user", "list", "--db", str(db), "--format", "json")
    listed = {a["name"]: a for a in json.loads(out)}
    assert listed["target"]["failures"] == throttle.NAME_FREE
    assert listed["target"]["throttled_until"] != ""
    assert listed["calm"]["failures"] == 0 and listed["calm"]["throttled_until"] == ""


def _variant(name: str, data) -> str:
    """`name` with each letter's case flipped at random and ASCII letters maybe full-width."""
    out = []
    for c in name:
        if data.draw(hyp.booleans()):
            c = c.swapcase()
        if c.isascii() and c.isalpha() and data.draw(hyp.booleans()):
            c = chr(ord(c) + 0xFEE0)  # the full-width form of an ASCII letter
        out.append(c)
    return "".join(out)


@settings(max_examples=60, deadline=None)
@given(name=hyp.text(alphabet=hyp.sampled_from("abcXYZ09._-王李"), min_size=1, max_size=12),
       data=hyp.data())
def test_any_case_or_width_variant_of_a_name_is_the_same_account(tmp_path_factory, name, data):
    store = AccountStore.for_warehouse(tmp_path_factory.mktemp("names") / "egov.duckdb")
    store.add(name, "viewer", None)  # single sign-on accounts: no hashing, a fast property
    variant = _variant(name, data)
    assert fold(variant) == fold(name) and fold(fold(name)) == fold(name)
    assert store.get(variant).name == name
    with pytest.raises(AccountError, match="already exists"):
        store.add(variant, "editor", None)


def test_the_throttle_file_stays_bounded(store, clock, monkeypatch):
    monkeypatch.setattr(throttle, "MAX_ENTRIES", 3)
    for i in range(6):
        clock.advance(1)
        store.throttle.begin(f"name{i}", f"10.0.0.{i}")
    saved = json.loads(store.throttle.path.read_text(encoding="utf-8"))
    assert sorted(saved["names"]) == ["name3", "name4", "name5"]  # the newest kept
    assert len(saved["addresses"]) == 3
    clock.advance(throttle.FORGET_AFTER + 1)
    assert store.throttle.standings() == {}
