"""Workshop mode: resident co-researchers code pseudonymised fragments, one at a time.

The researcher assigns segments to a co-onderzoeker (:func:`assign_fragments`) under a
group coder name ("werkplaats-2026-11-21" or a name they pick) and chooses which codes the
group may pick from (:func:`set_workshop_codes`). The co-onderzoeker then sees only those
fragments, pseudonymised, without document name, respondent or attributes
(:func:`fragment`), and records the group's choice (:func:`record_choice`), stored as an
ordinary human coding by the group coder so agreement with the researchers can be computed.
Fragments of documents that were imported after the last pseudonymisation are refused, and so
are fragments whose text or neighbouring sentences hold a possible name nobody decided on
(also one found only in a memo, a document name or an attribute value, looked for with the
rights of the researcher who assigned the fragment): the safe default is to show nothing
rather than a real name.

Residents see spoken text only (:data:`_SPOKEN`): a transcript's header lines (title,
respondent code, age, interview date; with or without speaker labels) are never assigned,
nor shown as the sentence before or after a fragment.
"""

from __future__ import annotations

import datetime as dt
import json
import numbers
import re
from typing import Any

from sqlite_utils import Database

from workbench import access, accounts, codings, events
from workbench.errors import InputError, NotFound, PermissionDenied
from workbench.handle import Project
from workbench.ingest.speakers import speech_sql
from workbench.privacy.pseudonyms import (
    PlaceNames,
    _documents_not_checked,
    _name_matches,
    _outside,
    _pseudonymise_range,
    _replace_names,
    _undecided_in,
    _undecided_pattern,
)
from workbench.store import get_setting, now, record_event, set_setting, transaction

CODES_SETTING = "workshop_codes"


# Segments of spoken turns, for SQL over ``segments s JOIN turns t LEFT JOIN speakers p``:
# respondent or interviewer speech, and a turn without label after the first label (speech
# by someone not named), never a header (title, details block, respondent code: the one rule,
# ingest.speakers.speech_sql). Turns of a speaker the researcher set to role 'other' (not the
# interviewer, not the respondent) are left out too: when in doubt, a resident sees less.
_SPOKEN = speech_sql(["respondent", "interviewer"], speaker="p", unknown=True)
_WITH_SPEAKER = (
    "FROM segments s JOIN turns t ON t.id = s.turn_id LEFT JOIN speakers p ON p.id = t.speaker_id"
)


def _is_spoken(db: Database, segment_id: int) -> bool:
    """Whether a segment is spoken text (:data:`_SPOKEN`), the only text residents may see."""
    return (
        db.execute(
            f"SELECT 1 {_WITH_SPEAKER} WHERE s.id = ? AND {_SPOKEN}", [segment_id]
        ).fetchone()
        is not None
    )


def default_group() -> str:
    """``werkplaats-<today>``: the group coder name when the researcher picks none."""
    return f"werkplaats-{dt.date.today().isoformat()}"


def _segment(db: Database, segment_id: int) -> dict[str, Any]:
    found = db.execute(
        "SELECT id, document_id, start_char, end_char FROM segments WHERE id = ?", [segment_id]
    ).fetchone()
    if found is None:
        raise NotFound("codings.unknown_segment", segment=segment_id)
    return dict(zip(("id", "document_id", "start_char", "end_char"), found))


def _document_name(db: Database, seg: dict[str, Any]) -> str:
    return db.execute("SELECT name FROM documents WHERE id = ?", [seg["document_id"]]).fetchone()[0]


def _around(
    db: Database, segment_id: int
) -> tuple[int, tuple[int, int], dict[str, tuple[int, int] | None]]:
    """What a co-researcher is shown of a fragment: its document, its span, and the span of
    the nearest spoken sentence before and after it (None at an edge): never a header line."""
    document_id, position, start, end = db.execute(
        "SELECT document_id, position, start_char, end_char FROM segments WHERE id = ?",
        [segment_id],
    ).fetchone()
    sides = {
        side: db.execute(
            f"SELECT s.start_char, s.end_char {_WITH_SPEAKER} WHERE s.document_id = ? "
            f"AND s.position {compare} ? AND {_SPOKEN} ORDER BY s.position {order} LIMIT 1",
            [document_id, position],
        ).fetchone()
        for side, compare, order in (("before", "<", "DESC"), ("after", ">", "ASC"))
    }
    return document_id, (start, end), sides


