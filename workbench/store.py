"""The project store: one local SQLite file per project.

Why these settings: WAL lets readers (the app) go on while a writer commits; a busy timeout
lets 20 workshop laptops write to one file without "database is locked"; foreign keys keep
codings from pointing at deleted documents; ``BEGIN IMMEDIATE`` takes the write lock up front
so two writers never deadlock on a lock upgrade. Every change goes through :func:`transaction`
and leaves a row in the append-only ``events`` table (:func:`record_event`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench.errors import InputError
from workbench.migrations import migrations

BUSY_TIMEOUT_MS = 60_000
DEFAULT_USER = "onderzoeker"
SYSTEM_USERS = ("consensus",)

DEFAULT_SETTINGS: dict[str, Any] = {
    "language": "nl",
    "max_file_mb": 50,              # imports above this size are refused
    "blind_coding": False,          # issue 7: hide others' codings in a double-coding sample
    "reliability": True,            # issue 7: reflexive TA projects switch figures off
    "analysis_speakers": "respondent",  # analyse respondent turns only, or "all"
}


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds; sortable as text."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def connect(path: str | Path) -> Database:
    """Open the SQLite file with the pragmas every connection needs (no migrations)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    # Autocommit at the driver level: we open transactions explicitly, the driver never
    # opens one behind our back (which would hold the write lock until the next commit).
    conn.isolation_level = None
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def schema_version(db: Database) -> int:
    """How many migrations have been applied to this project."""
    return len(migrations.applied(db))


def open_project(path: str | Path, *, create: bool = True, backup: bool = True) -> Database:
    """Open (or create) a project file and bring its schema up to date.

    Before migrating a project that already has data, the file is copied next to itself
    (``NAME.before-MIGRATION.bak``) so a failed or unwanted upgrade can be undone by hand.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise InputError("store.project_missing", path=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.is_dir():
        raise InputError("store.project_is_directory", path=str(path))
    else:
        _check_is_sqlite(path)
    db = connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    pending = migrations.pending(db)
    if pending:
        if backup and migrations.applied(db):
            backup_to(db, path.with_name(f"{path.name}.before-{pending[0].name}.bak"))
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {schema_version(db)}")
        _ensure_defaults(db)
    return db


def _check_is_sqlite(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(16)
    if head and head != b"SQLite format 3\x00":
        raise InputError("store.not_a_project", path=str(path))


def _ensure_defaults(db: Database) -> None:
    with transaction(db):
        for key, value in DEFAULT_SETTINGS.items():
            db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value)]
            )
        for name, role in [(DEFAULT_USER, "onderzoeker"), *[(u, "system") for u in SYSTEM_USERS]]:
            db.execute(
                "INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?, ?, ?)",
                [name, role, now()],
            )


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One atomic unit of work: all of it is written, or none of it.

    The outermost block starts with ``BEGIN IMMEDIATE`` (take the write lock now, wait up to
    the busy timeout for it); nested blocks become savepoints via sqlite-utils' ``atomic``.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    else:
        try:
            db.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise


def backup_to(db: Database, target: str | Path) -> Path:
    """Copy the live project to ``target`` with SQLite's online backup API (safe while in use)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    dest = sqlite3.connect(str(tmp))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    shutil.move(str(tmp), str(target))
    return target


def get_setting(db: Database, key: str) -> Any:
    """A project setting, or its default when it was never set."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None:
        return DEFAULT_SETTINGS.get(key)
    return json.loads(row[0])


def set_setting(db: Database, key: str, value: Any, *, actor: str) -> None:
    """Change a project setting (logged)."""
    with transaction(db):
        before = get_setting(db, key)
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value)],
        )
        record_event(db, actor, "setting.set", "settings", key, {"value": before}, {"value": value})


def record_event(
    db: Database,
    actor: str,
    action: str,
    entity: str,
    entity_id: Any,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append one row to the event log; call it inside the transaction that made the change.

    ``before``/``after`` are the row (or the relevant part) as plain data; JSON-encoded here.
    """
    cur = db.execute(
        "INSERT INTO events (at, actor, action, entity, entity_id, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            now(),
            actor,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        ],
    )
    return int(cur.lastrowid)


def row(db: Database, table: str, pk: Any, *, column: str = "id") -> dict[str, Any] | None:
    """One row of ``table`` (where ``column`` equals ``pk``) as a dict, or None."""
    cur = db.execute(f"SELECT * FROM [{table}] WHERE [{column}] = ?", [pk])
    found = cur.fetchone()
    if found is None:
        return None
    return dict(zip([c[0] for c in cur.description], found))


def last_event_id(db: Database) -> int:
    """The id of the newest event: a cheap token that changes whenever the project changes.

    Caches in the app key on it, so they are rebuilt exactly when something was written.
    """
    return int(db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
