"""PDF transcripts laid out in two columns, with a table, or in three columns.

Real PDF files are written with the helpers of tests/test_ingest_pdf.py; every line is
placed at its own position, as a word processor places it. A two-column page must read the
left column top to bottom, then the right one; a table or a layout we cannot read with
confidence must give a warning that names the page. All text is fictional.
"""

from __future__ import annotations

from collections.abc import Sequence

from test_ingest_pdf import PAGE_ONE, _escape, page_stream, read, spoken, transcript_pdf, write_pdf

from workbench.handle import Project
from workbench.i18n import t
from workbench.ingest import import_files

Placed = tuple[int, int, str]  # x, y, text

LEFT_ONE = [
    "Interviewer: Hoe ziet een gewone dag er",
    "voor je uit?",
    "Respondent: Ik sta om zeven uur op en",
    "drink koffie bij het raam. Daarna loop",
    "ik een rondje door het park, want dan",
    "zie ik tenminste een paar mensen.",
    "Interviewer: Praat je dan ook met ze?",
    "Respondent: Soms met een man met een",
]
RIGHT_ONE = [
    "hond. Hij vraagt altijd hoe het gaat, en",
    "dat doet me goed.",
    "Interviewer: En 's middags?",
    "Respondent: Dan is het stil in huis. Ik",
    "zet de radio aan, zodat ik een stem hoor.",
    "Interviewer: Wie belt er weleens?",
    "Respondent: Mijn zus, op zondag. Verder",
    "eigenlijk niemand.",
]
TURNS_ONE = [
    ("Interviewer", "Hoe ziet een gewone dag er voor je uit?"),
    (
        "Respondent",
        "Ik sta om zeven uur op en drink koffie bij het raam. Daarna loop ik een rondje door "
        "het park, want dan zie ik tenminste een paar mensen.",
    ),
    ("Interviewer", "Praat je dan ook met ze?"),
    (
        "Respondent",
        "Soms met een man met een hond. Hij vraagt altijd hoe het gaat, en dat doet me goed.",
    ),
    ("Interviewer", "En 's middags?"),
    ("Respondent", "Dan is het stil in huis. Ik zet de radio aan, zodat ik een stem hoor."),
    ("Interviewer", "Wie belt er weleens?"),
    ("Respondent", "Mijn zus, op zondag. Verder eigenlijk niemand."),
]
LEFT_TWO = [
    "Interviewer: Mis je je werk?",
    "Respondent: Ja, vooral de collega's. Op",
    "het werk hoorde ik erbij. Nu voel ik me",
    "soms overbodig.",
]
RIGHT_TWO = [
    "Interviewer: Heb je daar met iemand over",
    "gepraat?",
    "Respondent: Nee, daar schaam ik me een",
    "beetje voor. Je wilt niet zeuren.",
]
HEADER = "Interview R12 - 3 mei 2024"


def placed_stream(items: Sequence[Placed], size: int = 10) -> bytes:
    """A content stream with each text at its own x and y, in Helvetica of ``size`` pt."""
    return b"\n".join(
        b"BT /F1 %d Tf %d %d Td (%s) Tj ET" % (size, x, y, _escape(text)) for x, y, text in items
    )


def column(x: int, lines: Sequence[str], top: int = 760, leading: int = 13) -> list[Placed]:
    return [(x, top - leading * i, line) for i, line in enumerate(lines)]


def two_column_page(left: Sequence[str], right: Sequence[str], number: int) -> bytes:
    """A page with a header above the left column and a page number under both."""
    edges = [(56, 800, HEADER), (270, 30, f"Pagina {number}")]
    return placed_stream(edges + column(56, left) + column(310, right))


def interview_pdf() -> bytes:
    return write_pdf(
        [two_column_page(LEFT_ONE, RIGHT_ONE, 1), two_column_page(LEFT_TWO, RIGHT_TWO, 2)]
    )


def keys(parsed) -> list[str]:
    return [warning["key"] for warning in parsed.warnings]


def message(warning: dict, lang: str) -> str:
    return t(warning["key"], lang, **warning["params"])


# --- Two columns ---------------------------------------------------------------------------


def test_two_columns_are_read_left_column_first_and_a_turn_goes_on_over_the_gutter():
    parsed = read(interview_pdf())
    assert spoken(parsed)[:8] == TURNS_ONE
    assert spoken(parsed)[8:] == [
        ("Interviewer", "Mis je je werk?"),
        (
            "Respondent",
            "Ja, vooral de collega's. Op het werk hoorde ik erbij. Nu voel ik me soms overbodig.",
        ),
        ("Interviewer", "Heb je daar met iemand over gepraat?"),
        ("Respondent", "Nee, daar schaam ik me een beetje voor. Je wilt niet zeuren."),
    ]
    assert HEADER not in parsed.text and "Pagina" not in parsed.text


