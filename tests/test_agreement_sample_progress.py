"""A sample still being coded: the report says whose sample documents are not opened yet.

A sample counts its documents as read by its coders before they code them (the documented
rule), so a coder's silence on the documents she has not opened yet counts as "code absent".
The figures stay as they are; the report (package, CLI, page) says so out loud.
"""

from __future__ import annotations

import json

import pytest

from page_runner import run_page
from test_consistency import build_project, code
from workbench import consistency as cons
from workbench import done_marks
from workbench.cli import main
from workbench.handle import Project

NL = (
    "Let op: bram heeft 2 van de 4 documenten uit de steekproef nog niet gecodeerd of klaar gemeld."
)
EN = "Note: bram has not yet coded or marked done 2 of the 4 documents in the sample."
MARK = {NL: "uit de steekproef nog niet", EN: "documents in the sample"}


@pytest.fixture
def half_done(db):
    """A sample of 4 documents for anna and bram: anna coded in all 4, bram coded in one
    and marked one done; the other 2 he has not opened."""
    layout = build_project(db, n_documents=4)
    docs = list(layout)
    cons.create_sample(
        Project.for_user(db, "sanne"), name="ronde 1", coders=["anna", "bram"], documents=docs
    )
    for d in docs:
        code(db, "anna", "verlies", layout[d][0])
    code(db, "bram", "verlies", layout[docs[0]][0])
    done_marks.mark_done(Project.for_user(db, "bram"), [docs[1]], coder="bram")
    return layout


def finish(db, layout):
    """bram marks the rest of his sample done."""
    done_marks.mark_done(Project.for_user(db, "bram"), list(layout)[2:], coder="bram")


def test_the_report_counts_the_sample_documents_not_opened(db, half_done):
    report = cons.agreement_report(Project.for_user(db, "sanne"), n_samples=50)
    assert report["n_units"] == 16  # the rule stays: every sample document is compared
    assert report["scope"]["sample_not_opened"] == {
        "anna": {"n": 0, "total": 4},
        "bram": {"n": 2, "total": 4},
    }
    assert [line.startswith(NL) for line in cons.sample_open_lines(report, "nl")] == [True]
    assert [line.startswith(EN) for line in cons.sample_open_lines(report, "en")] == [True]
    finish(db, half_done)
    report = cons.agreement_report(Project.for_user(db, "sanne"), n_samples=50)
    assert report["scope"]["sample_not_opened"]["bram"] == {"n": 0, "total": 4}
    assert cons.sample_open_lines(report, "nl") == []


@pytest.mark.parametrize("lang, text", [("nl", NL), ("en", EN)])
def test_cli_says_it_and_json_adds_the_field(db, half_done, project_path, capsys, lang, text):
    args = ["--lang", lang, "agreement", "--project", str(project_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert text in out
    assert sum(MARK[text] in line for line in out.splitlines()) == 1  # bram's only
    assert main([*args, "--json"]) == 0
    scope = json.loads(capsys.readouterr().out)["scope"]
    assert scope["sample_not_opened"]["bram"] == {"n": 2, "total": 4}
    assert scope["n_documents_total"] == 4  # the existing fields stay
    finish(db, half_done)
    assert main(args) == 0
    assert MARK[text] not in capsys.readouterr().out


@pytest.mark.parametrize("lang, text", [("nl", NL), ("en", EN)])
def test_page_warns_above_the_figures(db, half_done, project_path, lang, text):
    at = run_page("consistentie", project_path, user="sanne", lang=lang)
    assert not at.exception, [e.message for e in at.exception]
    assert at.warning[0].value.startswith(text)  # the first box, above the figures
    assert sum(MARK[text] in w.value for w in at.warning) == 1
    finish(db, half_done)
    at = run_page("consistentie", project_path, user="sanne", lang=lang)
    assert not any(MARK[text] in w.value for w in at.warning)


# --- a sentence (segment) sample still being coded

SEG_NL = "Let op: {n} van de {total} fragmenten uit de steekproef staan in documenten waarin bram"
SEG_EN = "Note: {n} of the {total} segments in the sample are in documents bram has not yet"


@pytest.fixture
def sentences_half_done(db):
    """Half of the sentences of 4 documents for anna and bram: anna coded a sampled sentence
    in every document, bram in the first only. Returns (bram's untouched sentences, all)."""
    build_project(db, n_documents=4)
    sample = cons.create_sample(
        Project.for_user(db, "sanne"), name="zinnen", coders=["anna", "bram"], share=0.5, seed=1
    )
    given: dict[int, list[int]] = {}
    for doc, segment in db.execute(
        "SELECT document_id, segment_id FROM sample_units WHERE sample_id = ? ORDER BY segment_id",
        [sample],
    ):
        given.setdefault(doc, []).append(segment)
    docs = sorted(given)
    assert len(docs) >= 2  # the draw spreads over documents (seed 1)
    for d in docs:
        code(db, "anna", "verlies", given[d][0])
    code(db, "bram", "verlies", given[docs[0]][0])
    total = sum(len(s) for s in given.values())
    return total - len(given[docs[0]]), total


def test_a_segment_sample_counts_the_sentences_in_documents_not_opened(db, sentences_half_done):
    n, total = sentences_half_done
    report = cons.agreement_report(Project.for_user(db, "sanne"), n_samples=50)
    assert report["n_units"] == total  # the rule stays: every sampled sentence is compared
    assert report["scope"]["sample_units_not_opened"] == {
        "anna": {"n": 0, "total": total},
        "bram": {"n": n, "total": total},
    }
    assert report["scope"]["sample_not_opened"] == {}  # no document sample
    for lang, text in (("nl", SEG_NL), ("en", SEG_EN)):
        lines = cons.sample_open_lines(report, lang)
        assert [line.startswith(text.format(n=n, total=total)) for line in lines] == [True]
    done_marks.mark_done(Project.for_user(db, "bram"), None, coder="bram")
    report = cons.agreement_report(Project.for_user(db, "sanne"), n_samples=50)
    assert report["scope"]["sample_units_not_opened"]["bram"]["n"] == 0
    assert cons.sample_open_lines(report, "nl") == []


@pytest.mark.parametrize("lang, text", [("nl", SEG_NL), ("en", SEG_EN)])
def test_cli_warns_for_a_segment_sample_and_json_has_it(
    db, sentences_half_done, project_path, capsys, lang, text
):
    n, total = sentences_half_done
    args = ["--lang", lang, "agreement", "--project", str(project_path)]
    assert main(args) == 0
    assert text.format(n=n, total=total) in capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    scope = json.loads(capsys.readouterr().out)["scope"]
    assert scope["sample_units_not_opened"]["bram"] == {"n": n, "total": total}


def test_page_warns_for_a_segment_sample(db, sentences_half_done, project_path):
    n, total = sentences_half_done
    at = run_page("consistentie", project_path, user="sanne", lang="en")
    assert at.warning[0].value.startswith(SEG_EN.format(n=n, total=total))
