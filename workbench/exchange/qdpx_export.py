"""Export a whole project as a REFI-QDA ``.qdpx`` (a zip with ``project.qde`` + ``sources/``).

One ``PlainTextSelection`` per span and coder, with that coder as ``creatingUser`` on the
selection and on each ``Coding``: another tool (or a script) can compute agreement between
coders from the file alone. Codings and memos that came from another tool's selections go
back in selections with those guids (one coder's selections of one span stay apart, as
there), so that tool recognises them; a note's Description and dates go back with it. Suggestions, when asked for, are written under a separate user
"<coder> (suggestie)" so they are never mistaken for the coder's own work. The XML is
validated against the official schema before anything is written; the zip is written to a
temporary file and moved into place, so a failed export never leaves half a file.

``target`` writes the file the way one tool reads it (REFI-QDA leaves room for that):
``nvivo`` counts positions in UTF-16 units; ``qualcoder`` reads memos only as a selection's
Description (coding memos), a source's Description, notes with their own selection
(annotations) and notes whose text is a file in ``sources/`` (journals); several memos
on one coding or document share its one Description, each under a "[title – author]" line,
and the report lists the join. Every target gets
the ``sources`` folder of REFI-QDA 1.5 and times as ``YYYY-MM-DDTHH:MM:SSZ``, which each of
them writes back validly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from workbench import __version__
from workbench.errors import InputError
from workbench.exchange import gather, identity, ids
from workbench.exchange.files import write_zip_atomically
from workbench.exchange.pseudo import free_text
from workbench.exchange.report import ExchangeReport
from workbench.handle import Project
from workbench.privacy.pseudonyms import export_warning, replace_names
from workbench.store import SYSTEM_USERS, get_setting
from workbench.text import unit_offsets

NS = ids.PROJECT_NS
SUGGESTION_SUFFIX = " (suggestie)"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
VARIABLE_TYPES = {"text": "Text", "boolean": "Boolean", "date": "Date"}
VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}
LOST_CODE_FIELDS = (
    "name_en",
    "brief",
    "use_when",
    "dont_use_when",
    "examples",
    "counterexamples",
    "indicators",
    "source",
    "sensitive",
)


def xml_text(value: object) -> str:
    """``value`` as text XML 1.0 can hold (control characters and lone surrogates dropped)."""
    return _NOT_XML.sub("", str(value))


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    clean = {k: xml_text(v) for k, v in attrs.items() if v is not None}
    node = (
        ET.Element(f"{{{NS}}}{tag}", clean)
        if parent is None
        else ET.SubElement(parent, f"{{{NS}}}{tag}", clean)
    )
    if text is not None:
        node.text = xml_text(text)
    return node


def suggestion_user_guid(coder: str) -> str:
    return ids.derived("suggestion", coder)


def code_guid(code: dict[str, Any], slug: str | None = None) -> str:
    """The code's guid: its own, else one derived from ``slug`` (by default its id).

    A pseudonymised export passes the id with the accepted names replaced: a guid derived
    from "steun-van-henk" in this workbench's published namespace lets anyone who guesses
    the name check it (the privacy audit of December 7). Ids without a name give the same
    guid either way, so round trips keep matching."""
    return ids.export_guid(code.get("guid"), "code", slug or code["slug"])


def shown_slugs(project: Project, codes: list[dict[str, Any]]) -> dict[str, str]:
    """``{id: the id with the accepted names replaced}`` for ``codes`` (one pass); needs
    ``read``, as reading the names does."""
    project.require("read")
    slugs = [c["slug"] for c in codes]
    return dict(zip(slugs, replace_names(project, slugs), strict=True))


def document_guid(doc: dict[str, Any]) -> str:
    return ids.export_guid(doc.get("guid"), "document", doc["source_sha256"])


TARGETS = ("nvivo", "atlasti", "maxqda", "qualcoder")
SOURCES = "sources"  # REFI-QDA 1.5, section 8.1 (ATLAS.ti refuses "Sources")
_datetime = ids.refi_datetime


def variable_type(attribute: dict[str, Any], values: list[str | None]) -> str:
    """The REFI type of an attribute: numbers are Integer when every value is whole."""
    if attribute["type"] != "number":
        return VARIABLE_TYPES.get(attribute["type"], "Text")
    for value in values:
        if value in (None, ""):
            continue
        try:
            if not float(value).is_integer() or "." in value or "e" in value.lower():
                return "Float"
        except ValueError:
            return "Text"
    return "Integer"


def _value_text(kind: str, value: str) -> str | None:
    """The value as the schema wants it, or None when it cannot be written as that type."""
    try:
        if kind == "Integer":
            return str(int(float(value)))
        if kind == "Float":
            float(value)
            return value
        if kind == "Boolean":
            lowered = value.strip().lower()
            if lowered in ("true", "1", "ja", "yes"):
                return "true"
            if lowered in ("false", "0", "nee", "no"):
                return "false"
            return None
        if kind == "Date":
            return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
    return value


class _Builder:
    """Collects the project into one XML tree; keeps the report of what does not fit."""

    def __init__(
        self,
        project: Project,
        *,
        include_suggestions: bool,
        pseudonymise: bool,
        report: ExchangeReport,
        target: str | None = None,
        coder_codes: bool = False,
    ) -> None:
        self.project = project
        self.coders = gather.coder_codes(project) if coder_codes else None
        self.db = project.db
        self.target = target
        self.positions: dict[int, Callable[[int], int]] = {}  # doc id -> offset as written
        self.selection_elements: dict[int, ET.Element] = {}  # coding id -> its selection
        self.include_suggestions = include_suggestions
        self.pseudonymise = pseudonymise
        self.report = report
        self.users: dict[str, str] = {}  # guid -> name
        self.user_names: set[str] = set()  # the accounts written, by their own name
        self.coding_elements: dict[int, ET.Element] = {}
        self.code_elements: dict[int, ET.Element] = {}
        self.known = identity.load(project)
        self.slugs: dict[str, str] | None = None  # id -> id as written (see code_guid)
        # Every selection guid written, so a kept one is never written twice.
        self.selection_guids: set[str] = set()
        # Selections without codings written for memos, by kept guid: (span, element).
        self.text_selections: dict[str, tuple[tuple[int, int, int], ET.Element]] = {}
        # For QualCoder: the memos that go into one element's Description, by id(element).
        self.described: dict[int, tuple[ET.Element, list[tuple[dict[str, Any], str]]]] = {}

    def free(self, text: str | None) -> str | None:
        return free_text(self.project, text) if self.pseudonymise else text

    def code_guid(self, code: dict[str, Any]) -> str:
        """:func:`code_guid`, derived from the id as this file may show it."""
        if not self.pseudonymise:
            return code_guid(code)
        if self.slugs is None:
            self.slugs = shown_slugs(self.project, gather.codes(self.project))
        return code_guid(code, self.slugs.get(code["slug"]))

    def selection_guid(self, kept: list[str | None], kind: str, key: object) -> str:
        """The first kept guid (the selection's in the tool the project came from) that no
        selection in this file has yet, else one derived from ``kind`` and ``key``."""
        candidates = [ids.export_guid(g, kind, key) for g in kept if g]
        guid = next(
            (g for g in candidates if g not in self.selection_guids), ids.derived(kind, key)
        )
        self.selection_guids.add(guid)
        return guid

    def who(self, name: str) -> str:
        """A user as the file names them: as written, or their number (``coder_codes``)."""
        return name if self.coders is None else self.coders[name]

    def user(self, name: str) -> str:
        # with coder codes the guid comes from the number: one derived from the name (or the
        # guid another tool gave that person) would say who it is
        guid = self.known.user(name) if self.coders is None else ids.derived("user", self.who(name))
        self.users[guid] = self.who(name)
        self.user_names.add(name)
        return guid

    def build(self, name: str) -> ET.Element:
        origin = f"{ids.ORIGIN} {__version__}" + (f" for {self.target}" if self.target else "")
        root = _el(
            None,
            "Project",
            name=name,
            origin=origin,
            creationDateTime=_datetime(dt.datetime.now(dt.timezone.utc).isoformat()),
        )
        root.set("creatingUserGUID", self.user(self.project.user))
        users = _el(root, "Users")
        codebook = self.codebook(root)
        variables, cases = self.cases(root)
        sources = self.sources(root)
        notes, links, project_refs = self.notes(root)
        # Users another tool brought in stay in the file even when they coded nothing here.
        for row in self.db.execute("SELECT name FROM users WHERE role = 'system' ORDER BY name"):
            if not row[0].endswith(SUGGESTION_SUFFIX) and row[0] not in SYSTEM_USERS:
                self.user(row[0])
        for guid, uname in sorted(self.users.items(), key=lambda kv: kv[1]):
            _el(users, "User", guid=guid, name=uname)
        self.report.count("users", len(self.users))
        self._role_losses()
        # The schema fixes the order of the top-level elements; drop empty optional ones.
        for element in (codebook, variables, cases, sources, notes, links):
            if element is not None and len(element) == 0:
                root.remove(element)
        description = get_setting(self.db, "project_description")
        if description:
            _el(root, "Description", self.free(description))
            self.report.count("project_description")
        for ref in project_refs:
            _el(root, "NoteRef", targetGUID=ref)
        # Life events, their mentions and links have no place in REFI-QDA.
        self.report.lose_life_events(gather.life_events(self.project), "no_refi_life_events")
        return root

    def _role_losses(self) -> None:
        """REFI-QDA's User has no role: read back, every coder is a ``system`` account that
        cannot log in. Only a role other than the default (onderzoeker) is worth a line."""
        for name, role in self.db.execute(
            "SELECT name, role FROM users WHERE role NOT IN ('onderzoeker', 'system') ORDER BY name"
        ):
            if name in self.user_names:
                self.report.lose("user_role", "no_refi_roles", f"{self.who(name)}: {role}")

    # --- codebook -------------------------------------------------------------------------

    def codebook(self, root: ET.Element) -> ET.Element | None:
        codes = gather.codes(self.project)
        used = {r[0] for r in self.db.execute("SELECT DISTINCT code_id FROM codings")}
        codes = [c for c in codes if c["active"] or c["id"] in used]
        inactive = [
            c for c in gather.codes(self.project) if not c["active"] and c["id"] not in used
        ]
        for c in inactive:
            self.report.lose("code", "merged_code", c["slug"])
        if not codes:
            return _el(root, "CodeBook")
        exported = {c["id"] for c in codes}
        # A CodeBook has only codes: the import names it "<project> (REFI-QDA)", version 1.
        books = {c["codebook_id"] for c in codes}
        for kept in self.db.query("SELECT id, name FROM codebooks ORDER BY id"):
            if kept["id"] in books:
                self.report.lose(
                    "codebook_details", "no_refi_codebook_details", self.free(kept["name"])
                )
        children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
        for c in codes:
            parent = c["parent_id"] if c["parent_id"] in exported else None
            children[parent].append(c)
        book = _el(root, "CodeBook")
        holder = _el(book, "Codes")

        def add(parent_el: ET.Element, code: dict[str, Any]) -> None:
            el = _el(
                parent_el,
                "Code",
                guid=self.code_guid(code),
                name=self.free(code["name"]),
                isCodable="true",
                color=_color(code.get("color")),
            )
            description = code.get("definition") or code.get("brief")
            if description:
                _el(el, "Description", self.free(description))
            self.code_elements[code["id"]] = el
            self.report.count("codes")
            if any(code.get(f) not in (None, "", "[]", 0) for f in LOST_CODE_FIELDS):
                self.report.lose("code_fields", "refi_code_fields", code["slug"])
            for child in children.get(code["id"], []):
                add(el, child)

        for top in children[None]:
            add(holder, top)
        return book

    # --- variables and cases ----------------------------------------------------------------

    def cases(self, root: ET.Element) -> tuple[ET.Element, ET.Element]:
        variables_el = _el(root, "Variables")
        cases_el = _el(root, "Cases")
        attrs = gather.attributes(self.project)
        values = gather.attribute_values(self.project)
        kinds: dict[str, str] = {}
        var_guids: dict[str, str] = {}
        for attr in attrs:
            kind = variable_type(attr, [v.get(attr["name"]) for v in values.values()])
            kinds[attr["name"]] = kind
            var_guids[attr["name"]] = self.known.variable(attr["name"])
            _el(
                variables_el,
                "Variable",
                guid=var_guids[attr["name"]],
                name=attr["name"],
                typeOfVariable=kind,
            )
            self.report.count("variables")
        docs_by_respondent: dict[int, list[str]] = defaultdict(list)
        for doc in gather.documents(self.project):
            if doc["respondent_id"] is not None:
                docs_by_respondent[doc["respondent_id"]].append(document_guid(doc))
        for resp in gather.respondents(self.project):
            case = _el(
                cases_el,
                "Case",
                guid=self.known.case(resp["id"], self.free(resp["code"]) or resp["code"]),
                name=self.free(resp["code"]),
            )
            if resp.get("notes"):
                if self.pseudonymise:
                    self.report.lose(
                        "respondent_notes", "privacy_left_out", self.free(resp["code"])
                    )
                else:
                    _el(case, "Description", resp["notes"])
            if resp.get("pseudonym"):
                self.report.lose("respondent_pseudonym", "no_refi_field", self.free(resp["code"]))
            for attr in attrs:
                value = values.get(resp["id"], {}).get(attr["name"])
                if value in (None, ""):
                    continue
                kind = kinds[attr["name"]]
                written = _value_text(kind, self.free(value) if kind == "Text" else value)
                if written is None:
                    self.report.lose(
                        "attribute_value",
                        "value_not_of_type",
                        self.free(f"{resp['code']}: {attr['name']}={value}"),
                    )
                    continue
                vv = _el(case, "VariableValue")
                _el(vv, "VariableRef", targetGUID=var_guids[attr["name"]])
                _el(vv, VALUE_ELEMENTS[kind], written)
            for guid in docs_by_respondent.get(resp["id"], []):
                _el(case, "SourceRef", targetGUID=guid)
            self.report.count("cases")
        return variables_el, cases_el

    # --- sources, selections and codings -----------------------------------------------------

    def sources(self, root: ET.Element) -> ET.Element:
        sources_el = _el(root, "Sources")
        docs = gather.documents(self.project)
        texts = gather.document_texts(self.project, docs, pseudonymise=self.pseudonymise)
        wanted = gather.statuses(self.include_suggestions)
        by_doc: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for coding in gather.codings(self.project, wanted):
            by_doc[coding["document_id"]].append(coding)
        self.files: dict[str, str] = {}
        self.source_elements: dict[int, ET.Element] = {}
        self.texts = texts
        self.doc_guids: dict[int, str] = {}
        code_guids = {c["id"]: self.code_guid(c) for c in gather.codes(self.project)}
        for doc in docs:
            guid = document_guid(doc)
            self.doc_guids[doc["id"]] = guid
            file_name = f"{guid}.txt"
            text = texts[doc["id"]].text
            self.files[file_name] = text
            self.positions[doc["id"]] = (
                unit_offsets(text, "utf16").__getitem__ if self.target == "nvivo" else int
            )
            el = _el(
                sources_el,
                "TextSource",
                guid=guid,
                name=self.free(doc["name"]),
                plainTextPath=f"internal://{file_name}",
                creatingUser=self.user(doc["imported_by"]),
                creationDateTime=_datetime(doc.get("created_at") or doc["imported_at"]),
            )
            self.source_elements[doc["id"]] = el
            self.report.count("sources")
            self._selections(el, doc, texts[doc["id"]], by_doc.get(doc["id"], []), code_guids)
        self._status_losses()
        return sources_el

    def _selections(
        self,
        source: ET.Element,
        doc: dict[str, Any],
        text: gather.DocumentText,
        codings: list[dict[str, Any]],
        code_guids: dict[int, str],
    ) -> None:
        groups: dict[tuple[int, int, str], list[dict[str, Any]]] = defaultdict(list)
        for coding in codings:
            suggested = coding["status"] != "accepted"
            who = (
                self._suggestion_user(coding["coder"]) if suggested else self.user(coding["coder"])
            )
            groups[(coding["start_char"], coding["end_char"], who)].append(coding)
            if coding["life_year"] is not None or coding["life_age"] is not None:
                self.report.lose("life_moment", "no_refi_field", coding["code"])
            if suggested:
                self.report.lose("suggestion_score", "no_refi_field", coding["code"])
            elif coding["origin"] == "machine":  # read back, it is the coder's own coding
                self.report.lose("accepted_suggestion", "no_refi_field", coding["code"])
        for (start, end, who), group in groups.items():
            new_start, new_end = text.span(start, end)
            if new_end <= new_start:
                self.report.lose(
                    "coding", "empty_after_pseudonymising", self.free(doc["name"]), count=len(group)
                )
                continue
            key = f"{self.doc_guids[doc['id']]}:{start}:{end}:{who}"
            for i, (kept, part) in enumerate(_by_selection(group)):
                selection = _el(
                    source,
                    "PlainTextSelection",
                    guid=self.selection_guid([kept], "selection", key if i == 0 else f"{key}:{i}"),
                    name=_snippet(text.text[new_start:new_end]),
                    startPosition=self.positions[doc["id"]](new_start),
                    endPosition=self.positions[doc["id"]](new_end),
                    creatingUser=who,
                    creationDateTime=_datetime(part[0]["created_at"]),
                )
                for coding in part:
                    self._coding(selection, coding, key, code_guids[coding["code_id"]])

    def _coding(self, selection: ET.Element, coding: dict[str, Any], key: str, code: str) -> None:
        """One Coding in ``selection``: its kept guid, else one derived from where it is."""
        el = _el(
            selection,
            "Coding",
            guid=ids.export_guid(coding.get("guid"), "coding", f"{key}:{code}:{coding['status']}"),
            creatingUser=selection.get("creatingUser"),
            creationDateTime=_datetime(coding["created_at"]),
        )
        _el(el, "CodeRef", targetGUID=code)
        self.coding_elements[coding["id"]] = el
        self.selection_elements[coding["id"]] = selection
        self.report.count(gather.STATUS_COUNTS[coding["status"]])

    def _suggestion_user(self, coder: str) -> str:
        guid = suggestion_user_guid(self.who(coder))
        self.users[guid] = self.who(coder) + SUGGESTION_SUFFIX
        return guid

    def _status_losses(self) -> None:
        self.report.lose_coding_work(
            gather.status_counts(self.project),
            gather.done_marks(self.project),
            written=gather.statuses(self.include_suggestions),
            rejected_fit=False,
            reason="no_refi_done_marks",
        )
        turns = self.db.execute("SELECT count(*) FROM turns").fetchone()[0]
        if turns:
            self.report.lose("turn", "turns_as_plain_text", count=turns)

    # --- notes ------------------------------------------------------------------------------

    def notes(self, root: ET.Element) -> tuple[ET.Element, ET.Element, list[str]]:
        notes_el = _el(root, "Notes")
        links_el = _el(root, "Links")
        project_refs: list[str] = []
        segments = {
            r["id"]: r
            for r in self.db.query("SELECT id, document_id, start_char, end_char FROM segments")
        }
        cases = {
            r["id"]: self.known.case(r["id"], self.free(r["code"]) or r["code"])
            for r in gather.respondents(self.project)
        }
        for memo in gather.memos(self.project):
            guid = ids.export_guid(memo.get("guid"), "memo", memo["id"])
            kind, target = memo["target_type"], memo["target_id"]
            span = self._memo_span(memo, segments)
            if self.target == "qualcoder" and self._qualcoder_memo(memo, span, notes_el, guid):
                continue
            note = _el(
                notes_el,
                "Note",
                guid=guid,
                name=self.free(memo["title"]) or None,
                creatingUser=self.user(memo["author"]),
                creationDateTime=_datetime(memo["created_at"]),
                modifiedDateTime=_datetime(memo["updated_at"]),
            )
            if memo["description"]:
                _el(note, "Description", self.free(memo["description"]))
            if self.target == "qualcoder":  # a journal: the text is a file in sources/
                # QualCoder skips a journal without a name: the (pseudonymised) text's start.
                opening = self.free(memo["text"]) or self.free(memo["description"]) or ""
                note.set("name", note.get("name") or _snippet(xml_text(opening), 60))
                note.set("plainTextPath", f"internal://{guid}.txt")
                self.files[f"{guid}.txt"] = self.free(memo["text"])
            else:
                _el(note, "PlainTextContent", self.free(memo["text"]))
            self.report.count("notes")
            parent = None
            if span is not None:
                parent = self._text_selection(span, memo)
            elif kind == "document":
                parent = self.source_elements.get(target)
            elif kind == "code":
                parent = self.code_elements.get(target)
            elif kind == "coding":
                parent = self.coding_elements.get(target)
            elif kind == "respondent" and target in cases:
                _el(
                    links_el,
                    "Link",
                    guid=ids.derived("link", guid),
                    name="Memo-Case",
                    direction="OneWay",
                    originGUID=guid,
                    targetGUID=cases[target],
                )
                continue
            if parent is None:
                if kind != "project":
                    self.report.lose("memo_target", "memo_target_not_exported", f"{kind} {target}")
                project_refs.append(guid)
                continue
            _insert_note_ref(parent, guid)
        self._write_descriptions()
        return notes_el, links_el, project_refs

    def _memo_span(self, memo: dict[str, Any], segments: dict[int, dict]):
        """(document id, start, end) of a memo about a stretch of text, else None."""
        if memo["target_type"] == "segment" and memo["target_id"] in segments:
            seg = segments[memo["target_id"]]
            return seg["document_id"], seg["start_char"], seg["end_char"]
        if (
            memo["target_type"] == "document"
            and memo.get("start_char") is not None
            and memo["target_id"] in self.source_elements
        ):
            return memo["target_id"], memo["start_char"], memo["end_char"]
        return None

    def _qualcoder_memo(self, memo: dict[str, Any], span, notes_el: ET.Element, guid: str) -> bool:
        """Write ``memo`` where QualCoder reads it; False when it has no such place (it then
        becomes a journal). Coding memos are the selection's Description, document memos the
        source's Description, memos about a stretch of text annotations. A Description holds
        one text: a memo's own description goes there before its text."""
        kind, target = memo["target_type"], memo["target_id"]
        text = self.free(memo["text"])
        both = "\n\n".join(t for t in (self.free(memo["description"]), text) if t)
        if kind == "coding" and target in self.selection_elements:
            self._describe(self.selection_elements[target], memo, both)
            return True
        if span is None and kind == "document" and target in self.source_elements:
            self._describe(self.source_elements[target], memo, both)
            return True
        if span is None:
            return False
        doc_id, start, end = span
        start, end = self.texts[doc_id].span(start, end)
        at = self.positions[doc_id]
        note = _el(
            notes_el,
            "Note",
            guid=guid,
            creatingUser=self.user(memo["author"]),
            creationDateTime=_datetime(memo["created_at"]),
            modifiedDateTime=_datetime(memo["updated_at"]),
        )
        if memo["description"]:
            _el(note, "Description", self.free(memo["description"]))
        _el(note, "PlainTextContent", text)
        _el(
            note,
            "PlainTextSelection",
            guid=self.selection_guid([memo["selection_guid"]], "annotation", guid),
            startPosition=at(start),
            endPosition=at(end),
        )
        _insert_note_ref(self.source_elements[doc_id], guid)
        self.report.count("notes")
        return True

    def _describe(self, element: ET.Element, memo: dict[str, Any], text: str) -> None:
        """Keep ``memo`` for ``element``'s Description (written by _write_descriptions);
        counted apart from the notes, so the report's figures are what the file holds."""
        self.described.setdefault(id(element), (element, []))[1].append((memo, text))
        self.report.count("memo_descriptions")

    def _write_descriptions(self) -> None:
        """Write the QualCoder Descriptions. QualCoder keeps one memo per coding and per
        document, so several memos on one (two coders' memos on a coding, or memos on
        several codings of one selection) are joined into one text. Each part then starts
        with a line naming its title and author, which would otherwise be lost, and the
        join is reported instead of happening silently."""
        for element, parts in self.described.values():
            if len(parts) == 1:
                _add_description(element, parts[0][1])
                continue
            heads = [
                "["
                + " – ".join(h for h in (self.free(m["title"]), self.who(m["author"])) if h)
                + "]"
                for m, _ in parts
            ]
            joined = "\n\n".join(f"{head}\n{text}" for head, (_, text) in zip(heads, parts))
            _add_description(element, joined)
            self.report.lose(
                "memo",
                "joined_in_one_description",
                f"{xml_text(element.get('name'))}: {' + '.join(heads)}",
                count=len(parts),
            )

    def _text_selection(self, span, memo: dict[str, Any]) -> ET.Element:
        """A selection without codings over the memo's stretch of text, to hang it on: the
        one written for another memo that came from the same selection, else a new one."""
        doc_id, start, end = span
        kept = memo["selection_guid"]
        if kept in self.text_selections and self.text_selections[kept][0] == span:
            return self.text_selections[kept][1]
        source = self.source_elements[doc_id]
        text = self.texts[doc_id]
        start, end = text.span(start, end)
        at = self.positions[doc_id]
        who = self.user(memo["author"])
        guid = self.selection_guid([kept], "segment-note", memo["id"])
        selection = ET.Element(
            f"{{{NS}}}PlainTextSelection",
            {
                "guid": guid,
                "name": xml_text(_snippet(text.text[start:end])),
                "startPosition": str(at(start)),
                "endPosition": str(at(end)),
                "creatingUser": who,
            },
        )
        # Selections come before the source's own Coding/NoteRef/VariableValue children.
        index = len(
            [
                c
                for c in source
                if c.tag.endswith("}Description")
                or c.tag.endswith("}PlainTextContent")
                or c.tag.endswith("}PlainTextSelection")
            ]
        )
        source.insert(index, selection)
        if kept:
            self.text_selections.setdefault(kept, (span, selection))
        return selection


def _by_selection(group: list[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """One coder's codings of one span, split by the selection each came in from another
    tool (its ``selection_guid``), so that tool gets each of its selections back; codings
    made here join the first."""
    parts: dict[str | None, list[dict[str, Any]]] = {}
    for coding in group:
        parts.setdefault(coding["selection_guid"], []).append(coding)
    if None in parts and len(parts) > 1:
        made_here = parts.pop(None)
        first = next(iter(parts))
        parts[first] = sorted(parts[first] + made_here, key=group.index)
    return list(parts.items())


def _add_description(parent: ET.Element, text: str) -> None:
    """Put ``text`` in the element's Description (its first child), after what is there."""
    found = parent.find(f"{{{NS}}}Description")
    if found is None:
        found = ET.Element(f"{{{NS}}}Description")
        parent.insert(0, found)
        found.text = xml_text(text)
    else:
        found.text = (found.text or "") + "\n\n" + xml_text(text)


def _insert_note_ref(parent: ET.Element, guid: str) -> None:
    """Add a NoteRef where the schema wants it: after Description/Coding/CodeRef/NoteRef
    children, before nested Codes or VariableValues."""
    after = (
        "Description",
        "PlainTextContent",
        "PlainTextSelection",
        "Coding",
        "CodeRef",
        "NoteRef",
    )
    index = 0
    for i, child in enumerate(parent):
        if child.tag.split("}")[-1] in after:
            index = i + 1
    parent.insert(index, ET.Element(f"{{{NS}}}NoteRef", {"targetGUID": guid}))


def _snippet(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _color(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if (
        len(value) in (4, 7)
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value
    return None


def project_xml(
    project: Project,
    *,
    name: str,
    include_suggestions: bool,
    pseudonymise: bool,
    report: ExchangeReport,
    target: str | None = None,
    coder_codes: bool = False,
) -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` bytes (schema-valid) and the source files to put next to it."""
    gather.require_export(project, pseudonymise=pseudonymise)
    builder = _Builder(
        project,
        include_suggestions=include_suggestions,
        pseudonymise=pseudonymise,
        report=report,
        target=target,
        coder_codes=coder_codes,
    )
    root = builder.build(name)
    ET.register_namespace("", NS)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    errors = ids.schema_errors("Project", xml)
    if errors:  # a bug in this module, not the user's fault: say exactly what
        raise ValueError("project.qde does not validate against Project.xsd: " + "; ".join(errors))
    return xml, builder.files


def export_qdpx(
    project: Project,
    path: str | Path,
    *,
    include_suggestions: bool = False,
    pseudonymise: bool = True,
    target: str | None = None,
    coder_codes: bool = False,
    lang: str | None = None,
) -> ExchangeReport:
    """Write the whole project to ``path`` (.qdpx) and return the data-loss report.

    ``target`` (one of :data:`TARGETS`, or None for the standard as written) shapes the file
    for the tool that will read it; ``coder_codes`` names every user by a number
    (:class:`gather.CoderCodes`). The report is also written next to the file
    (``<path>.dataloss.txt``/``.json``), in ``lang`` (default: the handle's language).
    """
    gather.require_export(project, pseudonymise=pseudonymise)
    db = project.db
    path = Path(path)
    if target is not None and target not in TARGETS:
        raise InputError("exchange.bad_target", target=target, expected=", ".join(TARGETS))
    if path.is_dir():
        raise InputError("exchange.output_is_directory", path=str(path))
    report = ExchangeReport(operation="export", format="qdpx", path=str(path))
    if pseudonymise:
        report.warn(export_warning(project))
    else:
        report.warn("exchange.warn.original_text")
    if target == "nvivo":
        report.warn("exchange.warn.nvivo_positions")
    name = _project_name(db)
    if pseudonymise:  # "Studie_Hendrikus.db" names a person too
        name = free_text(project, name) or name
    xml, files = project_xml(
        project,
        name=name,
        include_suggestions=include_suggestions,
        pseudonymise=pseudonymise,
        report=report,
        target=target,
        coder_codes=coder_codes,
    )
    if pseudonymise:
        report.rewrite_examples(functools.partial(free_text, project))
    members = {"project.qde": xml}
    members.update({f"{SOURCES}/{n}": t.encode("utf-8") for n, t in files.items()})
    write_zip_atomically(path, members)
    report.write_next_to(path, lang or project.lang)
    gather.log_export(
        project,
        format="qdpx",
        path=str(path),
        pseudonymise=pseudonymise,
        include_suggestions=include_suggestions,
    )
    return report


def _project_name(db: Database) -> str:
    """The name the project came with from another tool, else its file name."""
    kept = get_setting(db, "project_name")
    if kept:
        return str(kept)
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).stem
    return "workbench"
