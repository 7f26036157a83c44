import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from workbench import store
from workbench.cli import main
from workbench.errors import InputError
from workbench.privacy import decide, key_file
from workbench.privacy.backup import backup, check_project_file, restore
from workbench.store import open_project, transaction
from privacy_support import add_document
from workbench.handle import Project


def n_documents(path):
    db = open_project(path)
    try:
        return db.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        db.close()


def backup_while_another_program_writes(db, project_path, output):
    """A backup made while another program holds the project's write lock (its line waits)."""
    other = sqlite3.connect(str(project_path), isolation_level=None)  # another program
    try:
        other.execute("BEGIN IMMEDIATE")
        return backup(Project.for_user(db, "onderzoeker"), output)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_backup_is_an_intact_project_while_the_original_stays_open(db, tmp_path):
    add_document(db)
    target = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    info = check_project_file(target)
    assert info["documents"] == 1 and info["migrations"] >= 3


def test_backup_with_key_copies_the_key_next_to_it(db, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    backup(researcher, tmp_path / "bewaard" / "kopie.db", with_key=True)
    assert (tmp_path / "bewaard" / "kopie.key.json").read_text() == key_file(db).read_text()


def test_restore_replaces_the_project_and_keeps_the_old_one(db, project_path, tmp_path):
    add_document(db)
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    add_document(db, "R: later toegevoegd.", name="later.txt")
    db.close()
    result = restore(saved, project_path)
    assert n_documents(project_path) == 1
    assert n_documents(result["replaced"]) == 2 and result["replaced"].endswith(".bak")


def test_restore_writes_into_the_project_file_under_its_lock_instead_of_swapping_it(
    db, project_path, tmp_path
):
    """A program that opened the project between the check and a file swap wrote to the old
    file: its saved rows were in neither the restored project nor the kept copy. The restore
    now writes through SQLite into the same file and holds its lock throughout: a writer
    that comes in between waits, then writes into the restored project."""
    import os
    import threading
    import time

    add_document(db)
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    db.close()
    inode = os.stat(project_path).st_ino
    written, stop = [], threading.Event()

    def writer() -> None:  # opens, writes one row, closes; again and again
        n = 0
        while not stop.is_set():
            conn = sqlite3.connect(str(project_path), timeout=30, isolation_level=None)
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS late (n)")
                conn.execute("INSERT INTO late VALUES (?)", [n])
                written.append(n)
            except sqlite3.OperationalError:  # the table went with a restore: not saved
                pass
            finally:
                conn.close()
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    kept, restores = [], 0
    deadline = time.monotonic() + 20
    while restores < 5 and time.monotonic() < deadline:
        try:
            kept.append(restore(saved, project_path)["replaced"])
            restores += 1
        except InputError:  # the writer had it open just then
            time.sleep(0.01)
    stop.set()
    thread.join(30)
    assert restores and os.stat(project_path).st_ino == inode
    found = set()
    for path in [project_path, *kept]:
        conn = sqlite3.connect(str(path))
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'late'").fetchone():
            found |= {r[0] for r in conn.execute("SELECT n FROM late")}
        conn.close()
    assert set(written) <= found  # every saved row is in the project or a kept copy


def test_restore_refuses_a_damaged_backup_and_changes_nothing(db, project_path, tmp_path):
    add_document(db)
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    db.close()
    data = bytearray(saved.read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200
    saved.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        restore(saved, project_path)
    assert err.value.key in ("backup.damaged", "backup.not_a_project")
    assert n_documents(project_path) == 1
    assert not list(tmp_path.glob("*.bak"))


def test_restore_refuses_files_that_are_not_projects(project_path, tmp_path):
    other = tmp_path / "ander.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    text = tmp_path / "notities.db"
    text.write_text("geen database")
    for bad, key in ((other, "backup.not_a_project"), (text, "backup.not_sqlite")):
        with pytest.raises(InputError) as err:
            restore(bad, project_path)
        assert err.value.key == key
    assert not project_path.exists()


def test_restore_refuses_while_the_project_is_open(db, project_path, tmp_path):
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    with pytest.raises(InputError) as err:
        restore(saved, project_path)  # the fixture's connection is still open
    assert err.value.key == "backup.project_busy"
    db.execute("BEGIN IMMEDIATE")
    with pytest.raises(InputError):
        restore(saved, project_path)
    db.execute("ROLLBACK")


def test_a_new_migration_makes_a_backup_first(db, project_path, monkeypatch):
    add_document(db)
    db.close()
    extended = Migrations(store.migrations.name)  # a copy: migrations.py stays as it is
    for registered in store.migrations.pending(Database(memory=True)):
        extended(name=registered.name)(registered.fn)

    @extended(name="m999_test_extra_column")
    def m999(database):
        database.execute("ALTER TABLE documents ADD COLUMN extra TEXT")

    monkeypatch.setattr(store, "migrations", extended)
    upgraded = store.open_project(project_path)
    assert "extra" in {c.name for c in upgraded["documents"].columns}
    upgraded.close()
    saved = project_path.with_name("project.db.before-m999_test_extra_column.bak")
    old = sqlite3.connect(saved)
    assert old.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert "extra" not in {r[1] for r in old.execute("PRAGMA table_info(documents)")}
    old.close()


def test_cli_backup_and_restore_round_trip(db, project_path, tmp_path, capsys):
    add_document(db)
    db.close()
    copy_path = tmp_path / "cli-kopie.db"
    assert main(["backup", "--project", str(project_path), "--output", str(copy_path)]) == 0
    project_path.unlink()
    assert main(["restore", str(copy_path), "--project", str(project_path)]) == 0
    assert n_documents(project_path) == 1
    assert main(["restore", str(tmp_path / "weg.db"), "--project", str(project_path)]) == 1
    assert "Fout:" in capsys.readouterr().err


def mode(path):
    return path.stat().st_mode & 0o777


def test_backups_keys_and_replaced_projects_are_readable_by_the_owner_only(
    db, project_path, tmp_path
):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    saved = backup(researcher, tmp_path / "bewaard" / "kopie.db", with_key=True).path
    assert mode(saved) == 0o600 and mode(saved.with_name("kopie.key.json")) == 0o600
    db.close()
    result = restore(saved, project_path)
    for path in (project_path, result["replaced"], result["key"]):
        assert mode(__import__("pathlib").Path(path)) == 0o600, path


def test_restore_brings_the_backed_up_key_back(db, project_path, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    saved = backup(researcher, tmp_path / "kopie.db", with_key=True).path
    kept = key_file(db).read_text()
    db.close()
    key_file_path = project_path.with_name("project.key.json")
    key_file_path.unlink()  # lost with the disk, say
    result = restore(saved, project_path)
    assert result["key"] == str(key_file_path) and key_file_path.read_text() == kept


def test_restore_without_a_key_says_where_it_belongs(db, project_path, tmp_path, capsys):
    add_document(db)
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    db.close()
    assert main(["restore", str(saved), "--project", str(project_path)]) == 0
    out = capsys.readouterr().out
    assert "Er zat geen sleutelbestand bij de reservekopie" in out
    assert str(project_path.with_name("project.key.json")) in out


def test_backup_does_not_wait_a_minute_for_another_programs_open_write(
    db, project_path, tmp_path, capsys
):
    """With another program inside a write transaction, the copy was complete at once but
    its line in the history waited for the write lock up to the busy timeout (60 s), then
    failed with "database is locked". Now the backup ends soon, complete, and says plainly
    that the history does not have it. A hang test: the bound is generous on purpose."""
    import time

    add_document(db)
    other = sqlite3.connect(str(project_path), isolation_level=None)  # another program
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO settings (key, value) VALUES ('niet_klaar', '1')")
        started = time.monotonic()
        made = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db")
        code_nl = main(
            ["backup", "--project", str(project_path), "--output", str(tmp_path / "nl.db")]
        )
        out_nl = capsys.readouterr().out
        code_en = main(
            [
                "--lang",
                "en",
                "backup",
                "--project",
                str(project_path),
                "--output",
                str(tmp_path / "en.db"),
            ]
        )
        out_en = capsys.readouterr().out
        assert time.monotonic() - started < 10
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert made.logged is False and code_nl == code_en == 0
    assert "staat nog niet in de geschiedenis van het project" in out_nl
    assert "it is not in the project's history yet" in out_en
    for copy in (made.path, tmp_path / "nl.db", tmp_path / "en.db"):
        assert check_project_file(copy)["documents"] == 1  # opens, integrity_check ok, rows
        conn = sqlite3.connect(copy)
        try:  # the other program's unfinished write is not in it
            assert (
                conn.execute("SELECT 1 FROM settings WHERE key = 'niet_klaar'").fetchone() is None
            )
        finally:
            conn.close()
    assert (
        db.execute("SELECT count(*) FROM events WHERE action = 'project.backup'").fetchone()[0] == 0
    )
    # with the lock free again a backup is logged as before, and so are the three that
    # waited (before, they were never logged: the history missed three backups for good)
    again = backup(Project.for_user(db, "onderzoeker"), tmp_path / "weer.db")
    assert again.logged is True
    logged = db.execute(
        "SELECT after FROM events WHERE action = 'project.backup' ORDER BY id"
    ).fetchall()
    assert [json.loads(a)["file"] for (a,) in logged] == ["kopie.db", "nl.db", "en.db", "weer.db"]
    assert not list(Path(f"{project_path}.unlogged").glob("*.json"))


def test_a_backup_that_could_not_be_logged_is_logged_by_the_next_write(db, project_path, tmp_path):
    """Any write logs it, in any program, with the time of the backup; a write that fails
    leaves it waiting for the next one."""
    made = backup_while_another_program_writes(db, project_path, tmp_path / "kopie.db")
    assert made.logged is False
    waiting = list(Path(f"{project_path}.unlogged").glob("*.json"))
    assert len(waiting) == 1 and oct(waiting[0].stat().st_mode & 0o777) == "0o600"
    with pytest.raises(RuntimeError), transaction(db):
        raise RuntimeError("a write that fails")
    assert len(list(Path(f"{project_path}.unlogged").glob("*.json"))) == 1
    (Path(f"{project_path}.unlogged") / "0-damaged.json").write_text("{half")
    second = open_project(project_path)  # the next write, by another program
    try:
        add_document(second)
    finally:
        second.close()
    ((at, actor, after),) = db.execute(
        "SELECT at, actor, after FROM events WHERE action = 'project.backup'"
    ).fetchall()
    assert actor == "onderzoeker" and json.loads(after)["file"] == "kopie.db"
    assert at < store.now()  # the time of the backup, not of the write that logged it
    # a damaged file is left for a person to look at and stops no write
    assert [p.name for p in Path(f"{project_path}.unlogged").glob("*.json")] == ["0-damaged.json"]


def test_a_waiting_backup_line_of_the_old_project_goes_into_the_kept_copy(
    db, project_path, tmp_path
):
    """A backup line that waited for the write lock belongs to the project that was backed
    up: restoring another backup keeps it in the replaced project's .bak, never in the
    restored project (whose history would then name a backup of another project)."""
    add_document(db)
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "bewaard.db").path
    made = backup_while_another_program_writes(db, project_path, tmp_path / "later.db")
    assert made.logged is False
    db.close()
    result = restore(saved, project_path)

    def backups(path):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT after FROM events WHERE action = 'project.backup'")
            return [json.loads(a)["file"] for (a,) in rows]
        finally:
            conn.close()

    assert backups(project_path) == []  # bewaard.db was logged after its own copy was made
    assert backups(result["replaced"]) == ["bewaard.db", "later.db"]
    assert not list(Path(f"{project_path}.unlogged").glob("*.json"))


def test_a_waiting_line_of_a_project_that_is_gone_stays_out_of_a_new_project_there(
    db, project_path, tmp_path
):
    """A backup line that waited (``<project>.unlogged/``) of a project that was deleted or
    moved was logged by the first write of a new project made at the same path, or of a
    backup restored there: a backup that project never made. It is set aside instead."""
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "bewaard.db").path
    make_new = {
        "later.db": lambda: open_project(project_path),
        "nog-later.db": lambda: (restore(saved, project_path), open_project(project_path))[1],
    }
    for output, new_project in make_new.items():
        made = backup_while_another_program_writes(db, project_path, tmp_path / output)
        assert made.logged is False
        db.close()
        for suffix in ("", "-wal", "-shm"):  # the project is deleted (or moved elsewhere)
            Path(f"{project_path}{suffix}").unlink(missing_ok=True)
        db = new_project()
        add_document(db)  # the first write of the new project
        logged = db.execute("SELECT after FROM events WHERE action = 'project.backup'")
        assert logged.fetchall() == []
    db.close()
    kept = [
        json.loads(line.read_text())["after"]
        for folder in sorted(tmp_path.glob("project.db.unlogged.*.stale"))
        for line in folder.glob("*.json")
    ]
    assert [json.loads(after)["file"] for after in kept] == ["later.db", "nog-later.db"]
    assert not list(Path(f"{project_path}.unlogged").glob("*.json"))


def test_restore_says_a_folder_is_a_folder(project_path, tmp_path, capsys):
    folder = tmp_path / "reservekopieen"
    folder.mkdir()
    with pytest.raises(InputError) as err:
        restore(folder, project_path)
    assert err.value.key == "backup.is_folder"
    assert main(["restore", str(folder), "--project", str(project_path), "--lang", "en"]) == 1
    assert f"{folder} is a folder" in capsys.readouterr().err
    assert not project_path.exists()


def test_restore_that_cannot_keep_the_old_project_changes_nothing_and_says_why(
    db, tmp_path, capsys
):
    """When the .bak cannot be written (here: its name is too long for the file system, as
    with a folder you may not write in), the project stays as it was, usable, with no half
    files next to it, and the message names the copy that failed, not a temporary file."""
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "bewaard.db").path
    project = tmp_path / ("p" * 220 + ".db")  # fits; <name>.<time>.bak.<tmp>.partial does not
    store.backup_to(db, project)
    project_db = open_project(project)
    add_document(project_db)
    project_db.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError) as err:
        restore(saved, project)
    assert err.value.key == "backup.cannot_keep"
    assert main(["restore", str(saved), "--project", str(project), "--lang", "en"]) == 1
    message = capsys.readouterr().err
    assert "nothing was changed" in message and ".partial" not in message
    # the system's reason is English: only the English message quotes it
    assert main(["restore", str(saved), "--project", str(project), "--lang", "nl"]) == 1
    message = capsys.readouterr().err
    assert "er is niets veranderd" in message and "File name too long" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert n_documents(project) == 1  # still the old project, and not locked


