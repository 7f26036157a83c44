"""Samples and agreement cover what analysis sees: the respondents' sentences, not the
interviewer's questions (project setting ``analysis_speakers``), and say so.

Three fictional interviews with speaker labels, read by the real Dutch pipeline into a real
project file; the counts are checked against the speaker roles the import stored.
"""

from __future__ import annotations

import json

import pytest

from workbench import consistency as cons
from workbench.accounts import add_user
from workbench.cli import main
from workbench.codings import add_coding
from workbench.handle import Project
from workbench.ingest import import_files
from workbench.store import set_setting

INTERVIEWS = [
    "I: Goedemorgen, fijn dat u er bent. Hoe gaat het nu met u?\n"
    "R: Het gaat wel. Sinds mijn vrouw overleed is het stil in huis.\n"
    "I: Ziet u nog vaak mensen?\n"
    "R: Mijn zoon belt op zondag. De buren groeten niet meer.\n",
    "I: Vertel eens over uw werk. Wat deed u daar?\n"
    "R: Ik was dertig jaar chauffeur. Toen ging het bedrijf failliet.\n"
    "I: Wat gebeurde er daarna?\n"
    "R: Ik durfde het thuis niet te zeggen. Ik schaamde me.\n",
    "I: Waar woont u nu? Bevalt het daar?\n"
    "R: In een flat aan de rand van de stad. Ik ken er niemand.\n"
    "I: Heeft u hulp gezocht?\n"
    "R: Nee. Dat vind ik moeilijk.\n",
]


@pytest.fixture
def interviews(new_project, project_path, tmp_path, nlp):
    """The project at ``project_path``: the default codebook, the three interviews; anna
    and bram code, sanne supervises."""
    db = new_project(project_path)
    researcher = Project.for_user(db, "onderzoeker")
    for name, role in [("anna", "onderzoeker"), ("bram", "onderzoeker"), ("sanne", "supervisor")]:
        add_user(researcher, name, role=role)
    files = []
    for k, text in enumerate(INTERVIEWS):
        files.append(tmp_path / f"interview{k + 1}.txt")
        files[-1].write_text(text, encoding="utf-8")
    assert len(import_files(researcher, files, nlp=nlp).imported) == 3
    return db


def by_role(db, segment_ids=None):
    """{segment id: speaker role}, read from what the import stored."""
    found = dict(
        db.execute(
            "SELECT s.id, sp.role FROM segments s JOIN turns t ON t.id = s.turn_id "
            "JOIN speakers sp ON sp.id = t.speaker_id"
        ).fetchall()
    )
    return found if segment_ids is None else {s: found[s] for s in segment_ids}


def sampled(db, sample_id):
    return [
        r[0]
        for r in db.execute("SELECT segment_id FROM sample_units WHERE sample_id = ?", [sample_id])
    ]


def respondent_segments(db):
    return [s for s, role in by_role(db).items() if role == "respondent"]


def test_a_share_holds_no_interviewer_sentence(interviews):
    sanne = Project.for_user(interviews, "sanne")
    sample = cons.create_sample(sanne, name="ronde 1", coders=["anna", "bram"], share=0.5, seed=1)
    units = sampled(interviews, sample)
    assert set(by_role(interviews, units).values()) == {"respondent"}
    assert len(units) == 6  # half of the 12 respondent sentences


def test_with_every_speaker_a_share_may_hold_the_questions(interviews):
    sanne = Project.for_user(interviews, "sanne")
    sample = cons.create_sample(
        sanne, name="alles", coders=["anna", "bram"], share=1.0, all_speakers=True
    )
    assert set(by_role(interviews, sampled(interviews, sample)).values()) == {
        "interviewer",
        "respondent",
    }
    found = cons.get_sample(sanne, sample)
    assert (found["speakers"], found["n_population"], found["n_units"]) == ("all", 21, 21)


def test_a_sample_says_what_it_was_drawn_from(interviews):
    sanne = Project.for_user(interviews, "sanne")
    sample = cons.get_sample(
        sanne,
        cons.create_sample(sanne, name="r", coders=["anna", "bram"], share=0.25, seed=2),
    )
    assert (sample["speakers"], sample["n_population"], sample["n_units"]) == ("respondent", 12, 3)
    n_documents = sample["n_documents"]
    assert cons.describe_sample(sample, "nl") == (
        f"25% van 12 zinnen van de respondenten (3 zinnen in {n_documents} "
        f"{'document' if n_documents == 1 else 'documenten'})"
    )