def _shown_range(db: Database, segment_id: int) -> tuple[int, int, int]:
    """(document, start, end) of all a co-researcher sees of a fragment (:func:`_around`)."""
    document_id, own, sides = _around(db, segment_id)
    spans = [own, *(span for span in sides.values() if span is not None)]
    return document_id, min(s for s, _ in spans), max(e for _, e in spans)


def _fragment_ids(segment_ids: list[Any]) -> list[int]:
    """The chosen fragments as segment ids; anything else gets a clear message.

    A selection widget can hand back the old label of a fragment instead of its id when the
    label changed under it (a name in it was just replaced): that must not crash.
    """
    out = []
    for chosen in segment_ids:
        if isinstance(chosen, bool) or not isinstance(chosen, numbers.Integral):
            raise InputError("workshop.fragment_changed", fragment=str(chosen)[:60])
        out.append(int(chosen))
    return out


def assign_fragments(
    project: Project,
    *,
    co_researcher: str,
    segment_ids: list[int],
    group: str | None = None,
) -> int:
    """Let co-onderzoeker ``co_researcher`` code these segments for ``group``; returns how many are new.

    Only spoken fragments (no header lines) of pseudonymised documents can be assigned.
    """
    project.require("workshop.manage")
    db, actor = project.db, project.user
    if access.role_of(db, co_researcher) != "co-onderzoeker":
        raise InputError("workshop.not_co_researcher", user=co_researcher)
    segment_ids = _fragment_ids(segment_ids)
    group = (group or default_group()).strip()
    accounts.add_group_coder(project, group)
    unchecked = set(_documents_not_checked(db))
    for segment_id in segment_ids:
        seg = _segment(db, segment_id)
        if seg["document_id"] in unchecked:
            raise InputError("workshop.not_pseudonymised", document=_document_name(db, seg))
        if not _is_spoken(db, segment_id):
            raise InputError("workshop.not_spoken", document=_document_name(db, seg))
    shown = [_shown_range(db, segment_id) for segment_id in segment_ids]
    waiting = _undecided_in(db, shown, _outside(project)[1])
    if waiting:
        raise InputError("workshop.undecided_names", names=", ".join(waiting), n=len(waiting))
    added = 0
    with transaction(db):
        position = db.execute(
            "SELECT coalesce(max(position), -1) FROM workshop_assignments WHERE user = ?",
            [co_researcher],
        ).fetchone()[0]
        for segment_id in segment_ids:
            position += 1
            cur = db.execute(
                "INSERT OR IGNORE INTO workshop_assignments (user, segment_id, group_coder, "
                "position, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?, ?)",
                [co_researcher, segment_id, group, position, now(), actor],
            )
            added += cur.rowcount
        record_event(
            db,
            actor,
            events.WORKSHOP_ASSIGN(
                co_researcher,
                None,
                {"user": co_researcher, "group": group, "segments": list(segment_ids)},
            ),
        )
    return added


def unassign_fragments(
    project: Project, *, co_researcher: str, segment_ids: list[int] | None = None
) -> int:
    """Take fragments (all when ``segment_ids`` is None) away from ``co_researcher``."""
    project.require("workshop.manage")
    db = project.db
    with transaction(db):
        sql, params = "DELETE FROM workshop_assignments WHERE user = ?", [co_researcher]
        if segment_ids is not None:
            sql += f" AND segment_id IN ({', '.join('?' * len(segment_ids))})"
            params += list(segment_ids)
        removed = db.execute(sql, params).rowcount
        record_event(
            db,
            project.user,
            events.WORKSHOP_UNASSIGN(co_researcher, {"segments": segment_ids}, None),
        )
    return removed


def assignments(project: Project) -> list[dict[str, Any]]:
    """Every assignment with its document and whether the group chose a code (researchers)."""
    project.require("workshop.manage")
    cur = project.db.execute(
        "SELECT a.user, a.group_coder, a.position, a.segment_id, s.document_id, d.name, "
        "(SELECT k.slug FROM codings c JOIN codes k ON k.id = c.code_id WHERE "
        " c.segment_id = a.segment_id AND c.coder = a.group_coder ORDER BY c.id DESC LIMIT 1) "
        "FROM workshop_assignments a JOIN segments s ON s.id = a.segment_id "
        "JOIN documents d ON d.id = s.document_id ORDER BY a.user, a.position"
    )
    keys = ("user", "group", "position", "segment_id", "document_id", "document", "choice")
    return [dict(zip(keys, r)) for r in cur]


