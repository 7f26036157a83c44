"""The project store: one local SQLite file per project.

Why these settings: WAL lets readers (the app) go on while a writer commits; a busy timeout
lets 20 workshop laptops write to one file without "database is locked"; foreign keys keep
codings from pointing at deleted documents; ``BEGIN IMMEDIATE`` takes the write lock up front
so two writers never deadlock on a lock upgrade. Every change goes through :func:`transaction`
and leaves a row in the append-only ``events`` table (:func:`record_event`).

Sharing a project: nothing here ever opens the database file outside SQLite. SQLite's locks
are POSIX locks, which belong to the process, and closing *any* descriptor of the file drops
all of them; a stray ``open()``/``close()`` (even only to read the header) made a later closer
believe it was the last user, so it deleted the WAL under a live connection ("disk I/O
error", lost writes). Opening migrates under SQLite's own write lock (``BEGIN IMMEDIATE``),
re-checks what is pending inside it, and writes the default rows in that same transaction,
so any number of processes may open a new or older project at once. See ARCHITECTURE.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError
from workbench.events import Event
from workbench.migrations import migrations

BUSY_TIMEOUT_MS = 60_000
DEFAULT_USER = "onderzoeker"
SYSTEM_USERS = ("consensus",)

DEFAULT_SETTINGS: dict[str, Any] = {
    "language": "nl",
    "max_file_mb": 50,  # imports above this size are refused
    "blind_coding": False,  # issue 7: hide others' codings in a double-coding sample
    "reliability": True,  # issue 7: reflexive TA projects switch figures off
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
    try:
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return db


def schema_version(db: Database) -> int:
    """How many migrations have been applied to this project."""
    return len(migrations.applied(db))


def open_project(path: str | Path, *, create: bool = True, backup: bool = True) -> Database:
    """Open (or create) a project file and bring its schema up to date.

    Before migrating a project that already has data, the file is copied next to itself
    (``NAME.before-MIGRATION.bak``) so a failed or unwanted upgrade can be undone by hand.
    Safe to call from many processes at once: one of them upgrades, the others wait for it
    (up to the busy timeout) and then find nothing left to do.
    """
    path = Path(path)
    created = False
    if not path.exists():
        if not create:
            raise InputError("store.project_missing", path=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        set_aside_deferred(path)  # events of a project once here are not this one's
        created = True
    elif path.is_dir():
        raise InputError("store.project_is_directory", path=str(path))
    db = _connect_checked(path)
    try:
        if created:
            _restrict(path)
        _use_wal(db)
        if not _up_to_date(db):
            _upgrade(db, path, backup=backup)
    except BaseException:
        db.close()
        raise
    return db


def _connect_checked(path: Path) -> Database:
    """Connect, refusing a file that is not an SQLite database.

    SQLite itself reads the header (never ``open()``: see the module docstring).
    """
    try:
        db = connect(path)
    except sqlite3.DatabaseError:
        raise InputError("store.not_a_project", path=str(path)) from None
    try:
        db.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise InputError("store.not_a_project", path=str(path)) from None
    return db


def _restrict(path: Path) -> None:
    """Make a new project readable by its owner only: it holds every transcript.

    ``chmod`` does not open the file, so it cannot disturb SQLite's locks; SQLite gives the
    ``-wal`` and ``-shm`` files it creates later the same mode.
    """
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def _use_wal(db: Database) -> None:
    """Switch the file to WAL; a brand-new file may be busy for a moment with another opener."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _up_to_date(db: Database) -> bool:
    """True when no migration is pending and the default rows exist (a cheap read)."""
    return not migrations.pending(db) and _has_defaults(db)


def _has_defaults(db: Database) -> bool:
    users = [DEFAULT_USER, *SYSTEM_USERS]
    found = db.execute(
        f"SELECT count(*) FROM users WHERE name IN ({', '.join('?' * len(users))})", users
    ).fetchone()[0]
    return found == len(users)


