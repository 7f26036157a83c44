"""Real files of every supported format, written here and read back by the importer."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from workbench.ingest import read_bytes

DIALOGUE = (
    "Fictief interview, voor tests geschreven.\n\n"
    "I: Hoe gaat het nu met u?\n"
    "R: Het gaat wel. Sinds mijn vrouw overleed ben ik veel alleen. Café's zijn te duur.\n"
    "I: Wat doet u op een dag?\n"
    "R: Ik loop met de hond naar het park. Daar zeg ik soms iets tegen de buurvrouw.\n"
)


def write_docx(path: Path) -> Path:
    """A Word transcript: a heading paragraph, labelled paragraphs and a two-column table."""
    document = docx.Document()
    document.add_paragraph("Fictief interview (docx)")
    document.add_paragraph("I: Waar woont u nu?")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "R"
    table.cell(0, 1).text = "In een flat. Na de scheiding moest ik verhuizen."
    table.cell(1, 0).text = "I"
    table.cell(1, 1).text = "Hoe was dat?"
    document.add_paragraph("R: Zwaar. Ik schaamde me.")
    document.save(path)
    return path


def write_odt(path: Path) -> Path:
    """An OpenDocument transcript with a heading, text:s, text:tab, a line break and a table."""
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, LineBreak, P, S, Tab

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Fictief interview (odt)"))
    question = P(text="I:")
    question.addElement(S(c=2))
    question.addText("Hoe gaat")
    question.addElement(Tab())
    question.addText("het?")
    document.text.addElement(question)
    answer = P(text="R: Niet zo goed.")
    answer.addElement(LineBreak())
    answer.addText("Ik ben vaak moe.")
    document.text.addElement(answer)
    table = Table(name="t")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for value in ("I", "En de buren?"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_text_in_each_encoding_is_read_and_its_encoding_reported(encoding):
    data = DIALOGUE.encode(encoding)
    parsed = read_bytes(data, name="a.txt", fmt="txt")
    assert "Café's" in parsed.text
    assert "\ufeff" not in parsed.text
    expected = {
        "latin-1": {"cp1252", "iso8859-1", "iso8859-15"},
        "cp1252": {"cp1252", "iso8859-1", "iso8859-15"},
    }
    assert parsed.encoding in expected.get(encoding, {encoding})


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_recognised(encoding):
    parsed = read_bytes(DIALOGUE.encode(encoding), name="a.txt", fmt="txt")
    assert parsed.encoding == encoding
    assert parsed.speakers == ["I", "R"]


def test_cp1252_quotes_are_detected_as_cp1252():
    text = "R: ‘Ja’, zei ze – en ik schaamde me € 20 voor de reünie.\nI: Oké?\n"
    data = text.encode("cp1252")
    parsed = read_bytes(data, name="a.txt", fmt="txt")
    assert parsed.encoding == "cp1252"
    assert "‘Ja’" in parsed.text and "€" in parsed.text


def test_crlf_and_markdown_are_normalised():
    parsed = read_bytes(DIALOGUE.replace("\n", "\r\n").encode(), name="a.md", fmt="md")
    assert "\r" not in parsed.text
    assert parsed.format == "md"
    assert parsed.speakers == ["I", "R"]


def test_docx_reads_paragraphs_and_tables_in_reading_order(tmp_path):
    parsed = read_bytes(write_docx(tmp_path / "a.docx").read_bytes(), name="a.docx", fmt="docx")
    spoken = [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]
    assert spoken == [
        (None, "Fictief interview (docx)"),
        ("I", "Waar woont u nu?"),
        ("R", "In een flat. Na de scheiding moest ik verhuizen."),
        ("I", "Hoe was dat?"),
        ("R", "Zwaar. Ik schaamde me."),
    ]


def test_odt_reads_headings_spaces_tabs_breaks_and_tables(tmp_path):
    parsed = read_bytes(write_odt(tmp_path / "a.odt").read_bytes(), name="a.odt", fmt="odt")
    spoken = [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]
    assert spoken == [
        (None, "Fictief interview (odt)"),
        ("I", "Hoe gaat\thet?"),
        ("R", "Niet zo goed.\nIk ben vaak moe."),
        ("I", "En de buren?"),
    ]


VTT = """WEBVTT

00:00:01.000 --> 00:00:03.500
<v Interviewer>Hoe is het met u?

00:00:04.000 --> 00:00:06.000
<v Joke>Goed. Mijn kat houdt me gezelschap.

00:00:06.200 --> 00:00:09.750
<v Joke>Zij wacht elke ochtend op mij.

