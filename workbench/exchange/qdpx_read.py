"""Read a ``.qdpx`` from ATLAS.ti, MAXQDA, NVivo, QualCoder or this workbench.

Forgiving where real files differ from the standard (any single ``*.qde`` name, ``Sources/`` or
``sources/``, ``plainTextPath`` next to a ``.docx``, non-UUID guids, a missing namespace,
UTF-16 offsets from NVivo, ``\\r\\n`` line ends and byte order marks), strict where a file
could hurt (see :mod:`workbench.exchange.safety`). Everything the workbench cannot hold is
counted in the report instead of silently dropped.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from workbench.codebook.model import check_code_count
from workbench.errors import InputError
from workbench.exchange import ids
from workbench.exchange.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiVariable,
)
from workbench.exchange.report import ExchangeReport
from workbench.exchange.safety import member_name
from workbench.exchange.files import description_of, name_of, read_xml
from workbench.exchange.textmap import AmbiguousReading, guess_reading
from workbench.text import STANDARD, normalise_mapped, reading_map
from workbench.zipguard import MAX_MEMBER_BYTES, SafeZip

MEDIA = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
SELECTIONS = (
    "PictureSelection",
    "AudioSelection",
    "VideoSelection",
    "PDFSelection",
    "TranscriptSelection",
)


def _children(el: Element, tag: str) -> list[Element]:
    return [c for c in el if c.tag == tag]


def _child(el: Element, tag: str) -> Element | None:
    for c in el:
        if c.tag == tag:
            return c
    return None


def _date(value: str | None) -> str | None:
    return ids.stored_datetime(value)


def _text(el: Element, tag: str) -> str | None:
    found = _child(el, tag)
    if found is None or found.text is None:
        return None
    return found.text


class _Reader:
    def __init__(
        self, archive: SafeZip | None, folder: Path, prefix: str, report: ExchangeReport
    ) -> None:
        self.archive = archive
        self.folder = folder  # where relative:// files may live (next to the .qdpx)
        self.prefix = prefix  # folder of the .qde inside the zip ("" normally)
        self.report = report
        self.non_uuid: list[str] = []
        # Per source guid: its raw text, how its offsets map onto it, and its normalised
        # text; notes about a range of a source (annotations) are placed with these.
        # The selections inside notes, by note guid (see _note_selections).
        self.raw_texts: dict[str, tuple] = {}
        self.note_selections: dict[str, list[Element]] = {}

    def guid(self, el: Element, attr: str = "guid") -> str | None:
        value = el.get(attr)
        if value is None:
            return None
        if not ids.is_uuid(value):
            self.non_uuid.append(value)
        return ids.canonical(value)

    # --- project ----------------------------------------------------------------------------

    def project(self, root: Element, file: str, *, name: str) -> RefiProject:
        """The project in ``root``; ``name`` when its Project element has none (the .qdpx
        file's own name: the .qde inside is often just "project", which told nobody which
        project it was)."""
        if root.tag != "Project":
            raise InputError("exchange.not_a_project_xml", file=file, root=root.tag)
        project = RefiProject(name=root.get("name") or name, origin=root.get("origin"))
        users = _child(root, "Users")
        for user in _children(users, "User") if users is not None else []:
            guid = self.guid(user)
            if guid:
                project.users[guid] = name_of(user) or f"user-{guid[:8]}"
        book = _child(root, "CodeBook")
        codes = _child(book, "Codes") if book is not None else None
        if codes is not None:
            self.codes(codes, None, project.codes)
        self.variables(root, project)
        self.cases(root, project)
        self.note_selections = _note_selections(root)
        sources = _child(root, "Sources")
        for source in list(sources) if sources is not None else []:
            self.source(source, project)
        self.notes(root, project)
        for ref in _children(root, "NoteRef"):
            project.project_note_refs.append(ids.canonical(ref.get("targetGUID", "")))
        self.rest(root, project)
        if self.non_uuid:
            self.report.warn(
                "exchange.warn.non_uuid",
                count=len(self.non_uuid),
                examples=", ".join(self.non_uuid[:3]),
            )
        return project

    def codes(self, holder: Element, parent: str | None, out: list[RefiCode]) -> None:
        for el in _children(holder, "Code"):
            guid = self.guid(el)
            if guid is None:  # kept, with its sub-codes and their codings
                guid = ids.without_guid(parent, name_of(el))
                self.non_uuid.append(repr(name_of(el)))
            code = RefiCode(
                guid=guid,
                name=name_of(el) or guid[:8],
                parent=parent,
                description=description_of(el),
                color=el.get("color"),
                codable=el.get("isCodable", "true").strip().lower() in ("true", "1"),
                note_refs=[
                    ids.canonical(r.get("targetGUID", "")) for r in _children(el, "NoteRef")
                ],
            )
            if not code.codable:
                self.report.lose("code_not_codable", "all_codes_codable", code.name)
            out.append(code)
            self.codes(el, guid, out)

    def variables(self, root: Element, project: RefiProject) -> None:
        holder = _child(root, "Variables")
        for el in _children(holder, "Variable") if holder is not None else []:
            guid = self.guid(el)
            if description_of(el):
                self.report.lose("variable_description", "no_refi_field", el.get("name"))
            if guid and name_of(el):
                project.variables.append(
                    RefiVariable(guid, name_of(el), el.get("typeOfVariable", "Text"))
                )

    def cases(self, root: Element, project: RefiProject) -> None:
        holder = _child(root, "Cases")
        for el in _children(holder, "Case") if holder is not None else []:
            guid = self.guid(el)
            if guid is None:
                continue
            case = RefiCase(guid, name_of(el) or f"case-{guid[:8]}", description_of(el))
            for vv in _children(el, "VariableValue"):
                ref = _child(vv, "VariableRef")
                value = next((c.text for c in vv if c.tag.endswith("Value")), None)
                if ref is not None and value is not None:
                    case.values[ids.canonical(ref.get("targetGUID", ""))] = value.strip()
            case.sources = [
                ids.canonical(r.get("targetGUID", "")) for r in _children(el, "SourceRef")
            ]
            for tag, kind in (("CodeRef", "case_code"), ("SelectionRef", "case_selection")):
                for _ in _children(el, tag):
                    self.report.lose(kind, "no_case_links", case.name)
            project.cases.append(case)

    # --- sources ----------------------------------------------------------------------------

    def source(self, el: Element, project: RefiProject) -> None:
        name = name_of(el) or el.get("guid") or "?"
        if el.tag == "TextSource":
            self.text_source(el, el, name, "TextSource", project)
        elif el.tag == "PDFSource":
            rep = _child(el, "Representation")
            # An area that is also a selection of the text (ATLAS.ti writes a quotation
            # both ways, with one guid) is that selection: kept with it, or counted once
            # where the text is (its codings when the text cannot be read).
            in_text: set[str] = set()
            if rep is not None:
                self.text_source(el, rep, name, "PDFSource", project)
                in_text = {
                    ids.canonical(s.get("guid", ""))
                    for s in _children(rep, "PlainTextSelection")
                    if s.get("guid")
                }
            else:
                self.report.lose("pdf", "pdf_without_text", name)
            for sel in _children(el, "PDFSelection"):
                if ids.canonical(sel.get("guid", "")) not in in_text:
                    self.lose_area(sel, "pdf", "pdf_area", name)
        elif el.tag in MEDIA:
            self.report.lose(MEDIA[el.tag], "media_not_supported", name)
            for tag in SELECTIONS:
                for sel in el.iter(tag):
                    self.lose_area(sel, MEDIA[el.tag], "media_not_supported", name)
            for transcript in _children(el, "Transcript"):
                self.report.lose("transcript", "transcript_sync", transcript.get("name") or name)
                for _ in transcript.iter("SyncPoint"):
                    self.report.lose("sync_point", "transcript_sync", name)
        else:
            self.report.lose("unknown_element", "unknown_element", el.tag)
        for _ in _children(el, "VariableValue"):
            self.report.lose("source_variable", "variables_on_cases_only", name)

    def lose_area(self, sel: Element, kind: str, reason: str, name: str) -> None:
        """Count a PDF area or a stretch of picture, audio or video left behind: its codings
        as ``<kind>_coding`` (one selection can carry several), else the selection itself
        as ``<kind>_selection``, so the number and the word in the report agree."""
        codings = len(_children(sel, "Coding"))
        if codings:
            self.report.lose(f"{kind}_coding", reason, name, count=codings)
        else:
            self.report.lose(f"{kind}_selection", reason, name)

    def read_plain_text(self, el: Element, name: str) -> str | None:
        inline = _text(el, "PlainTextContent")
        if inline is not None:
            return inline
        path = el.get("plainTextPath")
        if not path:
            reason = "formatted_without_plain_text" if el.get("richTextPath") else "no_text"
            self.report.lose("source", reason, name)
            return None
        data = self.read_path(path, name)
        if data is None:
            return None
        try:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                return data.decode("utf-16")
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.report.lose("source", "not_utf8", name)
            return None

    def read_path(self, path: str, name: str) -> bytes | None:
        if path.startswith("internal://"):
            member = member_name(path)
            found = None
            if member and self.archive is not None:
                for folder in ("Sources/", "sources/", ""):
                    found = self.archive.find(self.prefix + folder + member)
                    if found:
                        break
            if found is None:
                self.report.lose("source", "file_missing", f"{name} ({path})")
                return None
            return self.archive.read(found)
        if path.startswith("relative://"):
            relative = path[len("relative://") :].lstrip("/")
            if self.archive is not None:
                for folder in ("Sources/", "sources/", ""):
                    found = self.archive.find(self.prefix + folder + relative)
                    if found:
                        return self.archive.read(found)
            return self.read_beside(relative, name, path)
        self.report.lose("source", "external_file", f"{name} ({path})")
        return None

    def read_beside(self, relative: str, name: str, path: str) -> bytes | None:
        """A relative:// file next to the .qdpx, never outside that folder."""
        parts = PurePosixPath(relative.replace("\\", "/")).parts
        if not parts or ".." in parts or relative.startswith("/"):
            self.report.lose("source", "file_missing", f"{name} ({path})")
            return None
        base = self.folder.resolve()
        candidate = base.joinpath(*parts).resolve()
        if (
            base not in candidate.parents
            or not candidate.is_file()
            or candidate.stat().st_size > MAX_MEMBER_BYTES
        ):
            self.report.lose("source", "file_missing", f"{name} ({path})")
            return None
        return candidate.read_bytes()

    def text_source(
        self, el: Element, holder: Element, name: str, kind: str, project: RefiProject
    ) -> RefiSource | None:
        guid = self.guid(el)
        raw = self.read_plain_text(holder, name)
        if guid is None or raw is None:
            found = list(holder.iter("PlainTextSelection"))
            count = sum(len(_children(s, "Coding")) for s in found)
            if count:
                self.report.lose("coding", "source_not_read", name, count=count)
            # a selection's comment (an ATLAS.ti quotation comment) would become a memo
            comments = sum(1 for s in found if description_of(s))
            if comments:
                self.report.lose("memo", "source_not_read", name, count=comments)
            return None
        if holder.get("richTextPath"):
            self.report.lose("formatting", "plain_text_used", name)
        selections = _children(holder, "PlainTextSelection")
        annotated = [
            sel
            for ref in _children(el, "NoteRef")
            for sel in self.note_selections.get(ids.canonical(ref.get("targetGUID", "")), [])
        ]
        reading = self.reading(raw, selections + annotated, name, project)
        to_raw = reading_map(raw, reading)
        mapped = normalise_mapped(raw)
        source = RefiSource(
            guid=guid,
            name=name,
            text=mapped.text,
            kind=kind,
            user=self.guid(el, "creatingUser"),
            created=_date(el.get("creationDateTime")),
            description=description_of(el),
            note_refs=[ids.canonical(r.get("targetGUID", "")) for r in _children(el, "NoteRef")],
        )
        self.raw_texts[guid] = (raw, to_raw, mapped)
        for sel in selections:
            try:
                start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            except ValueError:
                self.report.lose("selection", "bad_offsets", name)
                continue
            start, end = to_raw(start) if start >= 0 else None, to_raw(end) if end >= 0 else None
            start, end = (-1 if start is None else start), (-1 if end is None else end)
            n_codings = len(_children(sel, "Coding"))
            if 0 <= start == end <= len(raw):  # a selection of nothing
                self.report.lose(
                    "selection",
                    "empty_selection",
                    f"{name} {sel.get('startPosition')}-{sel.get('endPosition')}",
                    count=max(1, n_codings),
                )
                continue
            if not 0 <= start < end <= len(raw):
                self.report.lose(
                    "selection",
                    "outside_text",
                    f"{name} {sel.get('startPosition')}-{sel.get('endPosition')}",
                    count=max(1, n_codings),
                )
                continue
            new_start, new_end = mapped.map_span(start, end)
            if new_end <= new_start:
                self.report.lose(
                    "selection", "empty_after_normalising", name, count=max(1, n_codings)
                )
                continue
            source.selections.append(self.selection(sel, new_start, new_end))
        whole = _children(holder, "Coding")
        if whole and mapped.text:
            fake = RefiSelection(
                guid=ids.derived("whole", guid),
                start=0,
                end=len(mapped.text),
                user=source.user,
                guid_from_file=False,
            )
            fake.codings = [self.coding(c) for c in whole]
            source.selections.append(fake)
        project.sources.append(source)
        return source

    def reading(self, raw: str, selections: list[Element], name: str, project: RefiProject):
        """How this source's offsets were counted (see textmap.guess_reading)."""
        origin = project.origin or ""
        if origin.startswith(ids.ORIGIN) and " for " not in origin:
            return STANDARD  # our own standard files count code points in the text as written
        spans = []
        for sel in selections:
            try:
                spans.append(
                    (
                        int(sel.get("startPosition", "")),
                        int(sel.get("endPosition", "")),
                        sel.get("name"),
                    )
                )
            except ValueError:
                continue
        try:
            reading = guess_reading(raw, spans)
        except AmbiguousReading as exc:
            raise InputError(
                "exchange.ambiguous_offsets",
                source=name,
                origin=project.origin or "?",
                readings=", ".join(_reading_label(r) for r in exc.readings),
            ) from None
        if reading.unit == "utf16":
            self.report.warn(
                "exchange.warn.utf16_offsets", source=name, origin=project.origin or "?"
            )
        if reading.crlf_one:
            self.report.warn("exchange.warn.crlf_one", source=name, origin=project.origin or "?")
        return reading

    def selection(self, sel: Element, start: int, end: int) -> RefiSelection:
        return RefiSelection(
            guid=self.guid(sel) or ids.derived("selection", f"{start}:{end}"),
            guid_from_file=sel.get("guid") is not None,
            start=start,
            end=end,
            user=self.guid(sel, "creatingUser"),
            name=sel.get("name"),
            description=description_of(sel),
            codings=[self.coding(c) for c in _children(sel, "Coding")],
            note_refs=[ids.canonical(r.get("targetGUID", "")) for r in _children(sel, "NoteRef")],
        )

    def coding(self, el: Element) -> RefiCoding:
        ref = _child(el, "CodeRef")
        return RefiCoding(
            guid=self.guid(el) or "",
            code=ids.canonical(ref.get("targetGUID", "")) if ref is not None else "",
            user=self.guid(el, "creatingUser"),
            created=el.get("creationDateTime"),
            note_refs=[ids.canonical(r.get("targetGUID", "")) for r in _children(el, "NoteRef")],
        )

    # --- notes and what we cannot hold ----------------------------------------------------------

    def notes(self, root: Element, project: RefiProject) -> None:
        holder = _child(root, "Notes")
        referred: dict[str, list[str]] = {}  # note guid -> sources with a NoteRef to it
        for source in project.sources:
            for ref in source.note_refs:
                referred.setdefault(ref, []).append(source.guid)
        for el in _children(holder, "Note") if holder is not None else []:
            guid = self.guid(el)
            name = name_of(el) or None
            text = (
                self.read_plain_text(el, name or "note")
                if (_child(el, "PlainTextContent") is not None or el.get("plainTextPath"))
                else None
            )
            description = description_of(el)
            if guid is None or not ((text or "").strip() or description):
                self.report.lose("note", "empty_note", name)
                continue
            note = RefiNote(
                guid,
                name,
                (text or "").strip(),
                self.guid(el, "creatingUser") or self.guid(el, "modifyingUser"),
                created=_date(el.get("creationDateTime") or el.get("modifiedDateTime")),
                modified=_date(el.get("modifiedDateTime")),
                description=description,
            )
            for sel in _children(el, "PlainTextSelection"):
                placed = self.note_range(sel, referred.get(guid, []))
                if placed is None:
                    self.report.lose("note_selection", "note_range_without_source", name)
                else:
                    note.ranges.append(placed)
            project.notes.append(note)

    def note_range(
        self, sel: Element, sources: list[str]
    ) -> tuple[str, int, int, str | None] | None:
        """A note's own selection (a QualCoder annotation) in the text of the one source
        that refers to the note, read the way that source's offsets were read, with the
        selection's guid."""
        if len(sources) != 1 or sources[0] not in self.raw_texts:
            return None
        raw, to_raw, mapped = self.raw_texts[sources[0]]
        try:
            start = to_raw(int(sel.get("startPosition", "")))
            end = to_raw(int(sel.get("endPosition", "")))
        except ValueError:
            return None
        if start is None or end is None or not 0 <= start < end <= len(raw):
            return None
        new_start, new_end = mapped.map_span(start, end)
        if new_start >= new_end:
            return None
        return sources[0], new_start, new_end, self.guid(sel)

    def rest(self, root: Element, project: RefiProject) -> None:
        notes = {n.guid for n in project.notes}
        links = _child(root, "Links")
        for link in _children(links, "Link") if links is not None else []:
            origin = ids.canonical(link.get("originGUID", "") or "")
            target = ids.canonical(link.get("targetGUID", "") or "")
            if origin in notes and target:
                project.note_links.append((origin, target))
            elif target in notes and origin:
                project.note_links.append((target, origin))
            else:
                self.report.lose("link", "no_links", link.get("name"))
        sets = _child(root, "Sets")
        for el in _children(sets, "Set") if sets is not None else []:
            self.report.lose("set", "no_sets", el.get("name"))
        graphs = _child(root, "Graphs")
        for el in _children(graphs, "Graph") if graphs is not None else []:
            self.report.lose("graph", "no_graphs", el.get("name"))
        project.description = description_of(root)


