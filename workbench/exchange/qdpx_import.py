"""``import_qdpx``: a REFI-QDA project into a workbench project, in one transaction.

The file is read and checked completely first (:mod:`~workbench.exchange.qdpx_read`); then
users, codes, cases and attributes, documents (with turns and sentences, like any imported
transcript), codings and memos are written in ONE transaction: an error anywhere leaves the
project exactly as it was.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from workbench import events
from workbench.accounts import add_imported_coder
from workbench.codings import add_coding
from workbench.done_marks import mark_imported
from workbench.exchange import gather, identity, ids
from workbench.exchange.codes import upsert_codes
from workbench.exchange.ids import export_guid
from workbench.exchange.model import RefiProject, RefiSelection, RefiSource
from workbench.exchange.qdpx_export import SUGGESTION_SUFFIX, suggestion_user_guid
from workbench.exchange.pseudo import back_to_original, free_text, pseudonymised_texts
from workbench.exchange.qdpx_read import read_qdpx
from workbench.exchange.report import ExchangeReport
from workbench.privacy.pseudonyms import replace_names
from workbench.handle import Project
from workbench.ingest import ParsedDocument, segment_turns, store_document
from workbench.ingest.labels import parse_turns
from workbench.memos import import_memo
from workbench.respondents import (
    define_attribute,
    ensure_respondent,
    link_document,
    parse_value,
    set_value,
    update_respondent,
)
from workbench.store import get_setting, record_event, set_setting, transaction

ATTRIBUTE_TYPES = {
    "Text": "text",
    "Boolean": "boolean",
    "Integer": "number",
    "Float": "number",
    "Date": "date",
    "DateTime": "date",
}
_USER_NAME = re.compile(r"[^\w .@-]+")
# A REFI-QDA Float is written the XML way: "1.000" is one, never the Dutch one thousand
# that a spreadsheet cell "1.000" may be (which parse_value refuses as ambiguous).
_XML_DECIMAL = re.compile(r"[-+]?\d+\.\d+")
Mapper = Callable[[int, int], tuple[int, int]]
# What a memo is about: (target_type, target_id, (start, end) of a document's text or None).
Target = tuple[str, "int | None", "tuple[int, int] | None"]


def import_qdpx(project: Project, path: str | Path, *, nlp=None) -> ExchangeReport:
    """Import a ``.qdpx`` (documents, codes, codings by several coders, cases, attributes,
    notes) and return what was carried over and what was not (the data-loss report).

    ``nlp`` defaults to the project's pipeline (loaded on first use)."""
    project.require("import")
    path = Path(path)
    report = ExchangeReport(operation="import", format="qdpx", path=str(path))
    refi = read_qdpx(path, report)
    nlp = nlp if nlp is not None else project.nlp
    # Keyed by the source object, not its guid: a hand-made file may repeat a guid.
    segmented = {id(s): segment_turns(nlp, s.text, parse_turns(s.text)) for s in refi.sources}
    with transaction(project.db):
        _Writer(project, refi, report=report, segmented=segmented).write()
        record_event(
            project.db,
            project.user,
            events.IMPORT_QDPX(
                None,
                None,
                {
                    "file": path.name,
                    "counts": report.counts,
                    "losses": [l.kind for l in report.losses],
                },
            ),
        )
    return report


