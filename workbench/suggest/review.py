"""Active learning: which suggestion to review next, and a model that keeps up with decisions.

The queue puts first what teaches the model most: suggestions whose score sits near the
code's threshold (the model is unsure) and codes with few confirmed examples (each decision
there moves the model a lot). Suggestions on the same segment stay together and every item
carries the turn before and after it, so a coder reads a whole fragment, not a loose line.

:class:`Learner` holds the project's current model. After each decision, ``notify()`` refits
it in a background thread on its own database connection (only the classifier is refit: the
NLP ran once per segment), so the next ``review_queue`` call ranks with the new model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from sqlite_utils import Database

from workbench.codings import decide
from workbench.handle import Project
from workbench.store import connect
from workbench.suggest.project import ProjectSuggester, _rejections, _retrain, _training_data

UNCERTAINTY_WEIGHT = 1.0
RARITY_WEIGHT = 0.6


class Learner:
    """The model of one project, refit in the background after decisions.

    Use one per project file and process (the Streamlit page keeps it in ``cache_resource``).
    ``model`` is always a complete, usable model: a refit swaps it in when done.
    """

    def __init__(self, project_path: str | Path, nlp: Language) -> None:
        self.project_path = str(project_path)
        self.nlp = nlp
        self._lock = threading.Lock()
        self._model: ProjectSuggester | None = None
        self._thread: threading.Thread | None = None
        self._dirty = False
        self.version = 0
        self.last_fit_seconds = 0.0
        self.fitted_event = -1  # newest coding event the current model has seen

    @property
    def model(self) -> ProjectSuggester:
        """The current model (fit on first use)."""
        current = self._model
        return current if current is not None else self.refit()

    def refit(self) -> ProjectSuggester:
        """Refit now, in this thread, from the project's decisions so far.

        No acting user: the learner is shared by the sessions of a server and refits on its
        own connection after their (checked) decisions. The model reaches nobody except
        through calls that check the handle (``review_queue``, ``suggest_document``,
        ``evaluate``).
        """
        db = connect(self.project_path)
        try:
            started = time.perf_counter()
            seen = _last_coding_event(db)
            model = _retrain(db, nlp=self.nlp, previous=self._model)
            _explain_distrust(db, model, self.nlp)  # before the swap: the page reads it at once
            self.last_fit_seconds = time.perf_counter() - started
        finally:
            db.close()
        with self._lock:
            self._model = model
            self.version += 1
            self.fitted_event = seen
        return model

    def catch_up(self, db: Database) -> bool:
        """Refit in the background when codings changed elsewhere (another page, the CLI).

        Returns True when a refit was started.
        """
        if self._model is not None and _last_coding_event(db) > self.fitted_event:
            self.notify()
            return True
        return False

    def notify(self) -> None:
        """A decision was made: refit in the background (coalescing bursts of decisions)."""
        with self._lock:
            self._dirty = True
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, daemon=True, name="suggest-refit")
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    return
                self._dirty = False
            self.refit()

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait for a running refit; True when none is left running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True


def last_change(project: Project) -> int:
    """The newest change suggestions and their figures depend on (a coding, a decision, a code,
    a done mark), as an event id; needs ``read``.

    A page keeps it beside figures it computed (``evaluate`` takes seconds and runs on a
    button), so it can say when they no longer match the project: the Suggesties panel kept
    showing figures from before the coder's last decisions without a word.
    """
    project.require("read")
    return _last_coding_event(project.db)


def _last_coding_event(db: Database) -> int:
    found = db.execute(
        # Done marks too: a document read in full turns its uncoded sentences into negatives.
        "SELECT coalesce(max(id), 0) FROM events WHERE entity IN ('codings', 'codes', 'done_marks')"
    ).fetchone()
    return int(found[0])


def _explain_distrust(db: Database, model: ProjectSuggester, nlp: Language) -> ProjectSuggester:
    """Let ``model`` say why each word no longer counts alone: rejected suggestions, or
    sentences people coded otherwise or left uncoded (``Suggester.explain_distrust``).

    Reads the same training data the model was fit on; the NLP ran for it already.
    """
    codes = list(model.rules.codes_)
    data = _training_data(db, codes)
    segments = [{"id": s, "text": t} for s, t in zip(data.segment_ids, data.texts)]
    passages = model.passages_for(nlp, segments)
    model.suggester.explain_distrust(passages, data.Y, _rejections(db, data.segment_ids, codes))
    return model


def decide_and_learn(
    project: Project, coding_id: int, status: str, *, learner: Learner | None = None
) -> None:
    """Record a decision (accept / reject / reopen) and let the learner catch up."""
    project.require("suggestion.decide")
    decide(project, coding_id, status)
    if learner is not None:
        learner.notify()


def review_queue(
    project: Project,
    *,
    coder: str | None = None,
    limit: int = 20,
    model: ProjectSuggester | None = None,
    nlp: Language | None = None,
    code: str | None = None,
) -> list[dict[str, Any]]:
    """Open suggestions for ``coder`` in the order that teaches the model fastest.

    With ``code``, only that code's suggestions, most likely first: "the fragments most
    likely to be X", the way to check a code's cold start (is its top worth the time?).

    With ``model`` (and ``nlp``), scores are recomputed with the current model, so the order
    follows every refit, and a suggestion the current model no longer makes (its score fell
    below the threshold, for instance because its only words were rejected before) goes to
    the back of the queue: it stays open, but the coder's time goes first to what the model
    still stands behind. Without a model, the stored scores are used. Each item: coding id,
    segment, document, code, score, threshold, evidence, ``distrusted`` (the evidence words
    that no longer propose the code alone) and ``distrusted_rejected`` (those of them whose
    suggestions people rejected; the others were in sentences people coded otherwise or left
    uncoded), the segment text and the turns around it.
    ``coder`` defaults to the acting user, who needs the ``read`` right.
    """
    project.require("read")
    db = project.db
    coder = project.user if coder is None else coder
    rank = "score" if code is not None else "priority"
    pending = [p for p in _pending(db, coder) if code is None or p["code"] == code]
    if not pending:
        return []
    thresholds: dict[str, float] = {}
    positives: dict[str, int] = {}
    hits = {p["coding_id"] for p in pending if p["score"] is None}  # a person's search found them
    if model is not None and nlp is not None:
        segments = {p["segment_id"]: {"id": p["segment_id"], "text": p["text"]} for p in pending}
        order = list(segments)
        passages = dict(zip(order, model.passages_for(nlp, [segments[s] for s in order])))
        scores = model.suggester.predict_proba([passages[s] for s in order])
        index = {c: j for j, c in enumerate(model.suggester.codes_)}
        row_of = {s: i for i, s in enumerate(order)}
        for p in pending:
            j = index.get(p["code"])
            if j is not None:
                p["score"] = float(scores[row_of[p["segment_id"]], j])
        for j, name in enumerate(model.suggester.codes_):
            thresholds[name] = float(model.suggester.thresholds_[j])
            positives[name] = int(model.suggester.n_positive_[j])
    else:
        positives = _positives(db)
    for p in pending:
        threshold = thresholds.get(p["code"], 0.5)
        score = p["score"] if p["score"] is not None else threshold
        uncertainty = 1.0 - min(1.0, abs(score - threshold) / 0.5)
        rarity = 1.0 / np.sqrt(1.0 + positives.get(p["code"], 0))
        p["threshold"] = threshold
        # Only a current model's score says it no longer makes this suggestion.
        p["set_aside"] = (
            model is not None
            and p["score"] is not None
            and p["coding_id"] not in hits
            and score < threshold
        )
        p["priority"] = UNCERTAINTY_WEIGHT * uncertainty + RARITY_WEIGHT * rarity
    by_segment: dict[int, list[dict[str, Any]]] = {}
    for p in pending:
        by_segment.setdefault(p["segment_id"], []).append(p)
    groups = sorted(
        by_segment.values(),
        key=lambda g: (
            all(p["set_aside"] for p in g),
            -max(p[rank] or 0.0 for p in g),
            g[0]["document_id"],
            g[0]["position"],
        ),
    )
    items: list[dict[str, Any]] = []
    for group in groups:
        items += sorted(group, key=lambda p: -p["priority"])
        if len(items) >= limit:
            break
    items = items[:limit]
    for p in items:
        p["distrusted"] = []
        p["distrusted_rejected"] = []
    if model is not None and nlp is not None:  # evidence from the current model, shown items only
        index = {c: j for j, c in enumerate(model.suggester.codes_)}
        for p in items:
            j = index.get(p["code"])
            if j is not None and p["coding_id"] not in hits:
                passage = passages[p["segment_id"]]
                p["evidence"] = model.suggester.evidence(passage, j) or p["evidence"]
                p["distrusted"] = model.suggester.distrusted_words(passage, j)
                if p["distrusted"] and getattr(model.suggester, "distrust_detail_", None) is None:
                    _explain_distrust(db, model, nlp)  # a model not made by a Learner
                p["distrusted_rejected"] = model.suggester.rejected_words(passage, j)
    _add_context(db, items)
    return items


def _pending(db: Database, coder: str) -> list[dict[str, Any]]:
    import json

    cur = db.execute(
        "SELECT c.id AS coding_id, c.segment_id, c.document_id, d.name AS document, "
        "k.slug AS code, "
        "k.name AS code_name, k.color AS code_color, c.score, c.evidence, s.text, s.turn_id, "
        "s.position, s.start_char, s.end_char "
        "FROM codings c JOIN codes k ON k.id = c.code_id JOIN segments s ON s.id = c.segment_id "
        "JOIN documents d ON d.id = c.document_id "
        "WHERE c.coder = ? AND c.status = 'suggested' AND c.origin = 'machine'",
        [coder],
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for r in rows:
        r["evidence"] = json.loads(r["evidence"]) if r["evidence"] else []
    return rows


def _positives(db: Database) -> dict[str, int]:
    cur = db.execute(
        "SELECT k.slug, count(*) FROM codings c JOIN codes k ON k.id = c.code_id "
        "WHERE c.status = 'accepted' GROUP BY k.slug"
    )
    return {r[0]: int(r[1]) for r in cur.fetchall()}


def _add_context(db: Database, items: list[dict[str, Any]]) -> None:
    """The turn before and after each item's segment, with speaker labels."""
    for item in items:
        found = db.execute(
            "SELECT t.position, t.document_id FROM turns t WHERE t.id = ?", [item["turn_id"]]
        ).fetchone()
        item["before"] = item["after"] = None
        if found is None:
            continue
        position, doc_id = found
        for key, pos in (("before", position - 1), ("after", position + 1)):
            near = db.execute(
                "SELECT sp.label, substr(d.text, t.start_char + 1, t.end_char - t.start_char) "
                "FROM turns t JOIN documents d ON d.id = t.document_id "
                "LEFT JOIN speakers sp ON sp.id = t.speaker_id "
                "WHERE t.document_id = ? AND t.position = ?",
                [doc_id, pos],
            ).fetchone()
            if near is not None:
                item[key] = {"speaker": near[0], "text": near[1]}
        turn = db.execute(
            "SELECT sp.label, substr(d.text, t.start_char + 1, t.end_char - t.start_char), "
            "t.start_char FROM turns t JOIN documents d ON d.id = t.document_id "
            "LEFT JOIN speakers sp ON sp.id = t.speaker_id WHERE t.id = ?",
            [item["turn_id"]],
        ).fetchone()
        item["speaker"] = turn[0]
        item["turn_text"] = turn[1]
        item["segment_in_turn"] = (item["start_char"] - turn[2], item["end_char"] - turn[2])


