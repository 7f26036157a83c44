"""PDF transcripts: a running header that opens with a speaker label, and words hyphenated
between two vowels at a line end.

Real PDF files are written with the helpers of tests/test_ingest_pdf.py, saved in
``tmp_path`` and imported into a real project. All text is fictional.
"""

from __future__ import annotations

import pytest
from test_ingest_pdf import page_stream, read, spoken, transcript_pdf, write_pdf

from workbench.handle import Project
from workbench.ingest import import_files

PLACES = ("de bakker op de hoek", "het buurthuis", "de bibliotheek", "de markt")


def answer(i: int) -> list[str]:
    """A long answer over two printed lines, different on every page (else it is a footer)."""
    return [
        "R: Na het overlijden van mijn man ben ik naar een kleinere woning gegaan. Daar",
        f"ken ik nog weinig mensen, alleen iemand van {PLACES[i % len(PLACES)]}.",
    ]


def interview_pages(n: int) -> list[list[str]]:
    """``n`` pages of questions and answers, each page opening with the interviewer."""
    return [[f"I: Wat deed u in week {i}?", *answer(i)] for i in range(1, n + 1)]


@pytest.mark.parametrize(
    "header",
    [
        "Respondent 3 - interview 12 maart 2024",
        "Interviewer: A. de Groot, 12 maart 2024",
        "R2 - gesprek over de buurt",
    ],
)
def test_a_running_header_that_starts_with_a_label_is_removed(db, nlp, tmp_path, header):
    path = tmp_path / "interview.pdf"
    path.write_bytes(transcript_pdf(interview_pages(3), header=header))
    report = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp)
    assert report.ok
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    assert header not in text
    # I and R on each page, no header turns; "I: Wat deed u in week 1?" and "... week 2?" at
    # the top of each page differ in a digit only, and stay: a labelled line must repeat
    # letter for letter to be a header
    assert report.results[0].n_turns == 6
    labels = {label for (label,) in db.execute("SELECT label FROM speakers")}
    assert labels == {"I", "R"}


def test_a_bare_label_alone_on_a_pdf_line_takes_the_next_line():
    pages = [
        ["Interviewer", "Hoe gaat het met de tuin?", "Respondent", "De rozen staan er mooi bij."],
        ["Interviewer", "En met uzelf?", "Respondent", "Wisselend, eerlijk gezegd."],
    ]
    parsed = read(transcript_pdf(pages, header=None, footer=None))
    assert spoken(parsed) == [
        ("Interviewer", "Hoe gaat het met de tuin?"),
        ("Respondent", "De rozen staan er mooi bij."),
        ("Interviewer", "En met uzelf?"),
        ("Respondent", "Wisselend, eerlijk gezegd."),
    ]


# Words broken between two vowels at a line end, and what the text must say. Ordinary words
# lose the hyphen (a trema that hyphenation dropped comes back); compounds that Dutch writes
# with a hyphen keep it.
HYPHENATED = [
    ("financi", "eel", "financieel"),
    ("situ", "atie", "situatie"),
    ("re", "actie", "reactie"),
    ("ide", "aal", "ideaal"),
    ("the", "ater", "theater"),
    ("cre", "atief", "creatief"),
    ("re", "ageren", "reageren"),
    ("bi", "ologisch", "biologisch"),
    ("mu", "seum", "museum"),
    ("pi", "ano", "piano"),
    ("individu", "eel", "individueel"),
    ("materi", "aal", "materiaal"),
    ("soci", "aal", "sociaal"),
    ("ui", "en", "uien"),
    ("anti", "ek", "antiek"),
    ("ge", "interesseerd", "geïnteresseerd"),
    ("be", "invloeden", "beïnvloeden"),
    ("ge", "emigreerd", "geëmigreerd"),
    ("pati", "enten", "patiënten"),
    ("co", "operatie", "coöperatie"),
    ("ru", "ine", "ruïne"),
    ("po", "ezie", "poëzie"),
    ("zee", "egel", "zee-egel"),
    ("auto", "ongeluk", "auto-ongeluk"),
    ("foto", "album", "foto-album"),
    ("radio", "omroep", "radio-omroep"),
    ("mede", "eigenaar", "mede-eigenaar"),
    ("toe", "eigenen", "toe-eigenen"),
    ("na", "apen", "na-apen"),
    ("thee", "ei", "thee-ei"),
    ("contra", "indicatie", "contra-indicatie"),
    ("drie", "eenheid", "drie-eenheid"),
    ("twee", "eiige", "twee-eiige"),
    ("video", "opname", "video-opname"),
    ("multi", "etnisch", "multi-etnisch"),
    ("privé", "eigendom", "privé-eigendom"),
]


def test_words_hyphenated_between_vowels_are_joined_as_dutch_writes_them(tmp_path):
    lines = []
    for i, (head, tail, _) in enumerate(HYPHENATED):
        label = "I" if i % 2 == 0 else "R"
        lines += [f"{label}: Dat ging over het woord {head}-", f"{tail} in de krant."]
    pages = [lines[i : i + 40] for i in range(0, len(lines), 40)]
    path = tmp_path / "afbreken.pdf"
    path.write_bytes(write_pdf([page_stream(page) for page in pages]))
    turns = [words for _, words in spoken(read(path.read_bytes()))]
    assert len(turns) == len(HYPHENATED)
    got = [words.removeprefix("Dat ging over het woord ").split(" ")[0] for words in turns]
    assert got == [word for _, _, word in HYPHENATED]
