import json
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from workbench import events, store
from workbench.errors import InputError
from workbench.migrations import migrations
from workbench.store import (
    DEFAULT_USER,
    SYSTEM_USERS,
    connect,
    get_setting,
    open_project,
    record_event,
    release_project,
    schema_version,
    set_setting,
    share_project,
    transaction,
)


def test_new_project_has_schema_wal_and_foreign_keys(db, project_path):
    assert schema_version(db) >= 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"documents", "segments", "codings", "events"} <= set(db.table_names())


def test_reopening_applies_no_migration_twice(db, project_path):
    version = schema_version(db)
    again = open_project(project_path)
    assert schema_version(again) == version


def test_transaction_rolls_back_everything_on_error(db):
    with pytest.raises(RuntimeError):
        with transaction(db):
            db.execute("INSERT INTO respondents (code, created_at) VALUES ('R1', 'now')")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM respondents").fetchone()[0] == 0


def test_event_log_is_append_only(db):
    with transaction(db):
        event = record_event(db, "onderzoeker", events.SETTING_SET("x", None, {"a": 1}))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM events WHERE id = ?", [event])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE events SET actor = 'x' WHERE id = ?", [event])


def test_settings_have_defaults_and_changes_are_logged(db):
    assert get_setting(db, "language") == "nl"
    set_setting(db, "language", "en", actor="onderzoeker")
    assert get_setting(db, "language") == "en"
    assert db.execute("SELECT count(*) FROM events WHERE action = 'setting.set'").fetchone()[0] == 1


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("dit is geen database")
    with pytest.raises(InputError) as err:
        open_project(bogus)
    assert "notes.db" in err.value.message("nl")


def _respondent(db, code: str) -> None:
    with transaction(db):
        db.execute("INSERT INTO respondents (code, created_at) VALUES (?, 'now')", [code])
        record_event(db, "onderzoeker", events.RESPONDENT_ADD(code))


OTHER_PROCESS = {
    # the store alone (starts in a second): what every workbench command does on open
    "store": [
        "-c",
        "import sys; from workbench.store import open_project, transaction, "
        "record_event; from workbench import events; db = open_project(sys.argv[1]); "
        "t = transaction(db); t.__enter__(); "
        "db.execute(\"INSERT INTO attributes (name, type) VALUES ('leeftijd', 'number')\"); "
        "record_event(db, 'onderzoeker', events.ATTRIBUTE_ADD('leeftijd')); "
        "t.__exit__(None, None, None); db.close()",
    ],
    # the real command line (its start imports much more)
    "cli": ["-m", "workbench", "respondents", "attribute", "leeftijd", "number", "--project"],
}


