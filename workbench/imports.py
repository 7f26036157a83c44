"""The one front door for files coming in: it picks the importer by the kind of file.

- a transcript (txt, md, docx, odt, pdf, vtt, srt): :mod:`workbench.ingest`
- a REFI-QDA project (``.qdpx``) or codebook (``.qdc``): :mod:`workbench.exchange`
- a respondents table (csv, xlsx, ods): :mod:`workbench.respondents`

The CLI (``workbench import``, ``workbench respondents import``), the Project page and the
Export page all import through here, so a file of one kind is checked and reported the same
way wherever it comes in. This module sits above ``ingest``, ``respondents`` and ``exchange``
(see ARCHITECTURE.md, "Layers"); none of them imports it.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from spacy.language import Language

from workbench.errors import InputError
from workbench.exchange import import_qdc, import_qdpx
from workbench.handle import Project
from workbench.i18n import Term, listing
from workbench.ingest import importer as ingest_importer
from workbench.ingest.importer import (
    FileResult,
    ImportReport,
    Progress,
    Source,
    file_limit,
    import_batch,
    import_one,
    name_of,
    read_source,
)
from workbench.ingest.readers import FORMATS
from workbench.nlp import load_pipeline
from workbench.respondents import ensure_respondent, import_respondents

# The kinds of file, and the extensions (lower case, no dot) that make a file that kind.
KINDS: dict[str, tuple[str, ...]] = {
    "transcript": FORMATS,
    "project": ("qdpx",),
    "codebook": ("qdc",),
    "respondents": ("csv", "xlsx", "xlsm", "ods"),
}
# What a batch of files takes: the Project page's drop zone and ``workbench import``.
BATCH = ("transcript", "project")


def extensions(kinds: Sequence[str] = BATCH) -> list[str]:
    """The extensions of ``kinds``, for a file picker or a folder scan."""
    return [ext for kind in kinds for ext in KINDS[kind]]


def advised_extensions(kinds: Sequence[str] = BATCH) -> list[str]:
    """What a file picker for ``kinds`` also lets through, only to say what to do with it:
    with projects, ``.qde``, the project file of an unpacked ``.qdpx``. Picked, it gets the
    advice to zip it with its sources (``ingest.unpacked_qdpx``); left out, the browser
    refused it with Streamlit's own English words and no advice."""
    return ["qde"] if "project" in kinds else []


def kind_of(name: str, accept: Sequence[str] = tuple(KINDS)) -> str:
    """The kind of the file called ``name``; a kind not in ``accept`` is refused.

    When one kind is asked for (``workbench respondents import``), its own importer checks
    the file and says what is wrong with it, in its own words.
    """
    ext = Path(name).suffix.lower().lstrip(".")
    for kind in accept:
        if ext in KINDS[kind]:
            return kind
    if len(accept) == 1:
        return accept[0]
    # A codebook or a respondents table given where interviews go: say where it does go
    # (a .qdc in `workbench import` was "not supported", as if it could not be read at all).
    other = next((kind for kind, exts in KINDS.items() if ext in exts), None)
    if other in ("codebook", "respondents"):
        raise InputError(f"ingest.other_kind.{other}", file=name, ext=ext)
    if ext == "qde" and "project" in accept:  # the project file of an unpacked .qdpx
        raise InputError("ingest.unpacked_qdpx", paths=name)
    raise InputError("ingest.unsupported_format", file=name, ext=ext or "-")


def expand_paths(paths: Iterable[str | Path], kinds: Sequence[str] = BATCH) -> list[Path]:
    """Paths with each folder replaced by the files of ``kinds`` in it (sorted by name)."""
    return ingest_importer.expand_paths(paths, extensions(kinds))


def scan_paths(
    paths: Iterable[str | Path], kinds: Sequence[str] = BATCH
) -> tuple[list[Path], list[str]]:
    """:func:`expand_paths`, and the names of the files and folders in those folders left
    out, for the summary (a folder's .png or .xlsx, or its own folders, not read without a
    word; a folder's name ends in "/").

    Nothing to import is a user error that says what the folders hold instead ("2
    .png-bestanden, 1 map"): a folder of scans or of subfolders otherwise read as "no files",
    as if it were empty, and the researcher could not tell the wrong folder from a wrong kind.
    A folder with a ``.qde`` file is an unpacked ``.qdpx``: that error says to zip it again
    ("1 .qde-bestand, 1 map" did not say what to do).
    """
    paths = list(paths)
    files, skipped = ingest_importer.scan_paths(paths, extensions(kinds))
    if not files:
        where = ", ".join(map(str, paths))
        if not skipped:
            raise InputError("ingest.no_files", paths=where)
        if "project" in kinds and any(name.lower().endswith(".qde") for name in skipped):
            raise InputError("ingest.unpacked_qdpx", paths=where)
        raise InputError("ingest.no_files_found", paths=where, found=_found(skipped))
    return files, skipped