def _note_selections(root: Element) -> dict[str, list[Element]]:
    """The selections inside notes (QualCoder's annotations), by note guid: they count as
    evidence for how the source that refers to the note counts its positions."""
    holder = _child(root, "Notes")
    out: dict[str, list[Element]] = {}
    for note in _children(holder, "Note") if holder is not None else []:
        found = _children(note, "PlainTextSelection")
        if found and note.get("guid"):
            out[ids.canonical(note.get("guid"))] = found
    return out


def _reading_label(reading) -> str:
    unit = "UTF-16" if reading.unit == "utf16" else "code points"
    return f"{unit}, \\r\\n = {1 if reading.crlf_one else 2}"


def find_qde(archive: SafeZip, file: str) -> str:
    """The single ``*.qde`` member, whatever the exporting tool called it."""
    found = [
        n
        for n in archive.names()
        if n.lower().endswith(".qde") and not PurePosixPath(n).name.startswith("._")
    ]
    if not found:
        raise InputError("exchange.no_qde", file=file)
    if len(found) > 1:
        raise InputError("exchange.several_qde", file=file, names=", ".join(sorted(found)))
    return found[0]


def _is_bare_xml(path: Path) -> bool:
    """Whether the file is a project's ``.qde`` on its own (XML, not a zip, so its sources
    are not in it), given as the project or renamed to ``.qdpx``. Read as a zip it was
    "damaged or not a real .qdpx file", which did not say what to do."""
    with path.open("rb") as file:
        head = file.read(4096)
    xml = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    return xml and (b"<Project" in head or b"QDA-XML:project" in head)


