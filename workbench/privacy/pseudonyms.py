"""Review candidate names, keep the key, and show documents with pseudonyms in place.

The workflow: :func:`candidates` lists what :mod:`~workbench.privacy.detect` finds (plus the
known names per respondent from the key file) with context; the researcher accepts or
rejects each with :func:`decide` (the choice and the replacement go into the key file);
:func:`apply_pseudonyms` then marks every occurrence of every accepted name in every document
as a span in the ``pseudonym_spans`` table. The stored transcript text is never changed:
codings keep their offsets, and :func:`pseudonymised_document` builds the pseudonymised text
on demand together with a mapping from original to pseudonymised offsets.

The database holds replacements and offsets only, never an original string; the originals are
in the key file (see docs/privacy.md for what that does and does not protect).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from spacy.language import Language
from sqlite_utils import Database

from workbench import access
from workbench.errors import InputError, NotFound
from workbench.privacy.detect import KINDS, Candidate, Occurrence, find_names, occurrences
from workbench.privacy.key import (
    KeyEntry, PseudonymKey, editing_key, key_path, load_key, project_file,
)
from workbench.store import now, record_event, transaction

LABELS = {"person": "Naam", "place": "Plaats", "organisation": "Organisatie", "other": "Anders"}
MAX_REPLACEMENT = 60


def key_file(db: Database) -> Path:
    """Where this project's key lives."""
    return key_path(project_file(db))


def read_key(db: Database, *, actor: str) -> PseudonymKey:
    """The key (originals included): only for roles with ``pseudonym.key``."""
    access.require(db, actor, "pseudonym.key")
    return load_key(key_file(db))


def _texts(db: Database, document_ids: list[int] | None) -> dict[int, str]:
    sql, params = "SELECT id, text FROM documents", []
    if document_ids is not None:
        sql += f" WHERE id IN ({', '.join('?' * len(document_ids))})"
        params = list(document_ids)
    return {int(i): t for i, t in db.execute(sql + " ORDER BY id", params)}


def _context(text: str, start: int, end: int, width: int) -> dict[str, Any]:
    return {
        "left": text[max(0, start - width):start].replace("\n", " "),
        "match": text[start:end],
        "right": text[end:end + width].replace("\n", " "),
    }


def detect(
    db: Database, *, actor: str, nlp: Language | None = None,
    document_ids: list[int] | None = None,
) -> dict[str, Candidate]:
    """What the detector finds (the slow part of :func:`candidates`; cache it per import)."""
    access.require(db, actor, "pseudonymise")
    return find_names(_texts(db, document_ids), nlp=nlp)


def candidates(
    db: Database,
    *,
    actor: str,
    nlp: Language | None = None,
    document_ids: list[int] | None = None,
    detected: dict[str, Candidate] | None = None,
    examples: int = 3,
    width: int = 40,
) -> list[dict[str, Any]]:
    """Candidate names with their review status, counts and a few contexts.

    Sorted: undecided first, then by how often they occur. Known names from the key file
    are included even where the detector missed them (source ``known``). Pass ``detected``
    (from :func:`detect`) to skip detection when only decisions changed.
    """
    access.require(db, actor, "pseudonymise")
    key = load_key(key_file(db))
    texts = _texts(db, document_ids)
    found = dict(detected) if detected is not None else find_names(texts, nlp=nlp)

    def everywhere(name: str) -> list[Occurrence]:
        return [Occurrence(doc, s, e) for doc, text in texts.items()
                for s, e in occurrences(text, name)]

    for names in key.known_names.values():
        for known in names:
            found[known["name"]] = Candidate(known["name"], known.get("kind", "person"), "known",
                                             everywhere(known["name"]))
    for original, entry in key.entries.items():
        if original not in found:  # decided earlier; still show it
            found[original] = Candidate(original, entry.kind, "key", everywhere(original))
    out = []
    for original, cand in found.items():
        entry = key.entries.get(original)
        out.append({
            "original": original,
            "kind": entry.kind if entry else cand.kind,
            "source": cand.source,
            "count": cand.count,
            "documents": cand.document_ids,
            "status": entry.status if entry else "new",
            "replacement": entry.replacement if entry else None,
            "contexts": [
                {"document_id": o.document_id, **_context(texts[o.document_id], o.start_char,
                                                          o.end_char, width)}
                for o in cand.occurrences[:examples]
            ],
        })
    order = {"new": 0, "accepted": 1, "rejected": 2}
    out.sort(key=lambda c: (order[c["status"]], -c["count"], c["original"]))
    return out


def next_replacement(key: PseudonymKey, kind: str) -> str:
    """``[Naam 3]`` for the third person, ``[Plaats 1]`` for the first place, and so on."""
    label = LABELS[kind]
    pattern = re.compile(rf"^\[{label} (\d+)\]$")
    used = [
        int(m.group(1)) for e in key.entries.values()
        if e.replacement and (m := pattern.match(e.replacement))
    ]
    return f"[{label} {max(used, default=0) + 1}]"


