"""The workbench's proposals: events, re-mentions and links, each with its evidence.

Nothing here is decided for the researcher: every row starts ``suggested`` and is confirmed
or rejected like a code suggestion. Rules, per respondent, over accepted codings:

- **Mentions and events.** All coders' codings of one span and code are one mention. A loss
  mention joins an event of the same kind when it carries the same year or age, or shares a
  person or place (a name, or a word such as *moeder*, *huis*, *baan*), or when it has no
  time and is the only such event (else the one told last before it) unless it names
  someone the event does not. A headline ``verlies`` joins one of its sub-kinds only when
  it names the same person or place.
  Otherwise it is a new event, with the time the coder marked (or none).
- **Loss -> loss links.** A Dutch causal or temporal connective in the mention's sentence or
  the one before (``daardoor``, ``sindsdien``, ``toen ... moest ik``, ``na de dood van``,
  ...) with another loss told just before (the connective speaks for its own sentence, and
  for the next only when its own tells no new loss; a re-mention is never an effect); the
  coders' ``verliescascade`` code over losses
  told in the turns before it; or two losses at most ``NEAR_YEARS`` apart in life time.
  Never from a later loss to an earlier one when both have a time.
- **Loss -> reaction links.** A reaction with a time follows the latest loss at or before
  it in life time; one without a time follows the loss told last before it in the same or
  the previous turn (weaker evidence). Reactions of one kind after one loss are one event.

A mention that has any row (proposed, confirmed or rejected) is never proposed again, nor is
a pair of events that already has a link either way. The evidence of each proposal is stored
as reasons without a language (:mod:`workbench.life_events.evidence`).
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from workbench import events as log
from workbench.handle import Project
from workbench.life_events.events import CASCADE_CODE, Kinds, _kinds
from workbench.life_events.evidence import Reason, dumps, life_time, reason
from workbench.life_events.timing import _given_birth_years, birth_year, life_key
from workbench.store import now, record_event, row, transaction, unused_id

NEAR_YEARS = 2  # losses at most this far apart in life time are proposed as linked
CASCADE_TURNS = 4  # a verliescascade coding covers losses told this many turns before it
CONNECTIVE_REACH = 8  # segments back to look for the cause of a connective
REACTION_TURNS = (
    2  # an untimed reaction follows a loss told in its turn or the respondent turn before
)

# Causal and temporal connectives: the cause is told before the effect.
CONNECTIVES: tuple[tuple[str, str], ...] = (
    ("daardoor", r"\bdaardoor\b"),
    ("waardoor", r"\bwaardoor\b"),
    ("daarom", r"\bdaarom\b"),
    ("sindsdien", r"\bsindsdien\b"),
    ("sinds", r"\bsinds (?:de|het|hij|zij|ze|mijn)\b"),
    ("na de dood van", r"\bna (?:de dood|het overlijden) van\b"),
    ("na", r"\bna (?:de|het) (?:scheiding|ontslag|verhuizing|diagnose|val|reorganisatie)\b"),
    ("toen ... moest", r"\btoen\b[^.?!]{0,60}\bmoest(?:en)?\b"),
    ("gevolg", r"\b(?:gevolg|tot gevolg)\b"),
    ("kwam door", r"\bkwam (?:door|doordat)\b"),
    ("doordat", r"\bdoordat\b"),
    ("vanwege", r"\bvanwege\b"),
    ("binnen ... stond ik", r"\bbinnen (?:een|twee|drie|vier|zes) (?:weken|maanden|jaar)\b"),
)
_CONNECTIVE_RE = re.compile(
    "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(CONNECTIVES)), re.IGNORECASE
)

# Words that name a person or place a loss is about (besides names); pronouns are left out.
ANCHOR_WORDS = frozenset(
    """
