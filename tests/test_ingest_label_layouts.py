"""Speaker layouts a tester found unread: hyphenated names, a label alone on its line without
a colon, one ``Name:`` cue among voice-tagged subtitles, and a broken subtitle timing.

Each test writes a real file (txt, md, docx, vtt, srt) in ``tmp_path``, imports it into a
real project and reads back the stored turns with their speakers. All text is fictional.
"""

from __future__ import annotations

import docx
import pytest

from workbench.handle import Project
from workbench.ingest import import_files

ME = "onderzoeker"


def stored_turns(db, document_id: int) -> list[tuple[str | None, str]]:
    """The turns of a stored document: (speaker label, spoken words)."""
    text = db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()[0]
    rows = db.execute(
        "SELECT s.label, t.start_char, t.end_char FROM turns t"
        " LEFT JOIN speakers s ON s.id = t.speaker_id"
        " WHERE t.document_id = ? ORDER BY t.position",
        [document_id],
    )
    return [(label, text[start:end]) for label, start, end in rows]


def import_one(db, nlp, path):
    report = import_files(Project.for_user(db, ME), [path], nlp=nlp)
    assert report.ok, report.results[0].message()
    return report.results[0]


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- Hyphenated names and titles --------------------------------------------------------


@pytest.mark.parametrize(
    ("asker", "teller"),
    [
        ("Anne-Marie", "Jan-Willem"),
        ("Mw. Bakker-de Wit", "Dhr. Yılmaz"),
        ("Mevr. van den Berg-Smits", "Dhr. Kok"),
        ("Dhr. 't Hart-Jansen", "Mw. El-Amrani"),
    ],
)
def test_hyphenated_names_and_titles_are_speakers(db, nlp, tmp_path, asker, teller):
    path = write(
        tmp_path,
        "gesprek.txt",
        f"{asker}: Waar woonde u als kind?\n\n"
        f"{teller}: In een flat bij het spoor, drie hoog.\n\n"
        f"{asker}: Kende u de buren?\n\n"
        f"{teller}: Alleen de vrouw met de parkiet.\n",
    )
    result = import_one(db, nlp, path)
    assert stored_turns(db, result.document_id) == [
        (asker, "Waar woonde u als kind?"),
        (teller, "In een flat bij het spoor, drie hoog."),
        (asker, "Kende u de buren?"),
        (teller, "Alleen de vrouw met de parkiet."),
    ]
    assert result.speakers == {asker: "interviewer", teller: "respondent"}


# --- A label alone on its line, no colon ------------------------------------------------

QUESTIONS = ("Kunt u iets over uw buurt vertellen?", "Mist u de winkel op de hoek?")
ANSWERS = ("Het is er stil geworden sinds de school dicht is.", "Ja, daar sprak ik iedereen.")


def alone_on_a_line(asker: str, teller: str, sep: str = "\n") -> str:
    blocks = []
    for question, answer in zip(QUESTIONS, ANSWERS):
        blocks += [f"{asker}{sep}{question}", f"{teller}{sep}{answer}"]
    return "\n\n".join(blocks) + "\n"


@pytest.mark.parametrize(
    ("name", "asker", "teller"),
    [
        ("a.txt", "Interviewer", "Respondent"),
        ("b.txt", "INTERVIEWER", "RESPONDENT"),
        ("c.txt", "Spreker 1", "Spreker 2"),
        ("d.txt", "Speaker 1", "Speaker 2"),
        ("e.md", "**Interviewer**", "**Respondent**"),
        ("f.txt", "Vraag", "Antwoord"),
    ],
)
def test_a_label_alone_on_its_line_without_colon_takes_the_next_line(
    db, nlp, tmp_path, name, asker, teller
):
    result = import_one(db, nlp, write(tmp_path, name, alone_on_a_line(asker, teller)))
    asked, told = asker.strip("*"), teller.strip("*")
    assert stored_turns(db, result.document_id) == [
        (asked, QUESTIONS[0]),
        (told, ANSWERS[0]),
        (asked, QUESTIONS[1]),
        (told, ANSWERS[1]),
    ]


def test_a_label_alone_in_its_own_word_paragraph_takes_the_next_one(db, nlp, tmp_path):
    document = docx.Document()
    for question, answer in zip(QUESTIONS, ANSWERS):
        for paragraph in ("Interviewer", question, "Respondent", answer):
            document.add_paragraph(paragraph)
    path = tmp_path / "gesprek.docx"
    document.save(path)
    result = import_one(db, nlp, path)
    assert [speaker for speaker, _ in stored_turns(db, result.document_id)] == [
        "Interviewer",
        "Respondent",
    ] * 2
    assert result.speakers == {"Interviewer": "interviewer", "Respondent": "respondent"}
    # One heading-like word above a paragraph is no such layout, and a lone "I" or "V" (a
    # Roman section number) is never a bare label.
    for name, text in [
        ("kop.txt", "Respondent\nDe deelnemer woont sinds kort alleen.\n\nHij fietst graag.\n"),
        ("delen.txt", "I\nHet begin van de wijk.\n\nII\nDe jaren zestig.\n\nV\nNu.\n\nI\nterug.\n"),
    ]:
        assert import_one(db, nlp, write(tmp_path, name, text)).speakers == {}


# --- Subtitles ----------------------------------------------------------------------------

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Hoe was de verhuizing?</v>

00:00:04.500 --> 00:00:08.000
<v Respondent>Zwaar, ik moest de helft van mijn boeken weggeven.</v>

00:00:08.500 --> 00:00:10.000
<v Respondent>Maar het appartement is licht.</v>

00:00:10.500 --> 00:00:12.000
<c.speaker>Interviewer:</c> Mooi zo.

00:00:12.500 --> 00:00:14.000
<v Respondent>Ja, dat wel.</v>
"""


def test_one_label_cue_among_voice_tagged_cues_starts_a_turn(db, nlp, tmp_path):
    result = import_one(db, nlp, write(tmp_path, "gesprek.vtt", VTT))
    assert stored_turns(db, result.document_id) == [
        ("Interviewer", "Hoe was de verhuizing?"),
        (
            "Respondent",
            "Zwaar, ik moest de helft van mijn boeken weggeven. Maar het appartement is licht.",
        ),
        ("Interviewer", "Mooi zo."),
        ("Respondent", "Ja, dat wel."),
    ]


def test_a_voice_name_written_as_a_label_in_one_cue_starts_its_turn(db, nlp, tmp_path):
    text = VTT.replace("Interviewer", "Noor").replace("Respondent", "Kees")
    result = import_one(db, nlp, write(tmp_path, "gesprek.vtt", text))
    assert [speaker for speaker, _ in stored_turns(db, result.document_id)] == [
        "Noor",
        "Kees",
        "Noor",
        "Kees",
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("kapot.vtt", "WEBVTT\n\nkapot --> ook kapot\nHallo daar.\n"),
        (
            "half.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nGoedemorgen.\n\n"
            "00:00:03.000 --> straks\nDit stuk viel weg.\n",
        ),
        ("komma.vtt", "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nEen komma in een vtt.\n"),
        ("kapot.srt", "1\nnu --> later\nHallo daar.\n"),
    ],
)
def test_a_broken_cue_timing_gets_the_subtitle_message(db, nlp, tmp_path, name, text):
    path = write(tmp_path, name, text)
    report = import_files(Project.for_user(db, ME), [path], nlp=nlp)
    failed = report.results[0]
    assert not failed.ok and failed.error.key == "ingest.bad_subtitles"
    assert "-->" in failed.message("nl") and "ondertitels" in failed.message("nl")
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (0,)
