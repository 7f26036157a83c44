"""Benchmark: kill, load and fuzz the workbench, and feed it files built to exhaust it (issue 19).

Four parts, each bounded (numbers of runs and a time budget), printing figures:

- ``kills``: a child process imports transcripts, adds codings, or opens (upgrades) a project
  one migration behind; it is SIGKILLed at a random moment, N times per operation. Counted:
  corrupt projects (``PRAGMA integrity_check``), half documents (a document without
  segments), lost writes (a commit the child reported that is not in the file), unusable
  projects (cannot be opened, or no ``onderzoeker`` after opening).
- ``load``: W writer processes adding C codings each to one file at once; O processes opening
  a new project at once, and O opening a project one migration behind at once. Counted:
  stored vs expected, failed processes, leftover files (``.partial*``, more than one backup).
- ``fuzz``: N mutated files per format (txt, md, docx, odt, vtt, srt through the importer;
  xlsx and csv through the respondents reader; yaml through the codebook loader; qdpx from
  ../shared when present). Counted: imported, refused with a message, unhandled exceptions.
- ``hostile``: each hostile file in a fresh process: a YAML alias bomb, a 4.8 MB docx whose
  XML unpacks to 419 MB, a zip of 30 MB of zeros, 2 GB (sparse) CSV, XLSX and YAML files, a
  transcript with one line over 1,000,000 characters. Printed: outcome, seconds, peak memory
  (max RSS of that process; the baseline with spaCy loaded is printed too).

    .venv/bin/python benchmarks/bench_robustness.py all             # quick: ~5 minutes
    .venv/bin/python benchmarks/bench_robustness.py kills --n 30
    .venv/bin/python benchmarks/bench_robustness.py load --writers 20 --codings 50 --openers 40
    .venv/bin/python benchmarks/bench_robustness.py fuzz --n 300
    .venv/bin/python benchmarks/bench_robustness.py hostile

All data is synthetic or the fictional demo corpus in corpora/demo.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.handle import Project  # noqa: E402
from workbench.migrations import migrations  # noqa: E402
from workbench.store import connect, open_project  # noqa: E402

PYTHON = sys.executable
DEMO = REPO / "corpora" / "demo"
SHARED = REPO.parent / "shared"
PREAMBLE = f"import sys; sys.path.insert(0, {str(REPO)!r})\n"


def child(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", PREAMBLE + textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def synthetic_interview(seed: int, words: int = 1500) -> str:
    rng = random.Random(seed)
    vocab = (
        "ik woon hier al lang en de buren zijn aardig maar sinds mijn man er niet meer is "
        "zie ik bijna niemand soms ga ik naar het buurthuis voor koffie"
    ).split()
    turns = []
    while sum(len(t.split()) for t in turns) < words:
        sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(6, 14)))
        turns.append(f"I: Hoe ging dat toen?\nR: {sentence.capitalize()}. Nummer {seed}.")
    return "\n\n".join(turns)


def one_migration_behind(path: Path, rows: int = 2000) -> None:
    """A project as the previous release left it (all migrations but the last), with data."""
    old = connect(path)
    old.execute("PRAGMA journal_mode = WAL")
    migrations.apply(old, stop_before=migrations._migrations[-1].name)
    old.execute("BEGIN")
    old.conn.executemany(
        "INSERT INTO respondents (code, notes, created_at) VALUES (?, ?, 'x')",
        [(f"R{i}", "notitie " * 100) for i in range(rows)],
    )
    old.execute("COMMIT")
    old.close()


def check_project(path: Path) -> dict[str, int]:
    """corrupt / half / unusable for the project at ``path`` (opened with plain sqlite3 first)."""
    out = {"corrupt": 0, "half": 0, "unusable": 0}
    raw = sqlite3.connect(path)
    try:
        if raw.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            out["corrupt"] = 1
    except sqlite3.DatabaseError:
        out["corrupt"] = 1
    finally:
        raw.close()
    try:
        db = open_project(path, create=False)
    except Exception:  # noqa: BLE001 - counted, this is what we measure
        out["unusable"] = 1
        return out
    try:
        if db.execute("SELECT count(*) FROM users WHERE name = 'onderzoeker'").fetchone()[0] != 1:
            out["unusable"] = 1
        out["half"] = db.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM segments s WHERE s.document_id = d.id)"
        ).fetchone()[0]
    finally:
        db.close()
    return out


# --- kills -------------------------------------------------------------------------------

KILL_CHILDREN = {
    "import": """
        import sys
        from workbench.handle import Project
        from workbench.ingest import import_files
        from workbench.nlp import load_pipeline
        from workbench.store import open_project
        sys.path.insert(0, sys.argv[3])
        from bench_robustness import synthetic_interview
        db = open_project(sys.argv[1]); nlp = load_pipeline()
        me = Project.for_user(db, "onderzoeker")
        print("ready", flush=True)
        for i in range(int(sys.argv[2]), int(sys.argv[2]) + 1000):
            r = import_files(me, [(f"i{i}.txt", synthetic_interview(i).encode())],
                             nlp=nlp).results[0]
            print("documents", r.document_id, flush=True)
    """,
    "coding": """
        import sys
        from workbench.codings import add_coding
        from workbench.handle import Project
        from workbench.store import open_project
        db = open_project(sys.argv[1])
        me = Project.for_user(db, "onderzoeker")
        segs = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY id")]
        codes = [r[0] for r in db.execute("SELECT slug FROM codes ORDER BY id")]
        print("ready", flush=True)
        for i in range(100000):
            cid = add_coding(me, code=codes[i % len(codes)],
                             segment_id=segs[(i * 7) % len(segs)])
            print("codings", cid, flush=True)
    """,
    "upgrade": """
        import sys
        from workbench.store import open_project
        print("ready", flush=True)
        open_project(sys.argv[1]).close()
        print("opened", flush=True)
    """,
}


# Seconds after "ready" to kill in, per operation: long enough for an import to commit,
# short enough to catch an upgrade in the middle of migrating or copying.
KILL_WINDOWS = {"import": (0.5, 12.0), "coding": (0.0, 3.0), "upgrade": (0.0, 0.6)}


def kills(n: int, seed: int = 19) -> None:
    rng = random.Random(seed)
    print(f"\n== kills: {n} SIGKILLs per operation at a random moment ==")
    print(
        f"{'operation':<10} {'kills':>5} {'commits':>7} {'corrupt':>7} {'half':>5} "
        f"{'lost':>5} {'unusable':>8} {'leftover':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.db"
        from workbench.demo import load_demo

        load_demo(template)
        for operation, code in KILL_CHILDREN.items():
            totals = Counter()
            for k in range(n):
                work = Path(folder) / f"{operation}-{k}"
                work.mkdir()
                project = work / "p.db"
                if operation == "upgrade":
                    one_migration_behind(project)
                else:
                    source, dest = sqlite3.connect(template), sqlite3.connect(project)
                    source.backup(dest)
                    dest.close()
                    source.close()
                proc = child(code, str(project), str(10_000 + k * 1000), str(Path(__file__).parent))
                assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
                time.sleep(rng.uniform(*KILL_WINDOWS[operation]))
                proc.send_signal(signal.SIGKILL)
                out, _ = proc.communicate()
                reported = [line.split() for line in out.splitlines() if line.count(" ") == 1]
                found = check_project(project)
                lost = 0
                if not found["corrupt"] and reported:
                    db = sqlite3.connect(project)
                    for table, row_id in reported:
                        if (
                            row_id != "None"
                            and db.execute(
                                f"SELECT count(*) FROM {table} WHERE id = ?", [int(row_id)]
                            ).fetchone()[0]
                            == 0
                        ):
                            lost += 1
                    db.close()
                leftover = [p.name for p in work.iterdir() if ".partial" in p.name]
                commits = len(reported) + ("opened" in out.split())
                totals.update(kills=1, commits=commits, lost=lost, leftover=len(leftover), **found)
            print(
                f"{operation:<10} {totals['kills']:>5} {totals['commits']:>7} "
                f"{totals['corrupt']:>7} "
                f"{totals['half']:>5} {totals['lost']:>5} {totals['unusable']:>8} "
                f"{totals['leftover']:>8}"
            )


# --- load --------------------------------------------------------------------------------

WRITER = """
    import sys, time
    from pathlib import Path
    from workbench.codings import add_coding
    from workbench.handle import Project
    from workbench.store import open_project
    project, coder, start, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    db = open_project(project)
    me = Project.for_user(db, coder)
    segs = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY id")]
    codes = [r[0] for r in db.execute("SELECT slug FROM codes ORDER BY id")]
    print("ready", flush=True)
    while not start.exists():
        time.sleep(0.005)
    for i in range(n):
        add_coding(me, code=codes[i % len(codes)], segment_id=segs[i % len(segs)])