def decide(
    db: Database,
    original: str,
    *,
    accept: bool,
    actor: str,
    kind: str | None = None,
    replacement: str | None = None,
) -> KeyEntry:
    """Accept (with a replacement) or reject one candidate; the decision goes into the key.

    The same original always gets the same replacement across the project; several
    originals may share one replacement on purpose ("Jan" and "Jan de Vries" -> "[Naam 1]").
    Run :func:`apply_pseudonyms` afterwards to mark the occurrences.
    """
    access.require(db, actor, "pseudonymise")
    original = original.strip()
    if not original:
        raise InputError("privacy.empty_original")
    with editing_key(key_file(db)) as key:
        entry = key.entries.get(original)
        kind = kind or (entry.kind if entry else "person")
        if kind not in KINDS:
            raise InputError("privacy.bad_kind", kind=kind, kinds=", ".join(KINDS))
        if accept:
            if replacement is not None:
                replacement = replacement.strip()
                if not replacement or len(replacement) > MAX_REPLACEMENT:
                    raise InputError("privacy.bad_replacement", replacement=replacement,
                                     max=MAX_REPLACEMENT)
                if replacement in key.entries and key.entries[replacement].status == "accepted":
                    raise InputError("privacy.replacement_is_a_name", replacement=replacement)
            elif entry and entry.replacement:
                replacement = entry.replacement
            else:
                replacement = next_replacement(key, kind)
        new = KeyEntry(original, kind, "accepted" if accept else "rejected",
                       replacement if accept else None, actor, now())
        key.entries[original] = new
    with transaction(db):
        # the log says what was decided, never which name: the name stays in the key file
        record_event(db, actor, "pseudonym.decide", "pseudonyms", replacement,
                     None, {"status": new.status, "kind": kind, "replacement": replacement})
    return new


def add_known_name(
    db: Database, respondent: str, name: str, *, actor: str, kind: str = "person"
) -> None:
    """Remember a name that belongs to a respondent's story (kept in the key file only)."""
    access.require(db, actor, "pseudonymise")
    if kind not in KINDS:
        raise InputError("privacy.bad_kind", kind=kind, kinds=", ".join(KINDS))
    if not name.strip():
        raise InputError("privacy.empty_original")
    if not db.execute("SELECT 1 FROM respondents WHERE code = ?", [respondent]).fetchone():
        raise NotFound("privacy.unknown_respondent", respondent=respondent)
    with editing_key(key_file(db)) as key:
        names = key.known_names.setdefault(respondent, [])
        if not any(n["name"] == name.strip() for n in names):
            names.append({"name": name.strip(), "kind": kind})