def my_fragments(project: Project) -> list[int]:
    """The segment ids assigned to the acting user, in the order the researcher gave them."""
    project.require("workshop")
    return [
        int(r[0])
        for r in project.db.execute(
            "SELECT segment_id FROM workshop_assignments WHERE user = ? ORDER BY position, id",
            [project.user],
        )
    ]


def _assignment(db: Database, segment_id: int, actor: str) -> str:
    """The group coder of ``actor``'s assignment of this segment; refused when not assigned."""
    found = db.execute(
        "SELECT group_coder FROM workshop_assignments WHERE user = ? AND segment_id = ?",
        [actor, segment_id],
    ).fetchone()
    if found is None:
        raise PermissionDenied("workshop.not_assigned", user=actor, segment=segment_id)
    return str(found[0])


def _names_outside(project: Project, segment_id: int) -> PlaceNames | None:
    """The possible names in memos, document names and attribute values, read with the rights
    of the researcher who assigned this fragment to the acting resident (who may not read
    those places; only whether the fragment may be shown comes back). None when that
    researcher can no longer read them: then the fragment is not shown."""
    (assigned_by,) = project.db.execute(
        "SELECT assigned_by FROM workshop_assignments WHERE user = ? AND segment_id = ?",
        [project.user, segment_id],
    ).fetchone()
    try:
        return _outside(project.as_user(assigned_by))[1]
    except (NotFound, PermissionDenied):
        return None


def _choice(db: Database, segment_id: int, group: str) -> str | None:
    found = db.execute(
        "SELECT k.slug FROM codings c JOIN codes k ON k.id = c.code_id "
        "WHERE c.segment_id = ? AND c.coder = ? ORDER BY c.id DESC LIMIT 1",
        [segment_id, group],
    ).fetchone()
    return found[0] if found else None


def fragment(project: Project, segment_id: int) -> dict[str, Any]:
    """One assigned fragment, pseudonymised, with the group's current choice.

    Nothing else: no document name, respondent, speaker or attributes. Refused
    (``workshop.piece_not_ready``, a message for the resident) while its document is not
    checked for names or what the resident would see holds a possible name nobody decided on.
    """
    project.require("workshop")
    db = project.db
    group = _assignment(db, segment_id, project.user)
    seg = _segment(db, segment_id)
    # checked again when shown: a document imported or a memo written since can make a word
    # a possible name that nobody decided on yet. The resident gets no document name, only
    # "not now". Nor is a header line assigned before header lines were refused.
    also = _names_outside(project, segment_id)
    if (
        also is None
        or not _is_spoken(db, segment_id)
        or _documents_not_checked(db, [seg["document_id"]])
        or _undecided_in(db, [_shown_range(db, segment_id)], also)
    ):
        raise InputError("workshop.piece_not_ready")
    text = _pseudonymise_range(db, seg["document_id"], seg["start_char"], seg["end_char"]).text
    return {
        "segment_id": segment_id,
        "text": text,
        "group": group,
        "choice": _choice(db, segment_id, group),
    }


def surroundings(project: Project, segment_id: int) -> dict[str, str]:
    """The sentence before and after an assigned fragment, pseudonymised ('' at an edge)."""
    project.require("workshop")
    db = project.db
    fragment(project, segment_id)  # checks the assignment and pseudonymisation
    document_id, _, sides = _around(db, segment_id)
    return {
        side: _pseudonymise_range(db, document_id, *span).text if span else ""
        for side, span in sides.items()
    }


def set_workshop_codes(project: Project, codes: list[str]) -> None:
    """Which codes the groups choose from (code slugs, in the order shown)."""
    project.require("workshop.manage")
    for slug in codes:
        codings.code_id(project, slug)  # refuses unknown codes
    set_setting(project.db, CODES_SETTING, list(codes), actor=project.user)


def _offered(db: Database) -> list[tuple[str, str, str | None, str | None]]:
    """(slug, name, brief, examples) of the codes a group may choose, in the order shown: the
    researcher's choice, or the active top-level codes when she chose none. A chosen code
    merged away or switched off since is left out (it can no longer be recorded)."""
    chosen = get_setting(db, CODES_SETTING) or []
    if not chosen:
        return db.execute(
            "SELECT slug, name, brief, examples FROM codes WHERE parent_id IS NULL AND active = 1 "
            "ORDER BY codebook_id, position, id"
        ).fetchall()
    rows = [
        db.execute(
            "SELECT slug, name, brief, examples FROM codes WHERE slug = ? AND active = 1", [slug]
        ).fetchone()
        for slug in chosen
    ]
    return [r for r in rows if r is not None]