@pytest.mark.parametrize("other", ["store", pytest.param("cli", marks=pytest.mark.slow)])
def test_two_sessions_and_a_cli_process_writing_in_turn_lose_nothing(project_path, other):
    """Issue 19.1: a second opener must not drop the first one's SQLite locks.

    Session A keeps the project open, session B opens and closes it, then a ``workbench``
    process writes and exits. The closing process must not think it is the last user and
    remove the WAL under A (which then fails with "disk I/O error" and loses writes).
    """
    a = open_project(project_path)
    _respondent(a, "A1")
    wal = Path(f"{project_path}-wal")
    for turn in range(2):
        b = open_project(project_path)
        _respondent(b, f"B{turn}")
        b.close()
        _respondent(a, f"A{turn + 2}")
    done = subprocess.run(
        [sys.executable, *OTHER_PROCESS[other], str(project_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert wal.exists(), "the -wal file was removed while session A still had it open"
    _respondent(a, "A4")
    assert a.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    a.close()
    check = open_project(project_path)
    codes = {r[0] for r in check.execute("SELECT code FROM respondents")}
    assert codes == {"A1", "A2", "A3", "A4", "B0", "B1"}
    attrs = {r[0] for r in check.execute("SELECT name FROM attributes")}
    assert "leeftijd" in attrs
    assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check.close()


def test_a_deferred_event_is_logged_once_by_the_next_write_of_any_connection(project_path):
    """A deferred event (``<project>.unlogged/``, see ``store.defer_event``) is logged exactly
    once by the next write: of this connection, of another one in this process, one put back
    by a failed write, and one another program deferred while both connections stay open."""
    a, b = open_project(project_path), open_project(project_path)
    _respondent(a, "A1")
    _respondent(b, "B1")  # both have looked already
    store.defer_event(a, DEFAULT_USER, events.PROJECT_BACKUP(None, None, {"file": "hier.db"}))
    with pytest.raises(RuntimeError), transaction(b):
        raise RuntimeError("a write that fails: the event waits again")
    _respondent(b, "B2")  # the same connection, at once
    _respondent(a, "A2")

    def logged():
        rows = a.execute("SELECT after FROM events WHERE action = 'project.backup' ORDER BY id")
        return [json.loads(after)["file"] for (after,) in rows]

    assert logged() == ["hier.db"]
    done = subprocess.run(  # another program defers one while both stay open
        [
            sys.executable,
            "-c",
            "import sys; from workbench import events, store; "
            "db = store.open_project(sys.argv[1], create=False); "
            "store.defer_event(db, 'onderzoeker', events.PROJECT_BACKUP(None, None, "
            "{'file': 'daar.db'})); db.close()",
            str(project_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    _respondent(a, "A3")  # a connection open all along logs it
    assert logged() == ["hier.db", "daar.db"]
    assert not list(Path(f"{project_path}.unlogged").glob("*.json"))
    a.close()
    b.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _one_migration_behind(path: Path, rows: int = 0) -> str:
    """A project as the previous release left it: all migrations but the last, with data."""
    last = migrations._migrations[-1].name
    old = connect(path)
    old.execute("PRAGMA journal_mode = WAL")
    migrations.apply(old, stop_before=last)
    old.execute("INSERT INTO respondents (code, created_at) VALUES ('R01', 'now')")
    if rows:  # some bulk, so that the backup takes long enough for openers to overlap
        with transaction(old):
            for i in range(rows):
                old.execute(
                    "INSERT INTO respondents (code, notes, created_at) VALUES (?, ?, 'now')",
                    [f"X{i}", "notitie " * 100],
                )
    old.close()
    return last


def test_new_project_and_its_wal_are_readable_by_the_owner_only(db, project_path):
    _respondent(db, "R1")
    assert _mode(project_path) == 0o600
    assert _mode(Path(f"{project_path}-wal")) == 0o600


def test_upgrade_makes_one_private_self_contained_backup(tmp_path):
    project = tmp_path / "oud.db"
    last = _one_migration_behind(project)
    killed = tmp_path / f"oud.db.before-{last}.bak.k1ll3d.partial"  # an upgrade killed earlier
    killed.write_bytes(b"half a copy")
    db = open_project(project)
    assert not migrations.pending(db)
    db.close()
    backup = tmp_path / f"oud.db.before-{last}.bak"
    assert backup.exists() and _mode(backup) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oud.db", backup.name]  # no .partial*
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT code FROM respondents").fetchall() == [("R01",)]
    names = {r[0] for r in copy.execute("SELECT name FROM _sqlite_migrations")}
    assert last not in names
    copy.close()


def test_a_project_migrated_without_its_default_rows_gets_them_on_open(tmp_path):
    """A kill after the migrations but before the default rows (older releases) is repaired."""
    project = tmp_path / "half.db"
    bare = connect(project)
    migrations.apply(bare)
    bare.close()
    db = open_project(project)
    users = {r[0] for r in db.execute("SELECT name FROM users")}
    assert {DEFAULT_USER, *SYSTEM_USERS} <= users
    assert get_setting(db, "max_file_mb") == 50
    db.close()


def test_sessions_sharing_one_connection_keep_their_transactions_apart(project_path):
    """Threads on the shared connection: a failing transaction never takes another's writes."""
    first = share_project(project_path)
    assert share_project(project_path) is first
    errors: list[BaseException] = []

    def session(name: str) -> None:
        try:
            for i in range(20):
                try:
                    with transaction(first):
                        first.execute(
                            "INSERT INTO respondents (code, created_at) VALUES (?, 'now')",
                            [f"{name}-{i}"],
                        )
                        if i % 5 == 4:
                            raise RuntimeError("this one is rolled back")
                        record_event(first, name, events.RESPONDENT_ADD(i))
                except RuntimeError:
                    pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(f"s{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = first.execute("SELECT count(*) FROM respondents").fetchone()[0]
    assert stored == 4 * 16
    assert (
        first.execute("SELECT count(*) FROM events WHERE action = 'respondent.add'").fetchone()[0]
        == 4 * 16
    )
    release_project(first)
    first.execute("SELECT 1")  # still open: one user left
    release_project(first)
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")  # the last release closed it


OPENER = """
    import sys, time
    from pathlib import Path
    from workbench.store import open_project
    project, start = sys.argv[1], Path(sys.argv[2])
    while not start.exists():
        time.sleep(0.005)
    db = open_project(project)
    users = db.execute("SELECT count(*) FROM users WHERE name = 'onderzoeker'").fetchone()[0]
    db.close()
    print(users)
"""


def _open_at_once(project: Path, start: Path, processes: int) -> list[subprocess.CompletedProcess]:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(OPENER), str(project), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    import time

    time.sleep(1.0)  # let every child import and wait at the start line
    start.touch()
    return [
        subprocess.CompletedProcess(c.args, c.wait(timeout=180), *c.communicate()) for c in children
    ]


@pytest.mark.slow
@pytest.mark.parametrize("state", ["new", "one_behind"])
def test_many_processes_opening_a_new_or_older_project_at_once_all_succeed(tmp_path, state):
    project = tmp_path / "gedeeld.db"
    if state == "one_behind":
        _one_migration_behind(project, rows=5000)
    done = _open_at_once(project, tmp_path / "start", 12)
    assert [(c.returncode, c.stdout.strip()) for c in done] == [(0, "1")] * 12, [
        c.stderr[-300:] for c in done if c.returncode
    ]
    # SQLite's own -wal/-shm may stay behind: when two processes close at the same instant,
    # neither gets the exclusive lock it needs to checkpoint and delete them. That is SQLite's
    # documented behaviour and loses nothing; the next last closer cleans up (checked below).
    own = {"gedeeld.db", "gedeeld.db-wal", "gedeeld.db-shm", "start"}
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name not in own)
    assert leftovers == (
        [] if state == "new" else [f"gedeeld.db.before-{migrations._migrations[-1].name}.bak"]
    )
    db = open_project(project)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert not migrations.pending(db)
    db.close()
    assert not (tmp_path / "gedeeld.db-wal").exists()