def _upgrade(db: Database, path: Path, *, backup: bool) -> None:
    """Migrate and add the default rows in ONE transaction under SQLite's write lock.

    Every opener that found work to do queues on ``BEGIN IMMEDIATE``; the first one upgrades,
    the others re-check inside the lock and find nothing pending. A kill at any point leaves
    either the old project or the complete new one (never a schema without its users).
    """
    with transaction(db):
        pending = migrations.pending(db)
        if pending and backup and migrations.applied(db):
            # Half copies of an upgrade killed while copying: only the holder of the write
            # lock ever writes these, so none of them is in use now.
            for stale in path.parent.glob(f"{glob.escape(path.name)}.before-*.partial*"):
                stale.unlink(missing_ok=True)
            # Read through a second connection: the backup API refuses a source connection
            # that is inside a write transaction. WAL lets it read the last committed state.
            source = connect(path)
            try:
                _copy(source, path.with_name(f"{path.name}.before-{pending[0].name}.bak"))
            finally:
                source.close()
        if pending:
            migrations.apply(db)  # each migration becomes a savepoint inside this transaction
            db.execute(f"PRAGMA user_version = {schema_version(db)}")
        _ensure_defaults(db)


def _ensure_defaults(db: Database) -> None:
    with transaction(db):
        for key, value in DEFAULT_SETTINGS.items():
            db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                [key, json.dumps(value)],
            )
        for name, role in [(DEFAULT_USER, "onderzoeker"), *[(u, "system") for u in SYSTEM_USERS]]:
            db.execute(
                "INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?, ?, ?)",
                [name, role, now()],
            )


def _writer_lock(db: Database) -> threading.RLock:
    """The lock that keeps one thread's transaction whole on a connection shared by threads."""
    lock = db.__dict__.get("_workbench_writer_lock")
    if lock is None:
        lock = db.__dict__.setdefault("_workbench_writer_lock", threading.RLock())
    return lock


class WriteLockBusy(Exception):
    """Another program held the write lock for longer than a short ``transaction`` waits."""


@contextlib.contextmanager
def transaction(db: Database, *, wait_ms: int | None = None) -> Iterator[Database]:
    """One atomic unit of work: all of it is written, or none of it.

    The outermost block starts with ``BEGIN IMMEDIATE`` (take the write lock now, wait up to
    the busy timeout for it); nested blocks become savepoints via sqlite-utils' ``atomic``.
    A connection shared by threads (the app's sessions) runs one thread's transaction at a
    time: the others wait here instead of joining it as a savepoint.

    ``wait_ms`` waits that long for the lock instead of the busy timeout and then raises
    :class:`WriteLockBusy`, nothing written: for a write that must not keep a person
    waiting a minute behind another program's open transaction (the log line of a backup).
    """
    with _writer_lock(db):
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        _begin(db, wait_ms)
        deferred: dict[Path, str] = {}
        try:
            deferred = _log_deferred(db)
            yield db
        except BaseException:
            db.rollback()
            _keep_deferred(deferred)
            raise
        else:
            try:
                db.execute("COMMIT")
            except BaseException:
                db.rollback()
                _keep_deferred(deferred)
                raise


def _begin(db: Database, wait_ms: int | None) -> None:
    """``BEGIN IMMEDIATE``, waiting ``wait_ms`` for the lock when given (the caller holds the
    connection's writer lock, so no other thread's write runs under the short timeout)."""
    if wait_ms is None:
        db.execute("BEGIN IMMEDIATE")
        return
    db.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise WriteLockBusy(str(exc)) from None
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _deferred_folder(db: Database) -> Path | None:
    """``<project>.unlogged`` next to the project file (None for an in-memory database);
    looked up once per connection, since every transaction asks."""
    if "_workbench_unlogged" not in db.__dict__:
        files = [f for _, name, f in db.execute("PRAGMA database_list") if name == "main" and f]
        db.__dict__["_workbench_unlogged"] = Path(files[0] + ".unlogged") if files else None
    folder: Path | None = db.__dict__["_workbench_unlogged"]
    return folder