def test_a_two_column_page_tells_the_user_it_was_read_column_by_column():
    (warning,) = read(interview_pdf(), "R12.pdf").warnings
    assert warning["key"] == "ingest.pdf_two_columns"
    assert message(warning, "nl").startswith("R12.pdf: pagina's 1–2 hebben twee kolommen.")
    assert "je gaat coderen" in message(warning, "nl")
    assert message(warning, "en").startswith("R12.pdf: pages 1–2 have two columns.")


def test_a_title_over_both_columns_stays_above_them():
    title = (150, 790, "Gesprek met een bewoner van de Lindenlaan over zijn week")
    stream = placed_stream([title, *column(56, LEFT_ONE), *column(310, RIGHT_ONE)])
    parsed = read(write_pdf([stream]))
    assert parsed.text.startswith("Gesprek met een bewoner van de Lindenlaan over zijn week")
    assert spoken(parsed)[1:] == TURNS_ONE


def test_a_last_page_with_one_line_in_the_right_column_is_read_in_order():
    left = [
        "Interviewer: Wat zou je willen veranderen?",
        "Respondent: Ik zou graag een vaste club",
        "hebben, iets met wandelen of zingen.",
        "Interviewer: Dank je wel voor het gesprek.",
    ]
    last = placed_stream(column(56, left) + column(310, ["Respondent: Graag gedaan."]))
    parsed = read(write_pdf([two_column_page(LEFT_TWO, RIGHT_TWO, 1), last]))
    assert spoken(parsed)[-3:] == [
        ("Respondent", "Ik zou graag een vaste club hebben, iets met wandelen of zingen."),
        ("Interviewer", "Dank je wel voor het gesprek."),
        ("Respondent", "Graag gedaan."),
    ]


def test_a_two_column_transcript_is_stored_in_reading_order(db, nlp, tmp_path):
    path = tmp_path / "R12 interview.pdf"
    path.write_bytes(interview_pdf())
    report = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp)
    assert report.ok and report.results[0].n_turns == 12
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    assert "Soms met een man met een hond. Hij vraagt altijd hoe het gaat" in text
    segments = {seg for (seg,) in db.execute("SELECT text FROM segments")}
    assert "Dan is het stil in huis." in segments


# --- Single column: as before, and no warning ---------------------------------------------


def test_a_single_column_transcript_and_a_speaker_column_give_no_warning():
    assert read(transcript_pdf()).warnings == []
    labels = ["Interviewer (A. de Groot)", "Respondent (mevrouw Jansen, 81)"] * 2
    words = [
        "Hoe gaat het sinds de verhuizing naar de flat?",
        "Het went langzaam, maar ik ken hier nog niemand.",
        "Heeft u al kennisgemaakt met de buren?",
        "Alleen met de vrouw van nummer twaalf, heel even.",
    ]
    stream = placed_stream(column(56, labels, leading=16) + column(240, words, leading=16))
    parsed = read(write_pdf([stream]))
    for label, said in zip(labels, words):  # a label stays beside its words, as in a table row
        assert f"{label}\t{said}" in parsed.text
    assert parsed.warnings == []


def test_a_box_around_the_page_and_underlined_words_are_no_table():
    box = b"0.5 w 40 40 515 762 re S\n"  # two rules across and two down: a frame, no grid
    underlines = b"\n".join(b"72 %d 120 0.6 re f" % (767 - 14 * i) for i in range(4))
    parsed = read(write_pdf([box + underlines + b"\n" + page_stream(PAGE_ONE)]))
    assert parsed.text.startswith("I: Hoe gaat het nu met u?")
    assert parsed.warnings == []


# --- Tables and layouts we cannot read with confidence --------------------------------------

WEEK = [
    ("Maandag", "Boodschappen doen", "Alleen"),
    ("Woensdag", "Koffie in het buurthuis", "Buurvrouw Els"),
    ("Zondag", "Bellen", "Mijn zus"),
]


def table_page(rows: Sequence[tuple[str, ...]], xs: Sequence[int] = (72, 190, 400)) -> bytes:
    """A turn, then a table without lines, one row of cells every 16 pt."""
    intro = [(72, 770, "R: Ik heb mijn week voor je opgeschreven, kijk maar.")]
    cells = [(x, 740 - 16 * i, cell) for i, row in enumerate(rows) for x, cell in zip(xs, row)]
    return placed_stream(intro + cells, 11)