man vrouw echtgenoot echtgenote partner vriend vriendin ex moeder vader mam pap ouders oma opa
zoon dochter kind kinderen broer zus kleinzoon kleindochter schoonmoeder schoonvader hond kat
huis woning flat huurhuis tuin buurt dorp land baan werk contract bedrijf zaak winkel
vereniging koor club kerk moskee diploma rijbewijs auto gezondheid heup hart benen ogen
""".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def connective_in(text: str) -> str | None:
    """The first connective in ``text`` (its name), or None (one pass over the text)."""
    found = _CONNECTIVE_RE.search(text)
    return CONNECTIVES[int(found.lastgroup[1:])][0] if found else None


def anchors(text: str) -> set[str]:
    """Who or what a mention is about: names (capitalised, not first in a sentence) and
    words from ``ANCHOR_WORDS``, lower-cased."""
    found = set()
    for sentence in re.split(r"(?<=[.?!:])\s+", text):
        words = _WORD.findall(sentence)
        for i, word in enumerate(words):
            low = word.lower()
            if low in ANCHOR_WORDS or (
                i > 0 and word[0].isupper() and len(word) > 2 and not word.isupper()
            ):
                found.add(low)
    return found


@dataclasses.dataclass
class Mention:
    """All coders' codings of one span with one code."""

    codings: list[int]
    covered: set[int]  # codings that already have a row in life_event_codings
    document_id: int
    code: str
    start: int
    end: int
    segment: int
    turn: int
    text: str
    year: int | None
    age: int | None
    key: float | None = None
    event: int | None = None  # the event it belongs to (existing or proposed here)
    coders: list[str] = dataclasses.field(default_factory=list)

    @property
    def told(self) -> tuple[int, int]:
        return (self.document_id, self.start)


@dataclasses.dataclass
class Event:
    id: int
    kind: str
    role: str
    key: float | None
    told: tuple[int, int]
    words: set[str]
    year: int | None = None
    age: int | None = None


def propose(project: Project, *, document_id: int | None = None) -> dict[str, int]:
    """Make proposals for every respondent (or the one of ``document_id``); one transaction.

    Returns how many events, mentions and links were proposed.
    """
    project.require("code")
    db, actor = project.db, project.user
    counts = {"events": 0, "mentions": 0, "links": 0}
    with transaction(db):
        _run(db, _Writer(db, actor, counts), document_id)
        if any(counts.values()):
            record_event(db, actor, log.LIFE_EVENT_PROPOSE(None, None, counts))
    return counts


@dataclasses.dataclass
class Plan:
    """What :func:`propose` would write, kept in memory (ids are negative): the overviews
    show it as proposals for codings that belong to no event yet, without writing."""

    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    mentions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    links: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def plan(project: Project, *, document_id: int | None = None) -> Plan:
    """The proposals :func:`propose` would make now, without writing anything."""
    project.require("read")
    sink = _Planner()
    _run(project.db, sink, document_id)
    return sink.plan


def _run(db: Database, sink: _Sink, document_id: int | None) -> None:
    """Shared by :func:`propose` (``code``) and :func:`plan` (``read``): both have checked."""
    the = _kinds(db)
    mentions = _mentions(db, the, document_id)
    born_given = _given_birth_years(db)
    wanted = {
        (m.document_id, m.segment + step)
        for ms in mentions.values()
        for m in ms
        if the.role(m.code) == "loss"
        for step in (-1, 0)
    }
    texts = _segment_texts(db, wanted)
    documents: dict[str, set[int]] = {}
    for doc, who in db.execute(
        "SELECT d.id, coalesce(r.code, d.name) FROM documents d "
        "LEFT JOIN respondents r ON r.id = d.respondent_id"
    ):
        documents.setdefault(who, set()).add(doc)
    for respondent, found in mentions.items():
        sink.respondent = respondent
        _propose_for(
            db,
            the,
            found,
            sink,
            texts,
            born_given.get(respondent),
            documents.get(respondent, {found[0].document_id}),
        )


