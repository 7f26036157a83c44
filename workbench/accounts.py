"""Local accounts: coder names, roles and argon2-hashed passwords, kept in the project file.

Why local accounts: the data must not leave the machine, so there is no identity provider;
a project file carries its own users. Why argon2 (argon2-cffi): a memory-hard, maintained
password hash with salts and parameters in the stored string, so we never roll our own.

Single-user use stays one click: the default account ``onderzoeker`` logs in by itself
(:func:`auto_login_user`) as long as no account has a password. Once one has (the acting
researcher must set their own first), everyone logs in with :func:`authenticate`.
"""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError, NotFound, PermissionDenied
from workbench.handle import Project
from workbench.i18n import Term, catalogue
from workbench.store import DEFAULT_USER, now, record_event, transaction

LOGIN_ROLES = ("onderzoeker", "co-onderzoeker", "supervisor")
MIN_PASSWORD_LENGTH = 8
_NAME = re.compile(r"^\w[\w .@-]{0,39}$")
_HASHER = PasswordHasher()


def list_users(db: Database, *, include_system: bool = False) -> list[dict[str, Any]]:
    """Accounts with their role and whether they have a password (never the hash).

    Takes the database, not a handle: the command line lists the accounts for every role
    (``workbench users list``), and the login asks before anyone is logged in.
    """
    where = "" if include_system else "WHERE role != 'system'"
    cur = db.execute(
        f"SELECT name, role, password_hash IS NOT NULL, created_at FROM users {where} "
        "ORDER BY created_at, name"
    )
    return [{"name": n, "role": r, "has_password": bool(p), "created_at": c} for n, r, p, c in cur]


def role_words(role: str) -> Term:
    """A role as people read it ("researcher" in English): the stored value ("onderzoeker")
    is internal, and the app's accounts table and ``workbench users list`` must say the same
    word for it. An unknown role is shown as stored rather than hidden."""
    key = f"accounts.role.{role}"
    return Term(key) if key in catalogue() else Term("accounts.role.other", {"role": role})


def _check_name(db: Database, name: str) -> None:
    if not _NAME.match(name or ""):
        raise InputError("accounts.bad_name", name=name)
    if db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise InputError("accounts.exists", name=name)


def _check_role(role: str) -> None:
    if role not in LOGIN_ROLES:
        raise InputError("accounts.bad_role", role=role, roles=", ".join(LOGIN_ROLES))


def _hash(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InputError("accounts.password_too_short", min=MIN_PASSWORD_LENGTH)
    return _HASHER.hash(password)


def add_user(project: Project, name: str, *, role: str, password: str | None = None) -> None:
    """Create a login account. Only an onderzoeker may manage accounts."""
    project.require("users.manage")
    db = project.db
    _check_role(role)
    hashed = None if password is None else _hash(password)
    if hashed is not None:
        _require_own_password_first(db, project.user, name)
    with transaction(db):
        _check_name(db, name)
        db.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [name, role, hashed, now()],
        )
        record_event(
            db,
            project.user,
            events.USER_ADD(
                name, None, {"name": name, "role": role, "has_password": hashed is not None}
            ),
        )
        _require_researcher_login(db)


def add_group_coder(project: Project, name: str) -> None:
    """A coder name for a workshop group (role ``system``: it records choices, never logs in)."""
    project.require("workshop.manage")
    db = project.db
    found = db.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
    if found is not None:
        if found[0] != "system":
            raise InputError("accounts.exists", name=name)
        return
    _add_system_user(db, name, actor=project.user, details={})


def add_imported_coder(project: Project, name: str) -> bool:
    """The coder of another tool's project (REFI-QDA import), if not there yet; True if added.

    Role ``system``: they own codings but never log in, so importing a colleague's project
    never switches a single-user project to a login form nobody has a password for.
    """
    project.require("import")
    db = project.db
    if db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        return False
    _add_system_user(db, name, actor=project.user, details={"imported": True})
    return True


def _add_system_user(db: Database, name: str, *, actor: str, details: dict[str, Any]) -> None:
    with transaction(db):
        _check_name(db, name)
        db.execute(
            "INSERT INTO users (name, role, created_at) VALUES (?, 'system', ?)", [name, now()]
        )
        record_event(
            db, actor, events.USER_ADD(name, None, {"name": name, "role": "system", **details})
        )


