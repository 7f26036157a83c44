"""Interview details at the top without a date, footnotes in a PDF, and a closing timestamp
after a non-breaking space. Real Word, OpenDocument, PDF and text files are built here and imported into a real
project with the real Dutch pipeline; all names and words are fictional.

"Interviewer: Anna de Vries" and "Respondent: R07 (vrouw, 68 jaar)" under a title name two
people; read as turns, the interviewer's name was a question and the respondent's code and
age were analysed as their words. A first turn must stay a turn, though:
"Interviewer: Goedemiddag, fijn dat u er bent." and "Interviewer: Goedemiddag".
"""

from __future__ import annotations

import io

import docx
import pytest
from test_ingest_pdf import _escape, write_pdf
from test_ingest_title_block import stored_turns

from workbench.handle import Project
from workbench.ingest import analysis_segments, import_files, read_bytes

DETAILS = ["Interviewer: Anna de Vries", "Respondent: R07 (vrouw, 68 jaar)"]
TURNS = [
    ("Interviewer", "Goedemiddag, fijn dat u er bent."),
    ("Respondent", "Dank je. Ik woon hier al dertig jaar."),
    ("Interviewer", "Wat is er veranderd?"),
    ("Respondent", "De winkels zijn weg. De bakker ook."),
]


def spoken(parsed) -> list[tuple[str | None, str]]:
    return [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]


def word_file(lines: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading("Gesprek buurthuis", level=1)
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_file(lines: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Gesprek buurthuis"))
    for line in lines:
        document.text.addElement(P(text=line))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "build"), [("g.docx", word_file), ("g.odt", odt_file)])
def test_details_without_a_date_are_no_turns(db, nlp, name, build):
    """Before, Anna de Vries was a question of the interviewer and "R07 (vrouw, 68 jaar)"
    the respondent's first words."""
    lines = [*DETAILS, *(f"{label}: {words}" for label, words in TURNS)]
    project = Project.for_user(db, "onderzoeker")
    report = import_files(project, [(name, build(lines))], nlp=nlp)
    assert report.ok, report.results[0].message("en")
    turns = stored_turns(db)
    assert turns == [(None, "Gesprek buurthuis\n\n" + "\n\n".join(DETAILS)), *TURNS]
    analysed = " ".join(s["text"] for s in analysis_segments(project))
    assert "R07" not in analysed and "68 jaar" not in analysed and "Anna" not in analysed
    assert "De bakker ook." in analysed


def test_details_are_told_from_a_first_turn():
    # Without a title too: two people named, each with a name or a code.
    text = "\n".join([*DETAILS, *(f"{label}: {words}" for label, words in TURNS)])
    assert spoken(read_bytes(text.encode(), name="t.txt", fmt="txt"))[:2] == [
        (None, "\n".join(DETAILS)),
        TURNS[0],
    ]
    # A first turn without punctuation, even a greeting with a name, is no detail.
    for first in ["Interviewer: Goedemiddag", "Interviewer: Dag Anna de Vries"]:
        text = "\n".join(
            [first, "Respondent: Dag", "Interviewer: Hoe gaat het?", "Respondent: Goed."]
        )
        parsed = read_bytes(text.encode(), name="t.txt", fmt="txt")
        assert spoken(parsed)[:2] == [("Interviewer", first.split(": ")[1]), ("Respondent", "Dag")]


@pytest.mark.parametrize(
    "fields",
    [
        ["Datum: 3 mei 2024", *DETAILS],  # before, "Goedemiddag" joined the block
        ["Datum: 3 mei 2024", DETAILS[1]],
        ["Gesprek buurthuis", *DETAILS],  # a person label used again opens the interview
    ],
)
def test_a_first_question_without_punctuation_under_the_details_is_a_turn(fields):
    text = "\n".join([*fields, "Interviewer: Goedemiddag", "Respondent: Dag.", "Interviewer: Nou?"])
    parsed = read_bytes(text.encode(), name="t.txt", fmt="txt")
    assert spoken(parsed)[:3] == [
        (None, "\n".join(fields)),
        ("Interviewer", "Goedemiddag"),
        ("Respondent", "Dag."),
    ]