"""
OPENER = """
    import sys, time
    from pathlib import Path
    from workbench.store import open_project
    print("ready", flush=True)
    while not Path(sys.argv[2]).exists():
        time.sleep(0.005)
    db = open_project(sys.argv[1])
    assert db.execute("SELECT count(*) FROM users WHERE name = 'onderzoeker'").fetchone()[0] == 1
    db.close()
"""


def at_once(code: str, args_list: list[list[str]], start: Path) -> tuple[int, float, list[str]]:
    procs = [child(code, *args) for args in args_list]
    for proc in procs:
        proc.stdout.readline()
    started = time.perf_counter()
    start.touch()
    errors = []
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        if proc.returncode:
            errors.append((err.strip().splitlines() or ["?"])[-1][:100])
    return len(errors), time.perf_counter() - started, errors


def load(writers: int, codings: int, openers: int) -> None:
    print(f"\n== load: {writers} writers x {codings} codings; {openers} openers at once ==")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        from workbench.demo import load_demo
        from workbench.accounts import add_user
        from workbench.handle import Project

        project = folder / "shared.db"
        load_demo(project)
        db = open_project(project)
        researcher = Project.for_user(db, "onderzoeker")
        for w in range(writers):
            add_user(researcher, f"coder{w}", role="onderzoeker")
        before = db.execute("SELECT count(*) FROM codings").fetchone()[0]
        db.close()
        failed, seconds, errors = at_once(
            WRITER,
            [[str(project), f"coder{w}", str(folder / "go"), str(codings)] for w in range(writers)],
            folder / "go",
        )
        db = open_project(project)
        stored = db.execute("SELECT count(*) FROM codings").fetchone()[0] - before
        db.close()
        print(
            f"writers  {writers:>3} x {codings}: stored {stored} of {writers * codings}, "
            f"failed processes {failed}, {seconds:.1f} s {set(errors) or ''}"
        )
        for state in ("new", "one migration behind"):
            work = folder / state.replace(" ", "-")
            work.mkdir()
            target = work / "p.db"
            if state != "new":
                one_migration_behind(target)
            failed, seconds, errors = at_once(
                OPENER, [[str(target), str(work / "go")]] * openers, work / "go"
            )
            extra = sorted(p.name for p in work.iterdir() if p.name not in {"p.db", "go"})
            partial = [e for e in extra if ".partial" in e]
            baks = [e for e in extra if e.endswith(".bak")]
            print(
                f"openers  {openers:>3} ({state}): failed {failed}, {seconds:.1f} s, "
                f"backups {len(baks)}, .partial leftovers {len(partial)} "
                f"{set(errors) or ''}"
            )


# --- fuzz --------------------------------------------------------------------------------


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not data:
            break
        at = rng.randrange(len(data))
        how = rng.choice(["flip", "delete", "insert", "truncate", "zipmember"])
        if how == "flip":
            data[at] ^= rng.randint(1, 255)
        elif how == "delete":
            del data[at : at + rng.randint(1, 64)]
        elif how == "insert":
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        elif how == "truncate":
            del data[at:]
        elif data[:2] == b"PK":
            data = bytearray(mutate_member(bytes(data), rng))
    return bytes(data)


def mutate_member(data: bytes, rng: random.Random) -> bytes:
    """Keep the zip valid but damage one member, so the XML parsers get hostile input."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
        victim = rng.choice(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                body = source.read(name)
                if name == victim and body:
                    at = rng.randrange(len(body))
                    body = body[:at] + bytes([body[at] ^ rng.randint(1, 255)]) + body[at + 1 :]
                target.writestr(name, body)
        return out.getvalue()
    except Exception:  # noqa: BLE001 - a damaged seed stays as it is
        return data


def seeds() -> dict[str, tuple[str, bytes]]:
    import openpyxl

    found = {}
    for path in sorted(DEMO.iterdir()):
        ext = path.suffix.lstrip(".")
        if ext in ("txt", "md", "docx", "odt", "vtt", "srt") and ext not in found:
            found[ext] = (path.name, path.read_bytes())
    csv = b"code;leeftijd;woonplaats\nR01;71;Spoorzicht\nR02;83;Havenkwartier\n"
    found["csv"] = ("respondenten.csv", csv)
    book = openpyxl.Workbook()
    for row in (("code", "leeftijd"), ("R01", 71), ("R02", 83)):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    found["xlsx"] = ("respondenten.xlsx", buffer.getvalue())
    found["yaml"] = ("codeboek.yaml", (REPO / "codebooks" / "sociale-kwaliteit.yaml").read_bytes())
    samples = SHARED / "refi" / "samples"
    if samples.is_dir():
        for path in sorted(samples.glob("*.qdpx"))[:1]:
            found["qdpx"] = (path.name, path.read_bytes())
    return found


def fuzz(n: int, seconds_per_format: float, seed: int = 19) -> None:
    from workbench.codebook import load_codebook
    from workbench.errors import WorkbenchError
    from workbench.ingest import import_files
    from workbench.nlp import load_pipeline
    from workbench.respondents import read_table

    rng = random.Random(seed)
    nlp = load_pipeline()
    print(
        f"\n== fuzz: up to {n} mutated files per format (at most {seconds_per_format:.0f} s "
        "each) =="
    )
    print(
        f"{'format':<7} {'inputs':>6} {'imported':>8} {'refused':>7} {'unhandled':>9} "
        f"{'half':>4}  unhandled types"
    )
    with tempfile.TemporaryDirectory() as folder:
        db = open_project(Path(folder) / "fuzz.db")
        for fmt, (name, data) in seeds().items():
            counts, kinds = Counter(), Counter()
            deadline = time.monotonic() + seconds_per_format
            for i in range(n):
                if time.monotonic() > deadline:
                    break
                bad = mutate(data, rng)
                file = Path(folder) / f"f{i}-{name}"
                file.write_bytes(bad)
                try:
                    if fmt in ("csv", "xlsx"):
                        read_table(file)
                        counts["imported"] += 1
                    elif fmt == "yaml":
                        load_codebook(file)
                        counts["imported"] += 1
                    else:
                        result = import_files(
                            Project.for_user(db, "onderzoeker"), [file], nlp=nlp
                        ).results[0]
                        counts["imported" if result.ok else "refused"] += 1
                except WorkbenchError:
                    counts["refused"] += 1
                except Exception as exc:  # noqa: BLE001 - this is what we count
                    counts["unhandled"] += 1
                    kinds[type(exc).__name__] += 1
                finally:
                    file.unlink()
                counts["inputs"] += 1
            half = db.execute(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                "(SELECT 1 FROM segments s WHERE s.document_id = d.id)"
            ).fetchone()[0]
            print(
                f"{fmt:<7} {counts['inputs']:>6} {counts['imported']:>8} "
                f"{counts['refused']:>7} {counts['unhandled']:>9} {half:>4}  "
                f"{dict(kinds) or ''}"
            )
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.close()


# --- hostile files -----------------------------------------------------------------------

HOSTILE_CHILD = """
    import json, resource, sys, time
    from pathlib import Path
    from workbench.errors import WorkbenchError
    from workbench.nlp import load_pipeline
    from workbench.store import open_project
    kind, path, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    nlp = load_pipeline()
    from workbench.codebook import load_codebook
    from workbench.handle import Project
    from workbench.ingest import import_files
    from workbench.respondents import read_table
    db = open_project(folder / f"{path.name}.db")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    try:
        if kind == "codebook":
            load_codebook(path); outcome = "loaded"
        elif kind == "table":
            read_table(path); outcome = "read"
        else:
            r = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp).results[0]
            outcome = (f"imported, {r.n_segments} segments" if r.ok else "refused: " + r.error.key)
    except WorkbenchError as exc:
        outcome = "refused: " + exc.key
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "base": base, "peak": peak}))
"""


def big_docx(path: Path, unpacked: int = 419 * 1024 * 1024) -> None:
    """A small Word file whose document.xml unpacks to ``unpacked`` bytes (ratio about 85)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (DEMO_DOCX_TYPES))
        archive.writestr("_rels/.rels", DEMO_DOCX_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            written, i = len(head), 0
            while written < unpacked:
                block = "".join(
                    f'<w:p><w:r><w:t xml:space="preserve">Ja, dat klopt. {j % 200}'
                    "</w:t></w:r></w:p>"
                    for j in range(i, i + 10_000)
                ).encode()
                f.write(block)
                written += len(block)
                i += 10_000
            f.write(b"</w:body></w:document>")


DEMO_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DEMO_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"word/document.xml"/></Relationships>'
)


def hostile() -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from test_hostile_input import alias_bomb  # the same bomb the unit test refuses

    print("\n== hostile files: each in a fresh process (peak = max RSS of that process) ==")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cases = []
        bomb = folder / "bom.yaml"
        bomb.write_text(alias_bomb(), encoding="utf-8")
        cases.append(("codebook", bomb, f"YAML alias bomb ({bomb.stat().st_size} bytes)"))
        docx = folder / "groot.docx"
        big_docx(docx)
        with zipfile.ZipFile(docx) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        cases.append(
            (
                "import",
                docx,
                f"docx {docx.stat().st_size / 2**20:.1f} MB -> {unpacked / 2**20:.0f} MB unpacked",
            )
        )
        zeros = folder / "nullen.docx"
        with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", bytes(30 * 2**20))
        cases.append(("import", zeros, "zip of 30 MB zeros"))
        for name, kind in (
            ("groot.csv", "table"),
            ("groot.xlsx", "table"),
            ("groot.yaml", "codebook"),
        ):
            path = folder / name
            with path.open("wb") as f:
                f.truncate(2 * 1024**3)
            cases.append((kind, path, f"{name} 2 GB (sparse)"))
        line = folder / "een-regel.txt"
        line.write_text(
            "I: Hoe gaat het?\nR: " + "Sinds mijn man er niet meer is, zie ik "
            "bijna niemand meer. " * 17_500 + "\n",
            encoding="utf-8",
        )
        cases.append(("import", line, f"one line of {line.stat().st_size:,} characters"))
        for kind, path, label in cases:
            proc = child(HOSTILE_CHILD, kind, str(path), str(folder))
            try:
                out, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                print(f"{label:<40} TIMEOUT after 300 s")
                continue
            if proc.returncode:
                print(f"{label:<40} CRASHED: {(err.strip().splitlines() or ['?'])[-1][:100]}")
                continue
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"{label:<40} {r['outcome']:<34} {r['seconds']:>6.2f} s  "
                f"peak {r['peak']:>5.0f} MB (baseline {r['base']:.0f} MB)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["kills", "load", "fuzz", "hostile", "all"])
    parser.add_argument("--n", type=int, default=None, help="kills per operation / fuzz inputs")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--codings", type=int, default=50)
    parser.add_argument("--openers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60, help="fuzz budget per format")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.part in ("kills", "all"):
        kills(args.n or 10)
    if args.part in ("load", "all"):
        load(args.writers, args.codings, args.openers)
    if args.part in ("fuzz", "all"):
        fuzz(args.n or 200, args.seconds if args.part == "fuzz" else 20)
    if args.part in ("hostile", "all"):
        hostile()
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
