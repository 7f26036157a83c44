"""Transcripts as researchers have them: a title block over the interview, a Word table with
a heading row, subtitles with two speakers in one cue. Real files of every format are built
here and imported into a real project; all names and words are fictional.

A title block ("Datum: 12 maart 2024", "Interviewer: Anna de Vries", "Respondent: R07 (vrouw,
68 jaar)") names people; it is no speech. Read as turns, the interviewer's name was a turn of
the interviewer, and the respondent's code, age and the interview's length ("Duur: 47
minuten") were analysed as the respondent's own words, under an extra speaker "Respondent".
"""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml import parse_xml
from test_ingest_pdf import page_stream, write_pdf

from workbench.handle import Project
from workbench.ingest import analysis_segments, import_files, read_bytes

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE = ["Transcript interview 7", "Datum: 12 maart 2024", "Interviewer: Anna de Vries"]
PERSON = "Respondent: R07 (vrouw, 68 jaar)"
TURNS = [
    ("Interviewer", "Goedemiddag, fijn dat u tijd heeft. Hoe lang woont u al in deze wijk?"),
    (
        "Mevrouw Jansen",
        "Nou\u2026 al een jaar of veertig. (lacht) Mijn man zei: \u201cNooit weg.\u201d",
    ),
    ("Interviewer", "En nu?"),
    ("Mevrouw Jansen", "Nu is het stil. [onverstaanbaar] De buurvrouw komt elke dag."),
]
EXPECTED = [(None, "Transcript interview 7\n\nDatum: 12 maart 2024\n\nInterviewer: Anna de Vries")]
EXPECTED += TURNS


def spoken(parsed) -> list[tuple[str | None, str]]:
    return [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]


def stored_turns(db) -> list[tuple[str | None, str]]:
    """(speaker label, or None for a turn without speaker, text) of each stored turn."""
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    return [
        (label, text[start:end])
        for label, start, end in db.execute(
            "SELECT sp.label, t.start_char, t.end_char FROM turns t "
            "LEFT JOIN speakers sp ON sp.id = t.speaker_id ORDER BY t.position"
        )
    ]


