"""The demo project: fictional interviews, respondents and two coders' codings, ready to explore.

``make demo`` and the app's first start on ``demo.db`` call :func:`load_demo`, so a new user
sees a working project instead of an empty screen (:func:`first_start`). It is safe to call
again: files already imported are recognised by their sha256, respondents are updated in
place, codings already present are kept, so the result is the same after one call or ten.

corpora/demo/ (Appendix B of the team brief): the transcripts, ``respondents.csv`` (first
column the case code), ``manifest.csv`` (``file``, ``respondent``), ``codings.jsonl`` (one
human coding per line: file, quote, code, coder, life_year, life_age) and ``life_events.json``
(the losses and reactions each story tells, with the links "this led to that" the story
gives, confirmed as a researcher would; the workbench then proposes the rest). A quote is
looked up in the normalised document text; the coding spans the sentence segment(s)
containing it. Each demo coder marks the interviews they coded done: they read them in full.
The demo coders (anna, bram) are researchers without a password: they own codings, can be
assigned to a double-coding sample and decide suggestions, and because accounts without a
password cannot log in, the demo still opens without a login (``accounts.auto_login_user``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench.accounts import add_user
from workbench.codings import add_coding, set_life_time
from workbench.done_marks import mark_done
from workbench.errors import InputError, WorkbenchError
from workbench.handle import Project
from workbench.ingest import import_files
from workbench.ingest.readers import FORMATS
from workbench.resources import shipped
from workbench.store import DEFAULT_USER, transaction
from workbench.tables import read_rows

DEMO_DIR = shipped("corpora") / "demo"
DEMO_CODERS = ("anna", "bram")
DEMO_NAME = "demo.db"  # a project file of this name is the demo (``make demo``, the default)


def first_start(db_path: str | Path) -> str | None:
    """Make the project file the app was started on when it does not exist yet.

    A file named ``demo.db`` becomes the demo project, so a new user sees a working project
    instead of an empty screen. Any other name is the researcher's own new project: it starts
    empty, with the default codebook, as on the Project page; fictional interviews in it would
    count in its patterns and agreement. Returns ``"demo"``, ``"new"``, or None when the file
    was there already.
    """
    from workbench.projects import create_project

    db_path = Path(db_path)
    if db_path.exists():
        return None
    if db_path.name == DEMO_NAME:
        load_demo(db_path)
        return "demo"
    create_project(db_path, actor=DEFAULT_USER).close()
    return "new"


def load_demo(db_path: str | Path, *, corpus: str | Path = DEMO_DIR) -> dict[str, Any]:
    """Create (or complete) the demo project at ``db_path``; return what was added.

    The result: ``created`` (the file was new), ``documents``, ``respondents`` and
    ``codings`` (numbers added by this call) and ``problems`` (errors with a message key,
    e.g. a quote not found; the rest of the demo still loads).
    """
    from workbench.projects import create_project
    from workbench.respondents import import_respondents, link_document

    corpus = Path(corpus)
    db_path = Path(db_path)
    created = not db_path.exists()
    db = create_project(db_path, actor=DEFAULT_USER)
    problems: list[WorkbenchError] = []
    summary: dict[str, Any] = {
        "created": created,
        "documents": 0,
        "respondents": 0,
        "codings": 0,
        "problems": problems,
    }
    try:
        project = Project.for_user(db, DEFAULT_USER)
        if (corpus / "respondents.csv").exists():
            try:
                result = import_respondents(project, corpus / "respondents.csv")
                summary["respondents"] = result["added"]
            except WorkbenchError as exc:
                problems.append(exc)
        manifest = _manifest(corpus)
        files = [corpus / name for name in manifest] or sorted(
            p
            for p in corpus.iterdir()
            if p.suffix.lower().lstrip(".") in FORMATS and p.name.lower() not in ("readme.md",)
        )
        report = import_files(project, files)
        summary["documents"] = len(report.imported)
        problems.extend(
            r.error
            for r in report.failed
            if r.error is not None and r.error.key != "ingest.duplicate"
        )
        documents = _documents_by_file(db)
        for name, respondent in manifest.items():
            if name in documents and respondent:
                try:
                    link_document(project, documents[name], respondent)
                except WorkbenchError as exc:
                    problems.append(exc)
        if (corpus / "codings.jsonl").exists():
            summary["codings"] = _load_codings(db, corpus / "codings.jsonl", documents, problems)
            _mark_read(db)
        if (corpus / "life_events.json").exists():
            summary["life_events"] = _load_life_events(db, corpus / "life_events.json", problems)
    finally:
        db.close()
    return summary


def _mark_read(db: Database) -> None:
    """The demo coders read their interviews in full: each marks the ones they coded done.

    Their silence then counts, in agreement (a passage a coder left uncoded is "code absent")
    and in the suggestions (a sentence nobody coded carries no code).
    """
    for coder in DEMO_CODERS:
        coded = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT document_id FROM codings WHERE coder = ? AND origin = 'human'",
                [coder],
            )
        ]
        if coded:
            mark_done(Project.for_user(db, coder), coded, coder=coder)


def _manifest(corpus: Path) -> dict[str, str]:
    path = corpus / "manifest.csv"
    if not path.exists():
        return {}
    _, rows = read_rows(path)
    header = [str(h).strip() for h in rows[0]] if rows else []
    records = [dict(zip(header, r)) for r in rows[1:]]
    return {
        str(r["file"]).strip(): str(r.get("respondent") or "").strip()
        for r in records
        if r.get("file")
    }


def _documents_by_file(db: Database) -> dict[str, int]:
    return {name: int(i) for i, name in db.execute("SELECT id, source_name FROM documents")}


def _ensure_coders(db: Database, coders: set[str]) -> None:
    researcher = Project.for_user(db, DEFAULT_USER)
    with transaction(db):
        for coder in sorted(coders):
            if not db.execute("SELECT 1 FROM users WHERE name = ?", [coder]).fetchone():
                add_user(researcher, coder, role="onderzoeker")


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text`` (first occurrence; whitespace may differ)."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    if not words:
        return None
    found = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (found.start(), found.end()) if found else None


def _load_codings(
    db: Database, path: Path, documents: dict[str, int], problems: list[WorkbenchError]
) -> int:
    lines = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    _ensure_coders(db, {line["coder"] for line in lines if line.get("coder")})
    texts: dict[int, str] = {}
    before = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    with transaction(db):
        for number, line in enumerate(lines, start=1):
            document_id = documents.get(line.get("file", ""))
            if document_id is None:
                problems.append(InputError("demo.unknown_file", line=number, file=line.get("file")))
                continue
            if document_id not in texts:
                texts[document_id] = db.execute(
                    "SELECT text FROM documents WHERE id = ?", [document_id]
                ).fetchone()[0]
            span = locate_quote(texts[document_id], line.get("quote", ""))
            if span is None:
                problems.append(
                    InputError(
                        "demo.quote_not_found",
                        line=number,
                        file=line["file"],
                        quote=line.get("quote", "")[:60],
                    )
                )
                continue
            start, end = db.execute(
                "SELECT min(start_char), max(end_char) FROM segments "
                "WHERE document_id = ? AND start_char < ? AND end_char > ?",
                [document_id, span[1], span[0]],
            ).fetchone()
            if start is None:
                start, end = span
            try:
                coding_id = add_coding(
                    Project.for_user(db, line["coder"]),
                    code=line["code"],
                    document_id=document_id,
                    start_char=start,
                    end_char=end,
                    origin="human",
                )
            except WorkbenchError as exc:
                problems.append(exc)
                continue
            _set_life_time(
                db, coding_id, line.get("life_year"), line.get("life_age"), actor=line["coder"]
            )
    return db.execute("SELECT count(*) FROM codings").fetchone()[0] - before


def _set_life_time(
    db: Database, coding_id: int, year: int | None, age: int | None, *, actor: str
) -> None:
    """When in the life story a coding happened, as the coder marked it (logged)."""
    current = db.execute(
        "SELECT life_year, life_age FROM codings WHERE id = ?", [coding_id]
    ).fetchone()
    if (year, age) == tuple(current) or (year is None and age is None):
        return
    set_life_time(Project.for_user(db, actor), coding_id, year=year, age=age)


def _event_codings(db: Database, respondent: str, code: str, quote: str) -> list[int]:
    """Every coding (any coder) of ``code`` in the respondent's interviews that holds ``quote``."""
    return [
        int(i)
        for (i,) in db.execute(
            "SELECT c.id FROM codings c JOIN codes k ON k.id = c.code_id "
            "JOIN documents d ON d.id = c.document_id JOIN respondents r ON r.id = d.respondent_id "
            "WHERE r.code = ? AND k.slug = ? AND instr(c.text, ?) > 0 ORDER BY c.id",
            [respondent, code, quote],
        )
    ]


