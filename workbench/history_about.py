"""What each row of a history is about, in words beside its action (``history.event_words``).

A history row said only "codes samengevoegd" or "eerdere actie ongedaan gemaakt"; this names
the code and document of a coding, where a coding or memo moved from and to, both codes of a
merge, a code's old and new name, the places where names were replaced and which action an
undo took back. Names only: never a quote, memo text or a life event's label. Read by the
Privacy page's history tab and `workbench history`.

A code is named as it was named then, with today's name beside it when it was renamed since
("verlies (nu: rouw)"): an entry of last spring reads as it did then, and the reader still
finds the code in today's codebook. The name then comes from the log itself: every rename
(and its undo) holds the code's whole row before and after.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.handle import Project
from workbench.history import event_words, merge_targets
from workbench.i18n import Term, listing


def event_about(project: Project, found: list[dict[str, Any]]) -> list[Term]:
    """What each event of a history is about, in words beside :func:`event_words`: the code
    and document of a coding, where a coding or memo moved from and to (a merge or a recode
    moves it from one code's history into another's), both codes of a merge, a code's old
    and new name, and which action an undo took back and whose it was.

    A code is named as it was at the time of the event, with today's name beside it when
    different (:meth:`_Names.code`); a split code's parts say what they were split from. It
    names codes, documents and respondent codes, never a quote, memo text or a life event's
    label, and needs ``read`` like the history itself."""
    project.require("read")
    db = project.db
    names = _Names(
        codes={int(i): n for i, n in db.execute("SELECT id, name FROM codes")},
        slugs={s: int(i) for s, i in db.execute("SELECT slug, id FROM codes")},
        documents={int(i): n for i, n in db.execute("SELECT id, name FROM documents")},
        merges=merge_targets(project),
        renames=_renames(db),
        split_from=_split_from(db),
    )
    return [_about(db, names, event) for event in found]


def _renames(db: Database) -> dict[int, list[tuple[int, str]]]:
    """Code id -> (event id, the name it had before that event) for every logged change of
    its name, oldest first: a rename or edit (the code's row before and after) and the undo
    of one (the row around the undo)."""
    out: dict[int, list[tuple[int, str]]] = {}
    changed = (
        "json_extract(e.before, '$.name') IS NOT NULL AND json_extract(e.after, '$.name') "
        "IS NOT NULL AND json_extract(e.before, '$.name') != json_extract(e.after, '$.name')"
    )
    for event_id, code_id, old in db.execute(
        f"SELECT e.id, e.entity_id, json_extract(e.before, '$.name') FROM events e "
        f"WHERE e.entity = 'codes' AND {changed} "
        f"UNION ALL SELECT e.id, o.entity_id, json_extract(e.before, '$.name') FROM events e "
        f"JOIN events o ON o.id = CAST(e.entity_id AS INTEGER) "
        f"WHERE e.action = ? AND e.entity = ? AND o.entity = 'codes' AND {changed} "
        "ORDER BY 1",
        [events.UNDO.action, events.UNDO.entity],
    ):
        if str(code_id).isdigit():
            out.setdefault(int(code_id), []).append((int(event_id), str(old)))
    return out


def _split_from(db: Database) -> dict[str, int]:
    """The slug of each code a split made -> the id of the code it was split from (the
    split's event holds the new codes' slugs, ``after.into``)."""
    out: dict[str, int] = {}
    for code_id, after in db.execute(
        "SELECT entity_id, after FROM events WHERE action = ? AND entity = ?",
        [events.CODEBOOK_SPLIT.action, events.CODEBOOK_SPLIT.entity],
    ):
        into = (json.loads(after) or {}).get("into") if after else None
        if str(code_id).isdigit() and isinstance(into, list):
            out.update({str(slug): int(code_id) for slug in into})
    return out


@dataclasses.dataclass(frozen=True)
class _Names:
    """What :func:`event_about` looks names up in, read once per history."""

    # keyed by what the log holds: ids as logged (an older release's log may hold anything)
    codes: dict[Any, str]
    slugs: dict[Any, int]  # slug -> code id
    documents: dict[Any, str]
    merges: dict[int, int]
    renames: dict[int, list[tuple[int, str]]]  # code id -> (event id, name before it)
    split_from: dict[str, int]  # slug of a split's part -> the code it was split from

    def code(self, code_id: Any, event_id: int) -> Term | str:
        """The code's name when event ``event_id`` was logged (the name before the first
        rename after it), with today's name beside it when that differs; "" for no code."""
        now = self.codes.get(code_id)
        if now is None:
            return ""
        changes = self.renames.get(code_id, [])
        later = bisect.bisect_right(changes, event_id, key=lambda change: change[0])
        then = changes[later][1] if later < len(changes) else now
        return (
            then if then == now else Term("app.history.about.name_now", {"then": then, "now": now})
        )

    def slug(self, slug: Any, event_id: int) -> Term | str:
        """:meth:`code` for a code named by its slug (a life event's kind); the slug itself
        when no code has it."""
        code_id = self.slugs.get(slug)
        return str(slug or "") if code_id is None else self.code(code_id, event_id)