def read_qdpx(path: str | Path, report: ExchangeReport) -> RefiProject:
    """Parse and check a ``.qdpx`` completely; nothing is written anywhere."""
    path = Path(path)
    if not path.is_file():
        raise InputError("exchange.file_missing", file=str(path))
    if _is_bare_xml(path):
        raise InputError("exchange.qde_not_zipped", file=path.name)
    with SafeZip(path) as archive:
        qde = find_qde(archive, path.name)
        data = archive.read(qde)
        root = read_xml(data, file=f"{path.name}/{qde}")
        # its codebook is held to the limit of a codebook file, before the schema check
        check_code_count(sum(1 for _ in root.iter("Code")), file=path.name)
        errors = ids.schema_errors("Project", data, limit=3)
        if errors:
            report.warn("exchange.warn.schema", file=qde, error=errors[0])
        prefix = qde[: -len(PurePosixPath(qde).name)]
        reader = _Reader(archive, path.parent, prefix, report)
        project = reader.project(root, qde, name=path.stem)
        missing = any(l.kind == "source" and l.reason == "file_missing" for l in report.losses)
        if missing and archive.names() == [qde]:
            # a .qde zipped without its sources folder: every text is lost, say why at once
            report.warn("exchange.warn.only_qde", file=path.name)
        return project