def _load_life_events(db: Database, path: Path, problems: list[WorkbenchError]) -> dict[str, int]:
    """The stories' confirmed events and links, then the workbench's proposals for the rest.

    An event whose codings already belong to an event is that event (so a second call adds
    nothing); a mention whose quote matches no coding is reported, the rest still loads.
    """
    from workbench import life_events

    project = Project.for_user(db, DEFAULT_USER)
    stories = json.loads(path.read_text(encoding="utf-8"))["stories"]
    added = {"events": 0, "links": 0}
    for story in stories:
        respondent, ids = story["respondent"], {}
        for event in story["events"]:
            codings: list[int] = []
            for code, quote in event["mentions"]:
                found = _event_codings(db, respondent, code, quote)
                if not found:
                    problems.append(
                        InputError(
                            "demo.event_quote_not_found", respondent=respondent, quote=quote[:60]
                        )
                    )
                codings += found
            if not codings:
                continue
            known = life_events.event_codings(project, codings)
            existing = [
                m["event"] for ms in known.values() for m in ms if m["status"] == "accepted"
            ]
            if existing:
                ids[event["id"]] = existing[0]
                continue
            relation = next((r for r in ("after", "before") if r in event), None)
            try:
                ids[event["id"]] = life_events.create_event(
                    project,
                    codings,
                    kind=event["kind"],
                    label=event.get("label"),
                    life_year=event.get("year"),
                    life_age=event.get("age"),
                    relation=relation,
                    relative_to=ids.get(event[relation]) if relation else None,
                    certainty=event.get("certainty", "sure"),
                )
                added["events"] += 1
            except WorkbenchError as exc:
                problems.append(exc)
        for cause, effect, evidence in story["links"]:
            if cause in ids and effect in ids:
                try:
                    life_events.link(project, ids[cause], ids[effect], evidence=[evidence])
                    added["links"] += 1
                except WorkbenchError as exc:
                    problems.append(exc)
    added["proposed"] = sum(life_events.propose(project).values())
    return added