def _text(text: Any = "") -> Term:
    if isinstance(text, Term):
        return text
    return Term("app.history.about.text", {"text": "" if text is None else str(text)})


def _from_to(old: Any, new: Any) -> Term:
    def side(value: Any) -> Term | str:
        if isinstance(value, Term):
            return value
        return Term("app.history.about.nothing") if value in (None, "") else str(value)

    return Term("app.history.about.from_to", {"old": side(old), "new": side(new)})


def _about(db: Database, names: _Names, event: dict[str, Any]) -> Term:
    before, after = event["before"], event["after"]
    if not isinstance(before, dict):
        before = None
    if not isinstance(after, dict):
        after = None
    rows = [r for r in (after, before) if r is not None]
    if not rows:
        return _text()
    entity, action = event["entity"], event["action"]
    if entity == "events":  # an undo: name the action it took back, and whose it was
        undone = db.execute(
            "SELECT action, actor FROM events WHERE id = ?", [event["entity_id"]]
        ).fetchone()
        if undone is None:
            return _text()
        return Term("app.history.about.undo", {"what": event_words(undone[0]), "who": undone[1]})
    if entity in ("codings", "life_events", "life_event_codings"):
        return _about_coding(db, names, event["id"], entity, before, after)
    if entity == "done_marks":  # whose mark it is (a researcher may set a coder's)
        return _text(rows[0].get("coder"))
    if entity == "memos":
        old, new = (_target(db, names, event["id"], r) for r in (before or after, after or before))
        return _text(new) if old == new else _from_to(old, new)
    if entity == "codes":
        return _about_code(names, action, event["id"], before, after)
    if entity == "documents" and action == events.DOCUMENT_LINK.action:
        whose = [_respondent(db, (r or {}).get("respondent_id")) for r in (before, after)]
        return _from_to(*whose)
    if (entity, action) == (events.PSEUDONYMISE_APPLY.entity, events.PSEUDONYMISE_APPLY.action):
        return _about_replaced(names, (after or {}).get("documents"))
    return _text()


def _about_replaced(names: _Names, documents: Any) -> Term:
    """Where names were replaced, and in how many places (a document's history holds only
    its own entry); never which names. An older release logged no documents."""
    if not isinstance(documents, dict) or not documents:
        return _text()
    counts = [d for d in documents.values() if isinstance(d, dict)]
    ids = [int(i) if str(i).isdigit() else i for i in documents]  # JSON keys are text
    shown = [names.documents.get(i, i) for i in sorted(ids, key=str)]
    added, removed = (sum(int(d.get(side, 0)) for d in counts) for side in ("added", "removed"))
    key = "app.history.about.names_replaced" + ("_and_back" if removed else "")
    return Term(key, {"document": listing(shown), "added": added, "removed": removed})