def test_coverage_is_written_as_each_language_writes_numbers():
    sample = {
        "unit": "segment",
        "share": 0.2,
        "speakers": "respondent",
        "n_population": 1234,
        "n_units": 247,
        "n_documents": 12,
    }
    assert cons.describe_sample(sample, "nl") == (
        "20% van 1.234 zinnen van de respondenten (247 zinnen in 12 documenten)"
    )
    assert cons.describe_sample({**sample, "speakers": "all", "share": 0.125}, "en") == (
        "12.5% of 1,234 sentences by every speaker (247 sentences in 12 documents)"
    )


def test_cli_sample_create_and_list_say_what_the_sample_covers(interviews, project_path, capsys):
    path = str(project_path)
    create = ["sample", "create", "--project", path, "--coders", "anna,bram", "--user", "sanne"]
    assert main(["--lang", "en", *create, "--name", "a", "--share", "0.5", "--seed", "1"]) == 0
    assert "50% of 12 sentences by the respondents (6 sentences in" in capsys.readouterr().out
    assert main([*create, "--name", "b", "--share", "0.5", "--all-speakers"]) == 0
    assert "50% van 21 zinnen van alle sprekers (10 zinnen in" in capsys.readouterr().out
    assert main([*create, "--name", "c", "--documents", "1", "--all-speakers"]) == 1
    assert "alleen bij een deel van de zinnen" in capsys.readouterr().err
    assert main(["sample", "list", "--project", path]) == 0
    listed = capsys.readouterr().out
    assert "van de respondenten" in listed and "van alle sprekers" in listed


def code_answers(db):
    """anna and bram code the same answers, sentence by sentence; no one codes a question."""
    answers = respondent_segments(db)
    for coder in ("anna", "bram"):
        for segment in answers[:4]:
            add_coding(Project.for_user(db, coder), code="verlies", segment_id=segment)
        add_coding(Project.for_user(db, coder), code="schaamte", segment_id=answers[5])
    add_coding(Project.for_user(db, "anna"), code="schaamte", segment_id=answers[6])


def test_whole_documents_are_compared_on_the_respondents_sentences_and_say_so(interviews):
    code_answers(interviews)
    sanne = Project.for_user(interviews, "sanne")
    documents = [r[0] for r in interviews.execute("SELECT id FROM documents")]
    sample = cons.create_sample(sanne, name="heel", coders=["anna", "bram"], documents=documents)
    found = cons.agreement_report(sanne, sample_id=sample, n_samples=50)
    assert list(by_role(interviews).values()).count("interviewer") == 9  # by construction
    assert (found["n_units"], found["scope"]["other_speakers"]) == (12, 9)
    assert cons.speakers_line(found, "en") == (
        "Only what respondents say is counted, as in the analysis. The interviewer's "
        "questions, lines above the interview (title, details) and codes on them are not "
        "counted. That leaves out 9 of the 21 segments "
        "in sample 1. 12 remain in the sample, of 12 in the whole project."
    )
    assert cons.speakers_line(found, "en") in cons.scope_lines(found, "en")
    every = cons.agreement_report(sanne, sample_id=sample, all_speakers=True, n_samples=50)
    assert every["n_units"] == 21 and every["scope"]["speakers"] == "all"
    # nine questions nobody coded counted as agreement
    assert found["overall"]["percent"] < every["overall"]["percent"]


def test_with_a_sample_the_speakers_line_says_which_frame_each_number_is_in(interviews):
    """'That leaves out N segments' counted the sample's questions next to 'of 12', the
    whole project's answers: now each number says whether it is the sample's or the project's."""
    sanne = Project.for_user(interviews, "sanne")
    sample = cons.create_sample(
        sanne, name="helft", coders=["anna", "bram"], share=0.5, all_speakers=True, seed=1
    )
    roles = list(by_role(interviews, sampled(interviews, sample)).values())
    asked, answered = roles.count("interviewer"), roles.count("respondent")
    assert asked and answered and len(roles) == 10  # half of 21 sentences, of both speakers
    found = cons.agreement_report(sanne, sample_id=sample, n_samples=50)
    assert (found["scope"]["other_speakers"], found["scope"]["n_units_total"]) == (asked, 12)
    assert cons.speakers_line(found, "en").endswith(
        f"That leaves out {asked} of the 10 segments in sample {sample}. {answered} remain in "
        "the sample, of 12 in the whole project."
    )
    lines = cons.scope_lines(found, "en")
    assert lines[0].startswith(f"Compared: {found['n_units']} of 12 segments")
    assert f"- {12 - answered} are not in sample {sample}." in lines


def test_turn_units_are_the_respondents_turns(interviews):
    code_answers(interviews)
    found = cons.agreement_report(
        Project.for_user(interviews, "sanne"), unit="turn", all_documents=True, n_samples=50
    )
    assert (found["n_units"], found["scope"]["n_units_total"]) == (6, 6)
    assert found["scope"]["other_speakers"] == 6