def offered_codes(project: Project) -> list[str]:
    """The slugs of the codes a group may choose now (what :func:`record_choice` accepts),
    without reading their texts for names as :func:`workshop_codes` does."""
    project.require("workshop")
    return [row[0] for row in _offered(project.db)]


def workshop_codes(project: Project) -> list[dict[str, Any]]:
    """The cards: each code's Dutch name, brief and one example quote from the codebook.

    Defaults to the active top-level codes when the researcher chose none. A chosen code
    merged away or switched off since is left out (it can no longer be recorded).
    """
    project.require("workshop")
    db = project.db
    cards = []
    for slug, name, brief, examples in _offered(db):
        quotes = json.loads(examples or "[]")
        cards.append(
            {
                "code": slug,
                "name": name,
                "brief": brief or "",
                "example": quotes[0] if quotes else "",
            }
        )
    # an example quote taken from the data could hold a name, and so can the name or brief a
    # researcher wrote: the key replaces names in all three. A possible name nobody decided
    # on (written only in the codebook, or still waiting on the Privacy page) is not shown:
    # the brief or example holding one stays empty, and in a code's name it reads "…". The
    # heuristics read the sentences only: to them a text of one capitalised word reads as a
    # name ("Verlieservaring"), as a document name does.
    fields = ("name", "brief", "example")
    undecided = _undecided_pattern(db, [c[f] for c in cards for f in ("brief", "example")])
    for card in cards:
        for f in fields:
            found = _name_matches(card[f], undecided)
            if found:
                card[f] = _masked(card[f], found) if f == "name" else ""
    texts = iter(_replace_names(db, [c[f] for c in cards for f in fields]))
    for card in cards:
        card.update((f, next(texts)) for f in fields)
    return cards


def _masked(text: str, found: list[re.Match[str]]) -> str:
    """``text`` with each of these matches (names) replaced by "…"."""
    parts, pos = [], 0
    for match in found:
        parts += [text[pos : match.start()], "…"]
        pos = match.end()
    return "".join(parts) + text[pos:]


def record_choice(project: Project, segment_id: int, code: str | None) -> int | None:
    """Record the group's code for this fragment (replacing its earlier choice), or clear it.

    Stored as a human, accepted coding by the group coder; the event names the person.
    """
    project.require("workshop")
    db = project.db
    group = _assignment(db, segment_id, project.user)
    if code is not None and code not in {c["code"] for c in workshop_codes(project)}:
        raise InputError("workshop.code_not_offered", code=code)
    as_group = project.as_user(group)  # the coding is the group's, the event the person's
    with transaction(db):
        before = _choice(db, segment_id, group)
        for (old,) in db.execute(
            "SELECT id FROM codings WHERE segment_id = ? AND coder = ?", [segment_id, group]
        ).fetchall():
            try:
                codings.remove_coding(as_group, old)
            except InputError as refused:
                # the researcher made a life event of it: that refusal names the event in
                # the researcher's words (a label may hold a name), not for a resident
                if refused.key != "codings.last_mention":
                    raise
                raise InputError("workshop.choice_in_use") from None
        new_id = None
        if code is not None:
            new_id = codings.add_coding(as_group, coder=group, code=code, segment_id=segment_id)
        record_event(
            db,
            project.user,
            events.WORKSHOP_CHOICE(
                segment_id, {"code": before, "group": group}, {"code": code, "group": group}
            ),
        )
    return new_id


def segments_for_assignment(project: Project, document_id: int) -> list[dict[str, Any]]:
    """A document's spoken segments (no header lines) as the co-researcher would see them, to
    pick from; ``speaker_role`` is None in a document without speaker labels."""
    project.require("workshop.manage")
    db = project.db
    rows = db.execute(
        f"SELECT s.id, s.position, s.start_char, s.end_char, p.role {_WITH_SPEAKER} "
        f"WHERE s.document_id = ? AND {_SPOKEN} ORDER BY s.position",
        [document_id],
    ).fetchall()
    whole = _pseudonymise_range(db, document_id, 0, 2**62)
    return [
        {
            "segment_id": sid,
            "position": pos,
            "speaker_role": role,
            "text": whole.text[slice(*whole.map_span(start, end))],
        }
        for sid, pos, start, end, role in rows
    ]
