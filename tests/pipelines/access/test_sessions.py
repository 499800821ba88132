"""Lasting sign-in sessions: signed tokens, server-side sessions that end on sign-out, their
lifetime, the secret beside the accounts file, the one-time handoff codes and the cookie route's
redirect target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.access import session_routes
from pipelines.access import sessions
from pipelines.access.sessions import Handoffs, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def store(tmp_path: Path, clock: Clock) -> SessionStore:
    return SessionStore(tmp_path / "egov.accounts.json", clock=clock)


def test_a_session_is_a_signed_token_the_server_remembers(store, tmp_path):
    token = store.open("wang")
    assert store.resolve(token).name == "wang"
    # the file holds no usable token: only a hash of the id, and no name-to-token mapping
    saved = store.path.read_text(encoding="utf-8")
    session_id = token.rsplit(".", 2)[0]
    assert session_id not in saved and token not in saved
    # the secret is made on first use beside the accounts file, readable by its owner only
    assert store.secret_path == tmp_path / "egov.accounts.secret"
    assert store.secret_path.stat().st_mode & 0o077 == 0
    assert store.path.stat().st_mode & 0o077 == 0


def test_a_tampered_or_foreign_token_opens_nothing(store, tmp_path, clock):
    token = store.open("wang")
    session_id, stamp, signature = token.rsplit(".", 2)
    assert store.resolve(f"{session_id}x.{stamp}.{signature}") is None
    assert store.resolve("not-a-token") is None and store.resolve("") is None
    other = SessionStore(tmp_path / "other" / "egov.accounts.json", clock=clock)
    assert other.resolve(token) is None  # another server's secret


def test_signing_out_ends_the_session_for_every_holder(store):
    token = store.open("wang")
    kept = store.open("wang")
    store.close(token)
    assert store.resolve(token) is None
    assert store.resolve(kept).name == "wang"  # another sign-in of the same account stays
    assert store.close_all("wang") == 1 and store.resolve(kept) is None


def test_a_session_ends_a_day_after_sign_in_or_an_hour_unused(store, clock):
    token = store.open("wang")
    for _ in range(23):  # used every hour: still open after 23 hours
        clock.now += sessions.IDLE - 60
        assert store.resolve(token) is not None
    clock.now += sessions.LIFETIME  # past a day since sign-in
    assert store.resolve(token) is None
    idle = store.open("li")
    clock.now += sessions.IDLE + 1
    assert store.resolve(idle) is None


def test_a_new_secret_ends_every_session(store):
    token = store.open("wang")
    store.secret_path.unlink()
    assert store.resolve(token) is None


def test_a_damaged_sessions_file_only_signs_everyone_out(store):
    token = store.open("wang")
    store.path.write_text("{not json", encoding="utf-8")
    assert store.resolve(token) is None
    assert store.resolve(store.open("wang")).name == "wang"


def test_single_sign_on_identities_last_a_day_and_end_on_sign_out(store, clock):
    issued = clock.now - 60
    assert store.sso_valid("wang@example.gov.cn", issued)
    store.sso_signed_out("wang@example.gov.cn")
    assert not store.sso_valid("wang@example.gov.cn", issued)  # every session of it ends
    clock.now += 10
    assert store.sso_valid("wang@example.gov.cn", clock.now - 1)  # a new sign-in works
    assert not store.sso_valid("li@example.gov.cn", clock.now - sessions.LIFETIME)
    assert json.loads(store.path.read_text(encoding="utf-8"))["sso_signed_out"]


def test_a_handoff_code_works_once_briefly_and_in_its_own_browser():
    moment = [0.0]
    handoffs = Handoffs(clock=lambda: moment[0])
    code = handoffs.issue("token-1", "browser-a")
    assert handoffs.redeem(code, "browser-a") == "token-1"
    assert handoffs.redeem(code, "browser-a") is None
    late = handoffs.issue("token-2", "browser-a")
    moment[0] += sessions.HANDOFF_SECONDS + 1
    assert handoffs.redeem(late, "browser-a") is None
    assert handoffs.redeem(None, "browser-a") is None
    assert handoffs.redeem("made-up", "browser-a") is None
    # a code sent in a link to someone else does nothing in their browser
    sent = handoffs.issue("token-3", "browser-a")
    assert handoffs.redeem(sent, "browser-b") is None
    assert handoffs.redeem(handoffs.issue("token-4", "browser-a"), None) is None


@pytest.mark.parametrize(("asked", "goes"), [
    ("/upload?scheme=jintan-2013", "/upload?scheme=jintan-2013"),
    ("/", "/"),
    (None, "/"),
    ("//evil.example/x", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("upload", "/"),
    ("/rankings?unit=%E9%87%91#top", "/rankings?unit=%E9%87%91"),
])
def test_after_the_cookie_the_browser_goes_only_to_a_page_of_this_site(asked, goes):
    assert session_routes.safe_next(asked) == goes


def test_a_new_password_ends_the_accounts_sessions(tmp_path):
    from pipelines.access.accounts import AccountStore

    accounts = AccountStore.for_warehouse(tmp_path / "egov.duckdb")
    accounts.add("wang", "editor", "seven blue lanterns")
    accounts.add("li", "viewer", "another long secret")
    live = SessionStore(accounts.path)
    wang, li = live.open("wang"), live.open("li")
    accounts.set_password("WANG", "eight green lanterns")
    assert live.resolve(wang) is None and live.resolve(li).name == "li"


@pytest.mark.parametrize(("settings", "claims", "account", "role"), [
    ({"role_claim": "egov_role"}, {"egov_role": "editor"}, None, "editor"),
    ({"role_claim": "groups", "roles": {"egov-admins": "admin", "staff": "viewer"}},
     {"groups": ["staff", "egov-admins"]}, "viewer", "admin"),  # the claim wins, highest role
    ({"role_claim": "groups", "roles": {"staff": "viewer"}}, {"groups": ["cleaners"]},
     "editor", "editor"),  # nothing mapped: the account of that e-mail
    ({}, {"egov_role": "admin"}, None, "viewer"),  # no claim configured: unknown → viewer
    ({"unknown": "none"}, {}, None, None),  # unknown identities may not read
    ({"unknown": "none"}, {}, "viewer", "viewer"),
])
def test_single_sign_on_roles_come_from_a_claim_an_account_or_the_unknown_setting(
        monkeypatch, settings, claims, account, role):
    from dashboard.access import signin

    monkeypatch.setattr(signin.st, "secrets", {signin.SSO_SECTION: settings})
    assert signin.sso_role(claims, account) == role