class _Sink:
    """Where proposals go: the database (:class:`_Writer`) or memory (:class:`_Planner`)."""

    respondent: str = ""

    def _add(self, table: str, record: dict[str, Any], evidence: Sequence[Reason]) -> int:
        raise NotImplementedError

    def event(self, mention: Mention, role: str, kind: str, evidence: Sequence[Reason]) -> int:
        return self._add(
            "life_events",
            {
                "document_id": mention.document_id,
                "kind": kind,
                "role": role,
                "label": None,
                "life_year": mention.year,
                "life_age": mention.age,
                "relation": None,
                "relative_to": None,
                "certainty": "sure",
            },
            evidence,
        )

    def mention(self, event_id: int, mention: Mention, evidence: Sequence[Reason]) -> None:
        for coding, coder in zip(mention.codings, mention.coders):
            if coding in mention.covered:
                continue
            self._add(
                "life_event_codings",
                {"event_id": event_id, "coding_id": coding, "_mention": mention, "_coder": coder},
                evidence,
            )
        mention.covered.update(mention.codings)
        mention.event = event_id

    def link(self, cause: int, effect: int, score: float, evidence: Sequence[Reason]) -> None:
        self._add(
            "life_event_links",
            {"cause_id": cause, "effect_id": effect, "score": round(score, 2)},
            evidence,
        )


class _Writer(_Sink):
    """Inserts proposals (status suggested, origin machine) and logs each row."""

    def __init__(self, db: Database, actor: str, counts: dict[str, int]) -> None:
        self.db, self.actor, self.counts = db, actor, counts

    def _add(self, table: str, record: dict[str, Any], evidence: Sequence[Reason]) -> int:
        record = {k: v for k, v in record.items() if not k.startswith("_")}
        self.counts[_COUNTED[table]] += 1
        stamp = now()
        record = {
            **record,
            "origin": "machine",
            "status": "suggested",
            "evidence": dumps(evidence),
            "created_by": self.actor,
            "created_at": stamp,
            "updated_at": stamp,
        }
        record["id"] = unused_id(self.db, table)  # never a removed row's id
        new_id = int(self.db[table].insert(record).last_pk)
        record_event(
            self.db, self.actor, _PROPOSED[table](new_id, None, row(self.db, table, new_id))
        )
        return new_id


_PROPOSED = {
    "life_events": log.LIFE_EVENT_PROPOSE_EVENTS,
    "life_event_codings": log.LIFE_EVENT_PROPOSE_CODINGS,
    "life_event_links": log.LIFE_EVENT_PROPOSE_LINKS,
}
_COUNTED = {"life_events": "events", "life_event_codings": "mentions", "life_event_links": "links"}


class _Planner(_Sink):
    """Collects proposals as plain rows with negative ids (nothing is written)."""

    def __init__(self) -> None:
        self.plan = Plan()
        self.next_id = -1

    def _add(self, table: str, record: dict[str, Any], evidence: Sequence[Reason]) -> int:
        new_id, self.next_id = self.next_id, self.next_id - 1
        why = dumps(evidence)  # as a stored row keeps it: put into words when shown
        if table == "life_events":
            self.plan.events.append(
                {
                    **record,
                    "event": new_id,
                    "respondent": self.respondent,
                    "origin": "machine",
                    "status": "suggested",
                    "evidence": why,
                }
            )
        elif table == "life_event_links":
            self.plan.links.append(
                {
                    "link": new_id,
                    "respondent": self.respondent,
                    "cause": record["cause_id"],
                    "effect": record["effect_id"],
                    "origin": "machine",
                    "status": "suggested",
                    "score": record["score"],
                    "evidence": why,
                }
            )
        else:
            m = record["_mention"]
            self.plan.mentions.append(
                {
                    "mention": new_id,
                    "event": record["event_id"],
                    "coding": record["coding_id"],
                    "origin": "machine",
                    "status": "suggested",
                    "evidence": why,
                    "document_id": m.document_id,
                    "start_char": m.start,
                    "end_char": m.end,
                    "code": m.code,
                    "coder": record["_coder"],
                    "coding_status": "accepted",
                    "life_year": m.year,
                    "life_age": m.age,
                    "text": m.text,
                    "segment": m.segment,
                }
            )
        return new_id


