"""``import_files``: many files into a project, each in its own transaction.

A batch never stops at a bad file: every file is checked (extension, size, empty, duplicate,
encoding, zip safety) and parsed before anything is written, then written in one transaction
with its ``import.document`` event. A failure leaves no trace of that file and is reported in
the :class:`ImportReport` with a message key naming the file and the reason; the other files
go on. Transcripts only: :mod:`workbench.imports` is the front door for every kind of file
(it hands REFI-QDA projects to :mod:`workbench.exchange` and links a respondent by code), and
runs its batch with :func:`import_batch`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from spacy.language import Language
from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError, NotFound, WorkbenchError
from workbench.handle import Project
from workbench.i18n import listing, t
from workbench.ingest.model import ParsedDocument, Segment
from workbench.ingest.readers import FORMATS, document_name, read_bytes
from workbench.ingest.roles import ROLES, guess_roles
from workbench.ingest.segment import segment_turns
from workbench.limits import check_size
from workbench.nlp import load_pipeline
from workbench.store import get_setting, now, record_event, row, transaction
from workbench.text import count_words

# A file on disk, or (file name, bytes) as uploaded in the browser.
Source = Union[str, Path, tuple[str, bytes]]
MB = 1024 * 1024


@dataclass
class FileResult:
    """What happened to one file of a batch."""

    name: str
    ok: bool
    document_id: int | None = None
    format: str | None = None
    encoding: str | None = None
    speakers: dict[str, str] = field(default_factory=dict)  # label -> role
    n_turns: int = 0
    n_segments: int = 0
    n_words: int = 0
    error: WorkbenchError | None = None
    details: Any = None  # what the import of a project, codebook or table returned
    stripped: list[str] = field(default_factory=list)  # front matter not imported as text
    warnings: list[dict[str, Any]] = field(default_factory=list)  # see ParsedDocument.warnings

    def message(self, lang: str = "nl") -> str:
        """The error in ``lang``, or an empty string for a file that was imported."""
        return self.error.message(lang) if self.error else ""

    def warning_lines(self, lang: str = "nl") -> list[str]:
        """What the user must check in a file that was imported, in ``lang``."""
        return [t(w["key"], lang, **w["params"]) for w in self.warnings]


@dataclass
class ImportReport:
    """The results of one batch, in the order the files were given."""

    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # names in a folder of other kinds

    def skipped_line(self, lang: str = "nl") -> str:
        """Which files of a folder were not read and which folders in it were not opened
        (the first few of each and a count), or ``""``. A ``.qde`` among them is another
        tool's project without its sources: the line says to zip it as a ``.qdpx`` (before,
        only "a kind that cannot be imported", and its codings were quietly left behind)."""
        files = [name for name in self.skipped if not name.endswith("/")]
        folders = [name.rstrip("/") for name in self.skipped if name.endswith("/")]
        lines = []
        for key, names in (("ingest.skipped", files), ("ingest.skipped_folders", folders)):
            if not names:
                continue
            lines.append(t(key, lang, n=len(names), names=listing(names)))
        projects = [name for name in files if name.lower().endswith(".qde")]
        if projects:  # another tool's project without its sources: say how to bring it in
            lines.append(t("ingest.skipped_qde", lang, n=len(projects), names=listing(projects)))
        return " ".join(lines)

    @property
    def imported(self) -> list[FileResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def n_words(self) -> int:
        return sum(r.n_words for r in self.imported)


Progress = Callable[[int, int, FileResult], None]
# Gives the id of the respondent a document belongs to, adding the respondent when new; called
# inside the document's transaction (see store_document).
Respondent = Callable[[], int]


def import_files(
    project: Project,
    paths: Iterable[Source],
    *,
    respondent_id: int | None = None,
    max_mb: float | None = None,
    progress: Progress | None = None,
    nlp: Language | None = None,
) -> ImportReport:
    """Import transcripts; each file all or nothing, the batch going on past bad files.

    ``respondent_id`` is the respondent every imported document is linked to (to link by
    case code, creating it when new, use :func:`workbench.imports.import_files`).
    ``max_mb`` overrides the project setting ``max_file_mb``. ``progress(done, total, result)``
    is called after each file.
    """
    project.require("import")
    limit = file_limit(project.db, max_mb)
    nlp = nlp if nlp is not None else load_pipeline()
    return import_batch(
        paths,
        lambda source: import_one(
            project, source, respondent_id=respondent_id, max_mb=limit, nlp=nlp
        ),
        progress=progress,
    )


def file_limit(db: Database, max_mb: float | None = None) -> float:
    """The largest file to import, in MB: ``max_mb``, or else the project setting.

    A setting every importer reads after its own check; the limit says nothing about anyone.
    """
    return float(max_mb if max_mb is not None else get_setting(db, "max_file_mb"))


def import_batch(
    sources: Iterable[Source],
    import_one: Callable[[Source], FileResult],
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Run ``import_one`` on every source; a user error becomes that file's failed result."""
    sources = list(sources)
    report = ImportReport()
    started = time.perf_counter()
    for done, source in enumerate(sources, start=1):
        try:
            result = import_one(source)
        except WorkbenchError as exc:
            result = FileResult(name_of(source), ok=False, error=exc)
        report.results.append(result)
        if progress is not None:
            progress(done, len(sources), result)
    report.seconds = time.perf_counter() - started
    return report


