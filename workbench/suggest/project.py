"""Suggestions inside a project: train from its decisions, store proposals as codings.

Suggestions are stored as ``origin="machine", status="suggested"`` codings for one coder, so
they are visible, reviewable and never applied without a person: accepting or rejecting goes
through ``workbench.codings.decide`` and both decisions become training data. A suggestion is
never written over a coder's own coding or decision for that code and segment.

Making suggestions needs ``code`` (the ``system`` role has only that right); reading the
labelled text (:func:`training_data`) needs ``read``; the segments come from
:func:`workbench.ingest.analysis_segments`, the one reader of what analysis sees. The engine's
steps share private helpers that take the connection, so a suggestion run by a technical
coder and an evaluation by a supervisor each pass the one check that fits them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.language import Language
from sqlite_utils import Database

from workbench.codings import add_coding
from workbench.errors import NotFound
from workbench.handle import Project
from workbench.done_marks import done_by_anyone
from workbench.ingest.speakers import analysis_segment_ids, analysis_segments
from workbench.suggest.codes import CodeSpec, _project_codes
from workbench.suggest.model import Passage, Suggester, analyse
from workbench.suggest.rules import RuleScorer
from workbench.store import transaction


# At most this many sentences nobody coded, from documents marked done, join the training
# data as negatives (benchmarks/bench_suggest.py: a refit on 85 interviews done took 3.4 s
# with all 64,000 of them).
MAX_SILENT_NEGATIVES = 5_000


@dataclass
class TrainingData:
    """Labelled segments: ids, texts, and labels (1 coded, 0 not / rejected, -1 unknown)."""

    segment_ids: list[int]
    document_ids: list[int]
    texts: list[str]
    Y: np.ndarray
    codes: list[str]


def training_data(
    project: Project, codes: Sequence[str], *, human_only: bool = False
) -> TrainingData:
    """Every segment someone decided on, with per-code labels.

    Positive: an accepted coding of the code overlaps the segment. Negative: a rejected
    suggestion of the code on the segment, or the segment carries other accepted codes but
    not this one, or the segment is in a document a coder marked done (read in full) and
    carries no accepted coding at all. Everything else is unknown. ``human_only`` uses only
    codings people made themselves (the evaluation does not: an accepted suggestion is a
    person's word too). Needs ``read``: the segments' texts come along.

    Why the done documents: most sentences of an interview carry no code, and suggestions
    are made on all of them. A model that only ever saw coded sentences proposes far too
    much, and the out-of-fold check that decides between model and rules cannot see it. On
    the demo (``workbench evaluate`` with its ten interviews marked done) that check let
    models in that were far worse than the rules on new documents (precision over every
    sentence: energiebalans 0.07, isolement 0.17); with the silence as data it keeps the
    rules there (0.12-0.17, 0.46), and verlies falls back from its model (F1 0.31) to its
    rules (0.20).
    """
    project.require("read")
    return _training_data(project.db, codes, human_only=human_only)


def _rejections(db: Database, segment_ids: list[int], codes: list[str]) -> np.ndarray:
    """Segments x codes: True where someone rejected a coding of the code on the segment.

    The other "no" a model learns from (a sentence coded with other codes, or left uncoded in
    a document read in full) is no rejection: the page and ``evaluate`` say which it was.
    """
    found = np.zeros((len(segment_ids), len(codes)), dtype=bool)
    row = {s: i for i, s in enumerate(segment_ids)}
    column = {c: j for j, c in enumerate(codes)}
    cur = db.execute(
        "SELECT s.id, k.slug FROM codings c JOIN codes k ON k.id = c.code_id "
        "JOIN segments s ON s.id = c.segment_id WHERE c.status = 'rejected' "
        "UNION "
        "SELECT s.id, k.slug FROM codings c JOIN codes k ON k.id = c.code_id "
        "JOIN segments s ON s.document_id = c.document_id "
        "AND s.start_char < c.end_char AND c.start_char < s.end_char "
        "WHERE c.status = 'rejected' AND c.segment_id IS NULL"
    )
    for segment, code in cur.fetchall():
        if segment in row and code in column:
            found[row[segment], column[code]] = True
    return found


def _training_data(db: Database, codes: Sequence[str], *, human_only: bool = False) -> TrainingData:
    index = {c: j for j, c in enumerate(codes)}
    origin = "AND c.origin = 'human'" if human_only else ""
    # Codings on exactly one segment join by id (indexed); free spans by overlap.
    select = (
        "SELECT s.id, s.document_id, s.text, k.slug, c.status FROM codings c "
        "JOIN codes k ON k.id = c.code_id "
    )
    where = f"WHERE c.status IN ('accepted', 'rejected') {origin}"
    cur = db.execute(
        f"{select} JOIN segments s ON s.id = c.segment_id {where} "
        "UNION ALL "
        f"{select} JOIN segments s ON s.document_id = c.document_id "
        "AND s.start_char < c.end_char AND c.start_char < s.end_char "
        f"{where} AND c.segment_id IS NULL"
    )
    rows: dict[int, dict[str, Any]] = {}
    for seg_id, doc_id, text, slug, status in cur.fetchall():
        entry = rows.setdefault(
            seg_id, {"doc": doc_id, "text": text, "pos": set(), "neg": set(), "labelled": False}
        )
        if slug not in index:
            continue
        if status == "accepted":
            entry["pos"].add(index[slug])
            entry["labelled"] = True
        else:
            entry["neg"].add(index[slug])
    silent = [
        segment
        for document in sorted(done_by_anyone(db))
        for segment in analysis_segment_ids(db, document)
        if segment not in rows
    ]
    if len(silent) > MAX_SILENT_NEGATIVES:
        # A fixed spread over the documents (by a hash of the id, so the same segments stay
        # in from one refit to the next and their analysis is reused): a refit stays < 1 s.
        silent = sorted(silent, key=lambda s: (s * 2654435761) % 2**32)[:MAX_SILENT_NEGATIVES]
    for start in range(0, len(silent), 500):
        chunk = silent[start : start + 500]
        for seg_id, doc_id, text in db.execute(
            f"SELECT id, document_id, text FROM segments WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            rows[seg_id] = {
                "doc": doc_id,
                "text": text,
                "pos": set(),
                "neg": set(),
                "labelled": True,
            }
    ids = list(rows)
    Y = np.full((len(ids), len(codes)), -1, dtype=int)
    for i, seg_id in enumerate(ids):
        entry = rows[seg_id]
        if entry["labelled"]:
            Y[i, :] = 0
        for j in entry["neg"]:
            Y[i, j] = 0
        for j in entry["pos"]:
            Y[i, j] = 1
    return TrainingData(
        ids, [rows[s]["doc"] for s in ids], [rows[s]["text"] for s in ids], Y, list(codes)
    )


@dataclass
class ProjectSuggester:
    """A trained suggester for one project, with the analysed segments it has seen.

    Keeping the :class:`Passage` of every segment means a refit after a decision only
    refits the classifier: the NLP and the rules ran once per segment.
    """

    rules: RuleScorer
    suggester: Suggester
    passages: dict[int, Passage] = field(default_factory=dict)

    def wordless_names(self) -> list[str]:
        """Names of the codes the rules cannot find (no indicator words or short examples):
        they are only proposed once a learned model takes them over."""
        names = {c.id: c.name or c.id for c in self.rules.code_specs_}
        return [names[c] for c in self.rules.wordless_]

    def passages_for(self, nlp: Language, segments: Sequence[dict[str, Any]]) -> list[Passage]:
        """Passages for segment rows (``id``, ``text``), analysing only the new ones."""
        missing = [s for s in segments if s["id"] not in self.passages]
        if missing:
            found = analyse(nlp, self.rules, [s["text"] for s in missing])
            for seg, passage in zip(missing, found):
                self.passages[seg["id"]] = passage
        return [self.passages[s["id"]] for s in segments]


def _build_rules(db: Database, nlp: Language) -> RuleScorer:
    """The project's rules from its installed codes."""
    codes: list[CodeSpec] = _project_codes(db)
    if not codes:
        raise NotFound("suggest.no_codes")
    return RuleScorer().fit(codes, nlp=nlp)


def retrain(
    project: Project,
    *,
    nlp: Language,
    previous: ProjectSuggester | None = None,
    **params: Any,
) -> ProjectSuggester:
    """Fit the suggester on the project's decisions so far (reusing ``previous``'s analyses).

    The rules are rebuilt when the codebook changed (different code ids). Needs ``code``: the
    model exists to make suggestions.
    """
    project.require("code")
    return _retrain(project.db, nlp=nlp, previous=previous, **params)


def _retrain(
    db: Database,
    *,
    nlp: Language,
    previous: ProjectSuggester | None = None,
    **params: Any,
) -> ProjectSuggester:
    """:func:`retrain` on a connection; also for the background refit of ``review.Learner``,
    which runs on its own connection after a checked decision."""
    rules = previous.rules if previous is not None else None
    current_codes = [c.id for c in _project_codes(db)]
    if rules is None or list(rules.codes_) != current_codes:
        rules, cache = _build_rules(db, nlp), {}
    else:
        cache = previous.passages
    data = _training_data(db, rules.codes_)
    fitted = ProjectSuggester(rules, Suggester(rules, **params), cache)
    segments = [{"id": s, "text": t} for s, t in zip(data.segment_ids, data.texts)]
    passages = fitted.passages_for(nlp, segments)
    fitted.suggester.fit(passages, data.Y, groups=data.document_ids)
    return fitted


def suggest_document(
    project: Project,
    document_id: int,
    *,
    nlp: Language,
    coder: str | None = None,
    model: ProjectSuggester | None = None,
) -> list[int]:
    """Store suggestions for one document for ``coder``; returns the new coding ids.

    ``coder`` defaults to the acting user, who needs ``code``; storing suggestions for
    someone else is a researcher's job, as for any coding. Only segments analysis should see
    (``analysis_speakers``). Skips every (segment, code) where ``coder`` already has a coding
    or a decision, human or machine, and a parent code when one of its children is proposed
    for the same segment or ``coder`` accepted one of its children there.
    """
    project.require("code")
    coder = project.user if coder is None else coder
    if coder != project.user:
        project.require_own(coder)
    db = project.db
    if db.execute("SELECT 1 FROM documents WHERE id = ?", [document_id]).fetchone() is None:
        raise NotFound("codings.unknown_document", document=document_id)
    model = model if model is not None else _retrain(db, nlp=nlp)
    segments = analysis_segments(project, document_id)
    passages = model.passages_for(nlp, segments)
    found = [most_specific(model.rules, s) for s in model.suggester.suggest(passages)]
    taken = _taken(db, document_id, coder, model.rules)
    new_ids: list[int] = []
    with transaction(db):
        for seg, suggestions in zip(segments, found):
            for s in suggestions:
                if _overlaps(taken.get(s.code, ()), seg["start_char"], seg["end_char"]):
                    continue
                new_ids.append(
                    add_coding(
                        project,
                        coder=coder,
                        code=s.code,
                        segment_id=seg["id"],
                        origin="machine",
                        status="suggested",
                        score=round(float(s.score), 4),
                        evidence=s.evidence or None,
                    )
                )
    return new_ids


def suggest_project(
    project: Project,
    *,
    nlp: Language,
    coder: str | None = None,
    document_ids: Iterable[int] | None = None,
    model: ProjectSuggester | None = None,
) -> dict[int, int]:
    """Suggestions for several documents (all by default); returns {document id: new count}.

    Checked before the model is fit, not only per document (see :func:`suggest_document`).
    """
    project.require("code")
    model = model if model is not None else retrain(project, nlp=nlp)
    if document_ids is None:
        document_ids = [r[0] for r in project.db.execute("SELECT id FROM documents ORDER BY id")]
    return {
        d: len(suggest_document(project, d, coder=coder, nlp=nlp, model=model))
        for d in document_ids
    }


def most_specific(rules: RuleScorer, suggestions: list) -> list:
    """Drop a parent when one of its children is suggested for the same segment.

    Accepting the child counts for the parent too (training propagates labels upwards), so
    asking about both only doubles the coder's work.
    """
    parents = {
        rules.codes_[p]
        for s in suggestions
        if (p := rules.parent_index_[rules.codes_.index(s.code)]) is not None
    }
    return [s for s in suggestions if s.code not in parents]


def _taken(
    db: Database, document_id: int, coder: str, rules: RuleScorer
) -> dict[str, list[tuple[int, int]]]:
    """Spans per code that ``coder`` already has in this document (any status, any origin).

    An accepted coding of a child also takes its span for the child's parents: the child
    counts for them (as in training and evaluation), so proposing the parent there would ask
    for what the coder already said (the demo: verlies on a sentence anna coded verlies-werk).
    """
    cur = db.execute(
        "SELECT k.slug, c.start_char, c.end_char, c.status FROM codings c "
        "JOIN codes k ON k.id = c.code_id WHERE c.document_id = ? AND c.coder = ?",
        [document_id, coder],
    )
    index = {c: j for j, c in enumerate(rules.codes_)}
    taken: dict[str, list[tuple[int, int]]] = {}
    for slug, start, end, status in cur.fetchall():
        taken.setdefault(slug, []).append((start, end))
        if status == "accepted" and slug in index:
            for parent in rules.ancestors(index[slug]):
                taken.setdefault(rules.codes_[parent], []).append((start, end))
    return taken


def _overlaps(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
