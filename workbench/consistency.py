"""Consistency review: agreement between coders on a project, double coding, consensus.

What a *unit* is must be explicit (issue 7): a segment, a turn or a whole document. Per code,
each coder's judgement of a unit is presence (the coder put that code on a span that overlaps
the unit by at least one character) or absence. Uncoded text is not counted character by
character, the mistake that makes per-character kappa meaningless.

Scope (issue 13). A coder's silence on a unit counts as "code absent" only when the coder
has seen the unit: its document is in a double-coding sample assigned to the coder (a segment
sample: those segments, and turns or documents all of whose segments it holds), the coder
marked the document done (:mod:`workbench.done_marks`), or the coder applied a code in it
outside the sentences a segment sample gave them. Only units every chosen coder has seen
are compared, and every report says how many of how many, and why the others were not
(``scope``).
``all_documents=True`` counts every document as seen by every chosen coder. A double-coding
sample narrows the scope to its units.

Speakers. Agreement and samples cover what analysis sees: the project setting
``analysis_speakers`` (respondent turns by default), applied in one place,
:func:`workbench.ingest.speakers.analysis_segment_ids`. Under that rule the units of other
speakers (the interviewer's questions) are no units, and a coding that touches no analysed
text is no judgement; both coders leaving a question empty would otherwise count as
agreement. ``all_speakers=True`` counts every speaker, and every report says which
(``scope["speakers"]``, ``scope["other_speakers"]``, of which ``scope["header_lines"]`` are
header lines: a title, a details block, no one's words). Unitized alpha always reads whole
documents, every speaker.

Interval. The bootstrap resamples what was judged independently: by default units joined by
one coding are drawn together (``resample="codings"``), or whole documents.

Coders. A human coder's codings are their accepted codings (own codings, and machine
suggestions they accepted). The model is an extra coder named ``model``: every machine
suggestion, whatever its status, as proposed. ``consensus`` (a system user the store creates)
holds the resolutions and, like workshop groups, is never a default coder
(:func:`default_coders`). Coder names are personal data: the public readers of them need
``consistency.review``, like the page and the command that show them.

Blind double coding. :func:`visible_codings` is what the coding pages call to show a document:
while ``blind_coding`` is on and a coder is assigned to an open sample, that coder does not
see other coders' codings nor pending machine suggestions on the sample's units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlite_utils import Database

from workbench import access, agreement, done_marks, events
from workbench.codebook.editing import note_on_code
from workbench.codings import add_coding, code_id as resolve_code_id, remove_coding
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.i18n import decimal, listing, percent, t
from workbench.resolutions import record_resolution, resolution_on
from workbench.store import (
    SYSTEM_USERS,
    get_setting,
    now,
    record_event,
    row,
    set_setting,
    transaction,
)

if TYPE_CHECKING:  # the suggester loads spaCy and scikit-learn: only when the model is asked
    from workbench.suggest.evaluate import Proposals

UNITS = ("segment", "turn", "document")
MODEL = "model"
CONSENSUS = "consensus"
DECISIONS = ("present", "absent")
RESAMPLE = ("codings", "documents")  # what one bootstrap draw takes (issue 13)
TEXT_PREVIEW = 600  # characters of a unit's text shown in the review


# ---------------------------------------------------------------------------------------------
# Coders and their codings


def _query(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def human_coders(project: Project) -> list[str]:
    """Coders with at least one accepted coding, ``consensus`` left out.

    Selected by name, not by role: coders who never log in (the demo's anna and bram,
    workshop groups) have the role ``system`` but their codings are human judgements.
    The reader needs ``consistency.review`` (these are names of people).
    """
    project.require("consistency.review")
    return _human_coders(project.db)


def _human_coders(db: Database) -> list[str]:
    leave_out = ", ".join("?" * len(SYSTEM_USERS))
    found = db.execute(
        "SELECT DISTINCT coder FROM codings WHERE status = 'accepted' "
        f"AND coder NOT IN ({leave_out}) ORDER BY coder",
        list(SYSTEM_USERS),
    ).fetchall()
    return [r[0] for r in found]


def workshop_groups(project: Project) -> set[str]:
    """Coder names of workshop groups (they record a group's choices on a few fragments).

    The reader needs ``consistency.review``.
    """
    project.require("consistency.review")
    return _workshop_groups(project.db)


def _workshop_groups(db: Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT DISTINCT group_coder FROM workshop_assignments")}


def default_coders(project: Project) -> list[str]:
    """Whom to compare when nobody chose: the researchers.

    Workshop groups coded only the fragments they were given, and system users such as
    ``consensus`` are not coders; counting them in drags the figures down for the wrong
    reason (issue 13). When at least two researchers or supervisors have codings, only they
    are compared; otherwise (e.g. coders imported from another tool, who never log in) every
    human coder that is not a workshop group. Of those, coders who would shrink what the
    others share are left out (:func:`_widest_overlap`). The reader needs
    ``consistency.review``.
    """
    project.require("consistency.review")
    return _default_coders(project.db)


def _default_coders(db: Database) -> list[str]:
    groups = _workshop_groups(db)
    candidates = [c for c in _human_coders(db) if c not in groups]
    roles = dict(db.execute("SELECT name, role FROM users").fetchall())
    researchers = [c for c in candidates if roles.get(c) in ("onderzoeker", "supervisor")]
    return _widest_overlap(db, researchers if len(researchers) >= 2 else candidates)


def _widest_overlap(db: Database, coders: list[str]) -> list[str]:
    """Leave out, one at a time, a coder whose absence lets the others share more documents.

    Only what every chosen coder has seen is compared, so one colleague who coded a single
    new interview shrank the default comparison of two who double-coded ten to that one
    interview (a headline of 0.87 fell to 0.44, on 1 of 11 documents). Two coders stay at
    the least; the page still lets anyone add them back.
    """
    seen = {c: _seen(db, c, "document", _codings_of(db, c)).documents for c in coders}
    chosen = list(coders)

    def shared(group: list[str]) -> int:
        return len(set.intersection(*(seen[c] for c in group))) if group else 0

    while len(chosen) > 2:
        best = max(chosen, key=lambda c: shared([o for o in chosen if o != c]))
        if shared([o for o in chosen if o != best]) <= shared(chosen):
            break
        chosen.remove(best)
    return chosen


def coder_options(project: Project) -> list[str]:
    """Coders one can compare: human coders with codings, plus ``model`` (what the workbench
    proposes, tested out of fold on the documents people worked in) when there are any.
    The reader needs ``consistency.review``."""
    project.require("consistency.review")
    options = _human_coders(project.db)
    return [*options, MODEL] if options else options


def people(project: Project) -> list[str]:
    """Users who can be assigned to a double-coding sample (researchers and supervisors).

    The reader needs ``consistency.review``.
    """
    project.require("consistency.review")
    found = project.db.execute(
        "SELECT name FROM users WHERE role IN ('onderzoeker', 'supervisor') ORDER BY name"
    ).fetchall()
    return [r[0] for r in found]


def _codings_of(db: Database, coder: str) -> list[tuple[int, int, int, int, str]]:
    """A person's judgements: her accepted codings (her own and suggestions she took over)."""
    return db.execute(
        "SELECT document_id, start_char, end_char, code_id, created_at FROM codings "
        "WHERE coder = ? AND status = 'accepted'",
        [coder],
    ).fetchall()


def model_proposals(project: Project) -> Proposals:
    """``model``'s judgements (see :func:`_judgements`), to compute once and pass as
    ``model=`` to several figures: it tests the suggester anew (demo: about 10 s; a project of
    hundreds of coded interviews: minutes). Needs ``consistency.review`` and ``read``."""
    project.require("consistency.review")
    from workbench.suggest.evaluate import proposals  # spaCy and the learner: only when asked

    return proposals(project, nlp=project.nlp)


def _judgements(
    project: Project, coders: Sequence[str], model: Proposals | None = None
) -> tuple[dict[str, list[tuple]], set[int] | None]:
    """Each chosen coder's codings, and the documents ``model`` judged (None without it).

    ``model`` is what the workbench proposes on every sentence of the documents people
    worked in, each judged by a model trained without that document (as ``workbench
    evaluate`` tests it). Until December 8, 2026 it was the stored suggestions, which are
    never made where the coder already gave the code: compared with that coder they could
    not agree (demo, anna against them: alpha about 0 on every code).
    """
    codings = {c: _codings_of(project.db, c) for c in coders if c != MODEL}
    if MODEL not in coders:
        return codings, None
    judged = model if model is not None else model_proposals(project)
    codings[MODEL] = judged.codings
    return {c: codings[c] for c in coders}, judged.documents


def _check_coders(db: Database, coders: Sequence[str] | None) -> list[str]:
    if coders is None:
        coders = _default_coders(db)
    coders = list(dict.fromkeys(c.strip() for c in coders if c and c.strip()))
    for coder in coders:
        if coder != MODEL:
            access.role_of(db, coder)  # NotFound for an unknown name
    if len(coders) < 2:
        raise InputError("agreement.too_few_coders", coders=", ".join(coders) or "-")
    return coders


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise InputError("agreement.bad_unit", unit=unit, expected=", ".join(UNITS))


# ---------------------------------------------------------------------------------------------
# Scope: which units every chosen coder has seen


def _unit_table(unit: str) -> str:
    return {"segment": "segments", "turn": "turns", "document": "documents"}[unit]


def _units_per_document(db: Database, unit: str) -> dict[int, int]:
    """How many units of this kind each document has (a document is one unit of itself)."""
    if unit == "document":
        return {r[0]: 1 for r in db.execute("SELECT id FROM documents")}
    return dict(
        db.execute(
            f"SELECT document_id, count(*) FROM {_unit_table(unit)} GROUP BY document_id"
        ).fetchall()
    )


# ---------------------------------------------------------------------------------------------
# Speakers: what analysis sees


Analysed = dict[int, list[tuple[int, int, int, int]]]  # document id -> (segment, turn, start, end)


def _speakers(db: Database, all_speakers: bool) -> str:
    """``all`` when every speaker counts (asked for, or the project analyses everyone);
    otherwise ``respondent``: what analysis sees."""
    if all_speakers or get_setting(db, "analysis_speakers") == "all":
        return "all"
    return "respondent"


def _analysed(db: Database, documents: Iterable[int] | None = None) -> Analysed:
    """Per document, the segments analysis sees, in document order.

    The rule (respondent turns, and every turn of a document without speakers) is applied
    by :func:`workbench.ingest.speakers.analysis_segment_ids` only; asked when
    :func:`_speakers` is ``respondent``.
    """
    from workbench.ingest.speakers import analysis_segment_ids

    if documents is None:
        documents = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
    spans = {
        r[0]: r[1:]
        for r in db.execute("SELECT id, turn_id, start_char, end_char FROM segments").fetchall()
    }
    return {d: [(s, *spans[s]) for s in analysis_segment_ids(db, d)] for d in documents}


def _analysed_units(unit: str, analysed: Analysed | None) -> dict[int, set[int]] | None:
    """Per document, the ids of the units analysis sees; None when every unit counts (every
    speaker, or whole documents: a document is a unit whoever speaks in it)."""
    if analysed is None or unit == "document":
        return None
    k = 0 if unit == "segment" else 1
    return {d: {seg[k] for seg in segs} for d, segs in analysed.items()}


def _header_units(db: Database, unit: str) -> set[int]:
    """The ids of the units on header lines (a title, a details block): never a unit under
    the respondent rule, counted apart from the other speakers' so the report names them."""
    from workbench.ingest.speakers import header_sql

    if unit == "segment":
        sql = f"SELECT s.id FROM segments s JOIN turns t ON t.id = s.turn_id WHERE {header_sql()}"
    elif unit == "turn":
        sql = f"SELECT t.id FROM turns t WHERE {header_sql()}"
    else:  # a document is a unit whoever speaks in it
        return set()
    return {r[0] for r in db.execute(sql)}


def _only_analysed(
    units: list[dict[str, Any]], keep: dict[int, set[int]] | None
) -> list[dict[str, Any]]:
    if keep is None:
        return units
    return [u for u in units if u["unit_id"] in keep.get(u["document_id"], ())]


def _on_analysed_text(codings: list[tuple], analysed: Analysed) -> list[tuple]:
    """The codings that overlap text analysis sees: a code on the interviewer's question only
    is no judgement on what is analysed (Patronen leaves it out too)."""
    bounds = {
        d: (np.array([s[2] for s in segs]), np.array([s[3] for s in segs]))
        for d, segs in analysed.items()
        if segs
    }
    kept = []
    for coding in codings:
        doc, start, end = coding[0], coding[1], coding[2]
        if doc not in bounds:
            continue
        starts, ends = bounds[doc]
        lo = np.searchsorted(ends, start, side="right")
        if np.searchsorted(starts, end, side="left") > lo:
            kept.append(coding)
    return kept


@dataclass
class Seen:
    """What one coder has seen: whole documents, and single units of segment samples.

    ``because`` counts the whole documents per reason (a document can have several):
    ``sample`` (in a double-coding sample assigned to the coder), ``done`` (marked done),
    ``coded`` (the coder applied a code in it, not only on sentences of a segment sample).
    """

    documents: set[int]
    units: dict[int, set[int]]  # document id -> unit ids (from segment samples)
    because: dict[str, int]
    sampled: set[int] = field(default_factory=set)  # documents of her document samples
    opened: set[int] = field(default_factory=set)  # documents she marked done or coded in


def _seen(
    db: Database, coder: str, unit: str, codings: list[tuple], judged: set[int] | None = None
) -> Seen:
    if coder == MODEL:  # the model judged every sentence of the documents it was tested on
        documents = set(judged or ())
        return Seen(documents, {}, {"sample": 0, "done": 0, "coded": len(documents)})
    sampled = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT su.document_id FROM sample_units su JOIN samples s ON s.id = su.sample_id "
            "JOIN sample_coders sc ON sc.sample_id = s.id WHERE s.unit = 'document' AND sc.coder = ?",
            [coder],
        )
    }
    done = done_marks.done_documents(db, coder)
    given: dict[int, set[int]] = {}  # document id -> segments of segment samples for the coder
    for doc, segment in db.execute(
        "SELECT s.document_id, s.id FROM sample_units su JOIN sample_coders sc "
        "ON sc.sample_id = su.sample_id AND sc.coder = ? JOIN segments s ON s.id = su.segment_id",
        [coder],
    ):
        given.setdefault(doc, set()).add(segment)
    coded = {c[0] for c in codings if c[0] not in given} | (_beyond(db, coder) if given else set())
    units: dict[int, set[int]] = {}
    if unit != "document" and given:
        units = _whole_units(db, unit, given, "all")
    return Seen(
        sampled | done | coded,
        units,
        {"sample": len(sampled), "done": len(done), "coded": len(coded)},
        sampled,
        done | {c[0] for c in codings},
    )