# Transcripts we cannot read but a researcher keeps beside the others: in a folder they are
# listed as failed with their own advice (save as .docx or .txt), not skipped without a word.
REPORTED_IN_FOLDERS = ("doc", "rtf")


def expand_paths(paths: Iterable[str | Path], formats: Iterable[str] = FORMATS) -> list[Path]:
    """Paths with each folder replaced by the files of ``formats`` in it (sorted by name)."""
    return scan_paths(paths, formats)[0]


# Files the system leaves in folders, never put there by the researcher: not worth a word.
SYSTEM_FILES = ("thumbs.db", "desktop.ini")


def scan_paths(
    paths: Iterable[str | Path], formats: Iterable[str] = FORMATS
) -> tuple[list[Path], list[str]]:
    """The files to import (see :func:`expand_paths`) and the names of those left out.

    Files named explicitly are kept whatever their extension, so a wrong one is reported;
    inside a folder, files of other kinds (a CSV of respondents, a photo) are skipped, but
    not interviews in a word processor's old format (``REPORTED_IN_FOLDERS``): skipped, a
    folder of .doc transcripts said "1 imported" and nothing of the rest. The skipped names
    (sorted) are for the summary, so a folder is never half-read without a word; hidden and
    system files (``.DS_Store``, ``Thumbs.db``) are left out of them, as the researcher
    never sees them in the folder and could do nothing about them. A folder inside the folder
    is not opened (a copy of old versions would come in twice); it is named with a trailing
    "/", so the summary can say it apart.
    """
    formats = tuple(formats)
    if "txt" in formats:  # transcripts are wanted
        formats += REPORTED_IN_FOLDERS
    out: list[Path] = []
    skipped: list[str] = []
    for path in map(Path, paths):
        if not path.is_dir():
            out.append(path)
            continue
        for p in sorted(path.iterdir()):
            if p.name.startswith(".") or p.name.lower() in SYSTEM_FILES:
                continue
            if p.is_dir():
                skipped.append(f"{p.name}/")  # its own folders are not opened: said so
            elif not p.is_file():
                continue
            elif p.suffix.lower().lstrip(".") in formats:
                out.append(p)
            else:
                skipped.append(p.name)
    return out, skipped


def name_of(source: Source) -> str:
    """The file name of a source (a path, or the name of uploaded bytes)."""
    return source[0] if isinstance(source, tuple) else Path(source).name


