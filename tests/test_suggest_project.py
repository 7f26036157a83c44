"""Suggestions inside a real project: stored as open proposals, learning from decisions."""

from __future__ import annotations

import json

import pytest

from workbench.codings import add_coding, decide, list_codings
from workbench.ingest import import_files, set_speaker_role
from workbench.projects import create_project
from workbench.suggest import retrain, suggest_document
from workbench.suggest.evaluate import evaluate
from workbench.suggest.review import Learner, decide_and_learn, example_counts, review_queue

INTERVIEW = """Fictief interview, geschreven voor de tests van de werkbank.

I: Hoe gaat het nu met u?
R: Sinds mijn vrouw is overleden ben ik veel alleen. Ik voel me eenzaam, vooral 's avonds.
I: Heeft u nog contact met vrienden?
R: Weinig. Ik schaamde me om te zeggen dat ik het niet meer redde. Geldzorgen had ik ook, de huur was te hoog.
I: Bent u ook eenzaam, zou u zeggen?
R: Ik ben vaak zo moe dat ik niemand wil zien. Mijn hond houdt me op de been.
I: Wat doet u overdag?
R: We woonden vroeger aan de rand van het dorp. Mijn dochter komt op zondag koffie drinken.
"""


@pytest.fixture
def project(tmp_path, nlp):
    source = tmp_path / "R99-test.txt"
    source.write_text(INTERVIEW, encoding="utf-8")
    db = create_project(tmp_path / "p.db")
    report = import_files(db, [source], actor="onderzoeker", nlp=nlp)
    yield db, report.results[0].document_id
    db.close()


def stored(db, **filters):
    return list_codings(db, user="onderzoeker", statuses=None, **filters)


def test_suggestions_are_stored_as_open_machine_codings(project, nlp):
    db, doc = project
    ids = suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    rows = stored(db)
    assert ids and len(rows) == len(ids)
    assert {(r["origin"], r["status"]) for r in rows} == {("machine", "suggested")}
    assert all(0 <= r["score"] <= 1 and json.loads(r["evidence"]) for r in rows)
    codes = {r["code"] for r in rows}
    assert {"isolement", "schaamte", "verlies-dierbare"} <= codes
    assert "verlies" not in codes   # the child is asked about, not the parent as well


def test_nothing_is_applied_without_a_decision(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    assert list_codings(db, user="onderzoeker") == []   # accepted codings only


def test_only_respondent_turns_are_suggested(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    assert not any("zou u zeggen" in r["text"] for r in stored(db))
    interviewer = db.execute(
        "SELECT id FROM speakers WHERE document_id = ? AND label = 'I'", [doc]
    ).fetchone()[0]
    set_speaker_role(db, interviewer, "respondent", actor="onderzoeker")
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    assert any("zou u zeggen" in r["text"] for r in stored(db))


def test_human_decisions_are_never_overwritten(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    first = [r for r in stored(db) if r["code"] == "isolement"][0]
    decide(db, first["id"], "rejected", actor="onderzoeker")
    segment = [r for r in stored(db) if r["code"] == "schaamte"][0]["segment_id"]
    human = add_coding(db, coder="onderzoeker", code="zingeving", segment_id=segment)
    assert suggest_document(db, doc, coder="onderzoeker", nlp=nlp) == []
    assert db["codings"].get(first["id"])["status"] == "rejected"
    assert db["codings"].get(human)["origin"] == "human"


def test_decisions_become_training_data(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    for r in stored(db):
        decide(db, r["id"], "accepted" if r["code"] != "isolement" else "rejected",
               actor="onderzoeker")
    model = retrain(db, nlp=nlp)
    status = {s["code"]: s for s in model.suggester.status()}
    assert status["isolement"]["negatives"] >= 1
    assert status["schaamte"]["positives"] >= 1


def test_review_queue_keeps_fragments_with_context(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    queue = review_queue(db, coder="onderzoeker", limit=50)
    assert len(queue) == len(stored(db))
    segments = [q["segment_id"] for q in queue]
    for segment in set(segments):   # suggestions on one segment come one after another
        places = [i for i, s in enumerate(segments) if s == segment]
        assert places == list(range(places[0], places[-1] + 1))
    assert all(q["before"] and q["before"]["speaker"] == "I" for q in queue)
    assert all(q["evidence"] and 0 <= q["score"] <= 1 for q in queue)


def test_learner_refits_after_a_decision(project, nlp, tmp_path):
    # How fast it catches up is a benchmark figure (benchmarks/bench_suggest.py), not a test.
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    learner = Learner(tmp_path / "p.db", nlp)
    learner.refit()
    version, seen = learner.version, learner.fitted_event
    first = review_queue(db, coder="onderzoeker", model=learner.model, nlp=nlp)[0]
    decide_and_learn(db, first["coding_id"], "accepted", actor="onderzoeker", learner=learner)
    assert learner.wait(60)
    assert learner.version == version + 1 and learner.fitted_event > seen
    after = review_queue(db, coder="onderzoeker", model=learner.model, nlp=nlp)
    assert first["coding_id"] not in {q["coding_id"] for q in after}


def test_example_counts_follow_decisions(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    first = [r for r in stored(db) if r["code"] == "schaamte"][0]
    decide(db, first["id"], "accepted", actor="onderzoeker")
    counts = {c["code"]: c for c in example_counts(db)}
    assert counts["schaamte"]["accepted"] == 1 and counts["isolement"]["open"] >= 1


def test_evaluate_reports_every_code(project, nlp):
    db, doc = project
    suggest_document(db, doc, coder="onderzoeker", nlp=nlp)
    for r in stored(db):
        decide(db, r["id"], "accepted", actor="onderzoeker")
    rows = evaluate(db, nlp=nlp)
    assert {r["code"] for r in rows} >= {"verlies", "schaamte", "isolement"}
    assert all(set(r) >= {"examples", "precision", "recall", "f1", "alpha"} for r in rows)


def test_learner_catches_up_with_codings_made_elsewhere(project, nlp, tmp_path):
    db, doc = project
    learner = Learner(tmp_path / "p.db", nlp)
    learner.refit()
    assert not learner.catch_up(db)
    segment = db.execute("SELECT id FROM segments LIMIT 1").fetchone()[0]
    add_coding(db, coder="onderzoeker", code="zingeving", segment_id=segment)
    assert learner.catch_up(db) and learner.wait(5.0)
    assert not learner.catch_up(db)