def _beyond(db: Database, coder: str) -> set[int]:
    """The documents in which segment samples gave ``coder`` sentences and one of her
    codings touches text outside those sentences.

    Coding the sentences of a sample shows those sentences were read, not the rest of the
    document: counting the document as seen made the coder's silence on every other sentence
    a judgement "absent" (a coder who matched the other on all 180 sentences given got
    alpha 0.24 on 1,632 sentences). One query for all her codings: segments never overlap
    and none is longer than the longest, so the segments a coding touches end after its
    start and less than that length after its end, a short range of the index on
    (document_id, end_char). One query per coding took 1.6 to 4.9 s for 54,142 codings.
    """
    found = db.execute(
        """
        WITH given AS (
            SELECT su.document_id, su.segment_id FROM sample_units su
            JOIN sample_coders sc ON sc.sample_id = su.sample_id AND sc.coder = ?
            WHERE su.segment_id IS NOT NULL),
        mine AS (
            SELECT document_id, start_char, end_char FROM codings
            WHERE coder = ? AND status = 'accepted'
            AND document_id IN (SELECT document_id FROM given))
        SELECT DISTINCT m.document_id FROM mine m JOIN segments s
            ON s.document_id = m.document_id AND s.end_char > m.start_char
            AND s.end_char < m.end_char + (SELECT max(end_char - start_char) FROM segments)
            AND s.start_char < m.end_char
        WHERE s.id NOT IN (SELECT segment_id FROM given)
        """,
        [coder, coder],
    ).fetchall()
    return {r[0] for r in found}


