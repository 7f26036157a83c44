"""Backups of a project with SQLite's online backup API, and a restore that checks first.

Why the online backup API (:func:`workbench.store.backup_to`): it copies a consistent
snapshot while the app keeps working, WAL content included; copying the file with ``cp``
could catch a half-written page. Restore validates the copy (SQLite header, ``PRAGMA
integrity_check``, a workbench schema not newer than this program) before it touches the
project, refuses while another program has the project open, and then, holding the
project's lock, keeps it as ``<project>.<time>.bak`` and writes the backup into the same
file with the backup API (no file is swapped under anyone).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError
from workbench.handle import Project
from workbench.ingest.catalog import CODINGS
from workbench.migrations import migrations
from workbench.privacy.key import key_path, project_file
from workbench.store import (
    DEFAULT_USER,
    WriteLockBusy,
    backup_to,
    defer_event,
    open_project,
    record_event,
    set_aside_deferred,
    transaction,
)

REQUIRED_TABLES = {"documents", "segments", "codings", "events", "users"}
PRIVATE = 0o600  # owner only: backups hold every original transcript, keys every name
# how long a backup's log line waits for another program's write lock (the app's own writes
# take milliseconds; a transaction held open longer than this is not waited for)
LOG_WAIT_MS = 2_000


def _private_copy(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` readable by the owner only (never world-readable)."""
    partial = _private_partial(source, target)
    try:
        os.replace(partial, target)
    except BaseException:
        _discard(partial)
        raise
    return target