def test_a_table_gives_a_warning_that_names_its_page():
    pages = [["I: Hoe is uw week?", "R: Druk, maar ook stil."], None, ["I: Dank u."]]
    streams = [
        placed_stream(column(72, lines), 11) if lines else table_page(WEEK) for lines in pages
    ]
    parsed = read(write_pdf(streams), "week.pdf")
    assert keys(parsed) == ["ingest.pdf_table"]
    nl, en = message(parsed.warnings[0], "nl"), message(parsed.warnings[0], "en")
    assert nl.startswith("week.pdf: pagina 2 bevat een tabel; controleer de tekst.")
    assert en.startswith("week.pdf: page 2 contains a table; check the text.")
    for cell in ("Koffie in het buurthuis", "Buurvrouw Els"):
        assert cell in parsed.text  # the cells are kept, only their order is in doubt


def test_a_table_with_ruled_cells_of_two_columns_gives_the_warning():
    rows = [("Leeftijd", "81 jaar"), ("Woont", "alleen, sinds 2019"), ("Kinderen", "twee")]
    lines = b"\n".join(
        [b"72 %d m 400 %d l S" % (y, y) for y in (780, 760, 740, 720)]
        + [b"%d 780 m %d 720 l S" % (x, x) for x in (72, 180, 400)]
    )
    cells = [
        (x, 766 - 20 * i, cell) for i, row in enumerate(rows) for x, cell in zip((76, 184), row)
    ]
    parsed = read(write_pdf([lines + b"\n" + placed_stream(cells)]))
    assert keys(parsed) == ["ingest.pdf_table"]
    assert message(parsed.warnings[0], "nl").startswith("interview.pdf: pagina 1 bevat een tabel")


def test_three_columns_give_a_warning_instead_of_a_guess():
    columns = [
        ["Op maandag ga ik naar de", "markt, daar ken ik de", "groenteman al jaren."],
        ["Op dinsdag komt mijn", "dochter met de kleinkinderen", "en dan is het gezellig."],
        ["Op vrijdag zit ik meestal", "alleen thuis, dan is de dag", "erg lang en stil."],
    ]
    stream = placed_stream(
        [p for x, lines in zip((40, 220, 400), columns) for p in column(x, lines)], 9
    )
    parsed = read(write_pdf([stream]), "week.pdf")
    assert keys(parsed) == ["ingest.pdf_layout_unclear"]
    assert message(parsed.warnings[0], "nl").startswith(
        "week.pdf: de opbouw van pagina 1 kan ik niet goed lezen"
    )
    assert "could not be read with confidence" in message(parsed.warnings[0], "en")


def test_tables_on_several_pages_give_one_warning_with_page_ranges():
    streams = [
        table_page(WEEK) if n in (2, 3, 4, 6) else placed_stream(column(72, [f"R: Week {n}."]), 11)
        for n in range(1, 7)
    ]
    (warning,) = read(write_pdf(streams)).warnings
    assert message(warning, "nl").startswith("interview.pdf: pagina's 2–4, 6 bevatten een tabel")
    assert message(warning, "en").startswith("interview.pdf: pages 2–4, 6 contain a table")


LONELY = (
    "Respondent: Na het overlijden van mijn man werd het huis ineens heel groot. In het begin "
    "kwamen de kinderen vaak langs, maar dat werd na een paar maanden minder. Ze hebben het "
    "druk met hun werk en hun eigen gezin, dat begrijp ik best. Toch zit ik op zondagmiddag "
    "soms uren naar de telefoon te kijken. Ik wil niet zeuren, dus bel ik zelf ook niet."
)


def test_justified_prose_with_wide_gaps_between_its_words_is_no_table():
    """Word spacing stretched by up to 6.6 pt (TJ), line after line: wide gaps, not lined up."""
    words = LONELY.split()
    lines = [words[i : i + 7] for i in range(0, len(words), 7)]
    stream = b"\n".join(
        b"BT /F1 11 Tf 72 %d Td [%s] TJ ET"
        % (770 - 14 * i, b" ".join(b"(%s) -%d" % (_escape(w + " "), 150 * (i % 5)) for w in line))
        for i, line in enumerate(lines)
    )
    parsed = read(write_pdf([stream]))
    assert parsed.text.split() == words
    assert parsed.warnings == []


def test_the_warning_reaches_the_import_report(db, nlp, tmp_path):
    path = tmp_path / "week.pdf"
    path.write_bytes(write_pdf([table_page(WEEK)]))
    (result,) = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp).results
    assert result.ok and [w["key"] for w in result.warnings] == ["ingest.pdf_table"]
    assert result.warning_lines("nl")[0].startswith("week.pdf: pagina 1 bevat een tabel")
    assert result.warning_lines("en")[0].startswith("week.pdf: page 1 contains a table")