def _whole_units(
    db: Database, unit: str, segments: dict[int, set[int]], speakers: str
) -> dict[int, set[int]]:
    """Per document, the units of ``unit`` whose segments are all among ``segments``
    (document id -> segment ids, e.g. a segment sample's).

    A sentence sample gives a coder those sentences, not the rest of their turn or document:
    a turn with one sampled sentence counted whole, so codes the other coder put on its
    other sentences became differences. A document's segments are those analysis sees when
    ``speakers`` is ``respondent``.
    """
    if unit == "segment":
        return {d: set(ids) for d, ids in segments.items()}
    docs = sorted(segments)
    if unit == "document" and speakers == "respondent":
        members = [(d, d, seg[0]) for d, segs in _analysed(db, docs).items() for seg in segs]
    else:
        column = "turn_id" if unit == "turn" else "document_id"
        members = db.execute(
            f"SELECT document_id, {column}, id FROM segments "
            f"WHERE document_id IN ({', '.join('?' * len(docs))})",
            docs,
        ).fetchall()
    parts: dict[tuple[int, int], set[int]] = {}
    for doc, unit_id, segment in members:
        parts.setdefault((doc, unit_id), set()).add(segment)
    whole: dict[int, set[int]] = {}
    for (doc, unit_id), ids in parts.items():
        if ids <= segments[doc]:
            whole.setdefault(doc, set()).add(unit_id)
    return whole


def seen_by(project: Project, coder: str) -> Seen:
    """What ``coder`` has read, by the rule of the agreement figures (:func:`_seen`, units
    of segment samples by segment id): where no code from her is a judgement, not a gap. The
    workshop compares a group's answers with a researcher's codes only there."""
    project.require("read")
    codings, judged = _judgements(project, [coder])
    return _seen(project.db, coder, "segment", codings[coder], judged)


def _check_resample(resample: str) -> None:
    if resample not in RESAMPLE:
        raise InputError("agreement.bad_resample", resample=resample, expected=", ".join(RESAMPLE))


# ---------------------------------------------------------------------------------------------
# Units in scope and the presence matrix


@dataclass
class UnitMatrix:
    """Who applied which code to which unit: ``presence[code, unit, coder]`` (1 or 0).

    ``clusters`` labels the units judged together (see :func:`unit_matrix`); ``scope`` says
    how many units were compared out of how many, and why the others were not.
    """

    unit: str
    coders: list[str]
    units: list[dict[str, Any]]  # unit_id, document_id, start_char, end_char
    codes: list[dict[str, Any]]  # id, slug, name (codes used by a chosen coder in scope)
    presence: np.ndarray
    times: dict[int, str]  # document id -> latest coding or done mark of a coder
    clusters: np.ndarray | None = None
    resample: str = "codings"
    scope: dict[str, Any] = field(default_factory=dict)

    def subset(self, idx: list[int]) -> UnitMatrix:
        """The same matrix on some of its units (a drift batch)."""
        return UnitMatrix(
            self.unit,
            self.coders,
            [self.units[i] for i in idx],
            self.codes,
            self.presence[:, idx, :],
            self.times,
            None if self.clusters is None else self.clusters[idx],
            self.resample,
            {**self.scope, "n_units": len(idx)},
        )