def _about_coding(
    db: Database,
    names: _Names,
    event_id: int,
    entity: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Term:
    """A coding's (or a life event's, or a mention's) code and document; a coding that moved
    to another code says from which to which."""
    if entity == "life_event_codings":
        found = db.execute(
            "SELECT code_id, document_id FROM codings WHERE id = ?",
            [(after or before or {}).get("coding_id")],
        ).fetchone()
        if found is None:
            return _text()
        before = after = {"code_id": found[0], "document_id": found[1]}
    row_ = after or before or {}
    document = names.documents.get(row_.get("document_id"), "")
    if entity == "life_events":
        code = names.slug(row_.get("kind"), event_id)
        return Term("app.history.about.coding", {"code": code, "document": document})
    old, new = ((r or row_).get("code_id") for r in (before, after))
    if old != new:
        return Term(
            "app.history.about.recode",
            {
                "old": names.code(old, event_id),
                "new": names.code(new, event_id),
                "document": document,
            },
        )
    return Term(
        "app.history.about.coding", {"code": names.code(new, event_id), "document": document}
    )


def _about_code(
    names: _Names,
    action: str,
    event_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Term:
    """Both codes of a merge, the old and new name or place of a code, the parts of a split,
    and for a code a split made, the code it was split from."""
    row_ = next((r for r in (after, before) if r and "id" in r), {})  # a split logs a summary
    name = names.code(row_.get("id"), event_id) or row_.get("name", "")
    if action == events.CODEBOOK_MERGE.action:
        into = names.merges.get(event_id)
        if into is not None:
            return Term("app.history.about.merge", {"old": name, "new": names.code(into, event_id)})
    if action == events.CODEBOOK_RENAME.action and before and after:
        return _from_to(before.get("name"), after.get("name"))
    if action == events.CODEBOOK_MOVE.action and before and after:
        old, new = (
            Term("app.history.about.under", {"code": names.code(r["parent_id"], event_id)})
            if r.get("parent_id") in names.codes
            else Term("app.history.about.top")
            for r in (before, after)
        )
        return Term("app.history.about.move", {"code": name, "old": old, "new": new})
    if action == events.CODEBOOK_SPLIT.action and after:
        parts = [names.slug(s, event_id) for s in after.get("into") or []]
        return Term("app.history.about.split", {"code": name, "parts": listing(parts)})
    source = names.split_from.get(str(row_.get("slug")))
    if action == events.CODEBOOK_ADD.action and source is not None:
        return Term(
            "app.history.about.split_from", {"code": name, "from": names.code(source, event_id)}
        )
    return _text(name)


def _target(db: Database, names: _Names, event_id: int, memo: dict[str, Any] | None) -> Term | str:
    """What a memo is on, by name: a code, a document (also for a memo on one of its
    sentences or codings), or nothing for a memo on the project."""
    memo = memo or {}
    kind, target = memo.get("target_type"), memo.get("target_id")
    if kind == "code":
        return names.code(target, event_id)
    if kind == "segment":
        found = db.execute("SELECT document_id FROM segments WHERE id = ?", [target]).fetchone()
        target = found[0] if found else None
    elif kind == "coding":
        found = db.execute(
            "SELECT code_id, document_id FROM codings WHERE id = ?", [target]
        ).fetchone()
        if found is None:
            return ""
        return Term(
            "app.history.about.on_coding",
            {"code": names.code(found[0], event_id), "document": names.documents.get(found[1], "")},
        )
    return names.documents.get(target, "") if kind in ("document", "segment") else ""


def _respondent(db: Database, respondent_id: Any) -> str | None:
    found = db.execute("SELECT code FROM respondents WHERE id = ?", [respondent_id]).fetchone()
    return None if found is None else str(found[0])