def _mentions(db: Database, the: Kinds, document_id: int | None) -> dict[str, list[Mention]]:
    """Accepted codings of losses, reactions and the cascade code, as mentions per respondent,
    in telling order (documents in import order, then position)."""
    wanted = json.dumps([*the.losses, *the.reactions, CASCADE_CODE])
    scope, params = "1 = 1", [wanted]
    if document_id is not None:
        scope = (
            "coalesce(r.code, d.name) = (SELECT coalesce(r2.code, d2.name) FROM documents "
            "d2 LEFT JOIN respondents r2 ON r2.id = d2.respondent_id WHERE d2.id = ?)"
        )
        params.append(document_id)
    rows = db.execute(
        f"""
        SELECT coalesce(r.code, d.name), c.id, c.document_id, k.slug, c.start_char,
               c.end_char, coalesce(s.position, -1), coalesce(t.position, -1), c.text,
               c.life_year, c.life_age, c.coder,
               EXISTS (SELECT 1 FROM life_event_codings m WHERE m.coding_id = c.id)
        FROM codings c JOIN codes k ON k.id = c.code_id JOIN documents d ON d.id = c.document_id
        LEFT JOIN respondents r ON r.id = d.respondent_id
        LEFT JOIN segments s ON s.id = coalesce(c.segment_id, (SELECT s2.id FROM segments s2
            WHERE s2.document_id = c.document_id AND s2.end_char > c.start_char
            ORDER BY s2.end_char LIMIT 1))
        LEFT JOIN turns t ON t.id = s.turn_id
        WHERE c.status = 'accepted' AND k.slug IN (SELECT value FROM json_each(?)) AND {scope}
        ORDER BY d.id, c.start_char, c.end_char, k.slug, c.id
        """,
        params,
    ).fetchall()
    out: dict[str, list[Mention]] = {}
    units: dict[tuple, Mention] = {}
    for resp, coding, doc, code, start, end, seg, turn, text, year, age, coder, covered in rows:
        unit = units.get((doc, code, start, end))
        if unit is None:
            unit = units[(doc, code, start, end)] = Mention(
                [], set(), doc, code, start, end, seg, turn, text, year, age
            )
            out.setdefault(resp, []).append(unit)
        unit.codings.append(coding)
        unit.coders.append(coder)
        if covered:
            unit.covered.add(coding)
        if unit.year is None and unit.age is None:
            unit.year, unit.age = year, age
    return out


def _segment_texts(
    db: Database, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, str]]:
    """(document, segment position) -> (turn position, text), for the wanted places only."""
    return {
        (doc, position): (turn, text)
        for doc, position, turn, text in db.execute(
            "SELECT s.document_id, s.position, t.position, s.text FROM json_each(?) j "
            "JOIN segments s ON s.document_id = j.value ->> '$[0]' "
            "AND s.position = j.value ->> '$[1]' JOIN turns t ON t.id = s.turn_id",
            [json.dumps(sorted(wanted))],
        )
    }


def _existing(
    db: Database, documents: set[int]
) -> tuple[list[Event], dict[int, int], set[frozenset[int]]]:
    """Non-rejected events of these documents' respondent, coding -> event, linked pairs."""
    ids = json.dumps(sorted(documents))
    events, by_coding = [], {}
    rows = db.execute(
        "SELECT e.id, e.kind, e.role, e.life_year, e.life_age, e.label, "
        "min(c.document_id), min(c.start_char), group_concat(c.text, ' ') "
        "FROM life_events e LEFT JOIN life_event_codings m ON m.event_id = e.id "
        "AND m.status != 'rejected' LEFT JOIN codings c ON c.id = m.coding_id "
        "WHERE e.status != 'rejected' AND e.document_id IN (SELECT value FROM json_each(?)) "
        "GROUP BY e.id ORDER BY e.id",
        [ids],
    ).fetchall()
    for eid, kind, role, year, age, label, doc, start, text in rows:
        events.append(
            Event(
                eid,
                kind,
                role,
                None,
                (doc or 0, start or 0),
                anchors(f"{label or ''}. {text or ''}"),
                year,
                age,
            )
        )
    for coding, event in db.execute(
        "SELECT m.coding_id, m.event_id FROM life_event_codings m JOIN life_events e "
        "ON e.id = m.event_id WHERE m.status != 'rejected' AND e.status != 'rejected' "
        "AND e.document_id IN (SELECT value FROM json_each(?))",
        [ids],
    ):
        by_coding[coding] = event
    pairs = {
        frozenset(p)
        for p in db.execute(
            "SELECT l.cause_id, l.effect_id FROM life_event_links l JOIN life_events e "
            "ON e.id = l.cause_id WHERE e.document_id IN (SELECT value FROM json_each(?))",
            [ids],
        )
    }
    return events, by_coding, pairs