00:00:10.000 --> 00:00:11.000
<v Interviewer>Mooi.
"""


def test_vtt_voice_tags_give_speakers_and_consecutive_cues_merge():
    parsed = read_bytes(VTT.encode(), name="a.vtt", fmt="vtt")
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Joke", "Interviewer"]
    joke = parsed.turns[1]
    assert parsed.text[joke.start_char : joke.end_char] == (
        "Goed. Mijn kat houdt me gezelschap. Zij wacht elke ochtend op mij."
    )
    assert (joke.time_start, joke.time_end) == (4.0, 9.75)


def test_srt_name_prefixes_give_speakers_in_cp1252():
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nAnna: Gaat u naar de kerk?\n\n"
        "2\n00:00:02,500 --> 00:00:05,000\nKees: Ja, elke zondag. Daar ken ik iedereen.\n\n"
        "3\n00:00:05,100 --> 00:00:06,000\nNa de dienst drinken we koffie, café-stijl.\n"
    )
    parsed = read_bytes(srt.encode("cp1252"), name="a.srt", fmt="srt")
    assert parsed.encoding == "cp1252"
    assert [t.speaker for t in parsed.turns] == ["Anna", "Kees"]
    kees = parsed.turns[1]
    assert parsed.text[kees.start_char : kees.end_char].endswith("koffie, café-stijl.")
    assert kees.time_end == 6.0


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_a_cue_with_a_line_per_speaker_gives_each_speaker_their_words(fmt):
    """One cue with two labelled lines was read as one line: the respondent's words were the
    interviewer's. A single "Let op:" line inside a cue stays text (fictional text)."""
    cues = (
        "1\n00:00:01.000 --> 00:00:04.000\nInterviewer: Woont u hier al lang?\n"
        "Respondent: Sinds 1980.\n\n"
        "2\n00:00:04.500 --> 00:00:07.000\nInterviewer: Kent u de buren?\n"
        "Let op: de buurvrouw verhuisde.\n"
    )
    data = "WEBVTT\n\n" + cues if fmt == "vtt" else re.sub(r"(\d)\.(\d{3})", r"\1,\2", cues)
    parsed = read_bytes(data.encode(), name=f"a.{fmt}", fmt=fmt)
    assert [(t.speaker, t.time_start) for t in parsed.turns] == [
        ("Interviewer", 1.0),
        ("Respondent", 1.0),
        ("Interviewer", 4.5),
    ]
    said = [parsed.text[t.start_char : t.end_char] for t in parsed.turns]
    assert said == [
        "Woont u hier al lang?",
        "Sinds 1980.",
        "Kent u de buren? Let op: de buurvrouw verhuisde.",
    ]


def test_srt_cues_with_bold_or_numbered_labels_give_speakers():
    # The label grammar of the other formats, in subtitles too (fictional text).
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\n**Spreker 1:** Hoe gaat het?\n\n"
        "2\n00:00:02,500 --> 00:00:05,000\n**Spreker 2:** Rustig. Ik wandel veel.\n\n"
        "3\n00:00:05,100 --> 00:00:06,000\n**Spreker 1:** Alleen?\n"
    )
    parsed = read_bytes(srt.encode(), name="a.srt", fmt="srt")
    assert [t.speaker for t in parsed.turns] == ["Spreker 1", "Spreker 2", "Spreker 1"]
    second = parsed.turns[1]
    assert parsed.text[second.start_char : second.end_char] == "Rustig. Ik wandel veel."


def test_a_word_transcript_with_label_and_time_above_each_turn_gives_speakers(tmp_path):
    # The layout of Word's dictation and of transcription services: a paragraph with the
    # speaker and the time, the spoken words in the paragraphs below (fictional text).
    document = docx.Document()
    for stamp, speaker, words in [
        ("00:00:05", "Spreker 1", "Hoe gaat het met je?"),
        ("00:00:09", "Spreker 2", "Sinds mijn man er niet meer is, ben ik veel alleen."),
        ("00:00:15", "Spreker 1", "Wat doe je dan op een dag?"),
        ("00:00:19", "Spreker 2", "Ik loop met de hond. Dat geeft me rust."),
    ]:
        document.add_paragraph(f"{stamp} {speaker}")
        document.add_paragraph(words)
    path = document.save(tmp_path / "dictee.docx") or tmp_path / "dictee.docx"
    parsed = read_bytes(path.read_bytes(), name="dictee.docx", fmt="docx")
    assert [(t.speaker, t.time_start) for t in parsed.turns] == [
        ("Spreker 1", 5.0),
        ("Spreker 2", 9.0),
        ("Spreker 1", 15.0),
        ("Spreker 2", 19.0),
    ]
    second = parsed.turns[1]
    assert parsed.text[second.start_char : second.end_char] == (
        "Sinds mijn man er niet meer is, ben ik veel alleen."
    )