def _role(db: Database, name: str) -> str:
    found = db.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
    if found is None:
        raise NotFound("access.unknown_user", user=name)
    return str(found[0])


def set_password(project: Project, name: str, password: str | None) -> None:
    """Set (or with ``None`` remove) a password: your own, or anyone's as onderzoeker."""
    if project.user != name:
        project.require("users.manage")
    db = project.db
    if _role(db, name) == "system":
        raise InputError("accounts.system_user", name=name)
    hashed = None if password is None else _hash(password)
    if hashed is not None:
        _require_own_password_first(db, project.user, name)
    with transaction(db):
        db.execute("UPDATE users SET password_hash = ? WHERE name = ?", [hashed, name])
        _require_researcher_login(db)
        record_event(
            db, project.user, events.USER_PASSWORD(name, None, {"has_password": hashed is not None})
        )


def set_role(project: Project, name: str, role: str) -> None:
    """Change a role; the last onderzoeker cannot lose the role (nobody could manage users)."""
    project.require("users.manage")
    db = project.db
    _check_role(role)
    with transaction(db):
        before = _role(db, name)
        if before == "system":
            raise InputError("accounts.system_user", name=name)
        if before == role:
            return
        if before == "onderzoeker":
            others = db.execute(
                "SELECT count(*) FROM users WHERE role = 'onderzoeker' AND name != ?", [name]
            ).fetchone()[0]
            if not others:
                raise InputError("accounts.last_onderzoeker", name=name)
        db.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
        _require_researcher_login(db)
        record_event(db, project.user, events.USER_ROLE(name, {"role": before}, {"role": role}))


def authenticate(db: Database, name: str, password: str) -> str:
    """The account name when ``password`` is right; one vague error otherwise.

    Takes the database, not a handle: nobody is logged in yet, this decides who will be.

    The error does not say whether the name or the password was wrong (no account guessing).
    Accounts without a password cannot log in this way once login is required.
    """
    found = db.execute("SELECT password_hash, role FROM users WHERE name = ?", [name]).fetchone()
    if found is None or found[0] is None or found[1] == "system":
        _HASHER.hash("timing-equaliser")  # about the same time as a real check
        raise PermissionDenied("accounts.bad_login")
    try:
        _HASHER.verify(found[0], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise PermissionDenied("accounts.bad_login") from None
    if _HASHER.check_needs_rehash(found[0]):
        with transaction(db):
            db.execute(
                "UPDATE users SET password_hash = ? WHERE name = ?", [_HASHER.hash(password), name]
            )
    return name


def auto_login_user(db: Database) -> str | None:
    """``onderzoeker`` while no account has a password (single-user use), else None.

    Takes the database, not a handle: it runs before anyone is logged in.

    Accounts without a password cannot log in, so they do not switch login on; the first
    password does (and :func:`_require_own_password_first` makes sure a researcher has one).
    """
    found = db.execute(
        "SELECT 1 FROM users WHERE name = ? AND role = 'onderzoeker'", [DEFAULT_USER]
    ).fetchone()
    with_password = db.execute(
        "SELECT count(*) FROM users WHERE role != 'system' AND password_hash IS NOT NULL"
    ).fetchone()[0]
    return DEFAULT_USER if found and not with_password else None


def _require_researcher_login(db: Database) -> None:
    """Once login is on (any account has a password), a researcher must be able to log in.

    Called inside the changing transaction, so a refused change is rolled back whole: a
    co-researcher switching login on with their own password, or the last researcher with a
    password losing it or the role, would lock every researcher out of the app.
    """
    login_on, researchers = db.execute(
        "SELECT count(*), sum(role = 'onderzoeker') FROM users "
        "WHERE role != 'system' AND password_hash IS NOT NULL"
    ).fetchone()
    if login_on and not researchers:
        raise InputError("accounts.researcher_password_first")


def _require_own_password_first(db: Database, actor: str, name: str) -> None:
    """Giving someone else a password switches login on: the acting researcher needs one first,
    or nobody could manage the project any more."""
    if actor == name:
        return
    found = db.execute("SELECT password_hash FROM users WHERE name = ?", [actor]).fetchone()
    if found is not None and found[0] is None:
        raise InputError("accounts.own_password_first", user=actor)
