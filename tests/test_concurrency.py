"""Many writers at once and hard kills: nothing lost, nothing half-written, no lock errors."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench import accounts
from workbench.store import open_project
from privacy_support import add_codes, add_document
from workbench.handle import Project

PYTHON = sys.executable


def run_child(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.02)


def assert_intact(project: Path) -> None:
    db = open_project(project)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    half = db.execute(
        "SELECT count(*) FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM segments s WHERE s.document_id = d.id)"
    ).fetchone()[0]
    assert half == 0
    orphans = db.execute(
        "SELECT count(*) FROM codings c WHERE NOT EXISTS (SELECT 1 FROM documents d "
        "WHERE d.id = c.document_id) OR NOT EXISTS (SELECT 1 FROM codes k WHERE k.id = c.code_id)"
    ).fetchone()[0]
    assert orphans == 0
    # every coding was committed together with its event, never one without the other
    added, removed = (
        db.execute("SELECT count(*) FROM events WHERE action = ?", [a]).fetchone()[0]
        for a in ("coding.add", "coding.remove")
    )
    assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == added - removed
    db.close()


WRITER = """
    import sys, time
    from pathlib import Path
    from workbench.codings import add_coding
    from workbench.handle import Project
    from workbench.store import open_project
    project, coder, start = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    db = open_project(project)
    me = Project.for_user(db, coder)
    segs = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY id")]
    codes = [r[0] for r in db.execute("SELECT slug FROM codes ORDER BY id")]
    while not start.exists():
        time.sleep(0.01)
    for i in range(50):
        add_coding(me, code=codes[i % len(codes)], segment_id=segs[i])
    print("done")
"""


@pytest.mark.slow
def test_twenty_writer_processes_store_all_thousand_codings(db, project_path, tmp_path):
    add_codes(db)
    add_document(db, "\n".join(f"R: zin nummer {i} over het leven." for i in range(60)))
    for n in range(20):
        accounts.add_user(Project.for_user(db, "onderzoeker"), f"deelnemer{n}", role="onderzoeker")
    db.close()
    start = tmp_path / "start"
    children = [
        run_child(WRITER, str(project_path), f"deelnemer{n}", str(start)) for n in range(20)
    ]
    time.sleep(1)
    start.touch()
    outputs = [c.communicate(timeout=300) for c in children]
    assert [c.returncode for c in children] == [0] * 20, [e for _, e in outputs if e][:1]
    assert not any("locked" in err for _, err in outputs)
    check = open_project(project_path)
    assert check.execute("SELECT count(*) FROM codings").fetchone()[0] == 1000
    assert check.execute("SELECT count(DISTINCT coder) FROM codings").fetchone()[0] == 20
    check.close()
    assert_intact(project_path)


BIG_TRANSACTION = """
    import sys
    from pathlib import Path
    from workbench import events
    from workbench.store import now, open_project, record_event, transaction
    db = open_project(sys.argv[1])
    marker = Path(sys.argv[2])
    with transaction(db):
        for n in range(100000):
            doc = db["documents"].insert({"name": f"d{n}", "source_name": f"d{n}.txt",
                "source_format": "txt", "source_sha256": f"sha{n}", "text": "R: woord " * 50,
                "imported_at": now(), "imported_by": "onderzoeker"}).last_pk
            turn = db["turns"].insert({"document_id": doc, "position": 0, "start_char": 0,
                                       "end_char": 400}).last_pk
            db["segments"].insert({"document_id": doc, "turn_id": turn, "position": 0,
                                   "start_char": 0, "end_char": 400, "text": "x" * 400})
            record_event(db, "onderzoeker", events.IMPORT_DOCUMENT(doc))
            if n == 500:
                marker.touch()
