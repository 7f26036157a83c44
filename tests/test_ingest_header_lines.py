"""Details lines the details block did not catch yet, and header paragraphs of a transcript
without speaker labels. Real text, Word, OpenDocument and PDF files are built here and read
or imported into a real project with the real Dutch pipeline; all names and words are
fictional.

- "Respondent: R07 (vrouw, 68 jaar)" alone at the top names the respondent: a code with
  attributes is never words said. Before, "R07 (vrouw, 68 jaar)" were the respondent's words.
- "Interviewer: Anna" and "Interviewer: Anna." among details lines name the interviewer.
  Before, only names of two words or more counted, and a full stop made any value a turn.
- A transcript without labels opens with a title ("Levensverhaal R03 (31 jaar), wijk Noord")
  and details; before, those paragraphs were spoken text the workshop offered to residents.

Real turns stay turns: "Respondent: Ja, dat was moeilijk.", "Interviewer: Precies.",
"Respondent: Klopt." and "Respondent: Ja."
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable

import docx
import pytest
from built_once import copy_project
from test_ingest_pdf import page_stream, write_pdf
from test_ingest_title_block import stored_turns

from workbench import accounts
from workbench.handle import Project
from workbench.ingest import import_files, read_bytes
from workbench.privacy import apply_pseudonyms
from workbench.privacy.workshop import assign_fragments, segments_for_assignment
from workbench.store import open_project

CODE = "Respondent: R07 (vrouw, 68 jaar)"
INTERVIEW = [
    ("Interviewer", "Hoe lang woont u al in de wijk?"),
    ("Respondent", "Ja, dat was moeilijk. Eerst woonde ik bij mijn zus."),
    ("Interviewer", "Precies."),
    ("Respondent", "Nu woon ik hier al twaalf jaar."),
]


def text_file(paragraphs: list[str]) -> bytes:
    return "\n\n".join(paragraphs).encode("utf-8")


def word_file(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_file(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_file(paragraphs: list[str]) -> bytes:
    """One page as a word processor prints it: paragraphs wrapped in lines of at most 75
    characters, a free line between paragraphs."""
    lines = [line for p in paragraphs for line in ["", *textwrap.wrap(p, 75)]][1:]
    return write_pdf([page_stream(lines)])


FORMATS: list[tuple[str, Callable[[list[str]], bytes]]] = [
    ("txt", text_file),
    ("docx", word_file),
    ("odt", odt_file),
    ("pdf", pdf_file),
]


def read(fmt: str, paragraphs: list[str]):
    build = dict(FORMATS)[fmt]
    return read_bytes(build(paragraphs), name=f"t.{fmt}", fmt=fmt)


def spoken(parsed) -> list[tuple[str | None, str]]:
    return [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]


def lines_of(turns: list[tuple[str, str]]) -> list[str]:
    return [f"{label}: {words}" for label, words in turns]


@pytest.mark.parametrize("fmt", [fmt for fmt, _ in FORMATS])
def test_a_respondent_code_alone_at_the_top_is_no_turn(fmt):
    parsed = read(fmt, [CODE, *lines_of(INTERVIEW)])
    assert spoken(parsed) == [(None, CODE), *INTERVIEW]
    assert parsed.turns[0].header and not any(t.header for t in parsed.turns[1:])
    # A real first turn of the respondent stays a turn, with a code in it too.
    for first in ["Ja, dat was moeilijk.", "Ja, R07 (lacht)", "Nee"]:
        parsed = read(fmt, lines_of([("Respondent", first), *INTERVIEW]))
        assert spoken(parsed) == [("Respondent", first), *INTERVIEW]


def test_the_code_alone_is_no_turn_when_imported(db, nlp):
    """Stored: the code is no words of the respondent."""
    project = Project.for_user(db, "onderzoeker")
    report = import_files(project, [("r07.docx", word_file([CODE, *lines_of(INTERVIEW)]))], nlp=nlp)
    assert report.ok, report.results[0].message("en")
    assert stored_turns(db) == [(None, CODE), *INTERVIEW]
    assert db.execute("SELECT header FROM turns ORDER BY position").fetchall()[:2] == [(1,), (0,)]


@pytest.mark.parametrize("fmt", [fmt for fmt, _ in FORMATS])
@pytest.mark.parametrize(
    "details",
    [
        ["Datum: 3 maart 2026", "Interviewer: Anna.", CODE],
        ["Interviewer: Anna", CODE],
        ["Gesprek buurthuis", "Interviewer: Anna", "Respondent: Piet"],
        ["Datum: 3 maart 2026", "Interviewer: Jan", "Respondent: Henk."],
    ],
)
def test_a_one_word_name_among_details_lines_is_no_turn(fmt, details):
    parsed = read(fmt, [*details, *lines_of(INTERVIEW)])
    assert spoken(parsed) == [(None, "\n\n".join(details)), *INTERVIEW]


def test_a_one_word_name_is_told_from_a_one_word_answer():
    def turns(*lines: str) -> list[tuple[str | None, str]]:
        text = "\n".join([*lines, *lines_of(INTERVIEW)])
        return spoken(read_bytes(text.encode(), name="t.txt", fmt="txt"))[: -len(INTERVIEW)]

    assert turns("Datum: 3 maart 2026", "Interviewer: Anna.") == [
        (None, "Datum: 3 maart 2026\nInterviewer: Anna.")
    ]
    # A word said, also right under the details: a stop word, a greeting, an everyday word
    # with a full stop, an interjection.
    assert turns("Datum: 3 maart 2026", "Interviewer: Anna", "Respondent: Klopt.") == [
        (None, "Datum: 3 maart 2026\nInterviewer: Anna"),
        ("Respondent", "Klopt."),
    ]
    assert turns("Datum: 3 maart 2026", "Interviewer: Precies.", "Respondent: Ja.") == [
        (None, "Datum: 3 maart 2026"),
        ("Interviewer", "Precies."),
        ("Respondent", "Ja."),
    ]
    # Without details lines around it, an everyday word is a turn, also without full stop.
    assert turns("Interviewer: Jan", "Respondent: Hmm.") == [
        ("Interviewer", "Jan"),
        ("Respondent", "Hmm."),
    ]
    assert turns("Interviewer: Klopt", "Respondent: Precies") == [
        ("Interviewer", "Klopt"),
        ("Respondent", "Precies"),
    ]


STORY = [
    "Ik ben in dit dorp geboren, in het huis achter de kerk. Mijn vader had een bakkerij "
    "aan de dijk, en wij hielpen allemaal mee.",
    "Later ging ik naar de stad, want hier was geen werk meer voor jonge mensen. Daar vond "
    "ik werk in een fabriek.",
    "Nu woon ik weer hier, al elf jaar. Het is stil geworden in de straat, de bakkerij is "
    "een kapsalon.",
]
HEADERS = [  # paragraphs above the story
    ["Levensverhaal R03 (31 jaar), wijk Noord"],
    ["Levensverhaal R03 (31 jaar), wijk Noord", "Datum: 3 maart 2026", "Interviewer: Anna"],
    ["Gesprek in het buurthuis", "Datum: 3 maart 2026"],
    ["Verhaal van een bewoner", CODE],
    [
        "Geschreven voor het buurtonderzoek, alle namen zijn verzonnen. Levensverhaal "
        "R08 (vrouw, 38 jaar), zelf opgeschreven in juli.",
        "Mijn verhaal",
    ],
]


@pytest.mark.parametrize("fmt", [fmt for fmt, _ in FORMATS])
@pytest.mark.parametrize("header", HEADERS)
def test_header_paragraphs_of_a_text_without_labels_are_marked(fmt, header):
    parsed = read(fmt, [*header, *STORY])
    turns = spoken(parsed)
    assert turns[-3:] == [(None, paragraph) for paragraph in STORY]
    assert [t.header for t in parsed.turns] == [True] * (len(turns) - 3) + [False] * 3


def test_a_story_without_a_title_or_details_has_no_header():
    def headers(first: str) -> list[bool]:
        parsed = read_bytes("\n\n".join([first, *STORY]).encode(), name="t.txt", fmt="txt")
        return [t.header for t in parsed.turns]

    assert headers("Levensverhaal R03 (31 jaar), wijk Noord") == [True, False, False, False]
    # A short line alone may be the story's own start (an unpunctuated transcript too).
    for first in [
        "Mijn jeugd",
        "ik woon hier al heel lang",
        "Toen kwam Covid-19 (het was 2020) en toen werd alles anders.",
        "Ik woon in flat A12 (de hoge) sinds 1990.",
    ]:
        assert not any(headers(first)), first
    # A text that is all header has none: it is the text.
    parsed = read_bytes(b"Levensverhaal R03 (31 jaar)", name="t.txt", fmt="txt")
    assert not parsed.turns[0].header


def test_the_workshop_offers_no_header_paragraph_of_a_text_without_labels(db, nlp):
    """Before, the title and the details were offered to residents as spoken fragments."""
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    paragraphs = [*HEADERS[1], *STORY]
    report = import_files(researcher, [("verhaal.odt", odt_file(paragraphs))], nlp=nlp)
    assert report.ok, report.results[0].message("en")
    apply_pseudonyms(researcher)
    offered = segments_for_assignment(researcher, report.results[0].document_id)
    assert [s["text"] for s in offered] == [
        sentence + ("" if sentence.endswith(".") else ".")
        for paragraph in STORY
        for sentence in paragraph.split(". ")
    ]
    assign_fragments(researcher, co_researcher="sanne", segment_ids=[offered[0]["segment_id"]])


def test_the_demo_story_without_labels_offers_no_header(demo_project, tmp_path):
    """R08 is written, not spoken: no labels. Its note above the story (the respondent's code
    and age) and its title were offered to residents."""
    db = open_project(copy_project(demo_project, tmp_path / "demo.db"))
    researcher = Project.for_user(db, "onderzoeker")
    (r08,) = db.execute("SELECT id FROM documents WHERE name LIKE 'R08%'").fetchone()
    offered = " ".join(s["text"] for s in segments_for_assignment(researcher, r08))
    assert "R08" not in offered and "Mijn verhaal, in stukjes" not in offered
    assert offered.startswith("Ze vroegen of ik mee wilde doen aan een interview.")
    db.close()


def subtitles(fmt: str, paragraphs: list[str], *, gap: int = 3) -> bytes:
    """One cue of two seconds per paragraph, ``gap`` seconds apart (more than a second:
    cues without a voice stay turns of their own)."""
    comma = "," if fmt == "srt" else "."
    blocks = ["WEBVTT"] if fmt == "vtt" else []
    for i, paragraph in enumerate(paragraphs):
        start = i * (2 + gap)
        times = [f"00:{s // 60:02d}:{s % 60:02d}{comma}000" for s in (start, start + 2)]
        number = [str(i + 1)] if fmt == "srt" else []
        blocks.append("\n".join([*number, " --> ".join(times), paragraph]))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
@pytest.mark.parametrize("header", HEADERS)
def test_header_cues_of_subtitles_without_voices_are_marked(fmt, header):
    """A subtitle file opening with a title and details cue, as a text file does: before,
    subtitles never marked a header, so "Datum: 3 maart 2026" was the respondent's words."""
    parsed = read_bytes(subtitles(fmt, [*header, *STORY]), name=f"t.{fmt}", fmt=fmt)
    turns = spoken(parsed)
    assert turns[-3:] == [(None, paragraph) for paragraph in STORY]
    assert [t.header for t in parsed.turns] == [True] * (len(turns) - 3) + [False] * 3
    # Right behind each other a header cue and the story stay apart (they were one turn).
    close = read_bytes(subtitles(fmt, [*header, *STORY], gap=0), name=f"t.{fmt}", fmt=fmt)
    assert [t.header for t in close.turns] == [True, False]
    assert spoken(close)[1] == (None, " ".join(STORY))


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_subtitle_cues_above_the_first_voice_are_header_and_stories_without_one_have_none(fmt):
    details = ["Levensverhaal R03 (31 jaar), wijk Noord", "Datum: 3 maart 2026"]
    parsed = read_bytes(subtitles(fmt, [*details, *lines_of(INTERVIEW)]), name="t", fmt=fmt)
    assert spoken(parsed) == [(None, line) for line in details] + INTERVIEW
    assert [t.header for t in parsed.turns] == [True, True] + [False] * len(INTERVIEW)
    # A story without title or details keeps every cue as speech.
    plain = read_bytes(subtitles(fmt, ["Mijn jeugd", *STORY]), name="t", fmt=fmt)
    assert not any(t.header for t in plain.turns)