def _unit_rows(db: Database, unit: str, document_ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = sorted(set(document_ids))
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    if unit == "document":
        sql = (
            f"SELECT id AS unit_id, id AS document_id, 0 AS start_char, length(text) AS "
            f"end_char FROM documents WHERE id IN ({marks}) ORDER BY id"
        )
    else:
        sql = (
            f"SELECT id AS unit_id, document_id, start_char, end_char FROM "
            f"{_unit_table(unit)} WHERE document_id IN ({marks}) ORDER BY document_id, position"
        )
    return _query(db, sql, ids)


def _sample_filter(
    db: Database, sample_id: int, unit: str, units: list[dict[str, Any]], speakers: str
) -> list[dict[str, Any]]:
    """Keep the units that belong to the sample: of a segment sample, the segments, and the
    turns and documents all of whose segments it holds (see :func:`_whole_units`)."""
    sample = _get_sample(db, sample_id)
    if sample["unit"] == "document":
        return units
    given: dict[int, set[int]] = {}
    for doc, segment in db.execute(
        "SELECT document_id, segment_id FROM sample_units WHERE sample_id = ?", [sample_id]
    ):
        given.setdefault(doc, set()).add(segment)
    keep = _whole_units(db, unit, given, speakers)
    return [u for u in units if u["unit_id"] in keep.get(u["document_id"], ())]


def _in_scope(
    db: Database,
    unit: str,
    coders: list[str],
    codings: dict[str, list[tuple]],
    all_documents: bool,
    sample_id: int | None,
    *,
    speakers: str,
    keep: dict[int, set[int]] | None,
    judged: set[int] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The units every chosen coder has seen, and the account of what was left out.

    A unit counts as seen by a coder when its document is in a double-coding sample
    assigned to the coder (a segment sample: those segments, and turns and documents all of
    whose segments it holds), when the coder marked the document done, or when the coder
    applied a code in it outside those segments. With
    ``all_documents`` every unit counts as seen by everyone. Only the units in ``keep``
    (per document; None: all) are units at all: those of the speakers analysis sees.
    ``judged``: the documents ``model`` was tested on (see :func:`_judgements`).
    """
    every_unit = _units_per_document(db, unit)
    per_doc = every_unit if keep is None else {d: len(ids) for d, ids in keep.items() if ids}
    total = sum(per_doc.values())
    if sample_id is not None:
        documents = {
            r[0]
            for r in db.execute(
                "SELECT DISTINCT document_id FROM sample_units WHERE sample_id = ?", [sample_id]
            )
        }
        listed = _sample_filter(db, sample_id, unit, _unit_rows(db, unit, documents), speakers)
        candidates = _only_analysed(listed, keep)
        in_sample = len(candidates)
        other_speakers = len(listed) - in_sample
        listed_ids = {u["unit_id"] for u in listed}
    else:
        documents, candidates, in_sample = set(per_doc), None, total
        other_speakers = sum(every_unit.values()) - total
        listed_ids = None
    # of the units left out, those on header lines (title, details), named apart
    headers = set() if keep is None else _header_units(db, unit)
    header_lines = len(headers if listed_ids is None else headers & listed_ids)
    scope: dict[str, Any] = {
        "rule": "all_documents" if all_documents else "seen",
        "sample": sample_id,
        "speakers": speakers,
        "other_speakers": other_speakers,  # header lines included
        "header_lines": header_lines,
        "n_units_total": total,
        "n_documents_total": len(per_doc),
        "outside_sample": total - in_sample,
        "not_seen": {},
        "seen_documents": {},
    }
    if all_documents:
        seen = {c: Seen(set(documents), {}, {}) for c in coders}
    else:
        seen = {c: _seen(db, c, unit, codings[c], judged) for c in coders}
        if sample_id is not None:  # the sample's own coders were assigned all its units
            for c in _get_sample(db, sample_id)["coders"]:
                if c in seen:
                    seen[c].documents |= documents
    for c in coders:
        scope["seen_documents"][c] = {"n": len(seen[c].documents & set(per_doc)), **seen[c].because}
    if candidates is None:
        wanted = {
            d
            for d in documents
            if all(d in seen[c].documents or d in seen[c].units for c in coders)
        }
        candidates = _only_analysed(_unit_rows(db, unit, wanted), keep)
    per_candidate_doc: dict[int, int] = {}
    for u in candidates:
        per_candidate_doc[u["document_id"]] = per_candidate_doc.get(u["document_id"], 0) + 1

    def sees(coder: str, u: dict[str, Any]) -> bool:
        s = seen[coder]
        return u["document_id"] in s.documents or u["unit_id"] in s.units.get(u["document_id"], ())

    kept = [u for u in candidates if all(sees(c, u) for c in coders)]
    for c in coders:
        s = seen[c]
        if sample_id is not None:
            missing = sum(1 for u in candidates if not sees(c, u))
        else:
            missing = sum(n for d, n in per_doc.items() if d not in s.documents) - sum(
                len(ids if keep is None else ids & keep.get(d, set()))
                for d, ids in s.units.items()
                if d not in s.documents
            )
        scope["not_seen"][c] = missing
    scope["n_units"] = len(kept)
    scope["n_documents"] = len({u["document_id"] for u in kept})
    scope["n_documents_in_scope"] = len(documents)
    scope["sample_not_opened"] = _sample_not_opened(seen, {u["document_id"] for u in kept})
    scope["sample_units_not_opened"] = _sample_units_not_opened(seen, kept)
    return kept, scope


def _sample_not_opened(seen: dict[str, Seen], compared: set[int]) -> dict[str, dict[str, int]]:
    """Per coder with a document sample among the compared documents: how many of those
    documents she has neither marked done nor coded in (``n``), of how many (``total``).

    A sample counts its documents as read before they are coded (the rule of :func:`_seen`),
    so while a sample is still being coded her silence counts as "code absent" and the
    figures fall: this lets the report say so. Empty when every document counts anyway.
    """
    result = {}
    for coder, s in seen.items():
        in_sample = s.sampled & compared
        if in_sample:
            result[coder] = {"n": len(in_sample - s.opened), "total": len(in_sample)}
    return result


def _sample_units_not_opened(
    seen: dict[str, Seen], compared: list[dict[str, Any]]
) -> dict[str, dict[str, int]]:
    """Per coder with compared units from a segment (sentence) sample: how many of them lie
    in documents she has neither marked done nor coded in (``n``), of how many (``total``).

    A segment sample counts its sentences as read before they are coded, as a document
    sample does its documents (see :func:`_sample_not_opened`), so her silence on sentences
    in documents she has not opened yet counts as "code absent" too. Units of documents in
    her document sample are counted there, not here. Empty when she has no such units.
    """
    result = {}
    for coder, s in seen.items():
        mine = [
            u["document_id"]
            for u in compared
            if u["unit_id"] in s.units.get(u["document_id"], ())
            and u["document_id"] not in s.sampled
        ]
        if mine:
            result[coder] = {"n": sum(d not in s.opened for d in mine), "total": len(mine)}
    return result


def sample_open_lines(report: dict[str, Any], lang: str) -> list[str]:
    """One warning per coder who has not yet opened documents of her sample that are compared
    (see :func:`_sample_not_opened`), and one per coder with compared units of a segment
    sample in documents she has not opened (see :func:`_sample_units_not_opened`); none
    when every such document is done or coded."""
    scope = report["scope"]
    lines = [
        t("agreement.scope.sample_not_opened", lang, coder=coder, n=c["n"], total=c["total"])
        for coder, c in scope.get("sample_not_opened", {}).items()
        if c["n"]
    ]
    return lines + [
        t(
            "agreement.scope.sample_units_not_opened",
            lang,
            coder=coder,
            n=c["n"],
            total=c["total"],
            units=t(f"agreement.units.{report['unit']}", lang, n=c["total"]),
        )
        for coder, c in scope.get("sample_units_not_opened", {}).items()
        if c["n"]
    ]


def _clusters(
    n_units: int, ranges: list[tuple[int, int]], units: list[dict[str, Any]], resample: str
) -> np.ndarray:
    """A label per unit: the units one bootstrap draw takes together.

    ``documents``: the units of one document. ``codings``: units joined by a coding that
    covers more than one of them (chains of overlapping codings join into one cluster);
    a unit no coding joins to another is drawn on its own.
    """
    if resample == "documents":
        return np.array([u["document_id"] for u in units], dtype=np.int64)
    linked = np.zeros(n_units, dtype=bool)
    for lo, hi in ranges:
        if hi - lo >= 2:
            linked[lo + 1 : hi] = True
    return np.cumsum(~linked)


def unit_matrix(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    all_documents: bool = False,
    sample_id: int | None = None,
    resample: str = "codings",
    all_speakers: bool = False,
    model: Proposals | None = None,
) -> UnitMatrix:
    """The presence/absence matrix of the chosen coders over the units in scope.

    Units and codings are those of the speakers analysis sees (the project setting
    ``analysis_speakers``); ``all_speakers`` counts every speaker. ``model``: ``model``'s
    judgements from :func:`model_proposals`, computed here when it is among the coders and
    none is given. The acting user (who reads these codings) must be allowed
    ``consistency.review``.
    """
    project.require("consistency.review")
    db = project.db
    _check_unit(unit)
    _check_resample(resample)
    if sample_id is not None and coders is None:
        coders = _get_sample(db, sample_id)["coders"]
    coders = _check_coders(db, coders)
    codings, judged = _judgements(project, coders, model)
    speakers = _speakers(db, all_speakers)
    analysed = _analysed(db) if speakers == "respondent" else None
    units, scope = _in_scope(
        db,
        unit,
        coders,
        codings,
        all_documents,
        sample_id,
        speakers=speakers,
        keep=_analysed_units(unit, analysed),
        judged=judged,
    )
    times = _last_worked(db, coders, codings, {u["document_id"] for u in units})
    if analysed is not None:  # seen stays as it was: the coder read the document
        codings = {c: _on_analysed_text(codings[c], analysed) for c in coders}
    by_doc: dict[int, list[int]] = {}
    for i, u in enumerate(units):
        by_doc.setdefault(u["document_id"], []).append(i)
    bounds = {
        doc: (
            np.array([units[i]["start_char"] for i in idx]),
            np.array([units[i]["end_char"] for i in idx]),
            np.array(idx),
        )
        for doc, idx in by_doc.items()
    }
    hits: list[tuple[int, int, int]] = []  # (code_id, unit index, coder index)
    ranges: list[tuple[int, int]] = []  # unit index range of each coding
    for r, coder in enumerate(coders):
        for doc, start, end, cid, _ in codings[coder]:
            if doc not in bounds:
                continue
            starts, ends, idx = bounds[doc]
            lo = np.searchsorted(ends, start, side="right")
            hi = np.searchsorted(starts, end, side="left")
            if hi > lo:
                hits.extend((cid, int(i), r) for i in idx[lo:hi])
                ranges.append((int(idx[lo]), int(idx[hi - 1]) + 1))
    used = sorted({h[0] for h in hits})
    codes = _code_rows(db, used)
    index = {c["id"]: k for k, c in enumerate(codes)}
    presence = np.zeros((len(codes), len(units), len(coders)))
    if hits:
        arr = np.array([(index[c], u, r) for c, u, r in hits])
        presence[arr[:, 0], arr[:, 1], arr[:, 2]] = 1.0
    return UnitMatrix(
        unit,
        coders,
        units,
        codes,
        presence,
        times,
        _clusters(len(units), ranges, units, resample),
        resample,
        scope,
    )


def _last_worked(
    db: Database, coders: list[str], codings: dict[str, list[tuple]], documents: set[int]
) -> dict[int, str]:
    """Per compared document, when the last of the chosen coders worked in it: her latest
    coding anywhere in it (a code on an interviewer's question is work in it too) or done
    mark. Drift by week groups documents by it; a document without either (a sample
    document nobody opened, or every document with ``all_documents``) has no date."""
    times: dict[int, str] = {}
    stamps = [(c[0], c[4]) for coder in coders for c in codings[coder] if c[4]]  # model: none
    for doc, stamp in [*stamps, *done_marks.latest_marks(db, coders).items()]:
        if doc in documents:
            times[doc] = max(times.get(doc, ""), stamp)
    return times


def _code_rows(db: Database, ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = list(ids)
    if not ids:
        return []
    rows = _query(
        db,
        f"SELECT id, slug, name, codebook_id, brief, definition, use_when, dont_use_when "
        f"FROM codes WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY position, id",
        ids,
    )
    seen: dict[str, int] = {}
    for r in rows:
        seen[r["name"]] = seen.get(r["name"], 0) + 1
    for r in rows:  # two codebooks may both have a code with the same name
        r["label"] = r["name"] if seen[r["name"]] == 1 else f"{r['name']} ({r['slug']})"
    return rows


# ---------------------------------------------------------------------------------------------
# Agreement report (what the CLI prints and the page shows)


def _figures(
    result: agreement.PresenceAgreement, k: int | None, differ: np.ndarray
) -> dict[str, Any]:
    """One row of the report: code ``k``, or all codes pooled (``k`` None). ``differ`` counts
    per code the units where the coders differ: the review lists exactly those."""
    if k is None:
        o = result.overall
        figures = {
            "alpha": o["alpha"],
            "alpha_ci": list(o["alpha_ci"]),
            "kappa": o["kappa"],
            "ac1": o["ac1"],
            "percent": o["percent"],
            "n_units": o["n_units"],
            "n_differ": int(differ.sum()),
        }
    else:
        figures = {
            "alpha": result.alpha[k],
            "alpha_ci": list(result.alpha_ci[k]),
            "kappa": result.kappa[k],
            "ac1": result.ac1[k],
            "percent": result.percent[k],
            "n_units": result.n_units[k],
            "n_differ": int(differ[k]),
        }
    figures["verdict"] = agreement.verdict(figures["alpha"], figures["alpha_ci"][0], drawn=True)
    return figures


def report_from_matrix(
    matrix: UnitMatrix, *, n_samples: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Agreement per code and overall for a unit matrix (the CLI's JSON shape).

    ``scope`` says how many units were compared of how many and why the others were not;
    ``interval`` how the 95% interval was drawn (what one bootstrap draw resampled).
    """
    result = agreement.presence_agreement(
        matrix.presence, n_samples=n_samples, seed=seed, clusters=matrix.clusters
    )
    resampled = matrix.resample if matrix.clusters is not None else "units"
    differ = _differ(matrix).sum(axis=1)
    return {
        "unit": matrix.unit,
        "coders": list(matrix.coders),
        "n_units": len(matrix.units),
        "scope": dict(matrix.scope),
        "interval": {
            "method": "percentile bootstrap",
            "confidence": 0.95,
            "n_samples": n_samples,
            "seed": seed,
            "resampled": resampled,
            "n_resampled": result.overall["n_resampled"],
        },
        "codes": {c["label"]: _figures(result, k, differ) for k, c in enumerate(matrix.codes)},
        "overall": _figures(result, None, differ),
    }


def agreement_report(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    all_documents: bool = False,
    sample_id: int | None = None,
    resample: str = "codings",
    all_speakers: bool = False,
    n_samples: int = 1000,
    seed: int = 0,
    model: Proposals | None = None,
) -> dict[str, Any]:
    """Krippendorff's alpha (with 95% bootstrap interval), kappa, AC1 and percent agreement
    per code and overall, on the units in scope; code names as the user sees them.

    The acting user must be allowed ``consistency.review``. ``resample``: what one bootstrap
    draw takes, ``codings`` (units joined by one coding together) or ``documents``.
    ``all_speakers``: count every speaker's units, not only what analysis sees.
    ``blind_left_out`` says how many of the differences counted here the acting user's
    review leaves out (see :func:`blind_left_out`).
    """
    project.require("consistency.review")
    matrix = unit_matrix(
        project,
        coders=coders,
        unit=unit,
        all_documents=all_documents,
        sample_id=sample_id,
        resample=resample,
        all_speakers=all_speakers,
        model=model,
    )
    report = report_from_matrix(matrix, n_samples=n_samples, seed=seed)
    report["blind_left_out"] = blind_left_out(project, matrix)
    report["codes_not_given"] = _codes_not_given(project.db, matrix)
    return report


def _codes_not_given(db: Database, matrix: UnitMatrix) -> list[str]:
    """The active codes of the table's codebooks that no chosen coder gave on the compared
    units, by name: the table and "all codes together" leave them out (alpha is undefined
    when nobody gave a code), and a supervisor looking for one should read why."""
    books = sorted({c["codebook_id"] for c in matrix.codes})
    if not books:
        return []
    given = {c["id"] for c in matrix.codes}
    marks = ", ".join("?" * len(books))
    rows = db.execute(
        f"SELECT id, name FROM codes WHERE active AND codebook_id IN ({marks}) "
        "ORDER BY position, id",
        books,
    ).fetchall()
    return [name for code_id, name in rows if code_id not in given]


def unitized_report(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    all_documents: bool = False,
    sample_id: int | None = None,
    n_samples: int = 1000,
    seed: int = 0,
    model: Proposals | None = None,
) -> dict[str, Any]:
    """Krippendorff's unitized alpha per code on the coders' own character spans.

    No units are imposed: each coder's spans are compared as marked, which suits free-span
    coding. Every document that all chosen coders have seen is its own continuum: spans
    are never merged across documents, and spans that only touch stay apart (issue 13).
    A continuum is the whole document, every speaker (``scope["speakers"]`` is ``all``).
    The 95% interval resamples whole documents (a coder marks a document's spans in one
    reading) and the verdict reads its lower bound, as for the other measures.
    Returns ``{"coders", "unit", "n_documents", "scope", "interval", "codes": {NAME: {"alpha",
    "alpha_ci", "observed", "expected", "verdict"}}, "overall": {...}}``. The acting user
    must be allowed ``consistency.review``.
    """
    project.require("consistency.review")
    db = project.db
    if sample_id is not None and coders is None:
        coders = _get_sample(db, sample_id)["coders"]
    coders = _check_coders(db, coders)
    codings, judged = _judgements(project, coders, model)
    documents, scope = _in_scope(
        db,
        "document",
        coders,
        codings,
        all_documents,
        sample_id,
        speakers="all",
        keep=None,
        judged=judged,
    )
    continua = {d["document_id"]: (d["start_char"], d["end_char"]) for d in documents}
    offsets, total = {}, 0
    for doc in sorted(continua):
        offsets[doc] = total
        total += continua[doc][1]
    spans = [
        (coder, cid, offsets[doc] + start, offsets[doc] + end)
        for coder in coders
        for doc, start, end, cid, _ in codings[coder]
        if doc in offsets
    ]
    pieces = [
        (offsets[d], offsets[d] + continua[d][1]) for d in sorted(offsets) if continua[d][1] > 0
    ]
    report: dict[str, Any] = {
        "coders": coders,
        "unit": "document",
        "n_documents": len(offsets),
        "scope": scope,
        "interval": {
            "method": "percentile bootstrap",
            "confidence": 0.95,
            "n_samples": n_samples,
            "seed": seed,
            "resampled": "documents",
            "n_resampled": len(pieces),
        },
        "codes": {},
        "overall": {
            "alpha": None,
            "alpha_ci": [None, None],
            "observed": None,
            "expected": None,
            "verdict": None,
        },
    }
    if not spans or not pieces:
        return report
    result = agreement.unitized_alpha(spans, continua=pieces, coders=coders)
    ci = agreement.bootstrap_unitized_alpha(
        spans, continua=pieces, coders=coders, n_samples=n_samples, seed=seed
    )

    def figures(value: Any, interval: tuple[float | None, float | None]) -> dict[str, Any]:
        return {
            "alpha": value.alpha,
            "alpha_ci": list(interval),
            "observed": value.observed,
            "expected": value.expected,
            "verdict": agreement.verdict(value.alpha, interval[0], drawn=True),
        }

    for code in _code_rows(db, result.values):
        report["codes"][code["label"]] = figures(result.values[code["id"]], ci.values[code["id"]])
    report["overall"] = figures(result, ci.overall)
    return report


def scope_lines(report: dict[str, Any], lang: str) -> list[str]:
    """How many units of how many were compared, and why the others were not. The hint to
    mark documents done only when a human coder's mark is missing: the model marks nothing."""
    scope = report["scope"]

    def units(n: int) -> str:
        return t(f"agreement.units.{report['unit']}", lang, n=n)

    key = "compared_documents" if report["unit"] == "document" else "compared"
    lines = [
        t(
            f"agreement.scope.{key}",
            lang,
            n=scope["n_units"],
            total=scope["n_units_total"],
            units=units(scope["n_units_total"]),
            documents=scope["n_documents"],
            documents_total=scope["n_documents_total"],
        )
    ]
    left_out = scope["n_units_total"] - scope["n_units"]
    if scope["rule"] == "all_documents":
        lines.append(t("agreement.scope.all_documents", lang))
    lines.append(speakers_line(report, lang))
    if left_out:
        lines.append(t("agreement.scope.left_out", lang, n=left_out, units=units(left_out)))
        if scope["outside_sample"]:
            lines.append(
                t(
                    "agreement.scope.outside_sample",
                    lang,
                    n=scope["outside_sample"],
                    sample=scope["sample"],
                )
            )
        for coder, n in scope["not_seen"].items():
            if n:
                lines.append(t("agreement.scope.not_seen", lang, n=n, coder=coder))
                if coder == MODEL:  # it cannot mark documents done: say what it has seen
                    lines.append(t("agreement.scope.model_seen", lang))
        if scope["rule"] == "seen":
            lines.append(t("agreement.scope.rule", lang))
        if to_mark_done(report):  # not when only the model (or the sample) keeps units out
            lines.append(t("agreement.scope.mark_done", lang))
    return lines


def to_mark_done(report: dict[str, Any]) -> list[str]:
    """The human coders for whom marking documents done would add units to the comparison:
    those who have not seen some. Not the model (it marks nothing), and nobody when every
    document counts or only the sample keeps units out."""
    scope = report["scope"]
    if scope["rule"] != "seen":
        return []
    return [c for c, n in scope["not_seen"].items() if n and c != MODEL]


def table_notes(report: dict[str, Any], lang: str) -> list[str]:
    """What the table's figures cover, said under it: how "all codes together" pools (each
    unit and code is one judgement, so its percent agreement is high whatever the coders
    do) and what an interval without a lower bound means. Also for a
    :func:`unitized_report`, which pools per value instead and gets only the second note."""
    notes = []
    codes = report["codes"]
    if codes and "n_differ" in report["overall"]:
        n_units = report["n_units"]
        notes.append(
            t(
                "agreement.notes.pooled",
                lang,
                n_units=decimal(n_units, 0, grouped=True),
                units=t(f"agreement.units.{report['unit']}", lang, n=n_units),
                unit=t(f"agreement.units.{report['unit']}", lang, n=1),
                n_codes=len(codes),
                n=decimal(n_units * len(codes), 0, grouped=True),
                n_differ=report["overall"]["n_differ"],
            )
        )
    if any(
        f["alpha"] is not None and f["alpha_ci"][0] is None
        for f in [*codes.values(), report["overall"]]
    ):
        notes.append(t("agreement.notes.no_lower_bound", lang))
    missing = report.get("codes_not_given", [])
    if codes and missing:
        n = len(missing)
        notes.append(
            t(
                "agreement.notes.not_given",
                lang,
                n=n,
                codes=listing(missing),
                units=t(f"agreement.units.{report['unit']}", lang, n=2),
            )
        )
    blind = blind_line(report.get("blind_left_out", {"n_units": 0}), report["unit"], lang)
    if blind:
        notes.append(blind)
    return notes


def no_codes_line(report: dict[str, Any], lang: str) -> str:
    """Said instead of the table when units were compared but no chosen coder applied a
    code to any of them: "no units seen" would be false, and a table of one empty row
    showed "0 units" under a header that counted them."""
    n = report["n_units"]
    return t(
        "agreement.no_codes", lang, n=n, units=t(f"agreement.units.{report['unit']}", lang, n=n)
    )


def speakers_line(report: dict[str, Any], lang: str) -> str:
    """Whose words were counted: what respondents say (as in the analysis) and how many
    units of other speakers that left out, or every speaker. With a sample those are the
    sample's units, so the line says so and names the project's total apart. Header lines
    (title, details block) are left out too: the line counts them apart, by name."""
    scope = report["scope"]
    line = t(f"agreement.scope.speakers.{scope['speakers']}", lang)
    n = scope["other_speakers"]
    if not n:
        return line
    headers = scope.get("header_lines", 0)
    split = {"others": n - headers, "headers": headers}
    key = "agreement.scope.speakers.left_out" + ("" if scope["sample"] is None else "_sample")
    key += "_headers" if headers else ""
    if scope["sample"] is None:
        units = t(f"agreement.units.{report['unit']}", lang, n=n)
        return line + " " + t(key, lang, n=n, units=units, **split)
    kept = scope["n_units_total"] - scope["outside_sample"]  # the sample's units analysis sees
    return (
        line
        + " "
        + t(
            key,
            lang,
            n=n,
            listed=n + kept,
            units=t(f"agreement.units.{report['unit']}", lang, n=n + kept),
            sample=scope["sample"],
            kept=kept,
            total=scope["n_units_total"],
            **split,
        )
    )


def interval_line(report: dict[str, Any], lang: str, *, spans: bool = False) -> str:
    """How the 95% interval was drawn: what one bootstrap draw resampled (``spans``: of
    a :func:`unitized_report`, always whole documents)."""
    interval = report["interval"]
    key = "spans" if spans else interval["resampled"]
    return t(
        f"agreement.interval.{key}",
        lang,
        n_samples=interval["n_samples"],
        n=interval["n_resampled"],
    )


# ---------------------------------------------------------------------------------------------
# Side by side and disagreements


def compare_units(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    all_documents: bool = False,
    sample_id: int | None = None,
    all_speakers: bool = False,
    only_differences: bool = True,
    matrix: UnitMatrix | None = None,
    model: Proposals | None = None,
) -> list[dict[str, Any]]:
    """Units side by side: which coder applied which code, with the code definitions.

    With ``only_differences`` (the disagreement review) a unit is listed when the coders
    differ on at least one code, and only those codes are listed; otherwise every unit that
    any coder coded (of the speakers analysis sees, unless ``all_speakers``). Each code
    carries its resolution when the team recorded one.
    The acting user (who reads the texts and codings) must be allowed
    ``consistency.review``. Units on which the acting user still codes blind (see
    :func:`blind_spans`) are left out, so a coder cannot read the others' codes here before
    finishing the sample.
    """
    project.require("consistency.review")
    db = project.db
    if matrix is None:
        matrix = unit_matrix(
            project,
            coders=coders,
            unit=unit,
            all_documents=all_documents,
            sample_id=sample_id,
            all_speakers=all_speakers,
            model=model,
        )
    p = matrix.presence
    if p.size == 0:
        return []
    differ = _differ(matrix)
    listed = differ if only_differences else p.sum(axis=2) > 0
    resolutions = {
        (r["unit_id"], r["code_id"]): r
        for r in _query(db, "SELECT * FROM resolutions WHERE unit = ?", [matrix.unit])
    }
    names = {r[0]: r[1] for r in db.execute("SELECT id, name FROM documents").fetchall()}
    out = []
    hidden = _blind_units(db, project.user, matrix)
    for u in np.nonzero(listed.any(axis=0))[0]:
        info = matrix.units[u]
        if u in hidden:
            continue
        codes = []
        for k in np.nonzero(listed[:, u])[0]:
            code = matrix.codes[k]
            codes.append(
                {
                    "code_id": code["id"],
                    "slug": code["slug"],
                    "name": code["label"],
                    "brief": code["brief"],
                    "definition": code["definition"],
                    "use_when": code["use_when"],
                    "dont_use_when": code["dont_use_when"],
                    "coders_with": [c for r, c in enumerate(matrix.coders) if p[k, u, r]],
                    "coders_without": [c for r, c in enumerate(matrix.coders) if not p[k, u, r]],
                    "agree": not bool(differ[k, u]),
                    "resolution": resolutions.get((info["unit_id"], code["id"])),
                }
            )
        by_coder = {
            c: [matrix.codes[k]["label"] for k in np.nonzero(p[:, u, r])[0]]
            for r, c in enumerate(matrix.coders)
        }
        out.append(
            {
                "unit": matrix.unit,
                **info,
                "document": names.get(info["document_id"]),
                "text": _preview(db, info),
                "codes": codes,
                "by_coder": by_coder,
            }
        )
    return out


def _differ(matrix: UnitMatrix) -> np.ndarray:
    """[codes, units]: True where some but not all chosen coders applied the code."""
    totals = matrix.presence.sum(axis=2)
    return (totals > 0) & (totals < len(matrix.coders))


def _blind_units(db: Database, viewer: str, matrix: UnitMatrix) -> set[int]:
    """Indices of the matrix's units on which ``viewer`` still codes blind: the review
    leaves them out (see :func:`blind_spans`)."""
    blind: dict[int, list[tuple[int, int]]] = {}
    hidden = set()
    for u, info in enumerate(matrix.units):
        doc = info["document_id"]
        if doc not in blind:
            blind[doc] = _blind_spans(db, viewer, doc)
        if any(info["start_char"] < e and info["end_char"] > s for s, e in blind[doc]):
            hidden.add(u)
    return hidden


def blind_left_out(project: Project, matrix: UnitMatrix) -> dict[str, int]:
    """What the disagreement review leaves out for the acting user because they still code
    those units blind: ``{"n_units": units, "n_differ": differences (unit x code)}``.

    Without this the review silently lists fewer differences than the table counts. The
    acting user must be allowed ``consistency.review``.
    """
    project.require("consistency.review")
    differ = _differ(matrix)
    hidden = [
        u for u in sorted(_blind_units(project.db, project.user, matrix)) if differ[:, u].any()
    ]
    return {"n_units": len(hidden), "n_differ": int(differ[:, hidden].sum()) if hidden else 0}


def blind_line(left_out: dict[str, int], unit: str, lang: str) -> str | None:
    """The sentence that says how many differences the review leaves out and why (None:
    nothing left out). Shared by the page and the CLI."""
    n = left_out["n_units"]
    if not n:
        return None
    return t(
        "agreement.notes.blind",
        lang,
        n=n,
        units=t(f"agreement.units.{unit}", lang, n=n),
        n_differ=left_out["n_differ"],
    )


def disagreements(project: Project, **kwargs: Any) -> list[dict[str, Any]]:
    """Every unit where the chosen coders differ (see :func:`compare_units`)."""
    return compare_units(project, only_differences=True, **kwargs)


def _preview(db: Database, info: dict[str, Any]) -> str:
    length = min(info["end_char"] - info["start_char"], TEXT_PREVIEW)
    text = db.execute(
        "SELECT substr(text, ? + 1, ?) FROM documents WHERE id = ?",
        [info["start_char"], length, info["document_id"]],
    ).fetchone()[0]
    return text + ("…" if info["end_char"] - info["start_char"] > TEXT_PREVIEW else "")


def _unit_span(db: Database, unit: str, unit_id: int) -> tuple[int, int, int]:
    _check_unit(unit)
    if unit == "document":
        found = db.execute(
            "SELECT id, 0, length(text) FROM documents WHERE id = ?", [unit_id]
        ).fetchone()
    else:
        table = "segments" if unit == "segment" else "turns"
        found = db.execute(
            f"SELECT document_id, start_char, end_char FROM {table} WHERE id = ?", [unit_id]
        ).fetchone()
    if found is None:
        raise NotFound("agreement.unknown_unit", unit=unit, unit_id=unit_id)
    return int(found[0]), int(found[1]), int(found[2])


def resolve(
    project: Project,
    *,
    unit: str,
    unit_id: int,
    code: int | str,
    decision: str,
    note: str | None = None,
) -> int:
    """Record the team's decision on one disagreement; returns the resolution id.

    ``present`` stores a consensus coding (coder ``consensus``) on the unit's span; ``absent``
    removes an earlier consensus coding of that code on the unit. A ``note`` goes to the
    codebook's change log (action ``note``) so what the team learned stays with the code.
    Deciding again replaces the earlier decision.
    """
    project.require("consistency.resolve")
    db = project.db
    if decision not in DECISIONS:
        raise InputError("agreement.bad_decision", decision=decision, expected=", ".join(DECISIONS))
    document_id, start, end = _unit_span(db, unit, unit_id)
    cid = resolve_code_id(project, code)
    with transaction(db):
        before = resolution_on(project, unit, unit_id, cid)
        if before and before["coding_id"] and (decision == "absent"):
            if row(db, "codings", before["coding_id"]) is not None:
                remove_coding(
                    project.as_user(CONSENSUS),
                    before["coding_id"],
                )
        coding_id = None
        if decision == "present":
            coding_id = add_coding(
                project.as_user(CONSENSUS),
                coder=CONSENSUS,
                code=cid,
                document_id=document_id,
                start_char=start,
                end_char=end,
            )
        record = {
            "unit": unit,
            "unit_id": unit_id,
            "document_id": document_id,
            "code_id": cid,
            "decision": decision,
            "coding_id": coding_id,
            "note": note or None,
            "resolved_by": project.user,
            "resolved_at": now(),
        }
        resolution_id = record_resolution(project, record, before)
        if note and note.strip():
            note_on_code(
                project,
                cid,
                note,
                details={
                    "resolution": resolution_id,
                    "unit": unit,
                    "unit_id": unit_id,
                    "decision": decision,
                },
            )
    return resolution_id


# ---------------------------------------------------------------------------------------------
# Drift: agreement per batch over time


def _week(stamp: str) -> str:
    day = dt.date.fromisoformat(stamp[:10])
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def drift(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    by: str = "week",
    all_documents: bool = False,
    sample_id: int | None = None,
    n_samples: int = 1000,
    seed: int = 0,
    resample: str = "codings",
    all_speakers: bool = False,
    model: Proposals | None = None,
) -> list[dict[str, Any]]:
    """Overall alpha per batch, oldest first, so a supervisor sees whether training helped.

    ``by="week"``: the units the agreement figures compare (the same arguments, ``sample_id``
    too), each in exactly one batch: its document's week (Monday ``start`` to Sunday
    ``end``), the week in which the last of the chosen coders coded in it or marked it
    done (:func:`_last_worked`). Units of documents with no such date (a sample document
    nobody opened; with ``all_documents`` one nobody coded) form a last batch, ``batch``
    None, instead of falling out of every week. So the batches add up to the figures'
    ``n_units``. ``by="sample"``: each double-coding sample is a batch of its own units
    (``sample_id`` is ignored); a unit in no sample is in no batch. Each batch carries its
    verdict (read on the lower bound of its interval), its units and documents. The acting
    user must be allowed ``consistency.review``.
    """
    project.require("consistency.review")
    if by not in ("week", "sample"):
        raise InputError("agreement.bad_batch", by=by, expected="week, sample")
    if model is None and MODEL in (coders or ()):  # once, not once per sample
        model = model_proposals(project)
    out = []
    if by == "sample":
        for sample in list_samples(project):
            matrix = unit_matrix(
                project,
                coders=coders or sample["coders"],
                unit=unit,
                all_documents=all_documents,
                sample_id=sample["id"],
                resample=resample,
                all_speakers=all_speakers,
                model=model,
            )
            start = sample["created_at"][:10]
            out.append(_batch_row(sample["name"], start, None, matrix, n_samples, seed))
        return out
    matrix = unit_matrix(
        project,
        coders=coders,
        unit=unit,
        all_documents=all_documents,
        sample_id=sample_id,
        resample=resample,
        all_speakers=all_speakers,
        model=model,
    )
    weeks: dict[str | None, list[int]] = {}
    for i, u in enumerate(matrix.units):
        stamp = matrix.times.get(u["document_id"])
        weeks.setdefault(_week(stamp) if stamp else None, []).append(i)
    for week in sorted(weeks, key=lambda w: (w is None, w or "")):
        sunday = None if week is None else str(dt.date.fromisoformat(week) + dt.timedelta(days=6))
        out.append(_batch_row(week, week, sunday, matrix.subset(weeks[week]), n_samples, seed))
    return out


def _batch_row(
    batch: str | None,
    start: str | None,
    end: str | None,
    matrix: UnitMatrix,
    n_samples: int,
    seed: int,
) -> dict[str, Any]:
    overall = report_from_matrix(matrix, n_samples=n_samples, seed=seed)["overall"]
    return {
        "batch": batch,
        "start": start,
        "end": end,
        "alpha": overall["alpha"],
        "alpha_lo": overall["alpha_ci"][0],
        "alpha_hi": overall["alpha_ci"][1],
        "verdict": overall["verdict"],
        "n_units": len(matrix.units),
        "n_documents": len({u["document_id"] for u in matrix.units}),
    }


def batch_label(row: dict[str, Any], lang: str) -> str:
    """A drift batch as the page and the CLI name it: the sample, the week's Monday, or
    "no date" (see :func:`drift`)."""
    return row["batch"] if row["batch"] is not None else t("agreement.drift.no_date", lang)


def batch_period(row: dict[str, Any], lang: str) -> str:
    """The days a batch covers: Monday to Sunday of a week; a sample's day of creation."""
    if row["end"]:
        return t("agreement.drift.period", lang, start=row["start"], end=row["end"])
    return row["start"] or "-"


def drift_note(rows: list[dict[str, Any]], by: str, unit: str, lang: str) -> str:
    """What the batches cover, said under them by the page and the CLI: how a unit finds its
    week, how many units the batches hold together, and what "no date" means when present."""
    n = sum(r["n_units"] for r in rows)
    units = t(f"agreement.units.{unit}", lang, n=n)
    lines = [t(f"agreement.drift.covers_{by}", lang, n=n, units=units)]
    if rows and rows[-1]["batch"] is None:
        lines.append(t("agreement.drift.undated", lang))
    return " ".join(lines)


# ---------------------------------------------------------------------------------------------
# Double-coding samples


def create_sample(
    project: Project,
    *,
    name: str,
    coders: Sequence[str],
    documents: Sequence[int] | None = None,
    share: float | None = None,
    seed: int = 0,
    all_speakers: bool = False,
) -> int:
    """Pick units for double coding and assign them to two or more coders.

    Give ``documents`` (those documents, whole) or ``share`` (that share of segments, drawn
    at random with ``seed`` from ``documents`` or from every document). A share is drawn
    from the segments analysis sees (the project setting ``analysis_speakers``: respondent
    turns by default), so coders do not spend it on the interviewer's questions;
    ``all_speakers`` draws from every speaker's segments. The sample keeps what it was
    drawn from (see :func:`describe_sample`). Returns the sample id.
    """
    project.require("consistency.sample")
    db = project.db
    coders = list(dict.fromkeys(coders))
    if len(coders) < 2:
        raise InputError("agreement.too_few_coders", coders=", ".join(coders) or "-")
    for coder in coders:
        if access.role_of(db, coder) == "system":
            raise InputError("agreement.system_coder", coder=coder)
    if not name.strip():
        raise InputError("agreement.sample_needs_name")
    if db.execute("SELECT 1 FROM samples WHERE name = ?", [name.strip()]).fetchone():
        raise InputError("agreement.sample_name_taken", name=name.strip())  # one name, one sample
    if documents is None and share is None:
        raise InputError("agreement.sample_needs_units")
    if share is not None and not 0 < share <= 1:
        raise InputError("agreement.bad_share", share=share)
    if all_speakers and share is None:  # whole documents hold every speaker already
        raise InputError("agreement.speakers_need_share")
    known = {r[0] for r in db.execute("SELECT id FROM documents").fetchall()}
    docs = sorted(set(documents)) if documents is not None else sorted(known)
    for doc in docs:
        if doc not in known:
            raise NotFound("codings.unknown_document", document=doc)
    if not docs:
        raise InputError("agreement.sample_needs_units")
    rows: list[tuple[int, int | None]]
    coverage: dict[str, Any] = {"speakers": None, "n_population": None}
    if share is None:
        rows = [(doc, None) for doc in docs]
    else:
        speakers = _speakers(db, all_speakers)
        segs = _drawable(db, docs, speakers)
        if not segs:
            raise InputError(
                "agreement.sample_no_respondents"
                if speakers == "respondent"
                else "agreement.sample_needs_units"
            )
        size = max(1, int(round(share * len(segs))))
        picked = np.random.default_rng(seed).choice(len(segs), size=size, replace=False)
        rows = [segs[i] for i in sorted(picked)]
        coverage = {"speakers": speakers, "n_population": len(segs)}
    with transaction(db):
        record = {
            "name": name.strip(),
            "unit": "document" if share is None else "segment",
            "share": share,
            "seed": seed if share is not None else None,
            "status": "open",
            "created_by": project.user,
            "created_at": now(),
            **coverage,
        }
        sample_id = int(db["samples"].insert(record).last_pk)
        db["sample_units"].insert_all(
            {"sample_id": sample_id, "document_id": d, "segment_id": s} for d, s in rows
        )
        db["sample_coders"].insert_all({"sample_id": sample_id, "coder": c} for c in coders)
        record_event(
            db,
            project.user,
            events.CONSISTENCY_SAMPLE(
                sample_id,
                None,
                {**record, "id": sample_id, "coders": coders, "n_units": len(rows)},
            ),
        )
    return sample_id


def _drawable(db: Database, documents: list[int], speakers: str) -> list[tuple[int, int]]:
    """(document id, segment id) a share is drawn from, in document order: what analysis
    sees (``respondent``) or every segment (``all``)."""
    if speakers == "respondent":
        return [(d, seg[0]) for d, segs in _analysed(db, documents).items() for seg in segs]
    return [
        (r[0], r[1])
        for r in db.execute(
            f"SELECT document_id, id FROM segments WHERE document_id IN "
            f"({', '.join('?' * len(documents))}) ORDER BY document_id, position",
            documents,
        )
    ]


def get_sample(project: Project, sample_id: int) -> dict[str, Any]:
    """One sample with its coders, number of units and what it covers (``speakers``,
    ``n_population``: see :func:`describe_sample`). The reader needs ``consistency.review``
    (coder names)."""
    project.require("consistency.review")
    return _get_sample(project.db, sample_id)


def _get_sample(db: Database, sample_id: int) -> dict[str, Any]:
    found = row(db, "samples", sample_id)
    if found is None:
        raise NotFound("agreement.unknown_sample", sample=sample_id)
    found["coders"] = [
        r[0]
        for r in db.execute(
            "SELECT coder FROM sample_coders WHERE sample_id = ? ORDER BY coder", [sample_id]
        ).fetchall()
    ]
    found["n_units"] = db.execute(
        "SELECT count(*) FROM sample_units WHERE sample_id = ?", [sample_id]
    ).fetchone()[0]
    found["n_documents"] = db.execute(
        "SELECT count(DISTINCT document_id) FROM sample_units WHERE sample_id = ?", [sample_id]
    ).fetchone()[0]
    found.update(_coverage(found))
    return found


def _coverage(sample: dict[str, Any]) -> dict[str, Any]:
    """What a share was drawn from: ``speakers`` (``respondent`` or ``all``) and
    ``n_population`` (how many segments). A share drawn before December 2026 came from
    every speaker, out of a number of segments nobody kept; a sample of whole documents
    has neither."""
    if sample["unit"] == "document":
        return {"speakers": None, "n_population": None}
    return {"speakers": sample["speakers"] or "all", "n_population": sample["n_population"]}


def describe_sample(sample: dict[str, Any], lang: str) -> str:
    """What a sample covers, in words: "20% van 1.234 zinnen van de respondenten (247 zinnen
    in 12 documenten)", or "3 hele documenten"."""
    if sample["unit"] == "document":
        return t("agreement.sample.documents", lang, n=sample["n_documents"])
    population = sample["n_population"]
    return t(
        "agreement.sample.share" if population is not None else "agreement.sample.share_no_total",
        lang,
        share=percent(f"{round(sample['share'] * 100, 4):g}"),
        population=decimal(population or 0, 0, grouped=True),
        n_population=population,
        who=t(f"agreement.sample.speakers.{sample['speakers']}", lang),
        n=sample["n_units"],
        documents=sample["n_documents"],
    )


def list_samples(project: Project) -> list[dict[str, Any]]:
    """Every sample, oldest first (``consistency.review``: samples name their coders)."""
    project.require("consistency.review")
    db = project.db
    return [_get_sample(db, r[0]) for r in db.execute("SELECT id FROM samples ORDER BY id")]


def close_sample(project: Project, sample_id: int) -> None:
    """End the double coding of a sample: its coders see everything again."""
    project.require("consistency.sample")
    db = project.db
    with transaction(db):
        before = _get_sample(db, sample_id)
        if before["status"] == "closed":
            return
        db["samples"].update(sample_id, {"status": "closed", "closed_at": now()})
        record_event(
            db,
            project.user,
            events.CONSISTENCY_SAMPLE_CLOSE(sample_id, {"status": "open"}, {"status": "closed"}),
        )


def set_blind_coding(project: Project, on: bool) -> None:
    """Switch blind double coding on or off for the project."""
    project.require("consistency.sample")
    set_setting(project.db, "blind_coding", bool(on), actor=project.user)


def set_reliability(project: Project, on: bool) -> None:
    """Switch agreement figures on or off (off: side-by-side comparison only)."""
    project.require("project.settings")
    set_setting(project.db, "reliability", bool(on), actor=project.user)


def reliability_on(project: Project) -> bool:
    """Whether agreement figures are on; asked where they are shown (``consistency.review``)."""
    project.require("consistency.review")
    return bool(get_setting(project.db, "reliability"))


# ---------------------------------------------------------------------------------------------
# Blind coding: what a coder may see


def blind_spans(project: Project, *, document_id: int) -> list[tuple[int, int]]:
    """The character spans of ``document_id`` on which the acting user codes blind right now.

    Empty when blind coding is off or the viewer is not assigned to an open sample that
    covers the document. A whole-document sample gives one span over the whole text. Asked
    by those who read documents (``read``), as the coding pages do.
    """
    project.require("read")
    return _blind_spans(project.db, project.user, document_id)


def _blind_spans(db: Database, coder: str, document_id: int) -> list[tuple[int, int]]:
    if not get_setting(db, "blind_coding"):
        return []
    found = db.execute(
        "SELECT su.segment_id, s.start_char, s.end_char, length(d.text) "
        "FROM sample_units su JOIN samples sa ON sa.id = su.sample_id "
        "JOIN sample_coders sc ON sc.sample_id = sa.id AND sc.coder = ? "
        "JOIN documents d ON d.id = su.document_id "
        "LEFT JOIN segments s ON s.id = su.segment_id "
        "WHERE sa.status = 'open' AND su.document_id = ?",
        [coder, document_id],
    ).fetchall()
    spans = {(0, r[3]) if r[0] is None else (r[1], r[2]) for r in found}
    return sorted(spans)


def visible_codings(project: Project, *, document_id: int) -> list[dict[str, Any]]:
    """The codings of a document that the acting user may see (any status; in document order).

    Coding pages call this instead of listing all codings. While the viewer codes a sample
    blind (see :func:`blind_spans`), codings that overlap a blind span are hidden when they
    belong to another coder (``consensus`` included) or are pending machine suggestions
    (``status = 'suggested'``), also those proposed to the viewer. Outside blind spans, and
    for anyone not assigned to the sample, nothing is hidden. Rows are shaped like
    :func:`workbench.codings.list_codings` rows. The reader needs ``read``, as for
    ``list_codings``.
    """
    from workbench.codings import list_codings

    project.require("read")
    db = project.db
    rows = list_codings(project, document_id=document_id, statuses=None)
    spans = _blind_spans(db, project.user, document_id)
    if not spans:
        return rows

    def hidden(c: dict[str, Any]) -> bool:
        if c["coder"] == project.user and not (
            c["origin"] == "machine" and c["status"] == "suggested"
        ):
            return False
        return any(c["start_char"] < end and c["end_char"] > start for start, end in spans)

    return [c for c in rows if not hidden(c)]