def import_one(
    project: Project,
    source: Source,
    *,
    respondent_id: int | None,
    max_mb: float,
    nlp: Language,
    respondent: Respondent | None = None,
) -> FileResult:
    """Check, parse and store one transcript (raises InputError on any problem).

    ``respondent`` (instead of ``respondent_id``) is called inside the document's own
    transaction: a respondent it creates exists only when the document is stored too.
    """
    project.require("import")
    db = project.db
    name = name_of(source)
    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise InputError("ingest.unsupported_format", file=name, ext=ext or "-")
    data = read_source(source, name=name, max_mb=max_mb)
    if not data:
        raise InputError("files.empty_file", file=name)
    sha = hashlib.sha256(data).hexdigest()
    _check_duplicate(db, sha, name=name)
    parsed = read_bytes(data, name=name, fmt=ext)
    del data
    segments = segment_turns(nlp, parsed.text, parsed.turns)
    return store_document(
        project,
        parsed,
        segments,
        name=name,
        sha256=sha,
        respondent_id=respondent_id,
        respondent=respondent,
    )


def read_source(source: Source, *, name: str, max_mb: float) -> bytes:
    """The bytes of ``source``; a missing file or one above ``max_mb`` is refused first."""
    if isinstance(source, tuple):
        size = len(source[1])
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError("files.not_found", file=str(path))
        size = path.stat().st_size
    check_size(size, name=name, limit_bytes=int(max_mb * MB))  # "50 MB", as the page says
    if isinstance(source, tuple):
        return bytes(source[1])
    return Path(source).read_bytes()


def _check_duplicate(db: Database, sha: str, *, name: str) -> None:
    found = db.execute(
        "SELECT id, source_name FROM documents WHERE source_sha256 = ?", [sha]
    ).fetchone()
    if found is not None:
        raise InputError("ingest.duplicate", file=name, document=found[1], id=found[0])


def store_document(
    project: Project,
    parsed: ParsedDocument,
    segments: Sequence[Segment],
    *,
    name: str,
    sha256: str,
    respondent_id: int | None = None,
    guid: str | None = None,
    created_at: str | None = None,
    respondent: Respondent | None = None,
) -> FileResult:
    """Write one parsed document, its speakers, turns and segments in one transaction.

    ``guid`` and ``created_at`` are another tool's identity and date of the source (REFI-QDA).
    ``respondent`` gives the respondent id inside that transaction (it may add the
    respondent), so a failed document leaves no respondent made only for it.
    The acting user (who needs the ``import`` right) is recorded as the importer.
    """
    project.require("import")
    db, actor = project.db, project.user
    text = parsed.text
    spoken = {label: [] for label in parsed.speakers}
    for turn in parsed.turns:
        if turn.speaker is not None:
            spoken[turn.speaker].append(text[turn.start_char : turn.end_char])
    roles = guess_roles(spoken)
    n_words = sum(count_words(text[t.start_char : t.end_char]) for t in parsed.turns)
    record = {
        "name": document_name(name),
        "respondent_id": respondent_id,
        "source_name": name,
        "source_format": parsed.format,
        "source_sha256": sha256,
        "encoding": parsed.encoding,
        "text": text,
        "n_words": n_words,
        "imported_at": now(),
        "imported_by": actor,
    }
    record.update({k: v for k, v in (("guid", guid), ("created_at", created_at)) if v})
    conn = db.conn
    try:
        with transaction(db):
            if respondent is not None:
                record["respondent_id"] = respondent()
            document_id = conn.execute(
                f"INSERT INTO documents ({', '.join(record)}) "
                f"VALUES ({', '.join('?' * len(record))})",
                list(record.values()),
            ).lastrowid
            conn.executemany(
                "INSERT INTO speakers (document_id, label, role) VALUES (?, ?, ?)",
                [(document_id, label, role) for label, role in roles.items()],
            )
            speaker_ids = dict(
                (label, sid)
                for sid, label in conn.execute(
                    "SELECT id, label FROM speakers WHERE document_id = ?", [document_id]
                )
            )
            conn.executemany(
                "INSERT INTO turns (document_id, speaker_id, position, start_char, end_char, "
                "time_start, time_end, header) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        document_id,
                        speaker_ids.get(t.speaker),
                        i,
                        t.start_char,
                        t.end_char,
                        t.time_start,
                        t.time_end,
                        int(t.header),
                    )
                    for i, t in enumerate(parsed.turns)
                ],
            )
            turn_ids = dict(
                conn.execute("SELECT position, id FROM turns WHERE document_id = ?", [document_id])
            )
            conn.executemany(
                "INSERT INTO segments (document_id, turn_id, position, start_char, end_char, "
                "text, lemmas) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        document_id,
                        turn_ids[s.turn_index],
                        i,
                        s.start_char,
                        s.end_char,
                        s.text,
                        s.lemmas,
                    )
                    for i, s in enumerate(segments)
                ],
            )
            summary = {k: v for k, v in record.items() if k != "text"}
            summary.update(
                id=document_id,
                speakers=roles,
                n_turns=len(parsed.turns),
                n_segments=len(segments),
            )
            record_event(db, actor, events.IMPORT_DOCUMENT(document_id, None, summary))
    except sqlite3.IntegrityError as exc:
        if "source_sha256" in str(exc):
            _check_duplicate(db, sha256, name=name)
        raise
    return FileResult(
        name,
        ok=True,
        document_id=int(document_id),
        format=parsed.format,
        encoding=parsed.encoding,
        speakers=roles,
        n_turns=len(parsed.turns),
        n_segments=len(segments),
        n_words=n_words,
        stripped=list(parsed.stripped),
        warnings=list(parsed.warnings),
    )