def _private_partial(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``<target>.partial``, owner only and on disk, for the caller to
    rename into place; when the copy fails, nothing is left (a key copy holds every name)."""
    partial = target.with_name(target.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        with open(fd, "wb") as copy, open(source, "rb") as current:
            shutil.copyfileobj(current, copy)
            copy.flush()
            os.fsync(copy.fileno())
        os.chmod(partial, PRIVATE)
    except BaseException:
        _discard(partial)
        raise
    return partial


def _discard(path: Path | None) -> None:
    """Remove our own half-made file, if there is one (a failure here changes no message)."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class BackupMade:
    """A complete backup at ``path``; ``logged`` is false when the project's history does
    not say so yet, because another program held the write lock (the copy is whole either
    way): its line then waits next to the project and the next write logs it
    (:func:`workbench.store.defer_event`)."""

    path: Path
    logged: bool


def backup(project: Project, output: str | Path, *, with_key: bool = False) -> BackupMade:
    """Write a consistent copy of the open project to ``output`` and log it.

    With ``with_key`` the pseudonym key is copied next to it (``<output>.key.json``); keep
    that copy as safe as the key itself. Backup and key copy come as a pair: without a key
    file, or when the key cannot be copied, no backup is made and files already at those
    names stay as they were (a new backup beside an older key copy would restore the wrong
    key).

    The copy only reads, so another program's open write transaction does not stop it; the
    log line waits for that program's lock at most :data:`LOG_WAIT_MS` and then waits in a
    file next to the project for the next write (``logged`` false), so a finished backup
    never keeps a person waiting up to the busy timeout (a minute) for its line in the
    history, and the line is not lost.
    """
    project.require("backup")
    db = project.db
    output = Path(output)
    if output.exists() and output.is_dir():
        raise InputError("backup.output_is_directory", path=str(output))
    if output.exists() and output.resolve() == project_file(db).resolve():
        raise InputError("backup.same_file", path=str(output))  # would replace the live file
    key_partial = _copy_key(project, output) if with_key else None
    try:
        target = backup_to(db, output)
    except OSError as exc:  # no permission, name too long, disk full: name the file asked for
        _discard(key_partial)
        raise InputError(
            "backup.cannot_write", path=str(output), problem=exc.strerror or str(exc)
        ) from None
    os.chmod(target, PRIVATE)  # every original transcript is in it
    if key_partial is not None:
        key_copy = key_path(target)
        try:  # a rename in the backup's own folder: fails only when the file system does
            os.replace(key_partial, key_copy)
        except OSError as exc:
            _discard(key_partial)
            _discard(key_copy)  # an older key copy there does not belong to this backup
            raise InputError(
                "backup.made_without_key",
                path=str(target),
                key_file=str(key_copy),
                problem=exc.strerror or str(exc),
            ) from None
    line = events.PROJECT_BACKUP(None, None, {"file": target.name, "with_key": with_key})
    try:
        with transaction(db, wait_ms=LOG_WAIT_MS):
            record_event(db, project.user, line)
    except WriteLockBusy:
        defer_event(db, project.user, line)  # the next write on the project logs it
        return BackupMade(target, logged=False)
    return BackupMade(target, logged=True)


def _copy_key(project: Project, output: Path) -> Path:
    """Copy the project's key to ``<output's key>.partial`` before the backup is written;
    returns that copy. Raises, leaving nothing, when there is no key file or it cannot be
    copied there: then no backup is made either."""
    project.require("pseudonym.key")
    source = key_path(project_file(project.db))
    target = key_path(output)
    if not source.is_file():
        raise InputError("backup.no_key", path=str(output), key_file=str(source))
    try:
        if target.is_dir():  # the rename after the backup would fail
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        target.parent.mkdir(parents=True, exist_ok=True)  # as the backup's own folder
        return _private_partial(source, target)
    except OSError as exc:  # no permission, name too long, disk full, a folder of that name
        raise InputError(
            "backup.key_not_copied",
            path=str(output),
            key_file=str(target),
            problem=exc.strerror or str(exc),
        ) from None


def check_project_file(path: str | Path) -> dict[str, Any]:
    """Validate that ``path`` is an intact workbench project; return what it holds.

    Raises :class:`InputError` naming the file and the problem otherwise.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError("backup.is_folder", path=str(path))
    if not path.is_file():
        raise InputError("backup.missing", path=str(path))
    with path.open("rb") as f:
        header = f.read(16)
    if header.startswith(b"PK\x03\x04"):  # a zip (e.g. a backup sent by mail): unpack first
        raise InputError("backup.is_zip", path=str(path))
    if header != b"SQLite format 3\x00":
        raise InputError("backup.not_sqlite", path=str(path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise InputError("backup.damaged", path=str(path), problem=str(exc)) from None
        if result != [("ok",)]:
            problem = "; ".join(str(r[0]) for r in result[:3])
            raise InputError("backup.damaged", path=str(path), problem=problem)
        if not REQUIRED_TABLES <= tables or "_sqlite_migrations" not in tables:
            raise InputError("backup.not_a_project", path=str(path))
        applied = [m.name for m in migrations.applied(Database(conn))]
        known = {m.name for m in migrations.pending(Database(memory=True))}  # all registered
        unknown = [name for name in applied if name not in known]
        if unknown:
            raise InputError("backup.newer_schema", path=str(path), migration=unknown[0])
        counts = {
            t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
            for t in ("documents", "events")
        }
        counts["codings"] = conn.execute(CODINGS).fetchone()[0]  # accepted, as everywhere
    finally:
        conn.close()
    return {"path": str(path), "migrations": len(applied), **counts}


def _ensure_not_in_use(project: Path) -> None:
    """Refuse when another connection has ``project`` open.

    A writer is seen by ``BEGIN IMMEDIATE`` failing at once. A reader in WAL mode is seen
    afterwards: when we close the last connection SQLite checkpoints and removes the
    ``-wal`` file, so a ``-wal`` file that stays means someone else still has it open.
    """
    conn = sqlite3.connect(str(project), timeout=0.2, isolation_level=None)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            raise InputError("backup.project_busy", path=str(project)) from None
    finally:
        conn.close()
    if Path(f"{project}-wal").exists():
        raise InputError("backup.project_busy", path=str(project))


def restore(
    source: str | Path, project: str | Path, *, actor: str = DEFAULT_USER
) -> dict[str, Any]:
    """Replace ``project`` with the backup ``source`` after checking the backup.

    The replaced project (if any) is kept as ``<project>.<UTC time>.bak``. A backup made by an
    older version is migrated on open (with the usual automatic backup first). Refused while
    the project is open elsewhere (close the app first).

    Takes paths, not a handle: the project must not be open while it is replaced, so there is
    no handle to ask; ``actor`` is only written in the log of the restored project.
    """
    source, project = Path(source), Path(project)
    info = check_project_file(source)
    if project.exists() and project.resolve() == source.resolve():
        raise InputError("backup.same_file", path=str(project))
    replaced = None
    if project.exists():
        if project.is_dir():
            raise InputError("store.project_is_directory", path=str(project))
        _ensure_not_in_use(project)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        replaced = project.with_name(f"{project.name}.{stamp}.bak")
    else:
        project.parent.mkdir(parents=True, exist_ok=True)
        set_aside_deferred(project)  # lines of a project once here: not the restored one's
        os.close(os.open(project, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    _restore_into(source, project, replaced)
    key, old_key = _restore_key(source, project)
    db = open_project(project, create=False)
    try:
        with transaction(db):
            record_event(
                db,
                actor,
                events.PROJECT_RESTORE(
                    None,
                    None,
                    {
                        "from": source.name,
                        "replaced": replaced.name if replaced else None,
                        "key_restored": key is not None,
                    },
                ),
            )
    finally:
        db.close()
    return {
        **info,
        "project": str(project),
        "replaced": str(replaced) if replaced else None,
        "key": str(key) if key else None,
        "key_replaced": str(old_key) if old_key else None,
        "key_path": str(key_path(project)),
    }


def _restore_into(source: Path, project: Path, replaced: Path | None) -> None:
    """Keep ``project`` as ``replaced`` and write ``source`` into it, under one lock.

    Both go through SQLite's backup API on one connection that holds the project's lock in
    exclusive locking mode from before the copy until after the restore. Before, the check
    that nobody had the project open came first and the file was then copied and swapped:
    a program that opened it in between wrote to the old file, and its saved codings were in
    neither the restored project nor the kept copy. Now such a program waits for the lock
    and then writes into the restored project (the same file: nothing is swapped).
    """
    conn = sqlite3.connect(str(project), timeout=0.2, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")  # held after COMMIT in exclusive locking mode
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            raise InputError("backup.project_busy", path=str(project)) from None
        if replaced is not None:
            old = Database(conn)
            # A backup line that waited for the write lock (``<project>.unlogged/``) belongs
            # in the history of the project that was backed up: log it now, so it lands in
            # the kept copy and not in the restored project, which was never backed up then.
            with transaction(old):
                pass
            try:
                backup_to(old, replaced)
            except OSError as exc:  # e.g. no permission to write in the project's folder
                raise InputError(
                    "backup.cannot_keep",
                    path=str(replaced),
                    problem=exc.strerror or str(exc),
                ) from None
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            src.backup(conn)  # one step, one transaction: all of it or nothing
        except sqlite3.OperationalError as exc:  # e.g. another page size than the project
            raise InputError("backup.cannot_restore", path=str(source), problem=str(exc)) from None
        finally:
            src.close()
    finally:
        conn.close()
    os.chmod(project, PRIVATE)


def _restore_key(source: Path, project: Path) -> tuple[Path | None, Path | None]:
    """Put the key that was backed up with ``source`` (``--with-key``) next to ``project``.

    The key must match the restored decisions, so a key already there is kept as
    ``<key>.<time>.bak`` first. Returns the restored key (None when the backup had none: the
    caller says where the key belongs) and that kept copy (None when there was no key), so
    the caller can say where the previous key went.
    """
    backed_up = key_path(source)
    if not backed_up.is_file():
        return None, None
    target = key_path(project)
    kept = None
    if target.exists():
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        kept = _private_copy(target, target.with_name(f"{target.name}.{stamp}.bak"))
    return _private_copy(backed_up, target), kept