def word_file() -> bytes:
    """A Word transcript: header and page-number footer, title block, bold labels, a
    tracked change and a footnote reference."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Project Buurtzorg 2024 \u2013 vertrouwelijk"
    section.footer.paragraphs[0].text = "Pagina "
    section.footer.paragraphs[0]._p.append(
        parse_xml(f'<w:fldSimple {W_NS} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    document.add_heading(TITLE[0], level=1)
    for line in [*TITLE[1:], PERSON, "Duur: 47 minuten"]:
        document.add_paragraph(line)
    for label, words in TURNS:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}:").bold = True
        if "veertig" not in words:
            paragraph.add_run(" " + words)
            continue
        head, tail = words.split("veertig")
        paragraph.add_run(" " + head)
        paragraph._p.append(  # "dertig" deleted, "veertig" typed in its place
            parse_xml(
                f'<w:del {W_NS} w:id="1" w:author="T"><w:r><w:delText>dertig</w:delText>'
                "</w:r></w:del>"
            )
        )
        paragraph._p.append(
            parse_xml(f'<w:ins {W_NS} w:id="2" w:author="T"><w:r><w:t>veertig</w:t></w:r></w:ins>')
        )
        paragraph.add_run(tail)
        paragraph.add_run()._r.append(parse_xml(f'<w:footnoteReference {W_NS} w:id="1"/>'))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def text_file() -> bytes:
    """Notepad on Windows: a byte order mark and CRLF line ends."""
    lines = [*TITLE, PERSON, "Duur: 47 minuten", ""]
    lines += [f"{label}: {words}" for label, words in TURNS]
    return "\ufeff".encode() + "\r\n".join(lines).encode("utf-8")


def odt_file() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, Header, MasterPage, PageLayout, Style, TextProperties
    from odf.text import H, P, PageNumber, Span

    document = OpenDocumentText()
    bold = Style(name="B", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    layout = PageLayout(name="pl")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(P(text="Project Buurtzorg 2024"))
    number = P(text="Pagina ")
    number.addElement(PageNumber(text="1"))
    footer.addElement(number)
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text=TITLE[0]))
    for line in [*TITLE[1:], PERSON, "Duur: 47 minuten"]:
        document.text.addElement(P(text=line))
    for label, words in TURNS:
        paragraph = P()
        paragraph.addElement(Span(stylename=bold, text=f"{label}:"))
        paragraph.addText(" " + words)
        document.text.addElement(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_file() -> bytes:
    """Two pages as Word prints them: a running header and a page number on each."""
    lines = [TITLE[0], "", *TITLE[1:], PERSON, "Duur: 47 minuten", ""]
    lines += [f"{label}: {words}" for label, words in TURNS]
    pages = [lines[:8], lines[8:]]
    return write_pdf(
        [
            page_stream(page, header="Project Buurtzorg 2024 - interview 7", footer=str(n))
            for n, page in enumerate(pages, 1)
        ]
    )


@pytest.mark.parametrize(
    ("name", "build"),
    [("i7.docx", word_file), ("i7.txt", text_file), ("i7.odt", odt_file), ("i7.pdf", pdf_file)],
)
def test_a_title_block_is_no_turn_and_its_people_no_speakers(db, name, build):
    project = Project.for_user(db, "onderzoeker")
    report = import_files(project, [(name, build())])
    assert report.ok, report.results[0].message("en")
    assert report.results[0].speakers == {
        "Interviewer": "interviewer",
        "Mevrouw Jansen": "respondent",
    }
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    turns = stored_turns(db)
    title = f"{EXPECTED[0][1]}\n\n{PERSON}\n\nDuur: 47 minuten"
    if name.endswith(".txt"):
        title = title.replace("\n\n", "\n")
    assert turns == [(None, title), *TURNS]
    assert "Project Buurtzorg" not in text and "dertig" not in text and "Pagina" not in text
    analysed = " ".join(s["text"] for s in analysis_segments(project))
    assert "R07" not in analysed and "47 minuten" not in analysed and "Anna" not in analysed
    assert "Nu is het stil." in analysed


def test_a_title_block_over_an_interview_without_labels_leaves_its_paragraphs_alone():
    """Before, "Respondent: R07" opened a turn that ran to the end: the whole interview was
    one turn of a speaker "Respondent"."""
    text = "\n".join(
        [
            "Datum: 3 mei 2024",
            "Interviewer: Anna de Vries",
            PERSON,
            "",
            "Ik woon hier sinds de oorlog.",
            "",
            "Mijn dochter komt op zondag.",
        ]
    )
    parsed = read_bytes(text.encode(), name="t.txt", fmt="txt")
    assert spoken(parsed) == [
        (None, "Datum: 3 mei 2024\nInterviewer: Anna de Vries\n" + PERSON),
        (None, "Ik woon hier sinds de oorlog."),
        (None, "Mijn dochter komt op zondag."),
    ]


@pytest.mark.parametrize(
    "first",
    [
        "Interviewer: Goedemiddag. Zullen we beginnen?",  # a sentence: a turn
        "I: Goedemiddag",  # a single letter never names a person in a title block
    ],
)
def test_the_title_block_ends_where_the_interview_starts(first):
    text = f"Datum: 3 mei 2024\n{PERSON}\n{first}\nR: Goedemiddag.\nI: Hoe gaat het?\nR: Goed."
    parsed = read_bytes(text.encode(), name="t.txt", fmt="txt")
    label, words = first.split(": ")
    assert spoken(parsed)[:3] == [
        (None, f"Datum: 3 mei 2024\n{PERSON}"),
        (label, words),
        ("R", "Goedemiddag."),
    ]
    # Without a note field ("Datum:") the code alone makes the block; the first turn stays.
    parsed = read_bytes(text.split("\n", 1)[1].encode(), name="t.txt", fmt="txt")
    assert spoken(parsed)[:2] == [(None, PERSON), (label, words)]


def test_the_heading_row_of_a_word_table_is_no_speaker():
    """A table Spreker | Tekst made a speaker "Spreker" (a respondent) who said "Tekst"."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Spreker", "Tekst"
    for label, words in [
        ("Interviewer", ["Wat betekent de buurt voor u?"]),
        ("Respondent", ["Heel veel.", "Nou ja, bijna iedereen. (lacht)"]),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, words[0]
        for more in words[1:]:
            cells[1].add_paragraph(more)
    out = io.BytesIO()
    document.save(out)
    parsed = read_bytes(out.getvalue(), name="t.docx", fmt="docx")
    assert parsed.speakers == ["Interviewer", "Respondent"]
    assert spoken(parsed) == [
        (None, "Spreker\tTekst"),
        ("Interviewer", "Wat betekent de buurt voor u?"),
        ("Respondent", "Heel veel. Nou ja, bijna iedereen. (lacht)"),
    ]


DIALOGUE_SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\n- JAN: Waar was je?\n- PIET: Thuis.\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\nJAN: Heel de dag?\n\n"
    "3\n00:00:06,500 --> 00:00:09,000\nPIET: Ja, het was -5 graden.\n<i>Ik bleef binnen.</i>\n\n"
    "4\n00:00:09,500 --> 00:00:11,000\n-JAN: Oké.\n"
)


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_two_speakers_in_one_cue_each_get_their_words(db, fmt):
    """Before, the first cue had no speaker ("- JAN: Waar was je? - PIET: Thuis.") and
    JAN's "Oké." went to PIET, whose cue came before it."""
    data = (
        DIALOGUE_SRT
        if fmt == "srt"
        else "WEBVTT\n\n" + re.sub(r"(\d),(\d{3})", r"\1.\2", DIALOGUE_SRT)
    )
    project = Project.for_user(db, "onderzoeker")
    report = import_files(project, [(f"dialoog.{fmt}", data.encode("utf-8"))])
    assert report.ok, report.results[0].message("en")
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    turns = [
        (label, text[start:end], time)
        for label, start, end, time in db.execute(
            "SELECT sp.label, t.start_char, t.end_char, t.time_start FROM turns t "
            "JOIN speakers sp ON sp.id = t.speaker_id ORDER BY t.position"
        )
    ]
    assert turns == [
        ("JAN", "Waar was je?", 1.0),
        ("PIET", "Thuis.", 1.0),
        ("JAN", "Heel de dag?", 3.5),
        ("PIET", "Ja, het was -5 graden. Ik bleef binnen.", 6.5),
        ("JAN", "Oké.", 9.5),
    ]


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_character_references_and_position_tags_in_cues_read_as_text(fmt):
    """WebVTT must write "&" as "&amp;" (Teams, Zoom and YouTube do), and subtitle tools
    write it in SRT too; "{\\an8}" puts a cue at the top of the screen. Before, "&amp;",
    "&lt;" and "{\\an8}" were stored as the respondent's words."""
    cues = (
        "1\n00:00:01,000 --> 00:00:03,000\n{\\an8}I: Werkte u bij V&amp;D?\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nR: Ja, bij V&amp;D &lt;3 en&nbsp;later bij C&#38;A.\n"
    )
    data = cues if fmt == "srt" else "WEBVTT\n\n" + re.sub(r"(\d),(\d{3})", r"\1.\2", cues)
    parsed = read_bytes(data.encode(), name=f"t.{fmt}", fmt=fmt)
    assert spoken(parsed) == [
        ("I", "Werkte u bij V&D?"),
        ("R", "Ja, bij V&D <3 en later bij C&A."),
    ]


