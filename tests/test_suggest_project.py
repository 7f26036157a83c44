"""Suggestions inside a real project: stored as open proposals, learning from decisions."""

from __future__ import annotations

import json

import pytest

from workbench.codings import add_coding, decide, list_codings
from workbench.handle import Project
from workbench.ingest import import_files, set_speaker_role
from workbench.suggest import retrain, suggest_document
from workbench.suggest import project as suggest_project
from workbench.suggest.evaluate import evaluate
from workbench.suggest.project import training_data
from workbench.done_marks import mark_done
from workbench.ingest import analysis_segments
from workbench.suggest.review import Learner, decide_and_learn, example_counts, review_queue
from workbench.handle import Project

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
def project(tmp_path, nlp, new_project):
    source = tmp_path / "R99-test.txt"
    source.write_text(INTERVIEW, encoding="utf-8")
    db = new_project(tmp_path / "p.db")
    report = import_files(Project.for_user(db, "onderzoeker"), [source], nlp=nlp)
    yield db, report.results[0].document_id
    db.close()


def stored(db, **filters):
    return list_codings(Project.for_user(db, "onderzoeker"), statuses=None, **filters)


def reject_suggestion(researcher, code, segment_id, *, evidence):
    """A machine suggestion of ``code`` on the segment, rejected by ``researcher``."""
    coding = add_coding(
        researcher,
        code=code,
        segment_id=segment_id,
        origin="machine",
        status="suggested",
        evidence=evidence,
    )
    decide(researcher, coding, "rejected")