def test_a_timestamp_after_a_non_breaking_space_stays_with_its_sentence(db, nlp):
    """Word puts a non-breaking space before "[" at times; then "[00:00:12]" was a segment
    of its own, while after a plain space it stays with the sentence."""
    lines = [
        "I: Zullen we beginnen?\u00a0[00:00:12]",
        "R: Ja, goed. [00:00:15]",
        "I: Woont u hier lang?\u00a0(00:00:20)",
        "R: Ja.\u00a0[00:00:24] Al heel lang.",
    ]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    report = import_files(
        Project.for_user(db, "onderzoeker"), [("t.docx", out.getvalue())], nlp=nlp
    )
    assert report.ok, report.results[0].message("en")
    segments = [text for (text,) in db.execute("SELECT text FROM segments ORDER BY position")]
    assert segments == [
        "Zullen we beginnen?\u00a0[00:00:12]",
        "Ja, goed. [00:00:15]",
        "Woont u hier lang?\u00a0(00:00:20)",
        "Ja.",
        "[00:00:24] Al heel lang.",
    ]


def run(x: int, y: int, text: str, size: int) -> bytes:
    """One run of Helvetica; the size in the text matrix, as Word's PDF export writes it."""
    return b"BT /F1 1 Tf %d 0 0 %d %d %d Tm (" % (size, size, x, y) + _escape(text) + b") Tj ET"


def footnoted_pdf(note: str = "1") -> bytes:
    """A Word transcript with a footnote, exported to PDF: 11 pt text, the reference raised
    in 7 pt, the footnote at the bottom in 9 pt over the page number."""
    header = "Project Buurtzorg - interview 7"
    one = [
        run(72, 800, header, 11),
        run(72, 760, "I: Hoe lang woont u hier?", 11),
        run(72, 746, "R: Al veertig jaar, sinds de oude wijk", 11),
        run(265, 750, "1", 7),
        run(269, 746, " werd gesloopt. Mijn man en", 11),
        run(72, 732, "ik kwamen hier met de kinderen, en we zijn nooit meer", 11),
        run(72, 95, note, 6),
        run(76, 92, " De respondent bedoelt de Schilderswijk, gesloopt in", 9),
        run(72, 81, "1985. Zie ook interview 3.", 9),
        run(295, 40, "1", 11),
    ]
    two = [
        run(72, 800, header, 11),
        run(72, 760, "weggegaan. Het is hier goed, vind ik.", 11),
        run(72, 746, "I: Dank u.", 11),
        run(295, 40, "2", 11),
    ]
    return write_pdf([b"\n".join(one), b"\n".join(two)])


def test_a_footnote_in_a_pdf_stays_out_of_the_turn_over_the_page_break(db, nlp):
    """Before, the footnote stood in the middle of the respondent's answer, a paragraph
    that broke the turn's sentence ("nooit meer | 1 De respondent ... | weggegaan.")."""
    project = Project.for_user(db, "onderzoeker")
    report = import_files(project, [("fn.pdf", footnoted_pdf())], nlp=nlp)
    assert report.ok, report.results[0].message("en")
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    assert "Schilderswijk" not in text and "1985" not in text
    turns = [(label, said) for label, said in stored_turns(db) if label is not None]
    assert turns == [
        ("I", "Hoe lang woont u hier?"),
        (
            "R",
            "Al veertig jaar, sinds de oude wijk werd gesloopt. Mijn man en ik kwamen hier "
            "met de kinderen, en we zijn nooit meer weggegaan. Het is hier goed, vind ik.",
        ),
        ("I", "Dank u."),
    ]
    # Small text at the bottom that opens with no number is no footnote: it stays.
    parsed = read_bytes(footnoted_pdf(note="Noot:"), name="fn.pdf", fmt="pdf")
    assert "Schilderswijk" in parsed.text