def open_count(
    project: Project,
    *,
    coder: str | None = None,
    code: str | None = None,
    leaving_out: Iterable[int] = (),
) -> int:
    """How many suggestions still wait for ``coder``'s decision (default: the acting user's);
    needs ``read``, like the queue it counts.

    ``code`` counts only that code's, as the queue shows them when a coder picks one code;
    ``leaving_out`` are coding ids not to count (the ones skipped this session): only those
    still open and of ``code`` are left out, so a skip is never subtracted twice or from
    another code's count.
    """
    project.require("read")
    where = ["c.coder = ?", "c.status = 'suggested'", "c.origin = 'machine'"]
    params: list[Any] = [project.user if coder is None else coder]
    if code is not None:
        where.append("k.slug = ?")
        params.append(code)
    skipped = sorted(set(leaving_out))
    if skipped:
        where.append(f"c.id NOT IN ({', '.join('?' * len(skipped))})")
        params += skipped
    return int(
        project.db.execute(
            "SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id "
            f"WHERE {' AND '.join(where)}",
            params,
        ).fetchone()[0]
    )


def example_counts(project: Project, *, coder: str | None = None) -> list[dict[str, Any]]:
    """Per code: accepted and rejected decisions so far (the page's counter), of ``coder``
    or, without one, of everyone; needs ``read``.

    ``accepted_share``: of the workbench's suggestions people decided on, the share they
    accepted (None before the first decision), the plain figure of whether a code's
    suggestions are worth the time; ``suggestions_accepted`` and ``suggestions_decided`` are
    the counts behind it, so a page can say what the share covers. Only suggestions the
    workbench scored count there: search hits turned into suggestions (Zoeken, no score) were
    found by a person's query (demo: bram turned the 17 hits for "koffie" into isolement
    suggestions and accepted 2 of the first 3; the card said "2 van 3" for isolement's
    suggestions, of which he had decided on none). ``hits_decided`` counts those search
    hits apart, so a page can keep a code whose hits were all decided in its one-code menu
    and say why its share is empty.
    """
    project.require("read")
    where, params = ("AND c.coder = ?", [coder]) if coder else ("", [])
    scored = "c.origin = 'machine' AND c.score IS NOT NULL"
    cur = project.db.execute(
        "SELECT k.slug, k.name, sum(c.status = 'accepted'), sum(c.status = 'rejected'), "
        f"sum(c.status = 'suggested'), sum({scored} AND c.status = 'accepted'), "
        f"sum({scored} AND c.status = 'rejected'), "
        "sum(c.origin = 'machine' AND c.score IS NULL AND c.status IN ('accepted', 'rejected')) "
        "FROM codes k LEFT JOIN codings c ON c.code_id = k.id "
        f"{where} WHERE k.active = 1 GROUP BY k.id ORDER BY k.codebook_id, k.position, k.id",
        params,
    )
    rows = []
    for r in cur.fetchall():
        taken, refused = int(r[5] or 0), int(r[6] or 0)
        rows.append(
            {
                "code": r[0],
                "name": r[1],
                "accepted": int(r[2] or 0),
                "rejected": int(r[3] or 0),
                "open": int(r[4] or 0),
                "accepted_share": round(taken / (taken + refused), 3) if taken + refused else None,
                "suggestions_accepted": taken,
                "suggestions_decided": taken + refused,
                "hits_decided": int(r[7] or 0),
            }
        )
    return rows


def recent_decisions(
    project: Project, *, coder: str | None = None, limit: int = 5
) -> list[dict[str, Any]]:
    """The coder's last decided suggestions, newest first (so they can be changed again);
    ``coder`` defaults to the acting user, who needs the ``read`` right (the rows carry the
    coded text)."""
    project.require("read")
    coder = project.user if coder is None else coder
    cur = project.db.execute(
        "SELECT c.id AS coding_id, k.slug AS code, k.name AS code_name, c.status, c.text, "
        "c.updated_at FROM codings c JOIN codes k ON k.id = c.code_id "
        "WHERE c.coder = ? AND c.origin = 'machine' AND c.status != 'suggested' "
        "ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
        [coder, limit],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