class _Writer:
    def __init__(
        self,
        handle: Project,
        project: RefiProject,
        *,
        report: ExchangeReport,
        segmented: dict[int, list],
    ) -> None:
        self.handle = handle  # the workbench project; ``project`` is the file's
        self.db = db = handle.db
        self.project = project
        self.actor = handle.user
        self.report = report
        self.segmented = segmented
        self.user_names: dict[str | None, str] = {}
        # What each user of the file became: the role the name already had here, or None
        # for a coder this import added; and how many codings named no user at all.
        self.user_roles: dict[str, str | None] = {}
        self.file_users: list[str] = []
        self.same_name: set[str] = set()  # named like a user here, with another guid
        self.codings_without_user = 0
        self.targets: dict[str, Target] = {}  # guid -> memo target
        self.note_targets: dict[str, list[Target]] = {}  # note guid -> targets
        # A stretch of text that was a selection without codings in the file -> that
        # selection's guid, kept on the memos about it so an export gives it back.
        self.selection_guids: dict[Target, str] = {}
        self.known = identity.load(handle)
        self.memo_guids = {
            export_guid(r["guid"], "memo", r["id"])  # memos already here
            for r in db.query("SELECT id, guid FROM memos")
        }
        # Rows with a higher id than these were made by this import: the report tells what
        # is new from what the project already had (importing a file twice adds nothing).
        self.first_new = {table: _max_id(db, table) + 1 for table in ("respondents", "codings")}
        self.counted: dict[str, set[int]] = {"respondents": set(), "codings": set()}
        self.named: dict[tuple[str, str], str] = {}  # (kind, name) -> the guid that has it
        self.docs: dict[str, tuple[int, Mapper | None]] = {}  # source guid -> doc, map back
        self.new_project = not db.execute(
            "SELECT 1 FROM documents UNION ALL SELECT 1 FROM codes LIMIT 1"
        ).fetchone()
        self._text_index: dict[str, int] | None = None
        self._pseudo_index: dict[str, int] | None = None

    def project_fields(self) -> None:
        """The project's name and description, when the file starts a new project (a
        colleague's file imported into an existing project does not rename it); a different
        one is listed in the report (the project's own wins)."""
        for key, value in (
            ("project_name", self.project.name),
            ("project_description", self.project.description),
        ):
            if not value:
                continue
            current = get_setting(self.db, key)
            if current in (None, "") and (self.new_project or key == "project_description"):
                set_setting(self.db, key, value, actor=self.actor)
                self.report.count(key)
            elif current != value and key == "project_description":
                self.report.lose(key, "kept_existing_value", value[:80])

    def write(self) -> None:
        project = self.project
        for guid in project.users:  # every user, also those without codings
            self.coder(guid)
        self.project_fields()
        self.code_ids = upsert_codes(
            self.handle,
            project.codes,
            codebook=f"{project.name} (REFI-QDA)",
            source=Path(self.report.path).name,
            description=project.origin,
            report=self.report,
        )
        for guid, code_id in self.code_ids.items():
            self.targets[guid] = ("code", code_id)
        respondents = self.cases()
        for source in project.sources:
            doc_id, back = self.document(source)
            self.targets[source.guid] = ("document", doc_id, None)
            self.docs[source.guid] = (doc_id, back)
            if source.description:
                author, _ = self.coder(source.user)
                self.memo(
                    ("document", doc_id, None),
                    author=author,
                    title=source.name,
                    text=source.description,
                    guid=ids.derived("description", source.guid),
                )
            if source.guid in respondents:
                self.link(doc_id, respondents[source.guid], source.name)
            for selection in source.selections:
                if back is not None:
                    selection.start, selection.end = back(selection.start, selection.end)
                self.selection(doc_id, source, selection)
        self.notes()
        self.report_users()
        # Two or more coders: each read every document ("klaar"), also where they coded nothing.
        mark_imported(
            self.handle,
            [t[1] for t in self.targets.values() if t[0] == "document"],
        )

    def link(self, doc_id: int, respondent_id: int, name: str) -> None:
        """Link a document to its case's respondent, unless the project links it elsewhere."""
        current = self.db.execute(
            "SELECT respondent_id FROM documents WHERE id = ?", [doc_id]
        ).fetchone()[0]
        if current not in (None, respondent_id):
            self.report.lose("case_link", "kept_existing_link", name)
            return
        link_document(self.handle, doc_id, respondent_id)

    # --- users ------------------------------------------------------------------------------

    def coder(self, guid: str | None) -> tuple[str, bool]:
        """The workbench user for a REFI user guid (created as a coder), and whether the
        codings are our own exported suggestions."""
        found = self._coder(guid)
        if guid and found[0] not in self.file_users:
            self.file_users.append(found[0])
        return found

    def _coder(self, guid: str | None) -> tuple[str, bool]:
        name = self.project.users.get(guid or "", None)
        if guid and name and name.endswith(SUGGESTION_SUFFIX):
            base = name[: -len(SUGGESTION_SUFFIX)]
            if suggestion_user_guid(base) == guid:
                return self._ensure_user(base), True
        known = self.known.key["user"].get(guid)
        role = self._role(known) if known else None
        if known and role:  # the same person as last time, whatever the name says now
            self.user_roles.setdefault(known, role)
            return known, False
        if name is None:
            name = f"user-{guid[:8]}" if guid else self.actor
            if guid:
                self.report.warn("exchange.warn.unknown_user", guid=guid)
        return self._ensure_user(self._own_name("user", name, guid), guid), False

    def _ensure_user(self, name: str, guid: str | None = None) -> str:
        if name in self.user_names:
            return self.user_names[name]
        clean = _USER_NAME.sub("-", name).strip(" -.@")[:40] or "coder"
        if not clean[0].isalnum():
            clean = "u" + clean[:39]
        role = self._role(clean)
        self.user_roles.setdefault(clean, role)
        if role and guid and guid != self.known.user(clean):  # not our own export of them
            self.same_name.add(clean)
        if add_imported_coder(self.handle, clean):
            self.report.count("coders")
        self.user_names[name] = clean
        if guid:
            identity.remember(self.handle, self.known, "user", clean, guid)
        return clean

    def _role(self, name: str) -> str | None:
        found = self.db.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
        return str(found[0]) if found else None

    def report_users(self) -> None:
        """Say what each user of the file became here. A new one is a coder without an
        account (role ``system``: it owns codings, never logs in); a name that already was
        an account here gets the codings under that account and its role (with a warning
        when the file's guid is not the one our exports give that account). Before, the
        report only counted "new coders", so a colleague called like an account here
        silently coded as that account, and codings without a user as the importer."""
        coders = [n for n in self.file_users if self.user_roles.get(n) in (None, "system")]
        if coders:
            self.report.warn(
                "exchange.warn.coders_no_account", n=len(coders), names=", ".join(coders)
            )
        for name in self.file_users:
            role = self.user_roles.get(name)
            if role not in (None, "system"):
                key = "same_name_as_account" if name in self.same_name else "coder_is_account"
                self.report.warn(f"exchange.warn.{key}", name=name, role=role)
        if self.codings_without_user:
            self.report.warn(
                "exchange.warn.codings_without_user", n=self.codings_without_user, user=self.actor
            )

    # --- cases and attributes -----------------------------------------------------------------

    def _derived_cases(self) -> dict[str, int]:
        """Cases by the guid our exports derive from their code, as written or, in a
        pseudonymised export, with the accepted names replaced."""
        rows = list(self.db.query("SELECT id, code FROM respondents"))
        shown = replace_names(self.handle, [r["code"] for r in rows])
        return {
            ids.derived("case", code): r["id"]
            for r, pseudonymised in zip(rows, shown, strict=True)
            for code in (r["code"], pseudonymised)
        }

    def _known_name(self, kind: str, guid: str, table: str, column: str):
        """The row this guid was remembered for, if it still exists."""
        key = self.known.key[kind].get(guid)
        if (
            key is not None
            and self.db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", [key]).fetchone()
        ):
            return key
        return None

    def cases(self) -> dict[str, int]:
        """Respondents for cases, with attribute values; ``{source guid: respondent id}``."""
        variables = {v.guid: v for v in self.project.variables}
        types: dict[str, str] = {}
        for var in self.project.variables:
            var.name = self._known_name("attribute", var.guid, "attributes", "name") or var.name
            existing = self.db.execute(
                "SELECT type FROM attributes WHERE name = ?", [var.name]
            ).fetchone()
            types[var.guid] = existing[0] if existing else ATTRIBUTE_TYPES.get(var.type, "text")
            if not existing:
                define_attribute(self.handle, var.name, types[var.guid])
                self.report.count("attributes")
            identity.remember(self.handle, self.known, "attribute", var.name, var.guid)
        by_source: dict[str, int] = {}
        derived = self._derived_cases() if self.project.cases else {}
        for case in self.project.cases:
            rid = self._known_name("respondent", case.guid, "respondents", "id")
            if rid is None:  # our own export names a case by a guid derived from its code
                rid = derived.get(case.guid)
            if rid is None:
                rid = ensure_respondent(self.handle, self._own_name("case", case.name, case.guid))
            identity.remember(self.handle, self.known, "respondent", rid, case.guid)
            self.targets[case.guid] = ("respondent", rid, None)
            self._count_new_or_matched("respondents", rid)
            if case.description:
                notes = self.db.execute(
                    "SELECT notes FROM respondents WHERE id = ?", [rid]
                ).fetchone()[0]
                if not notes:
                    update_respondent(self.handle, rid, notes=case.description)
            for var_guid, value in case.values.items():
                var = variables.get(var_guid)
                if var is None:
                    self.report.lose("attribute_value", "unknown_variable", case.name)
                    continue
                if var.type == "DateTime":
                    self.report.lose("time_of_day", "dates_only", f"{case.name}: {var.name}")
                    value = value[:10]
                xml_float = var.type == "Float" and types[var_guid] == "number"
                try:
                    canonical = parse_value(
                        float(value) if xml_float and _XML_DECIMAL.fullmatch(value) else value,
                        types[var_guid],
                    )
                except ValueError:
                    self.report.lose(
                        "attribute_value", "value_not_of_type", f"{case.name}: {var.name}={value}"
                    )
                    continue
                current = self.db.execute(
                    "SELECT value FROM attribute_values WHERE respondent_id = ? AND attribute = ?",
                    [rid, var.name],
                ).fetchone()
                if current is not None and canonical in (
                    current[0],
                    free_text(self.handle, current[0]),  # our pseudonymised export, back
                ):
                    self.report.count("attribute_values_matched")
                    continue
                if current is not None and current[0] is not None:
                    # The project's own value wins (it may be the original of a pseudonym).
                    self.report.lose(
                        "attribute_value", "kept_existing_value", f"{case.name}: {var.name}={value}"
                    )
                    continue
                set_value(self.handle, rid, var.name, canonical)
                self.report.count("attribute_values")
            for source_guid in case.sources:
                if source_guid in by_source and by_source[source_guid] != rid:
                    self.report.lose("case_link", "one_respondent_per_document", case.name)
                    continue
                by_source[source_guid] = rid
        return by_source

    # --- documents, codings -------------------------------------------------------------------

    def document(self, source: RefiSource) -> tuple[int, Mapper | None]:
        """The document for ``source`` (existing or new) and, when the file holds the
        pseudonymised text of an existing document, the map back to its original offsets.

        A source is an existing document when it has its guid, or when its normalised text
        is the document's text or the document's pseudonymised text (tools such as
        QualCoder give every source a new guid on each export). The report says which.
        """
        sha = _sha(source.text)
        same_guid = self._by_guid().get(source.guid)
        if same_guid is not None:
            text = self._document_text(same_guid)
            if text == source.text:
                return self._matched(source, same_guid, "guid"), None
            back = back_to_original(self.handle, same_guid, source.text)
            if back is not None:
                return self._matched(source, same_guid, "guid_pseudonymised"), back
        found = self._texts().get(sha)
        if found is not None:
            return self._matched(source, found, "text"), None
        found = self._pseudonymised_texts().get(sha)
        if found is not None:
            back = back_to_original(self.handle, found, source.text)
            if back is not None:
                return self._matched(source, found, "text_pseudonymised"), back
        guid: str | None = source.guid
        if same_guid is not None:
            # Same identity, other text: the offsets belong to this text, so it becomes a
            # document of its own.
            self.report.warn("exchange.warn.document_text_differs", name=source.name)
            guid = None
        parsed = ParsedDocument(
            text=source.text, turns=parse_turns(source.text), format="qdpx", encoding="utf-8"
        )
        name = source.name if Path(source.name).suffix else source.name + ".txt"
        result = store_document(
            self.handle,
            parsed,
            self.segmented[id(source)],
            name=name,
            sha256=sha,
            guid=guid,
            created_at=source.created,
        )
        doc_id = int(result.document_id)
        self.texts_added(sha, doc_id)
        self.report.count("documents")
        self.report.count("words", result.n_words)
        return doc_id, None

    def _matched(self, source: RefiSource, doc_id: int, how: str) -> int:
        name = self.db.execute("SELECT name FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        self.report.count("documents_matched")
        self.report.match(source.name, name, how)
        return doc_id

    def _document_text(self, doc_id: int) -> str:
        return self.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]

    def _texts(self) -> dict[str, int]:
        """Documents by the hash of their (normalised) text, computed once per import."""
        if self._text_index is None:
            self._text_index = {}
            for row in self.db.execute("SELECT id, text FROM documents ORDER BY id"):
                self._text_index.setdefault(_sha(row[1]), int(row[0]))
        return self._text_index

    def texts_added(self, sha: str, doc_id: int) -> None:
        self._texts().setdefault(sha, doc_id)

    def _pseudonymised_texts(self) -> dict[str, int]:
        """Documents by the hash of their pseudonymised text (only those with replacements):
        "code it elsewhere, bring it back" for an export whose guids the other tool renewed."""
        if self._pseudo_index is None:
            self._pseudo_index = {}
            docs = [
                int(r[0])
                for r in self.db.execute(
                    "SELECT DISTINCT document_id FROM pseudonym_spans ORDER BY document_id"
                )
            ]
            for doc_id, (text, _) in pseudonymised_texts(self.handle, docs).items():
                self._pseudo_index.setdefault(_sha(text), doc_id)
        return self._pseudo_index

    def _by_guid(self) -> dict[str, int]:
        """Documents by the guid an export gives them (stored, or derived from the hash)."""
        return {
            export_guid(r["guid"], "document", r["source_sha256"]): r["id"]
            for r in self.db.query("SELECT id, guid, source_sha256 FROM documents")
        }

    def selection(self, doc_id: int, source: RefiSource, selection: RefiSelection) -> None:
        coding_ids = []
        for coding in selection.codings:
            code_id = self.code_ids.get(coding.code)
            if code_id is None:
                self.report.lose("coding", "unknown_code", source.name)
                continue
            coder, suggested = self.coder(coding.user or selection.user)
            self.codings_without_user += not (coding.user or selection.user)
            status = "suggested" if suggested else "accepted"
            coding_id = add_coding(
                self.handle,
                coder=coder,
                code=code_id,
                document_id=doc_id,
                start_char=selection.start,
                end_char=selection.end,
                origin="machine" if suggested else "human",
                status=status,
                guid=self._free_coding_guid(coding.guid),
                selection_guid=selection.guid if selection.guid_from_file else None,
                created_at=ids.stored_datetime(coding.created),
            )
            coding_ids.append(coding_id)
            # our own exported suggestions arrive as suggestions: counted so, as the export did
            self._count_new_or_matched("codings", coding_id, gather.STATUS_COUNTS[status])
            for ref in coding.note_refs:
                self.note_targets.setdefault(ref, []).append(("coding", coding_id, None))
        target = (
            ("coding", coding_ids[0], None)
            if coding_ids
            else self._text_target(doc_id, selection.start, selection.end)
        )
        self.targets[selection.guid] = target  # a Link from a note to this selection
        if not coding_ids and selection.guid_from_file:
            self.selection_guids.setdefault(target, selection.guid)
        for ref in selection.note_refs:
            self.note_targets.setdefault(ref, []).append(target)
        if selection.description:
            author, _ = self.coder(selection.user)
            self.memo(
                target, author=author, title=selection.name, text=selection.description, guid=None
            )

    def _free_coding_guid(self, guid: str) -> str | None:
        """The file's coding guid, kept for the export, unless a coding here has it already
        (a file that repeats a guid is not the workbench's problem to solve)."""
        if not guid or self.db.execute("SELECT 1 FROM codings WHERE guid = ?", [guid]).fetchone():
            return None
        return guid

    def _count_new_or_matched(self, table: str, row_id: int, what: str | None = None) -> None:
        """Count a row (as ``what``, default ``table``) as new once; a row that was here
        before, or that an earlier element of this file made (the same coding twice), counts
        as already present."""
        new = row_id >= self.first_new[table] and row_id not in self.counted[table]
        self.counted[table].add(row_id)
        what = what or table
        self.report.count(what if new else f"{what}_matched")

    def _own_name(self, kind: str, name: str, guid: str | None) -> str:
        """``name``, or ``name-2``, ``name-3``... when another element of this file (another
        guid) already has it: two people called Piet in one project are two coders, and two
        cases called R1 two respondents. Said in the report."""
        if guid is None:
            return name
        wanted, n = name, 1
        while self.named.setdefault((kind, name), guid) != guid:
            n += 1
            name = f"{wanted}-{n}"
        if name != wanted:
            self.report.warn(f"exchange.warn.same_name.{kind}", name=wanted, new=name)
        return name

    def _text_target(self, doc_id: int, start: int, end: int) -> Target:
        """A memo about a stretch of text: on the sentence when it is exactly one, else on
        the document with the range kept."""
        seg = self.db.execute(
            "SELECT id FROM segments WHERE document_id = ? AND start_char = ? AND end_char = ?",
            [doc_id, start, end],
        ).fetchone()
        if seg:
            return ("segment", int(seg[0]), None)
        return ("document", doc_id, (start, end))

    # --- notes --------------------------------------------------------------------------------

    def notes(self) -> None:
        project = self.project
        for code in project.codes:
            for ref in code.note_refs:
                if code.guid in self.code_ids:
                    self.note_targets.setdefault(ref, []).append(
                        ("code", self.code_ids[code.guid], None)
                    )
        ranged = {(n.guid, r[0]) for n in project.notes for r in n.ranges}
        for source in project.sources:
            for ref in source.note_refs:
                if (ref, source.guid) not in ranged:  # an annotation is about its range
                    self.note_targets.setdefault(ref, []).append(self.targets[source.guid])
        for ref in project.project_note_refs:
            self.note_targets.setdefault(ref, []).append(("project", None, None))
        names = {n.guid: n.name for n in project.notes}
        for note_guid, target_guid in project.note_links:
            target = self.targets.get(target_guid)
            if target is None:  # named like the note in the other tool, not by its guid
                self.report.lose(
                    "link", "link_target_not_imported", names.get(note_guid) or note_guid
                )
                continue
            self.note_targets.setdefault(note_guid, []).append(target)
        for note in project.notes:
            author, _ = self.coder(note.user)
            targets = list(self.note_targets.get(note.guid) or [])
            for source_guid, start, end, selection_guid in note.ranges:
                doc_id, back = self.docs[source_guid]
                if back is not None:
                    start, end = back(start, end)
                target = self._text_target(doc_id, start, end)
                if selection_guid:
                    self.selection_guids.setdefault(target, selection_guid)
                targets.append(target)
            # A tool lists every note at project level too (the project's NoteRefs) and
            # ties it to what it is about with a Link or a NoteRef: one memo there, not a
            # second copy on the project (which an export would write as a second Note).
            specific = [t for t in targets if t[0] != "project"]
            targets = list(dict.fromkeys(specific or targets or [("project", None, None)]))
            for i, target in enumerate(targets):
                self.memo(
                    target,
                    author=author,
                    title=note.name,
                    text=note.text,
                    guid=note.guid if i == 0 else None,
                    created=note.created,
                    modified=note.modified,
                    description=note.description,
                )

    def memo(
        self,
        target: Target,
        *,
        author: str,
        title: str | None,
        text: str,
        guid: str | None,
        created: str | None = None,
        modified: str | None = None,
        description: str | None = None,
    ) -> None:
        """Add a memo unless it is already there: same guid, or (tools that renew guids on
        every export) the same text and description on the same target."""
        span = target[2] or (None, None)
        if (
            guid
            and guid in self.memo_guids
            or self.db.execute(
                "SELECT 1 FROM memos WHERE target_type = ? AND target_id IS ? AND text = ? "
                "AND coalesce(description, '') = ? AND start_char IS ? AND end_char IS ?",
                [target[0], target[1], text.strip(), description or "", span[0], span[1]],
            ).fetchone()
        ):
            self.report.count("memos_matched")
            return
        import_memo(
            self.handle,
            written_by=author,
            target_type=target[0],
            target_id=target[1],
            text=text,
            title=title,
            guid=guid,
            start_char=span[0],
            end_char=span[1],
            created_at=created,
            updated_at=modified,
            description=description,
            selection_guid=self.selection_guids.get(target),
        )
        if guid:
            self.memo_guids.add(guid)
        self.report.count("memos")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _max_id(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