def test_header_cues_of_an_imported_subtitle_file_are_no_ones_words(db, nlp):
    """Stored and counted: the title and details cue are header lines, not the respondent's
    sentences analysis reads."""
    from workbench.ingest import project_counts

    project = Project.for_user(db, "onderzoeker")
    data = subtitles("srt", [*HEADERS[1], *STORY])
    report = import_files(project, [("r03.srt", data)], nlp=nlp)
    assert report.ok, report.results[0].message("en")
    assert db.execute("SELECT header FROM turns ORDER BY position").fetchall() == [
        (1,),
        (1,),
        (1,),
        (0,),
        (0,),
        (0,),
    ]
    counts = project_counts(db)
    assert (counts["header_turns"], counts["header_segments"]) == (3, 3)
    assert counts["respondent_segments"] == counts["segments"] - 3 > 0


def test_lines_above_the_first_cue_of_an_srt_file_are_its_header():
    """A title and details written above the cues: before, the whole file was refused
    ("the subtitles cannot be read (Invalid format)"), since webvtt-py wants a cue first."""
    details = ["Levensverhaal R03 (31 jaar), wijk Noord", "Datum: 3 maart 2026"]
    data = ("\n".join(details) + "\n\n").encode() + subtitles("srt", lines_of(INTERVIEW))
    parsed = read_bytes(data, name="t.srt", fmt="srt")
    assert spoken(parsed) == [(None, "\n".join(details)), *INTERVIEW]
    assert [t.header for t in parsed.turns] == [True] + [False] * len(INTERVIEW)
    assert parsed.turns[1].time_start == 0.0  # the cues keep their times