def _propose_for(
    db: Database,
    the: Kinds,
    mentions: list[Mention],
    writer: _Sink,
    texts: dict[tuple[int, int], tuple[int, str]],
    born_given: float | None,
    documents: set[int],
) -> None:
    events, by_coding, linked = _existing(db, documents)
    pairs = [(m.year, m.age) for m in mentions] + [(e.year, e.age) for e in events]
    born = birth_year(pairs, born_given)
    ages_only = born is None and not any(y is not None for y, _ in pairs)
    for m in mentions:
        m.key = life_key(m.year, m.age, born, ages_only)
        m.event = next((by_coding[c] for c in m.codings if c in by_coding), None)
    for e in events:
        e.key = life_key(e.year, e.age, born, ages_only)
    index = {e.id: e for e in events}

    losses = [m for m in mentions if the.role(m.code) == "loss"]
    for m in losses:
        if m.covered == set(m.codings):
            continue
        if m.event is not None:  # a second coder's coding of a mention already placed
            writer.mention(m.event, m, [reason("same_mention")])
            continue
        target, evidence = _same_event(the, m, [e for e in events if e.role == "loss"])
        if target is None:
            new = writer.event(m, "loss", m.code, [reason("new_loss", text=_short(m.text))])
            event = Event(new, m.code, "loss", m.key, m.told, anchors(m.text), m.year, m.age)
            events.append(event)
            index[new] = event
            writer.mention(new, m, [reason("first_mention")])
        else:
            writer.mention(target.id, m, evidence)
            target.words |= anchors(m.text)

    placed = [m for m in losses if m.event is not None]
    for cause, effect, score, evidence in _loss_links(the, mentions, placed, index, texts):
        if frozenset((cause, effect)) not in linked:
            linked.add(frozenset((cause, effect)))
            writer.link(cause, effect, score, evidence)

    follow = _Follows(placed, index)
    for m in mentions:
        if the.role(m.code) != "reaction" or m.covered == set(m.codings):
            continue
        if m.event is not None:
            writer.mention(m.event, m, [reason("same_mention")])
            continue
        follows = follow.loss(m)
        if follows is None:
            continue
        loss, score, evidence = follows
        kind = m.code
        linked_here = [
            e
            for e in events
            if e.role == "reaction" and e.kind == kind and frozenset((loss.id, e.id)) in linked
        ]
        if linked_here:
            writer.mention(linked_here[0].id, m, evidence)
            continue
        new = writer.event(m, "reaction", kind, evidence)
        event = Event(new, kind, "reaction", m.key, m.told, set(), m.year, m.age)
        events.append(event)
        index[new] = event
        writer.mention(new, m, evidence)
        linked.add(frozenset((loss.id, new)))
        writer.link(loss.id, new, score, evidence)