def test_suggestions_are_stored_as_open_machine_codings(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    ids = suggest_document(researcher, doc, nlp=nlp)
    rows = stored(db)
    assert ids and len(rows) == len(ids)
    assert {(r["origin"], r["status"]) for r in rows} == {("machine", "suggested")}
    assert all(0 <= r["score"] <= 1 and json.loads(r["evidence"]) for r in rows)
    codes = {r["code"] for r in rows}
    assert {"isolement", "schaamte", "verlies-dierbare"} <= codes
    assert "verlies" not in codes  # the child is asked about, not the parent as well


def test_nothing_is_applied_without_a_decision(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    assert list_codings(researcher) == []  # accepted codings only


def test_only_respondent_turns_are_suggested(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    assert not any("zou u zeggen" in r["text"] for r in stored(db))
    interviewer = db.execute(
        "SELECT id FROM speakers WHERE document_id = ? AND label = 'I'", [doc]
    ).fetchone()[0]
    set_speaker_role(Project.for_user(db, "onderzoeker"), interviewer, "respondent")
    suggest_document(researcher, doc, nlp=nlp)
    assert any("zou u zeggen" in r["text"] for r in stored(db))


def test_human_decisions_are_never_overwritten(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    first = [r for r in stored(db) if r["code"] == "isolement"][0]
    decide(Project.for_user(db, "onderzoeker"), first["id"], "rejected")
    segment = [r for r in stored(db) if r["code"] == "schaamte"][0]["segment_id"]
    human = add_coding(Project.for_user(db, "onderzoeker"), code="zingeving", segment_id=segment)
    assert suggest_document(researcher, doc, nlp=nlp) == []
    assert db["codings"].get(first["id"])["status"] == "rejected"
    assert db["codings"].get(human)["origin"] == "human"


def test_decisions_become_training_data(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    for r in stored(db):
        decide(
            Project.for_user(db, "onderzoeker"),
            r["id"],
            "accepted" if r["code"] != "isolement" else "rejected",
        )
    model = retrain(researcher, nlp=nlp)
    status = {s["code"]: s for s in model.suggester.status()}
    assert status["isolement"]["negatives"] >= 1
    assert status["schaamte"]["positives"] >= 1


def test_a_document_read_in_full_teaches_that_uncoded_sentences_carry_no_code(
    project, nlp, tmp_path, new_project
):
    # Most sentences of an interview carry no code; a model that only saw coded sentences
    # proposes far too much. A done mark ("klaar") says the silence is a decision.
    db, doc = project
    other_file = tmp_path / "R98-test.txt"
    other_file.write_text(INTERVIEW + "R: Dat was het.\n", encoding="utf-8")
    researcher = Project.for_user(db, "onderzoeker")
    other = import_files(researcher, [other_file], nlp=nlp).results[0].document_id
    segments = {d: [s["id"] for s in analysis_segments(researcher, d)] for d in (doc, other)}
    for d in (doc, other):
        add_coding(researcher, code="schaamte", segment_id=segments[d][1])

    before = training_data(researcher, ["schaamte", "isolement"])
    assert sorted(before.segment_ids) == sorted([segments[doc][1], segments[other][1]])

    mark_done(researcher, [doc], coder="onderzoeker")
    after = training_data(researcher, ["schaamte", "isolement"])
    labels = dict(zip(after.segment_ids, after.Y.tolist()))
    assert set(after.segment_ids) == set(segments[doc]) | {segments[other][1]}
    assert labels[segments[doc][1]] == [1, 0]
    assert all(labels[s] == [0, 0] for s in segments[doc] if s != segments[doc][1])
    assert labels[segments[other][1]] == [1, 0]  # the other document's silence stays unknown


def test_silent_negatives_are_capped_and_stable(project, nlp, monkeypatch):
    # A refit must stay under a second however many documents are done: a fixed sample.
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    mark_done(researcher, [doc], coder="onderzoeker")
    monkeypatch.setattr(suggest_project, "MAX_SILENT_NEGATIVES", 3)
    first = training_data(researcher, ["schaamte"]).segment_ids
    assert len(first) == 3
    assert training_data(researcher, ["schaamte"]).segment_ids == first


def test_review_queue_keeps_fragments_with_context(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    queue = review_queue(researcher, limit=50)
    assert len(queue) == len(stored(db))
    segments = [q["segment_id"] for q in queue]
    for segment in set(segments):  # suggestions on one segment come one after another
        places = [i for i, s in enumerate(segments) if s == segment]
        assert places == list(range(places[0], places[-1] + 1))
    assert all(q["before"] and q["before"]["speaker"] == "I" for q in queue)
    assert all(q["evidence"] and 0 <= q["score"] <= 1 for q in queue)


def test_learner_refits_after_a_decision(project, nlp, tmp_path):
    # How fast it catches up is a benchmark figure (benchmarks/bench_suggest.py), not a test.
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    learner = Learner(tmp_path / "p.db", nlp)
    learner.refit()
    version, seen = learner.version, learner.fitted_event
    first = review_queue(researcher, model=learner.model, nlp=nlp)[0]
    decide_and_learn(researcher, first["coding_id"], "accepted", learner=learner)
    assert learner.wait(60)
    assert learner.version == version + 1 and learner.fitted_event > seen
    after = review_queue(researcher, model=learner.model, nlp=nlp)
    assert first["coding_id"] not in {q["coding_id"] for q in after}


def test_example_counts_follow_decisions(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    first = [r for r in stored(db) if r["code"] == "schaamte"][0]
    decide(Project.for_user(db, "onderzoeker"), first["id"], "accepted")
    counts = {c["code"]: c for c in example_counts(researcher)}
    assert counts["schaamte"]["accepted"] == 1 and counts["isolement"]["open"] >= 1


def test_evaluate_reports_every_code(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    for r in stored(db):
        decide(Project.for_user(db, "onderzoeker"), r["id"], "accepted")
    rows = evaluate(researcher, nlp=nlp)
    assert {r["code"] for r in rows} >= {"verlies", "schaamte", "isolement"}
    assert all(
        set(r)
        >= {
            "examples",
            "precision",
            "recall",
            "f1",
            "alpha",
            "proposed",
            "precision_interval",
            "verdict",
            "fold_sources",
        }
        for r in rows
    )


def second_interview(tmp_path, nlp, db, name: str) -> int:
    source = tmp_path / name
    # each text its own (the import recognises a text it already holds)
    source.write_text(INTERVIEW.replace("vrouw", "man") + f"R: Dit was {name}.\n", encoding="utf-8")
    return (
        import_files(Project.for_user(db, "onderzoeker"), [source], nlp=nlp).results[0].document_id
    )


def test_evaluate_counts_every_sentence_of_the_coded_documents(project, nlp, tmp_path):
    # Precision over every sentence the model would propose, not only over coded sentences:
    # a person coded one sentence per interview; the uncoded ones count as "not this code".
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    docs = [doc] + [second_interview(tmp_path, nlp, db, f"R9{i}-test.txt") for i in range(3)]
    untouched = second_interview(tmp_path, nlp, db, "R98-niemand.txt")
    for d in docs:
        first = db.execute(
            "SELECT id FROM segments WHERE document_id = ? AND text LIKE '%schaamde%'", [d]
        ).fetchone()[0]
        add_coding(Project.for_user(db, "onderzoeker"), code="schaamte", segment_id=first)
    rows = {r["code"]: r for r in evaluate(researcher, nlp=nlp)}
    respondent = db.execute(
        "SELECT count(*) FROM segments s JOIN turns t ON t.id = s.turn_id JOIN speakers sp "
        "ON sp.id = t.speaker_id WHERE sp.role = 'respondent' AND s.document_id != ?",
        [untouched],
    ).fetchone()[0]
    shame = rows["schaamte"]
    assert shame["documents"] == 4 and shame["sentences"] == respondent > 4
    assert shame["examples"] == 4
    assert sum(shame["fold_sources"].values()) == 4  # one engine per fold, named
    if shame["proposed"]:
        assert shame["precision"] == round(shame["correct"] / shame["proposed"], 3)
        low, high = shame["precision_interval"]
        assert low <= shame["precision"] <= high
    # rules propose isolement on uncoded sentences: every one is counted as a wrong proposal
    lonely = rows["isolement"]
    assert lonely["examples"] == 0 and lonely["proposed"] > 0 and lonely["verdict"] == "no_examples"


def test_evaluate_needs_a_role_that_reads(project, nlp):
    from workbench.accounts import add_user
    from workbench.errors import PermissionDenied

    db, _ = project
    add_user(Project.for_user(db, "onderzoeker"), "bewoner", role="co-onderzoeker")
    with pytest.raises(PermissionDenied):
        evaluate(Project.for_user(db, "bewoner"), nlp=nlp)


def test_verdict_follows_the_interval_not_the_point():
    from workbench.suggest.evaluate import verdict, wilson

    assert wilson(0, 0) is None
    assert verdict(examples=30, proposed=40, correct=30, source="model") == "worth"
    assert verdict(examples=30, proposed=40, correct=5, source="model") == "not_yet"
    # 3 of 4 right is 0.75, but four proposals cannot show it is above one in two
    assert verdict(examples=5, proposed=4, correct=3, source="rules") == "unsure"
    assert verdict(examples=0, proposed=9, correct=0, source="rules") == "no_examples"
    assert verdict(examples=3, proposed=0, correct=0, source="silenced") == "silenced"


def test_learner_catches_up_with_codings_made_elsewhere(project, nlp, tmp_path):
    db, doc = project
    learner = Learner(tmp_path / "p.db", nlp)
    learner.refit()
    assert not learner.catch_up(db)
    segment = db.execute("SELECT id FROM segments LIMIT 1").fetchone()[0]
    add_coding(Project.for_user(db, "onderzoeker"), code="zingeving", segment_id=segment)
    assert learner.catch_up(db) and learner.wait(5.0)
    assert not learner.catch_up(db)
    # A done mark turns the document's silence into training data: refit as well.
    mark_done(Project.for_user(db, "onderzoeker"), [doc], coder="onderzoeker")
    assert learner.catch_up(db) and learner.wait(5.0)
    assert learner.model.suggester.status()[0]["negatives"] > 0


def test_queue_for_one_code_is_ranked_by_score_and_counts_share_accepted(project, nlp):
    db, doc = project
    researcher = Project.for_user(db, "onderzoeker")
    suggest_document(researcher, doc, nlp=nlp)
    queue = review_queue(researcher, code="isolement")
    assert queue and {q["code"] for q in queue} == {"isolement"}
    assert [q["score"] for q in queue] == sorted((q["score"] for q in queue), reverse=True)
    decide(researcher, queue[0]["coding_id"], "accepted")
    counts = {c["code"]: c for c in example_counts(researcher)}
    assert counts["isolement"]["accepted_share"] == 1.0
    assert (
        counts["isolement"]["suggestions_accepted"],
        counts["isolement"]["suggestions_decided"],
    ) == (1, 1)
    assert counts["schaamte"]["accepted_share"] is None  # nothing decided yet
    assert counts["schaamte"]["suggestions_decided"] == 0
    if len(queue) > 1:
        decide(researcher, queue[1]["coding_id"], "rejected")
        assert {c["code"]: c for c in example_counts(researcher)}["isolement"][
            "accepted_share"
        ] == 0.5


FUNERALS = """Fictief interview, geschreven voor de tests van de werkbank.

I: Wat deed je die winter?
R: Op de begrafenis van de burgemeester was het druk.
I: En verder?
R: Na de begrafenis van de buurman dronken we koffie.
I: Was dat alles?
R: De begrafenis van de oude dominee trok het hele dorp.
I: En thuis?
R: Ik voelde me zo eenzaam, ik zag niemand meer.
"""


def test_a_suggestion_the_model_no_longer_makes_goes_to_the_back_of_the_queue(
    tmp_path, nlp, new_project
):
    source = tmp_path / "R95-winter.txt"
    source.write_text(FUNERALS, encoding="utf-8")
    db = new_project(tmp_path / "w.db")
    researcher = Project.for_user(db, "onderzoeker")
    doc = import_files(researcher, [source], nlp=nlp).results[0].document_id
    suggest_document(researcher, doc, nlp=nlp)
    funerals = [r for r in stored(db) if r["code"] == "verlies-dierbare"]
    assert len(funerals) == 3
    for r in funerals[:2]:
        decide(researcher, r["id"], "rejected")
    model = retrain(researcher, nlp=nlp)
    queue = review_queue(researcher, model=model, nlp=nlp)
    assert [q["coding_id"] for q in queue][-1] == funerals[2]["id"]
    last = queue[-1]
    assert last["set_aside"] and last["score"] < last["threshold"]
    assert last["distrusted"] == ["begrafenis"]
    assert last["distrusted_rejected"] == ["begrafenis"]  # these were rejections
    assert not any(q["set_aside"] for q in queue[:-1])
    # Without a current model the stored scores order the queue and nothing is set aside.
    assert not any(q["set_aside"] for q in review_queue(researcher))
    db.close()


NEXT_FUNERAL = """Fictief interview, geschreven voor de tests van de werkbank.

I: Wat staat er deze week op de kalender?
R: Morgen is de begrafenis van een oud-collega.
"""


def funerals_read_in_full(tmp_path, nlp, new_project):
    """Nobody rejects anything: three strangers' funerals stay uncoded in an interview read
    in full (its last sentence coded isolement, and omgeving-digitaal, a code the rules never
    propose there). A second interview got its suggestions before: a fourth funeral."""
    db = new_project(tmp_path / "stil.db")
    researcher = Project.for_user(db, "onderzoeker")
    (tmp_path / "R94-winter.txt").write_text(FUNERALS, encoding="utf-8")
    (tmp_path / "R93-week.txt").write_text(NEXT_FUNERAL, encoding="utf-8")
    report = import_files(
        researcher, [tmp_path / "R94-winter.txt", tmp_path / "R93-week.txt"], nlp=nlp
    )
    winter, week = (r.document_id for r in report.results)
    suggest_document(researcher, week, nlp=nlp)
    last = analysis_segments(researcher, winter)[-1]["id"]
    for code in ("isolement", "omgeving-digitaal"):
        add_coding(researcher, code=code, segment_id=last)
    mark_done(researcher, [winter], coder="onderzoeker")
    return db, tmp_path / "stil.db"


def test_a_word_that_stopped_counting_by_silence_is_not_called_rejected(tmp_path, nlp, new_project):
    db, _ = funerals_read_in_full(tmp_path, nlp, new_project)
    researcher = Project.for_user(db, "onderzoeker")
    rows = {r["code"]: r for r in evaluate(researcher, nlp=nlp)}
    assert rows["verlies-dierbare"]["distrusted_detail"] == [
        {"word": "begrafenis", "rejected": 0, "not_coded": 3, "accepted": 0}
    ]
    queue = review_queue(researcher, model=retrain(researcher, nlp=nlp), nlp=nlp)
    funeral = next(q for q in queue if q["code"] == "verlies-dierbare")
    assert (funeral["distrusted"], funeral["distrusted_rejected"]) == (["begrafenis"], [])
    db.close()


def test_a_code_people_used_that_proposed_nothing_says_so(tmp_path, nlp, new_project):
    from workbench.suggest.evaluate import verdict

    # 9 examples, 0 proposed (the demo's verlies-werk): no figure to doubt, nothing proposed
    assert verdict(examples=9, proposed=0, correct=0, source="rules") == "proposes_nothing"
    db, _ = funerals_read_in_full(tmp_path, nlp, new_project)
    rows = {r["code"]: r for r in evaluate(Project.for_user(db, "onderzoeker"), nlp=nlp)}
    digital = rows["omgeving-digitaal"]
    assert (digital["examples"], digital["proposed"]) == (1, 0)
    assert digital["verdict"] == "proposes_nothing"
    lonely = rows["isolement"]  # one right proposal: its interval straddles 0.5
    assert (lonely["proposed"], lonely["verdict"]) == (1, "unsure")
    db.close()


DIVORCE_CODED = """Fictief interview, geschreven voor de tests van de werkbank.

I: Wat is er veranderd?
R: Toen kwam de scheiding.
"""
DIVORCE_NEWS = """Fictief interview, geschreven voor de tests van de werkbank.

I: Wat las u in de krant?
R: Er stond een stuk in over de scheiding van een zanger.
I: En verder?
R: Ook de scheiding van een bekende voetballer stond erin.
"""


def test_a_childs_proposal_counts_for_its_parent_as_a_childs_coding_does(
    tmp_path, nlp, new_project
):
    """The truth counts a sentence coded verlies-relatie as loss (verlies); the proposals
    must count alike. Here people rejected verlies twice on news about a divorce, so in the
    fold that tests the coded interview "scheiding" no longer proposes verlies alone, but it
    still proposes verlies-relatie: in the project the coder meets the loss through the child
    (the parent is not asked about beside it), and accepting it counts for verlies."""
    db = new_project(tmp_path / "scheiding.db")
    researcher = Project.for_user(db, "onderzoeker")
    for name, text in (("R91-a", DIVORCE_CODED), ("R92-b", DIVORCE_NEWS), ("R93-c", DIVORCE_NEWS)):
        source = tmp_path / f"{name}.txt"
        source.write_text(text.replace("zanger", f"zanger uit {name}"), encoding="utf-8")
        doc = import_files(researcher, [source], nlp=nlp).results[0].document_id
        for seg in analysis_segments(researcher, doc):
            if name == "R91-a":
                add_coding(researcher, code="verlies-relatie", segment_id=seg["id"])
            else:  # a verlies suggestion on the news, rejected
                reject_suggestion(researcher, "verlies", seg["id"], evidence=["scheiding"])
    rows = {r["code"]: r for r in evaluate(researcher, nlp=nlp)}
    child, parent = rows["verlies-relatie"], rows["verlies"]
    assert (child["examples"], child["correct"]) == (1, 1)  # found in the coded interview
    assert parent["examples"] == 1 and parent["correct"] == 1  # and so was the loss
    assert parent["proposed"] >= child["proposed"]
    db.close()


def work_lost_once(tmp_path, nlp, new_project):
    """Three interviews read in full: people coded verlies in two of them five times each and
    verlies-werk once, in the third. A fold that learns from the first two sees a child never
    used beside a parent used often: there it is silenced, while the fit on all three keeps
    it on its rules. Returns the open project and its path."""
    db = new_project(tmp_path / "werk.db")
    researcher = Project.for_user(db, "onderzoeker")
    days = [f"Op dag {i} zat ik thuis met een kop koffie." for i in range(1, 17)]
    for name in ("R81-werk", "R82-rouw", "R83-rouw"):
        source = tmp_path / f"{name}.txt"
        first = "Toen raakte ik mijn baan kwijt." if name == "R81-werk" else "Mijn moeder stierf."
        lines = [first, *days, *(f"{name}: ik mis haar nog elke dag, {i}." for i in range(4))]
        source.write_text(
            "Fictief interview, geschreven voor de tests van de werkbank.\n\n"
            f"I: Hoe gaat het?\nR: {' '.join(lines)}\n",
            encoding="utf-8",
        )
        doc = import_files(researcher, [source], nlp=nlp).results[0].document_id
        segments = analysis_segments(researcher, doc)
        if name == "R81-werk":
            add_coding(researcher, code="verlies-werk", segment_id=segments[0]["id"])
        else:
            for seg in [segments[0], *segments[-4:]]:
                add_coding(researcher, code="verlies", segment_id=seg["id"])
        mark_done(researcher, [doc], coder="onderzoeker")
    return db, tmp_path / "werk.db"


BANKRUPT = """Fictief interview, geschreven voor de tests van de werkbank.

I: Wat gebeurde er in dat jaar?
R: Het bedrijf waar ik werkte is in het najaar failliet gegaan.
"""


def test_no_parent_is_proposed_where_the_coder_gave_its_child(tmp_path, nlp, new_project):
    """The coder gave the sentence verlies-werk, which counts for verlies: a verlies
    suggestion there asks for what the coder already said (rejecting it would even contradict
    the child). The demo had two such open suggestions for anna among its 106."""
    db = new_project(tmp_path / "failliet.db")
    researcher = Project.for_user(db, "onderzoeker")
    source = tmp_path / "R90-failliet.txt"
    source.write_text(BANKRUPT, encoding="utf-8")
    doc = import_files(researcher, [source], nlp=nlp).results[0].document_id
    [sentence] = analysis_segments(researcher, doc)
    model = retrain(researcher, nlp=nlp)
    proposed = model.suggester.suggest(model.passages_for(nlp, [sentence]))[0]
    assert "verlies" in {s.code for s in proposed}  # the rules see a loss, not which kind
    add_coding(researcher, code="verlies-werk", segment_id=sentence["id"])
    suggest_document(researcher, doc, nlp=nlp, model=model)
    assert "verlies" not in {r["code"] for r in stored(db)}
    db.close()


def test_search_hits_turned_into_suggestions_are_no_proposals_of_the_workbench(project, nlp):
    """Zoeken turns hits into suggestions (no score, the query as evidence). The card says
    which search found them, never that the workbench stopped proposing them, and the share
    of the workbench's suggestions a coder accepted leaves them out."""
    from workbench.search import search_segment_ids, suggest_code_for_hits

    db, _ = project
    researcher = Project.for_user(db, "onderzoeker")
    for query in ("koffie", "eenzaam"):  # the rules give isolement no / some evidence there
        hits = search_segment_ids(researcher, nlp, query)
        suggest_code_for_hits(researcher, hits, "isolement", query=query)
    queue = review_queue(researcher, model=retrain(researcher, nlp=nlp), nlp=nlp, code="isolement")
    assert {tuple(q["evidence"]) for q in queue} == {
        ("zoekopdracht: koffie",),
        ("zoekopdracht: eenzaam",),
    }
    coffee = next(q for q in queue if q["evidence"] == ["zoekopdracht: koffie"])
    assert coffee["score"] < coffee["threshold"]  # the model would not propose it ...
    assert not any(q["set_aside"] for q in queue)  # ... but it never did: nothing set aside
    decide(researcher, coffee["coding_id"], "accepted")
    counts = {c["code"]: c for c in example_counts(researcher)}["isolement"]
    assert counts["accepted"] == 1  # the coder's coding, counted as such
    assert (counts["suggestions_accepted"], counts["suggestions_decided"]) == (0, 0)
    assert counts["accepted_share"] is None
    assert counts["hits_decided"] == 1  # counted apart, so the page can say why
    # the workbench's own suggestions do count
    suggest_document(researcher, 1, nlp=nlp)
    own = review_queue(researcher, code="schaamte")[0]
    assert own["score"] is not None
    decide(researcher, own["coding_id"], "rejected")
    counts = {c["code"]: c for c in example_counts(researcher)}["schaamte"]
    assert (counts["suggestions_accepted"], counts["suggestions_decided"]) == (0, 1)
    assert counts["accepted_share"] == 0.0


TINY = """Fictief interview, geschreven voor de tests van de werkbank.

I: Hoe gaat het?
R: Ik voel me eenzaam sinds de verhuizing. Ik schaamde me om het te zeggen.
"""


def tiny_project(tmp_path, nlp, new_project):
    """A project file of two respondent sentences, one coded schaamte by hand: too little to
    make a single fold of."""
    source = tmp_path / "R97-klein.txt"
    source.write_text(TINY, encoding="utf-8")
    path = tmp_path / "klein.db"
    db = new_project(path)
    researcher = Project.for_user(db, "onderzoeker")
    doc = import_files(researcher, [source], nlp=nlp).results[0].document_id
    ashamed = db.execute(
        "SELECT id FROM segments WHERE document_id = ? AND text LIKE '%schaamde%'", [doc]
    ).fetchone()[0]
    add_coding(researcher, code="schaamte", segment_id=ashamed)
    return db, path


def test_too_few_sentences_say_too_little_was_coded_not_no_examples(tmp_path, nlp, new_project):
    from workbench.cli.suggest import evaluation_lines

    db, _ = tiny_project(tmp_path, nlp, new_project)
    rows = {r["code"]: r for r in evaluate(Project.for_user(db, "onderzoeker"), nlp=nlp)}
    shame = rows["schaamte"]
    assert shame["sentences"] < 4 and shame["examples"] == 1
    # nothing was tested: no "proposed 0" that reads as a measured result
    assert shame["proposed"] is None and shame["correct"] is None
    assert shame["verdict"] == "too_little"
    for lang, said, not_said in (
        ("nl", "te weinig gecodeerd om te testen", "geen voorbeelden"),
        ("en", "too little coded to test", "no examples"),
    ):
        line = next(x for x in evaluation_lines(list(rows.values()), lang) if "schaamte" in x)
        assert said in line and not_said not in line and " 0 " not in line
    db.close()


def test_a_parents_source_names_the_engine_of_its_childrens_proposals(tmp_path, nlp, new_project):
    """verlies is on its rules (nobody ever said no to it), verlies-relatie on a learned
    model (many accepted, a few rejected); verlies's figures count verlies-relatie's
    proposals, so "works from: rules" alone would credit the rules with the model's work."""
    db = new_project(tmp_path / "relaties.db")
    researcher = Project.for_user(db, "onderzoeker")
    for name in ("R81-a", "R82-b", "R83-c"):
        lines = [
            f"R: Na de scheiding van {name} in jaar {i} was ik mijn partner kwijt."
            for i in range(14)
        ]
        lines += ["R: Op het nieuws ging het over de scheiding van een zanger.", "I: O ja?"] * 2
        source = tmp_path / f"{name}.txt"
        source.write_text("Fictief interview voor de tests.\n\n" + "\n".join(lines) + "\n", "utf-8")
        doc = import_files(researcher, [source], nlp=nlp).results[0].document_id
        for seg in analysis_segments(researcher, doc):
            if "partner" in seg["text"]:
                add_coding(researcher, code="verlies-relatie", segment_id=seg["id"])
            else:  # news, not the respondent's own loss: the child's suggestion rejected
                reject_suggestion(researcher, "verlies-relatie", seg["id"], evidence=["scheiding"])
    rows = {r["code"]: r for r in evaluate(researcher, nlp=nlp)}
    child, parent = rows["verlies-relatie"], rows["verlies"]
    assert (child["source"], parent["source"]) == ("model", "rules")
    # its other children (verlies-dierbare, ...) propose on their rules: named as well
    assert "model" in child["fold_sources"] and parent["sub_sources"] == ["model", "rules"]
    assert child["sub_sources"] == []  # nothing below it
    from workbench.cli.suggest import evaluation_lines

    for lang, said in (
        ("nl", "regels; subcodes: model, regels"),
        ("en", "rules; sub-codes: model, rules"),
    ):
        line = next(
            x for x in evaluation_lines(list(rows.values()), lang) if x.startswith("verlies ")
        )
        assert said in line
    db.close()