def set_aside_deferred(project_path: str | Path) -> Path | None:
    """Rename a ``<project>.unlogged/`` left by a project that is no longer at ``project_path``
    (deleted or moved) to ``<project>.unlogged.<UTC time>.stale``, before a new project is
    made there; returns the new name, or None when there was none.

    Why: its events are lines of that other project's history (a backup it made); the new
    project's first writes would log them as its own. Kept, not deleted, for a person to
    look at (or to move next to a moved project).
    """
    folder = Path(f"{project_path}.unlogged")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    stale = folder.with_name(f"{folder.name}.{stamp}.stale")
    try:
        folder.rename(stale)
    except FileNotFoundError:
        return None
    return stale


def defer_event(db: Database, actor: str, event: Event) -> Path:
    """Keep an event that could not be logged now (another program held the write lock) in
    a file next to the project; the next transaction on the project, in any program, logs it
    with its own time (:func:`transaction`). Why: a backup is made without the write lock,
    and its line in the history must not be lost because a write was busy at that moment.
    """
    folder = _deferred_folder(db)
    if folder is None:
        raise ValueError("An in-memory database has no place for deferred events.")
    folder.mkdir(mode=0o700, exist_ok=True)
    record = {
        "at": now(),
        "actor": actor,
        "action": event.kind.action,
        "entity": event.kind.entity,
        "entity_id": None if event.entity_id is None else str(event.entity_id),
        "before": _json(event.before),
        "after": _json(event.after),
    }
    handle, name = tempfile.mkstemp(prefix=".", suffix=".partial", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(record, out, ensure_ascii=False)
    target = folder / f"{time.time_ns()}-{Path(name).stem.lstrip('.')}.json"  # in order
    os.replace(name, target)
    return target


def _log_deferred(db: Database) -> dict[Path, str]:
    """Log the deferred events (see :func:`defer_event`) inside the transaction just begun,
    and take their files away while this connection holds the write lock, so no other
    program logs them twice; returns them, to put back when the transaction fails."""
    folder = _deferred_folder(db)
    if folder is None or not folder.is_dir():
        return {}
    taken: dict[Path, str] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            text = path.read_text(encoding="utf-8")
            db.execute(
                "INSERT INTO events (at, actor, action, entity, entity_id, before, after) "
                "VALUES (:at, :actor, :action, :entity, :entity_id, :before, :after)",
                json.loads(text),
            )
        except (OSError, ValueError, TypeError, sqlite3.Error):
            continue  # a damaged file stays for a person to look at; it never stops a write
        path.unlink()
        taken[path] = text
    return taken


def _keep_deferred(taken: dict[Path, str]) -> None:
    """Put back the deferred events of a transaction that was not committed (owner only)."""
    for path, text in taken.items():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(text)


def backup_to(db: Database, target: str | Path) -> Path:
    """Copy the live project to ``target`` with SQLite's online backup API (safe while in use)."""
    return _copy(db, target)


def _copy(source: Database, target: str | Path) -> Path:
    """Write a consistent, self-contained copy of ``source`` to ``target`` (mode 0600).

    The copy is built under a unique temporary name next to the target and renamed when
    complete, so two processes backing up at once never write the same file and a kill
    leaves no half copy under the real name. The copy is switched out of WAL mode before it
    is closed: a backup is one file, with no ``-wal``/``-shm`` to lose or leave behind.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f"{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)  # our own new, empty file: no SQLite connection has it open
    tmp = Path(name)
    try:
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            source.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(tmp, target)
    except BaseException:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        raise
    return target


def get_setting(db: Database, key: str) -> Any:
    """A project setting, or its default when it was never set."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None:
        return DEFAULT_SETTINGS.get(key)
    return json.loads(row[0])


def set_setting(db: Database, key: str, value: Any, *, actor: str) -> None:
    """Change a project setting (logged); only roles allowed to change it (see access)."""
    from workbench import access  # access checks users in this store

    access.require_setting(db, actor, key)
    with transaction(db):
        before = get_setting(db, key)
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value)],
        )
        record_event(db, actor, events.SETTING_SET(key, {"value": before}, {"value": value}))