def _found(skipped: list[str]) -> str | Term:
    """What :func:`scan_paths` left out, counted: the files by extension, then the folders."""
    files = Counter(Path(name).suffix.lower().lstrip(".") for name in skipped if name[-1] != "/")
    found = [
        Term("ingest.found.ext", {"n": n, "ext": ext})
        if ext
        else Term("ingest.found.no_ext", {"n": n})
        for ext, n in sorted(files.items())
    ]
    folders = sum(name.endswith("/") for name in skipped)
    if folders:
        found.append(Term("ingest.found.folders", {"n": folders}))
    return listing(found, limit=len(found))


def import_file(
    project: Project,
    source: Source,
    *,
    accept: Sequence[str] = tuple(KINDS),
    respondent_id: int | None = None,
    max_mb: float | None = None,
    nlp: Language | None = None,
    respondent: str | None = None,
) -> FileResult:
    """Import one file of any kind in ``accept``, all or nothing; raise a user error if not.

    ``respondent`` is a case code a transcript is linked to, added with the document in its
    transaction when new (so a file that fails adds no respondent).

    ``details`` of the result holds what the importer of that kind returned: the data-loss
    report of a project or codebook, the counts of a respondents table. Each kind asks for
    its own right: a respondents table and a codebook are checked by their importers, a
    transcript or project needs ``import``.
    """
    name = name_of(source)
    kind = kind_of(name, accept)
    if kind == "respondents":
        counts = import_respondents(project, source)
        return FileResult(
            name, ok=True, format=Path(name).suffix.lower().lstrip("."), details=counts
        )
    if kind == "codebook":
        report = _with_path(source, lambda path: import_qdc(project, path))
        return FileResult(name, ok=True, format="qdc", details=report)
    project.require("import")
    limit = file_limit(project.db, max_mb)
    if kind == "project":
        data = read_source(source, name=name, max_mb=limit)
        report = _with_path(
            (name, data) if isinstance(source, tuple) else source,
            lambda path: _qdpx(project, path, name=name, nlp=nlp),
        )
        return FileResult(
            name, ok=True, format="qdpx", details=report, n_words=report.counts.get("words", 0)
        )
    return import_one(
        project,
        source,
        respondent_id=respondent_id,
        max_mb=limit,
        nlp=nlp if nlp is not None else load_pipeline(),
        respondent=_respondent(project, respondent),
    )


def import_files(
    project: Project,
    sources: Iterable[Source],
    *,
    respondent: str | None = None,
    max_mb: float | None = None,
    progress: Progress | None = None,
    nlp: Language | None = None,
    accept: Sequence[str] = BATCH,
) -> ImportReport:
    """Import transcripts and projects; each file all or nothing, going on past bad files.

    ``respondent`` is a case code every imported transcript is linked to. A new code is
    added in the same transaction as the first document stored, never before the batch: when
    every file fails, no respondent is left behind.
    ``max_mb`` overrides the project setting ``max_file_mb``. ``progress(done, total, result)``
    is called after each file.
    """
    project.require("import")
    if respondent is not None:
        _check_code(project, respondent)
    limit = file_limit(project.db, max_mb)
    nlp = nlp if nlp is not None else load_pipeline()
    return import_batch(
        sources,
        lambda source: import_file(
            project,
            source,
            accept=accept,
            respondent=respondent,
            max_mb=limit,
            nlp=nlp,
        ),
        progress=progress,
    )


def _check_code(project: Project, code: str) -> None:
    """Refuse the batch up front when ``code`` cannot be linked: no right, or an empty code.

    Checked before any file is read, as when the respondent was created first.
    """
    project.require("respondents.edit")
    if not code.strip():
        raise InputError("respondents.empty_code")


def _respondent(project: Project, code: str | None) -> Callable[[], int] | None:
    """``code`` as a call that gives its respondent id, adding it when new.

    It runs inside the document's transaction (``store_document``), so the respondent is
    written together with the first document linked to it, or not at all.
    """
    if code is None:
        return None
    return lambda: ensure_respondent(project, code)


def _with_path(source: Source, run: Callable[[Path], object]):
    """Run ``run`` on a path to ``source``: uploaded bytes go to a temporary file first."""
    if not isinstance(source, tuple):
        return run(Path(source))
    name, data = source
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        return run(path)


def _qdpx(project: Project, path: Path, *, name: str, nlp: Language | None):
    try:
        return import_qdpx(project, path, nlp=nlp)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as exc:
        # A damaged archive member surfaces from inside the zip reader; one bad file must not
        # stop the batch (the import itself is one transaction, so nothing was written).
        raise InputError(
            "ingest.corrupt_file", file=name, reason=(str(exc) or type(exc).__name__)[:200]
        ) from None