def set_speaker_role(project: Project, speaker_id: int, role: str) -> dict[str, Any]:
    """Say whether a speaker is the interviewer, the respondent or someone else (logged).

    Returns the speaker row with its new role, so the caller can name the speaker (label)
    when it says what the change does.
    """
    project.require("import", doing="speaker_roles")
    _check_role(role)
    db = project.db
    with transaction(db):
        before = row(db, "speakers", speaker_id)
        if before is None:
            raise NotFound("ingest.unknown_speaker", speaker=speaker_id)
        _change_role(project, before, role)
    return {**before, "role": role}


def set_label_role(project: Project, label: str, role: str) -> int:
    """Give ``role`` to the speaker ``label`` in every document, in one transaction; returns
    how many speakers changed (each change logged as with :func:`set_speaker_role`).

    A speaker is stored per document, so the "I:" of forty interviews is forty speakers:
    one wrong guess for a label used throughout a project took forty changes on the page.
    The label must match exactly as stored (``list_speakers``).
    """
    project.require("import", doing="speaker_roles")
    _check_role(role)
    db = project.db
    with transaction(db):
        speakers = list(db.query("SELECT * FROM speakers WHERE label = ? ORDER BY id", [label]))
        if not speakers:
            raise NotFound("ingest.unknown_label", label=label)
        return sum(_change_role(project, speaker, role) for speaker in speakers)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError("ingest.bad_role", role=role, roles=", ".join(ROLES))


def _change_role(project: Project, before: dict[str, Any], role: str) -> bool:
    """Store and log one speaker's new role (inside the caller's transaction); False when
    it had that role already."""
    if before["role"] == role:
        return False
    project.db.execute("UPDATE speakers SET role = ? WHERE id = ?", [role, before["id"]])
    after = {**before, "role": role}
    record_event(project.db, project.user, events.SPEAKER_ROLE(before["id"], before, after))
    return True


def set_respondent(project: Project, document_id: int, respondent_id: int | None) -> None:
    """Say whose transcript a document is (``None``: nobody's); logged as ``document.link``.

    :func:`workbench.respondents.link_document` checks the role and resolves the respondent.
    """
    project.require("respondents.edit")
    db = project.db
    with transaction(db):
        before = db.execute(
            "SELECT respondent_id FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if before is None:
            raise NotFound("respondents.unknown_document", document=document_id)
        if before[0] == respondent_id:
            return
        db.execute(
            "UPDATE documents SET respondent_id = ? WHERE id = ?", [respondent_id, document_id]
        )
        record_event(
            db,
            project.user,
            events.DOCUMENT_LINK(
                document_id, {"respondent_id": before[0]}, {"respondent_id": respondent_id}
            ),
        )