"""


@pytest.mark.slow
def test_sigkill_in_a_large_transaction_leaves_no_trace(db, project_path, tmp_path):
    add_document(db)
    db.close()
    marker = tmp_path / "halfway"
    child = run_child(BIG_TRANSACTION, str(project_path), str(marker))
    wait_for(marker)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert_intact(project_path)
    check = open_project(project_path)
    assert check.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    check.close()


IMPORT = """
    import sys
    from pathlib import Path
    from workbench.handle import Project
    from workbench.ingest import import_files
    from workbench.store import open_project
    db = open_project(sys.argv[1])
    marker = Path(sys.argv[2])
    files = sorted(Path(sys.argv[3]).glob("*.txt"))
    researcher = Project.for_user(db, "onderzoeker")
    import_files(researcher, files, progress=lambda done, total, r: marker.touch())
"""


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_import_leaves_whole_documents_only(db, project_path, tmp_path):
    db.close()
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for n in range(40):  # fictional, generated transcripts of ~6,000 words
        lines = [
            f"{'I' if i % 2 else 'R'}: Dit is regel {i} van gesprek {n}. Ik woonde toen "
            f"alleen en ik zag weinig mensen in de buurt."
            for i in range(300)
        ]
        (folder / f"gesprek{n:02}.txt").write_text("\n".join(lines), encoding="utf-8")
    marker = tmp_path / "first-file-done"
    child = run_child(IMPORT, str(project_path), str(marker), str(folder))
    wait_for(marker, timeout=120)
    time.sleep(0.3)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert_intact(project_path)
    check = open_project(project_path)
    n_docs = check.execute("SELECT count(*) FROM documents").fetchone()[0]
    events = check.execute(
        "SELECT count(*) FROM events WHERE action = 'import.document'"
    ).fetchone()[0]
    check.close()
    assert 1 <= n_docs < 40 and events == n_docs


BURST = """
    import sys
    from pathlib import Path
    from workbench.codings import add_coding, remove_coding
    from workbench.handle import Project
    from workbench.store import open_project
    db = open_project(sys.argv[1])
    me = Project.for_user(db, "onderzoeker")
    marker = Path(sys.argv[2])
    segs = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY id")]
    codes = [r[0] for r in db.execute("SELECT slug FROM codes ORDER BY id")]
    n = 0
    while True:
        for seg in segs:
            for code in codes:
                cid = add_coding(me, code=code, segment_id=seg)
                n += 1
                if n == 200:
                    marker.touch()
        for seg in segs[::2]:
            for c in db.execute("SELECT id FROM codings WHERE segment_id = ?", [seg]).fetchall():
                remove_coding(me, c[0])
"""


@pytest.mark.slow
def test_sigkill_in_a_burst_of_codings_leaves_no_orphan(db, project_path, tmp_path):
    add_codes(db)
    add_document(db, "\n".join(f"R: zin {i} over alleen zijn." for i in range(100)))
    db.close()
    marker = tmp_path / "busy"
    child = run_child(BURST, str(project_path), str(marker))
    wait_for(marker)
    time.sleep(0.5)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert_intact(project_path)
    check = open_project(project_path)
    assert (
        check.execute("SELECT count(*) FROM events WHERE action = 'coding.add'").fetchone()[0]
        >= 200
    )
    check.close()


DECIDER = """
    import sys, time
    from pathlib import Path
    from workbench.handle import Project
    from workbench.privacy import decide
    from workbench.store import open_project
    db = open_project(sys.argv[1])
    researcher = Project.for_user(db, "onderzoeker")
    start = Path(sys.argv[3])
    while not start.exists():
        time.sleep(0.01)
    for n in range(5):
        decide(researcher, f"Naam{sys.argv[2]}x{n}", accept=True)
"""


@pytest.mark.slow
def test_researchers_deciding_at_once_lose_no_decision(db, project_path, tmp_path):
    from workbench.privacy import read_key

    db.close()
    start = tmp_path / "start"
    children = [run_child(DECIDER, str(project_path), str(n), str(start)) for n in range(6)]
    time.sleep(1)
    start.touch()
    assert [c.wait(timeout=120) for c in children] == [0] * 6
    check = open_project(project_path)
    key = read_key(Project.for_user(check, "onderzoeker"))
    assert len(key.entries) == 30
    assert len({e.replacement for e in key.entries.values()}) == 30
    check.close()