def test_a_title_block_in_markdown_bold_or_in_a_word_table_is_no_turn():
    markdown = (
        "# Interview 4\n\n**Datum:** 3 mei 2024\n**Interviewer:** Anna de Vries\n\n"
        "**I:** Hoe gaat het?\n**R:** Goed.\n"
    )
    parsed = read_bytes(markdown.encode(), name="t.md", fmt="md")
    assert parsed.speakers == ["I", "R"]
    assert spoken(parsed)[1:] == [("I", "Hoe gaat het?"), ("R", "Goed.")]

    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for row, (key, value) in zip(
        table.rows,
        [("Datum", "3 mei 2024"), ("Interviewer", "Anna de Vries"), ("Respondent", "R04")],
    ):
        row.cells[0].text, row.cells[1].text = key, value
    for line in ["I: Hoe gaat het?", "R: Goed.", "I: Fijn."]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    parsed = read_bytes(out.getvalue(), name="t.docx", fmt="docx")
    assert parsed.speakers == ["I", "R"]
    assert spoken(parsed) == [
        (None, "Datum\t3 mei 2024\n\nInterviewer\tAnna de Vries\n\nRespondent\tR04"),
        ("I", "Hoe gaat het?"),
        ("R", "Goed."),
        ("I", "Fijn."),
    ]
