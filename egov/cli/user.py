"""`egov user ...`: dashboard accounts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from egov.cli.common import DB_OPTION, InvalidInput, print_frame


@click.group()
def user() -> None:
    """Dashboard accounts (viewer, editor, admin), kept beside the warehouse, passwords hashed.

    \b
    Roles: viewer reads every page; editor also uploads workbooks and reverts loads;
    admin also manages schemes and accounts. See README "Access".
    """


def _accounts(db: Path):
    from pipelines.access.accounts import AccountStore

    return AccountStore.for_warehouse(db)


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码 Password", hide_input=True,
                        confirmation_prompt="再输一次 Repeat password", err=True)


def _account_errors(fn):
    """AccountError from the library: exit 1 with its message."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from pipelines.access.accounts import AccountError

        try:
            return fn(*args, **kwargs)
        except AccountError as err:
            raise InvalidInput(str(err)) from None

    return wrapper


PASSWORD_STDIN = click.option("--password-stdin", is_flag=True,
                              help="Read the password from one line of stdin (for scripts).")


@user.command("add")
@DB_OPTION
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin", "unit"]),
              default="viewer", show_default=True,
              help="unit: a unit account (an editor scoped to --unit; pipelines/cycle/).")
@PASSWORD_STDIN
@click.option("--sso", is_flag=True,
              help="No password: the name is an e-mail that signs in through OIDC (st.login).")
@click.option("--body", "bodies", multiple=True, metavar="BODY",
              help="Scope to this assessing body's indicators (repeatable; 年终评分 rows only).")
@click.option("--unit", "unit", metavar="UNIT", help="With --role unit: the account's unit.")
@_account_errors
def user_add(db: Path, name: str, role: str, password_stdin: bool, sso: bool,
             bodies: tuple[str, ...], unit: str | None) -> None:
    """Add an account; the password is asked twice (or read from stdin).

    \b
    Passwords (NIST SP 800-63B): at least 8 characters; not the account name nor containing
    it; not a common or breached password; not easy to guess (README "Access")."""
    from pipelines.cycle.accounts import UNIT_ROLE, ScopeError, ScopeStore

    if (role == UNIT_ROLE) != (unit is not None):
        raise click.UsageError("--role unit 须与 --unit 一起使用 / --role unit goes with --unit")
    if bodies and role != "editor":
        raise click.UsageError("--body 只用于 --role editor / --body is for --role editor")
    password = None if sso else _new_password(password_stdin)
    account = _accounts(db).add(name, "editor" if role == UNIT_ROLE else role, password)
    try:
        ScopeStore.for_warehouse(db).set(account.name, bodies=bodies, unit=unit)
    except ScopeError as err:
        _accounts(db).remove(account.name)
        raise click.UsageError(str(err)) from None
    scope = ScopeStore.for_warehouse(db).describe(account.name)
    click.echo(f"已添加账户 account added: {account.name} ({account.role}"
               + (f", {scope}" if scope else "") + ")")


@user.command("scope")
@DB_OPTION
@click.argument("name")
@click.option("--body", "bodies", multiple=True, metavar="BODY",
              help="Scope to this assessing body's indicators (repeatable; replaces the scope).")
@click.option("--unit", "unit", metavar="UNIT",
              help="Scope to one unit: the account becomes a unit account.")
@click.option("--clear", is_flag=True, help="No scope: every unit and indicator.")
@_account_errors
def user_scope(db: Path, name: str, bodies: tuple[str, ...], unit: str | None,
               clear: bool) -> None:
    """Change the scope of an editor account: assessing bodies (--body, repeatable), one unit
    (--unit), or none (--clear). The new scope replaces the old one."""
    from pipelines.cycle.accounts import ScopeError, change_scope

    if sum((bool(bodies), unit is not None, clear)) != 1:
        raise click.UsageError("请给出 --body、--unit 或 --clear 之一 / give one of --body, "
                               "--unit, --clear")
    try:
        click.echo(change_scope(db, name, bodies=bodies, unit=unit, clear=clear))
    except ScopeError as err:
        raise InvalidInput(str(err)) from None


@user.command("passwd")
@DB_OPTION
@click.argument("name")
@PASSWORD_STDIN
@_account_errors
def user_passwd(db: Path, name: str, password_stdin: bool) -> None:
    """Set a new password (also forgets failed sign-in attempts)."""
    store = _accounts(db)
    if store.get(name) is None:
        raise InvalidInput(f"没有这个账户 no such account: {name}")
    store.set_password(name, _new_password(password_stdin))
    click.echo(f"密码已更新 password changed: {name}")


@user.command("role")
@DB_OPTION
@click.argument("name")
@click.argument("role", type=click.Choice(["viewer", "editor", "admin"]))
@_account_errors
def user_role(db: Path, name: str, role: str) -> None:
    """Change an account's role."""
    _accounts(db).set_role(name, role)
    click.echo(f"角色已更新 role changed: {name} → {role}")


@user.command("remove")
@DB_OPTION
@click.argument("name")
@_account_errors
def user_remove(db: Path, name: str) -> None:
    """Remove an account."""
    from pipelines.cycle.accounts import ScopeStore

    _accounts(db).remove(name)
    ScopeStore.for_warehouse(db).remove(name)
    click.echo(f"已删除账户 account removed: {name}")


@user.command("list")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@_account_errors
def user_list(db: Path, fmt: str) -> None:
    """Accounts with their role, creation time and sign-in throttling (failed attempts in a
    row, and until when the next attempt waits); never a password or hash."""
    from pipelines.access.accounts import accounts_frame

    store = _accounts(db)
    frame = accounts_frame(store.list())
    if frame.is_empty():
        click.echo(f"没有账户 no accounts yet ({store.path}); add one with: "
                   "egov user add NAME --role admin", err=True)
    print_frame(frame, fmt)