def test_a_markdown_transcript_with_bold_labels_gives_speakers_and_keeps_offsets():
    text = (
        "# Gesprek met Gerda (verzonnen)\n\n**Interviewer:** Hoe gaat het nu?\n\n"
        "**Gerda:** Sinds de verhuizing ben ik veel alleen.\n\n**Interviewer:** En de buren?\n\n"
        "**Gerda:** Die ken ik niet.\n"
    )
    parsed = read_bytes(text.encode(), name="gerda.md", fmt="md")
    labelled = [t for t in parsed.turns if t.speaker]
    assert [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in labelled] == [
        ("Interviewer", "Hoe gaat het nu?"),
        ("Gerda", "Sinds de verhuizing ben ik veel alleen."),
        ("Interviewer", "En de buren?"),
        ("Gerda", "Die ken ik niet."),
    ]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TEXT_BOX = (
    f'<w:r {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
    "<w:drawing><w:txbxContent><w:p><w:r><w:t>Kader: fictieve notitie.</w:t></w:r></w:p>"
    "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>Kader: fictieve notitie.</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def test_docx_keeps_text_in_tracked_changes_fields_tags_controls_and_text_boxes(tmp_path):
    """Word markup python-docx's paragraph text skips: a transcript edited with tracked
    changes, a field, a smart tag or a content control lost words without a message."""
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("I: Hoe lang woont u hier?")
    answer = document.add_paragraph("R: Al ")
    answer._p.append(
        parse_xml(
            f'<w:ins {W_NS} w:id="1" w:author="a"><w:r><w:t xml:space="preserve">ruim twintig </w:t></w:r></w:ins>'
        )
    )
    answer._p.append(
        parse_xml(
            f'<w:del {W_NS} w:id="2" w:author="a"><w:r><w:delText>tien </w:delText></w:r></w:del>'
        )
    )
    answer.add_run("jaar, in ")
    answer._p.append(
        parse_xml(
            f'<w:smartTag {W_NS} w:uri="x" w:element="place"><w:r><w:t>Zwolle</w:t></w:r></w:smartTag>'
        )
    )
    answer.add_run(", bij ")
    answer._p.append(
        parse_xml(
            f'<w:fldSimple {W_NS} w:instr="HYPERLINK x"><w:r><w:t>het park</w:t></w:r></w:fldSimple>'
        )
    )
    answer.add_run(".")
    answer._p.append(parse_xml(TEXT_BOX))
    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:sdt {W_NS}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>I: En daarvoor?</w:t></w:r>"
            "</w:p></w:sdtContent></w:sdt>"
        ),
    )
    moved = document.add_paragraph("R: ")
    moved._p.append(
        parse_xml(
            f'<w:moveTo {W_NS} w:id="3" w:author="a"><w:r><w:t>In een dorp.</w:t></w:r></w:moveTo>'
        )
    )
    moved._p.append(
        parse_xml(
            f'<w:moveFrom {W_NS} w:id="4" w:author="a"><w:r><w:t>Oude plek.</w:t></w:r></w:moveFrom>'
        )
    )
    document.save(tmp_path / "t.docx")

    parsed = read_bytes((tmp_path / "t.docx").read_bytes(), name="t.docx", fmt="docx")
    spoken = [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]
    assert spoken == [
        ("I", "Hoe lang woont u hier?"),
        ("R", "Al ruim twintig jaar, in Zwolle, bij het park.\n\nKader: fictieve notitie."),
        ("I", "En daarvoor?"),
        ("R", "In een dorp."),
    ]


def test_docx_vertically_merged_cell_is_read_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "R"
    table.cell(0, 1).text = "Eerste alinea."
    table.cell(1, 1).text = "Tweede alinea."
    document.save(tmp_path / "m.docx")
    parsed = read_bytes((tmp_path / "m.docx").read_bytes(), name="m.docx", fmt="docx")
    assert parsed.text == "R\tEerste alinea.\n\n\tTweede alinea."


def test_odt_leaves_out_deleted_text_and_comments_and_reads_text_boxes_apart(tmp_path):
    from odf.dc import Creator
    from odf.draw import Frame, TextBox
    from odf.element import Element
    from odf.namespaces import TEXTNS
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.text import Deletion, P, TrackedChanges

    document = OpenDocumentText()
    changes = TrackedChanges()
    region = Element(
        qname=(TEXTNS, "changed-region"), qattributes={(TEXTNS, "id"): "c1"}, check_grammar=False
    )
    deletion = Deletion()
    deletion.addElement(P(text="Weggehaalde zin."))
    region.addElement(deletion)
    changes.addElement(region)
    document.text.addElement(changes)
    question = P(text="I: Hoe gaat het?")
    comment = Annotation()
    comment.addElement(Creator(text="Onderzoeker"))
    comment.addElement(P(text="Code: gezondheid"))
    question.addElement(comment)
    document.text.addElement(question)
    answer = P(text="R: Goed.")
    frame = Frame(width="5cm", height="2cm", anchortype="paragraph")
    box = TextBox()
    box.addElement(P(text="Kader: fictieve notitie."))
    frame.addElement(box)
    answer.addElement(frame)
    document.text.addElement(answer)
    document.save(str(tmp_path / "t.odt"))

    parsed = read_bytes((tmp_path / "t.odt").read_bytes(), name="t.odt", fmt="odt")
    assert parsed.text == "I: Hoe gaat het?\n\nR: Goed.\n\nKader: fictieve notitie."