def _short(text: str, size: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def _same_event(the: Kinds, m: Mention, events: list[Event]) -> tuple[Event | None, list[Reason]]:
    """The event this loss mention re-mentions, with why; (None, []) for a new event."""
    same = [e for e in events if the.same_kind(m.code, e.kind)]
    if m.code not in {e.kind for e in same}:
        # a headline "verlies" joins a specific loss only when it names the same person or place
        words = anchors(m.text)
        same = [e for e in same if words & e.words]
        if same:
            word = sorted(words & same[0].words)[0]
            return same[0], [reason("general_loss", word=word)]
    if not same:
        return None, []
    if m.key is not None:
        at = [e for e in same if e.key == m.key]
        if at:
            return at[0], [
                reason("same_kind_same_time", kind=at[0].kind, when=life_time(m.year, m.age))
            ]
        return None, []
    words = anchors(m.text)
    sharing = [e for e in same if words & e.words]
    if sharing:
        word = sorted(words & sharing[0].words)[0]
        return sharing[0], [reason("same_kind_same_word", kind=sharing[0].kind, word=word)]
    if words and all(e.words and not words & e.words for e in same):
        return None, []
    if len(same) == 1:
        return same[0], [reason("same_kind_only", kind=same[0].kind)]
    before = [e for e in same if e.told < m.told]
    if before:
        last = max(before, key=lambda e: e.told)
        return last, [reason("same_kind_before", kind=last.kind)]
    return None, []


def _segment_window(
    texts: dict[tuple[int, int], tuple[int, str]], document: int, segment: int
) -> str:
    """The mention's sentence and the one before it in the same turn."""
    own = texts.get((document, segment))
    if own is None:
        return ""
    before = texts.get((document, segment - 1))
    before_text = before[1] if before and before[0] == own[0] else ""
    return f"{before_text} {own[1]}".strip()


# Connectives that name their cause inside their own sentence ("na de dood van mijn man"):
# a loss of that kind in the same sentence is the cause the connective names, not its effect.
NAMED_CAUSE = {"na de dood van": "dierbare"}


def _first_mentions(placed: list[Mention]) -> list[Mention]:
    """The mentions that first tell their event (stored mentions included); a later one is
    a re-mention of something already told, so no connective can make it a new effect."""
    first: dict[int, tuple[int, int]] = {}
    for m in placed:
        first[m.event] = min(m.told, first.get(m.event, m.told))
    return [m for m in placed if m.told == first[m.event]]


def _names_itself(word: str, m: Mention, index: dict[int, Event]) -> bool:
    """Whether the connective ``word`` names ``m``'s own loss as its cause."""
    named = NAMED_CAUSE.get(word)
    return named is not None and index[m.event].kind.endswith(named)


def _connective_of(
    m: Mention,
    texts: dict[tuple[int, int], tuple[int, str]],
    effects: dict[tuple[int, int], list[Mention]],
    index: dict[int, Event],
) -> str | None:
    """The connective that says ``m`` was caused by what came before, or None.

    A connective speaks for the sentence it stands in; only when that sentence tells no new
    loss of its own does it speak for the sentence right after it (same turn).
    """
    own = texts.get((m.document_id, m.segment))
    if own is None:
        return None
    word = connective_in(own[1])
    if word is not None and not _names_itself(word, m, index):
        return word
    before = texts.get((m.document_id, m.segment - 1))
    if before is None or before[0] != own[0]:
        return None
    word = connective_in(before[1])
    if word is None:
        return None
    there = effects.get((m.document_id, m.segment - 1), [])
    return None if any(not _names_itself(word, o, index) for o in there) else word


def _connective_links(
    placed: list[Mention],
    index: dict[int, Event],
    texts: dict[tuple[int, int], tuple[int, str]],
):
    """(cause, effect, evidence) for loss mentions a connective makes the effect of the loss
    told just before; re-mentions are never an effect (the event was told already)."""
    fresh = _first_mentions(placed)
    effects: dict[tuple[int, int], list[Mention]] = {}
    for m in fresh:
        effects.setdefault((m.document_id, m.segment), []).append(m)
    told = _Told(placed)
    for m in fresh:
        word = _connective_of(m, texts, effects, index)
        if word is None:
            continue
        before = [
            p
            for p in told.before(m, inclusive=False)
            if p.segment >= m.segment - CONNECTIVE_REACH
            and p.event != m.event
            and p.segment <= m.segment
        ]
        if word in NAMED_CAUSE:
            named = NAMED_CAUSE[word]
            before = [p for p in before if index[p.event].kind.endswith(named)] or before
        if before:
            window = _segment_window(texts, m.document_id, m.segment)
            yield (
                before[0].event,
                m.event,
                reason("connective", word=word, text=_short(window, 120)),
            )


class _Told:
    """Placed loss mentions per document in telling order, for "told just before" lookups."""

    def __init__(self, placed: list[Mention]) -> None:
        self.by_doc: dict[int, list[Mention]] = {}
        for m in sorted(placed, key=lambda p: p.told):
            self.by_doc.setdefault(m.document_id, []).append(m)
        self.starts = {d: [m.start for m in ms] for d, ms in self.by_doc.items()}

    def before(self, m: Mention, *, inclusive: bool) -> list[Mention]:
        """Mentions in m's document told before it (or at its place), latest first."""
        found = self.by_doc.get(m.document_id, [])
        cut = (bisect.bisect_right if inclusive else bisect.bisect_left)(
            self.starts.get(m.document_id, []), m.start
        )
        return found[:cut][::-1]


def _loss_links(
    the: Kinds,
    mentions: list[Mention],
    placed: list[Mention],
    index: dict[int, Event],
    texts: dict[tuple[int, int], tuple[int, str]],
):
    """(cause, effect, score, evidence) for each proposed loss -> loss link."""
    found: dict[tuple[int, int], tuple[float, list[Reason]]] = {}

    def add(cause: int, effect: int, score: float, why: Reason) -> None:
        a, b = index[cause], index[effect]
        if cause == effect or (a.key is not None and b.key is not None and a.key > b.key):
            return
        old = found.get((cause, effect), (0.0, []))
        if why not in old[1]:
            found[(cause, effect)] = (max(old[0], score), [*old[1], why])

    # 1. a connective in the effect's sentence (or the one before), cause told just before
    for cause, effect, why in _connective_links(placed, index, texts):
        add(cause, effect, 0.8, why)

    # 2. the coders' verliescascade code over the losses told in the turns before it
    ordered = sorted({p.event for p in placed}, key=lambda e: _order_key(index[e]))
    for c in (m for m in mentions if m.code == CASCADE_CODE):
        told = {
            p.event
            for p in placed
            if p.document_id == c.document_id and c.turn - CASCADE_TURNS <= p.turn <= c.turn
        }
        chain = [e for e in ordered if e in told]
        for a, b in zip(chain, chain[1:]):
            add(a, b, 0.7, reason("cascade_code", code=CASCADE_CODE, text=_short(c.text)))

    # 3. life time: consecutive losses at most NEAR_YEARS apart
    timed = [e for e in ordered if index[e].key is not None]
    for a, b in zip(timed, timed[1:]):
        gap = index[b].key - index[a].key
        if gap == 0 and index[a].told == index[b].told:
            continue  # one sentence, one time: which came first is not in the text
        if gap <= NEAR_YEARS:
            add(a, b, 0.4, reason("near_in_time", first=_when(index[a]), then=_when(index[b])))
    for (cause, effect), (score, why) in sorted(
        found.items(), key=lambda kv: _order_key(index[kv[0][0]])
    ):
        yield cause, effect, score, why


def _when(event: Event) -> Reason:
    return life_time(event.year, event.age)


def _order_key(event: Event) -> tuple:
    return (event.key is None, event.key or 0.0, event.told, event.kind)


class _Follows:
    """Which loss a reaction follows, looked up by binary search (not a scan per reaction)."""

    def __init__(self, placed: list[Mention], index: dict[int, Event]) -> None:
        timed = sorted(
            {p.event for p in placed if index[p.event].key is not None},
            key=lambda e: _order_key(index[e]),
        )
        self.timed = [index[e] for e in timed]
        self.keys = [e.key for e in self.timed]
        self.told = _Told(placed)
        self.index = index

    def loss(self, m: Mention) -> tuple[Event, float, list[Reason]] | None:
        """By life time when the reaction has one, else the loss told last before it in its
        own or the previous respondent turn."""
        if m.key is not None:
            at = bisect.bisect_right(self.keys, m.key)
            if at == 0:
                return None
            loss = self.timed[at - 1]
            return (
                loss,
                0.6,
                [
                    reason(
                        "reaction_after",
                        code=m.code,
                        when=life_time(m.year, m.age),
                        kind=loss.kind,
                        loss_when=_when(loss),
                    )
                ],
            )
        for p in self.told.before(m, inclusive=True):
            if p.turn < m.turn - REACTION_TURNS:
                return None
            if p.turn <= m.turn:
                return (
                    self.index[p.event],
                    0.3,
                    [reason("told_after", text=_short(p.text))],
                )
        return None