def test_restore_without_a_key_does_not_ask_to_put_back_a_key_that_is_there(
    db, project_path, tmp_path, capsys
):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    saved = backup(researcher, tmp_path / "kopie.db").path  # without --with-key
    kept = key_file(db).read_text()
    db.close()
    assert main(["restore", str(saved), "--project", str(project_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Put it back there" not in out
    assert "The key file that was already next to the project stays as it was" in out
    assert project_path.with_name("project.key.json").read_text() == kept


def test_backup_that_cannot_be_written_names_the_file_asked_for_and_says_none_was_made(
    db, project_path, tmp_path, capsys
):
    """A folder you may not write in fails like a name too long for the file system (used
    here, as root may write anywhere): the message named a temporary ``.partial`` file."""
    db.close()
    output = tmp_path / ("k" * 240 + ".db")  # fits; <name>.<tmp>.partial does not
    for lang, words in (("en", "No backup was made"), ("nl", "Er is geen reservekopie gemaakt")):
        argv = ["backup", "--project", str(project_path), "--output", str(output)]
        assert main([*argv, "--lang", lang]) == 1
        message = capsys.readouterr().err
        assert str(output) in message and ".partial" not in message and words in message
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("kkk")]  # no half copy


def test_backup_with_key_without_a_key_file_makes_nothing_and_says_so(
    db, project_path, tmp_path, capsys
):
    """``--with-key`` on a project without a key file wrote the backup alone, said "Backup
    written" and logged it as made with the key: the missing key went unnoticed."""
    db.close()
    key = project_path.with_name("project.key.json")
    output = tmp_path / "bewaard" / "kopie.db"
    for lang, words in (("en", "No backup was made"), ("nl", "Er is geen reservekopie gemaakt")):
        argv = ["backup", "--project", str(project_path), "--output", str(output), "--with-key"]
        assert main([*argv, "--lang", lang]) == 1
        message = capsys.readouterr().err
        assert str(key) in message and words in message and "--with-key" in message
    assert not output.exists() and not list(output.parent.glob("*"))
    conn = sqlite3.connect(project_path)
    try:
        assert conn.execute("SELECT 1 FROM events WHERE action = 'project.backup'").fetchall() == []
    finally:
        conn.close()


def test_backup_with_key_that_cannot_copy_the_key_makes_no_backup_and_leaves_nothing(
    db, project_path, tmp_path, capsys
):
    """When the key could not be copied (here a folder with the key copy's name, or a name
    too long for the file system, as with a folder you may not write in), the backup was
    already written but not logged, a ``.partial`` key copy with every name in it was left
    behind, and the message was only "... is a folder". Now nothing is made, an earlier
    backup and key copy at those names stay as they were, and the message says so."""
    researcher = Project.for_user(db, "onderzoeker")
    decide(researcher, "Kees", accept=True)
    out = tmp_path / "bewaard"
    (out / "map.key.json").mkdir(parents=True)  # a folder where the key copy would go
    long = "k" * 237  # <long>.db and its key copy fit; the backup's temporary name does not
    backup(researcher, out / "kort.db", with_key=True)  # an earlier pair at that name
    (out / "kort.db").rename(out / f"{long}.db")
    (out / "kort.key.json").rename(out / f"{long}.key.json")
    pair = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    db.close()
    cases = {
        "map.db": ("De sleutel kan niet worden gekopieerd", "The key cannot be copied"),
        f"{long}.db": ("Er is geen reservekopie gemaakt", "No backup was made"),
        f"{'k' * 240}.db": ("De sleutel kan niet worden gekopieerd", "The key cannot be copied"),
    }
    for name, (nl, en) in cases.items():
        argv = ["backup", "--project", str(project_path), "--output", str(out / name)]
        for lang, words in (("nl", nl), ("en", en)):
            assert main([*argv, "--with-key", "--lang", lang]) == 1
            message = capsys.readouterr().err
            assert words in message and ".partial" not in message, (name, lang)
            assert ("Er is geen reservekopie gemaakt" in message) or ("No backup" in message)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == pair
    assert sorted(p.name for p in out.iterdir()) == sorted([*pair, "map.key.json"])


def test_restore_refusals_say_nothing_was_changed_and_a_zip_is_to_be_unpacked(
    db, project_path, tmp_path, capsys
):
    import zipfile

    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    db.close()
    newer = tmp_path / "nieuwer.db"
    newer.write_bytes(saved.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name) VALUES (?, 'm999_later')",
        [store.migrations.name],
    )
    conn.commit()
    conn.close()
    foreign = tmp_path / "ander.db"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.commit()
    text = tmp_path / "notities.db"
    text.write_text("geen database")
    packed = tmp_path / "kopie.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.write(saved, "kopie.db")
    with pytest.raises(InputError) as err:
        restore(packed, project_path)
    assert err.value.key == "backup.is_zip"
    for bad in (newer, foreign, text, packed):
        for lang, words in (("en", "Nothing was changed"), ("nl", "Er is niets veranderd")):
            argv = ["restore", str(bad), "--project", str(project_path), "--lang", lang]
            assert main(argv) == 1
            assert words in capsys.readouterr().err, (bad, lang)
    main(["restore", str(packed), "--project", str(project_path), "--lang", "en"])
    assert "Unpack it first" in capsys.readouterr().err
    assert n_documents(project_path) == 0 and not list(tmp_path.glob("*.bak"))


def test_a_damaged_backup_is_described_in_plain_dutch(db, project_path, tmp_path, capsys):
    saved = backup(Project.for_user(db, "onderzoeker"), tmp_path / "kopie.db").path
    db.close()
    data = bytearray(saved.read_bytes())
    data[4096 : 4096 * 2] = b"\xff" * 4096  # the pages after the header: unreadable
    saved.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        restore(saved, project_path)
    assert err.value.key == "backup.damaged"
    assert main(["restore", str(saved), "--project", str(project_path)]) == 1
    message = capsys.readouterr().err
    assert "beschadigd" in message and "Er is niets veranderd" in message
    assert "malformed" not in message and "database" not in message.replace(str(saved), "")


def test_restore_with_a_key_says_where_the_previous_key_was_kept(
    db, project_path, tmp_path, capsys
):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    saved = backup(researcher, tmp_path / "kopie.db", with_key=True).path
    previous = key_file(db).read_text()
    db.close()
    assert main(["restore", str(saved), "--project", str(project_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    [kept] = project_path.parent.glob("project.key.json.*.bak")
    assert f"The key file that was already there is kept as {kept}" in out
    assert kept.read_text() == previous