def record_event(db: Database, actor: str, event: Event, *, at: str | None = None) -> int:
    """Append one event to the log; call it inside the transaction that made the change.

    ``event`` comes from its declared kind (``events.MEMO_ADD(memo_id, None, row)``, see
    ``workbench.events``); its ``before``/``after`` (the row, or the relevant part, as plain
    data) are JSON-encoded here. ``at`` defaults to now; a write that logs several rows as
    one action passes one stamp for all of them (see ``workbench.history``).
    """
    if not isinstance(event, Event):
        raise TypeError(f"event must be a declared workbench.events kind. Got {event!r} instead.")
    cur = db.execute(
        "INSERT INTO events (at, actor, action, entity, entity_id, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at or now(),
            actor,
            event.kind.action,
            event.kind.entity,
            None if event.entity_id is None else str(event.entity_id),
            _json(event.before),
            _json(event.after),
        ],
    )
    return int(cur.lastrowid)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def target_there(db: Database, table: str, row_id: Any, *, live: bool = True) -> bool:
    """Whether the row ``row_id`` of ``table`` that something hangs on (a memo's target) is
    there, and when ``live`` not a code merged away (it stays, inactive, for its history).
    One check for writing a memo (:mod:`workbench.memos`) and for undoing one
    (:mod:`workbench.history`)."""
    if row_id is None:
        return False
    active = " AND active = 1" if live and table == "codes" else ""
    return (
        db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?{active}", [row_id]).fetchone() is not None
    )


def row(db: Database, table: str, pk: Any, *, column: str = "id") -> dict[str, Any] | None:
    """One row of ``table`` (where ``column`` equals ``pk``) as a dict, or None."""
    cur = db.execute(f"SELECT * FROM [{table}] WHERE [{column}] = ?", [pk])
    found = cur.fetchone()
    if found is None:
        return None
    return dict(zip([c[0] for c in cur.description], found))


def unused_id(db: Database, table: str) -> int:
    """An id that no row of ``table`` ever had, for a new row.

    SQLite hands out the highest id plus one, so a row that was removed (or undone) last
    would lend its id to the next new row, and memos, history and undo that still name the
    old row would take the new one for it. Every row ever made is in the event log, so the
    new id comes after the highest id there too.
    """
    found = db.execute(
        f"SELECT max(coalesce((SELECT max(id) FROM [{table}]), 0), "
        "coalesce((SELECT max(CAST(entity_id AS INTEGER)) FROM events WHERE entity = ?), 0))",
        [table],
    ).fetchone()
    return int(found[0]) + 1


def last_event_id(db: Database) -> int:
    """The id of the newest event: a cheap token that changes whenever the project changes.

    Caches in the app key on it, so they are rebuilt exactly when something was written.
    """
    return int(db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


_shared: dict[str, tuple[Database, int]] = {}
_shared_guard = threading.Lock()


def share_project(path: str | Path) -> Database:
    """This process's one connection to the project at ``path``, opened on first use.

    The app's sessions all use it instead of one connection each (transactions stay whole
    through :func:`transaction`'s per-connection lock). Pair every call with
    :func:`release_project`; the connection is closed when the last user releases it.
    """
    key = str(Path(path).resolve())
    with _shared_guard:
        if key in _shared:
            db, users = _shared[key]
        else:
            db, users = open_project(path), 0
        _shared[key] = (db, users + 1)
        return db


def release_project(db: Database) -> None:
    """Give back a connection from :func:`share_project`; the last release closes it."""
    with _shared_guard:
        for key, (shared, users) in list(_shared.items()):
            if shared is db:
                if users > 1:
                    _shared[key] = (shared, users - 1)
                else:
                    del _shared[key]
                    shared.close()
                return
