import sqlite3

import pytest

from workbench.errors import InputError
from workbench.store import get_setting, open_project, record_event, schema_version, set_setting, transaction


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
        event = record_event(db, "onderzoeker", "test.action", "settings", "x", None, {"a": 1})
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