def test_a_code_on_a_question_alone_is_no_judgement(interviews):
    code_answers(interviews)
    question = next(s for s, role in by_role(interviews).items() if role == "interviewer")
    add_coding(Project.for_user(interviews, "anna"), code="isolement", segment_id=question)
    sanne = Project.for_user(interviews, "sanne")
    found = cons.agreement_report(sanne, unit="document", all_documents=True, n_samples=50)
    assert "Eenzaamheid en isolement" not in found["codes"]
    every = cons.agreement_report(
        sanne, unit="document", all_documents=True, all_speakers=True, n_samples=50
    )
    assert every["codes"]["Eenzaamheid en isolement"]["percent"] < 1


def test_a_project_that_analyses_everyone_samples_everyone(interviews):
    set_setting(interviews, "analysis_speakers", "all", actor="onderzoeker")
    sanne = Project.for_user(interviews, "sanne")
    sample = cons.get_sample(
        sanne, cons.create_sample(sanne, name="r", coders=["anna", "bram"], share=1.0)
    )
    assert (sample["speakers"], sample["n_population"], sample["n_units"]) == ("all", 21, 21)


def test_cli_agreement_says_whose_words_were_counted(interviews, project_path, capsys):
    code_answers(interviews)
    run = ["--lang", "en", "agreement", "--project", str(project_path), "--all-documents"]
    assert main(run) == 0
    assert "That leaves out 9 segments." in capsys.readouterr().out
    assert main([*run, "--all-speakers", "--json"]) == 0
    scope = json.loads(capsys.readouterr().out)["scope"]
    assert (scope["n_units"], scope["speakers"], scope["other_speakers"]) == (21, "all", 0)


HEADED = (
    "Interview 4: wonen na de verhuizing (verzonnen)\n"
    "Respondent R04, vrouw, 81 jaar\n"
    "\n"
    "I: Hoe bevalt het nieuwe huis?\n"
    "R: Het is kleiner. Ik mis de tuin en de buren.\n"
)


@pytest.fixture
def headed(interviews, tmp_path, nlp):
    """The three interviews and a fourth with a title and a details line above its first
    speaker label: no one's words (``ingest.speakers.speech_sql``)."""
    source = tmp_path / "interview4.txt"
    source.write_text(HEADED, encoding="utf-8")
    researcher = Project.for_user(interviews, "onderzoeker")
    assert len(import_files(researcher, [source], nlp=nlp).imported) == 1
    return interviews


def without_speaker(db, unit="segment"):
    """The units the import stored on turns without a speaker (here: the header lines)."""
    column = "s.id" if unit == "segment" else "DISTINCT t.id"
    return db.execute(
        f"SELECT count({column}) FROM segments s JOIN turns t ON t.id = s.turn_id "
        "WHERE t.speaker_id IS NULL"
    ).fetchone()[0]


def test_header_lines_are_named_apart_from_the_interviewers_questions(headed, project_path, capsys):
    """'Vragen van de interviewer ... Zo vallen N af' counted the title and details lines
    in N without a word about them."""
    code_answers(headed)
    headers = without_speaker(headed)
    questions = list(by_role(headed).values()).count("interviewer")
    assert (headers, questions) == (2, 10)  # by construction
    run = ["agreement", "--project", str(project_path), "--all-documents"]
    assert main(run) == 0
    assert (
        "Vragen van de interviewer, regels boven het interview (titel, gegevens) en codes "
        "daarop tellen niet mee. Zo vallen 12 fragmenten af: 10 van de interviewer of andere "
        "sprekers en 2 boven het interview (titel, gegevens)."
    ) in capsys.readouterr().out
    assert main(["--lang", "en", *run]) == 0
    assert (
        "That leaves out 12 segments: 10 by the interviewer or other speakers and 2 above "
        "the interview (title, details)."
    ) in capsys.readouterr().out
    assert main([*run, "--json"]) == 0
    scope = json.loads(capsys.readouterr().out)["scope"]
    assert (scope["other_speakers"], scope["header_lines"]) == (12, 2)
    sanne = Project.for_user(headed, "sanne")
    turns = cons.agreement_report(sanne, unit="turn", all_documents=True, n_samples=50)
    assert turns["scope"]["header_lines"] == without_speaker(headed, "turn") > 0
    # a sample of the fourth interview: its own units, in the sample's frame
    fourth = headed.execute("SELECT max(id) FROM documents").fetchone()[0]
    sample = cons.create_sample(sanne, name="vier", coders=["anna", "bram"], documents=[fourth])
    found = cons.agreement_report(sanne, sample_id=sample, n_samples=50)
    assert cons.speakers_line(found, "en").endswith(
        f"That leaves out 3 of the 5 segments in sample {sample}: 1 by the interviewer or other "
        "speakers and 2 above the interview (title, details). 2 remain in the sample, of 14 in "
        "the whole project."
    )