def _name_pattern(originals: list[str]) -> re.Pattern[str] | None:
    if not originals:
        return None
    # longest first: at one position "Jan de Vries" wins over "Jan"
    alternatives = "|".join(re.escape(o) for o in sorted(originals, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def apply_pseudonyms(db: Database, *, actor: str) -> dict[str, int]:
    """Bring ``pseudonym_spans`` in line with the key: every occurrence of every accepted name.

    Idempotent; run it again after importing documents or changing decisions. Spans of
    names that were rejected later are removed. One transaction, one logged event.
    """
    access.require(db, actor, "pseudonymise")
    key = load_key(key_file(db))
    accepted = {e.original: e for e in key.accepted()}
    pattern = _name_pattern(list(accepted))
    stamp = now()
    added = removed = 0
    with transaction(db):
        ids: dict[str, int] = {}
        for entry in accepted.values():
            db.execute(
                "INSERT OR IGNORE INTO pseudonyms (replacement, kind, created_at, created_by) "
                "VALUES (?, ?, ?, ?)", [entry.replacement, entry.kind, stamp, actor],
            )
        for pid, replacement in db.execute("SELECT id, replacement FROM pseudonyms").fetchall():
            ids[replacement] = pid
        wanted_replacements = {e.replacement for e in accepted.values()}
        for pid_repl, pid in list(ids.items()):
            if pid_repl not in wanted_replacements:
                removed += db.execute(
                    "SELECT count(*) FROM pseudonym_spans WHERE pseudonym_id = ?", [pid]
                ).fetchone()[0]
                db.execute("DELETE FROM pseudonyms WHERE id = ?", [pid])
        for document_id, text in db.execute("SELECT id, text FROM documents").fetchall():
            wanted = set()
            if pattern is not None:
                wanted = {
                    (m.start(), m.end(), ids[accepted[m.group()].replacement])
                    for m in pattern.finditer(text)
                }
            have = {
                (s, e, p): sid for sid, s, e, p in db.execute(
                    "SELECT id, start_char, end_char, pseudonym_id FROM pseudonym_spans "
                    "WHERE document_id = ?", [document_id],
                )
            }
            for span in have.keys() - wanted:
                db.execute("DELETE FROM pseudonym_spans WHERE id = ?", [have[span]])
                removed += 1
            for start, end, pid in sorted(wanted - have.keys()):
                db.execute(
                    "INSERT INTO pseudonym_spans (document_id, start_char, end_char, pseudonym_id,"
                    " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    [document_id, start, end, pid, stamp, actor],
                )
                added += 1
        total = db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0]
        result = {"added": added, "removed": removed, "spans": total,
                  "pseudonyms": len(wanted_replacements),
                  "max_document_id": db.execute("SELECT max(id) FROM documents").fetchone()[0]}
        record_event(db, actor, "pseudonymise.apply", "pseudonym_spans", None, None, result)
    return result


def documents_not_checked(db: Database) -> list[int]:
    """Documents added after the last :func:`apply_pseudonyms` (all of them if it never ran)."""
    last = db.execute(
        "SELECT after FROM events WHERE action = 'pseudonymise.apply' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    seen = json.loads(last[0]).get("max_document_id", 0) if last else 0
    return [int(r[0]) for r in db.execute(
        "SELECT id FROM documents WHERE id > ? ORDER BY id", [seen or 0]
    )]


@dataclass(frozen=True)
class ReplacedSpan:
    start_char: int      # in the original text
    end_char: int
    new_start: int       # in the pseudonymised text
    new_end: int
    replacement: str


@dataclass(frozen=True)
class PseudonymisedText:
    """A pseudonymised text plus the way to move original offsets into it.

    ``text, map_offset = pseudonymised_document(...)`` unpacks like a pair.
    """

    text: str
    spans: tuple[ReplacedSpan, ...]
    offset: int = 0  # where this text starts in the original document

    def map_offset(self, offset: int, *, side: str = "start") -> int:
        """The position in :attr:`text` of original document offset ``offset``.

        An offset inside a replaced name moves to the start of its replacement
        (``side="start"``) or to its end (``side="end"``), so a coding that began or ended
        inside a name covers the whole replacement.
        """
        if side not in ("start", "end"):
            raise ValueError(f"side must be 'start' or 'end'. Got {side!r} instead.")
        i = bisect.bisect_right(self._ends, offset)
        if i < len(self.spans) and self.spans[i].start_char < offset:
            span = self.spans[i]
            return span.new_start if side == "start" else span.new_end
        if i == 0:
            return offset - self.offset
        before = self.spans[i - 1]
        return before.new_end + (offset - before.end_char)

    @cached_property
    def _ends(self) -> list[int]:
        return [s.end_char for s in self.spans]

    def map_span(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Original ``[start_char, end_char)`` as offsets into :attr:`text`."""
        return self.map_offset(start_char, side="start"), self.map_offset(end_char, side="end")

    def __iter__(self):
        yield self.text
        yield self.map_offset


def _spans(db: Database, document_id: int, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (int(s), int(e), r) for s, e, r in db.execute(
            "SELECT s.start_char, s.end_char, p.replacement FROM pseudonym_spans s "
            "JOIN pseudonyms p ON p.id = s.pseudonym_id "
            "WHERE s.document_id = ? AND s.end_char > ? AND s.start_char < ? "
            "ORDER BY s.start_char", [document_id, start, end],
        )
    ]


def pseudonymise_range(db: Database, document_id: int, start: int, end: int) -> PseudonymisedText:
    """``documents.text[start:end]`` with pseudonyms in place (no access check: callers check).

    A name that crosses the edge of the range is replaced as a whole.
    """
    found = db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
    if found is None:
        raise NotFound("codings.unknown_document", document=document_id)
    original = found[0]
    end = min(end, len(original))
    parts, spans, pos, length = [], [], start, 0
    for s, e, replacement in _spans(db, document_id, start, end):
        if s > pos:
            parts.append(original[pos:s])
            length += s - pos
        parts.append(replacement)
        spans.append(ReplacedSpan(s, e, length, length + len(replacement), replacement))
        length += len(replacement)
        pos = max(pos, e)
    parts.append(original[pos:end])
    return PseudonymisedText("".join(parts), tuple(spans), start)


def pseudonymised_document(db: Database, document_id: int, *, actor: str) -> PseudonymisedText:
    """The whole document with every accepted name replaced, and its offset mapping.

    For exports and reading views. Needs the ``read`` permission (co-onderzoekers get
    fragments through :mod:`workbench.privacy.workshop` instead).
    """
    access.require(db, actor, "read")
    return pseudonymise_range(db, document_id, 0, 2**62)


def pseudonymise_free_text(db: Database, text: str, *, actor: str) -> str:
    """Any text (a memo, a quote outside a document) with the key's accepted names replaced."""
    access.require(db, actor, "read")
    return replace_names(db, [text])[0]


def replace_names(db: Database, texts: list[str]) -> list[str]:
    """``texts`` with the key's accepted names replaced (no access check: output is safe)."""
    accepted = {e.original: e.replacement for e in load_key(key_file(db)).accepted()}
    pattern = _name_pattern(list(accepted))
    if pattern is None:
        return list(texts)
    return [pattern.sub(lambda m: accepted[m.group()], text) for text in texts]
