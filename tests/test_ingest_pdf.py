"""PDF transcripts: real PDF files written here (Helvetica text lines), read back by pypdf.

pypdf cannot lay out text, so :func:`write_pdf` writes the PDF syntax itself: one content
stream per page with a ``BT ... Tj ET`` line per printed line, WinAnsiEncoding (so é, ë and
ï are single bytes), and an xref table with the real offsets. All text is fictional.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Sequence

import pytest

from workbench.errors import InputError
from workbench.handle import Project
from workbench.ingest import import_files, read_bytes
from workbench.ingest import pdf

TABLES = ("documents", "speakers", "turns", "segments", "events")
HEADER = "Transcript interview 3 - vertrouwelijk"
PAGE_ONE = [
    "I: Hoe gaat het nu met u?",
    "R: Sinds mijn vrouw overleed ben ik veel alleen. Op zondag is het het",
    "ergst, dan komt er niemand. Na de verhui-",
    "zing kende ik hier geen mens.",
    "I: En de buren?",
    "R: Die groeten wel, maar een echt gesprek heb ik zelden. Vroeger ging ik",
]
PAGE_TWO = [
    "naar het café op de hoek, maar dat is te duur geworden. De reünie van",
    "mijn oude werk sloeg ik over; ik voelde me naïef en geëmigreerd in mijn",
    "eigen stad.",
    "I: Wat zou u helpen?",
    "R: Iemand die gewoon eens langskomt.",
]


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")  # WinAnsiEncoding
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def page_stream(
    lines: Sequence[str],
    *,
    header: str | None = None,
    footer: str | None = None,
    leading: int = 14,
    header_last: bool = False,
) -> bytes:
    """Content stream: each line 11 pt Helvetica at x=72 from the top; "" leaves a line free.

    ``header_last`` draws the header and footer after the body, as some tools do: the
    reading order must come from the positions, not from the order in the stream.
    """
    body, y = [], 770
    for text in lines:
        if text:
            body.append((72, y, text))
        y -= leading
    edges = [(72, 810, header)] if header else []
    edges += [(280, 30, footer)] if footer else []
    placed = body + edges if header_last else edges + body
    return b"\n".join(
        b"BT /F1 11 Tf %d %d Td (" % (x, y) + _escape(text) + b") Tj ET" for x, y, text in placed
    )


def write_pdf(streams: Sequence[bytes], *, compress: bool = False, fonts: bool = True) -> bytes:
    """A PDF 1.4 file with one page per content stream and a correct xref table."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = font + 2 * len(streams) + 1
    resources = b"<< /Font << /F1 %d 0 R >> >>" % font if fonts else b"<< >>"
    kids = []
    for stream in streams:
        extra = b""
        if compress:
            stream, extra = zlib.compress(stream, 9), b" /Filter /FlateDecode"
        content = add(
            b"<< /Length %d%s >>\nstream\n" % (len(stream), extra) + stream + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources %s >>" % (pages_id, content, resources)
            )
        )
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def transcript_pdf(
    pages: Sequence[Sequence[str]] = (PAGE_ONE, PAGE_TWO),
    *,
    header: str | None = HEADER,
    footer: Callable[[int, int], str] | None = lambda i, n: f"Pagina {i} van {n}",
    **kwargs,
) -> bytes:
    """A transcript PDF with a running header and a page number footer on every page."""
    return write_pdf(
        [
            page_stream(lines, header=header, footer=footer(i, len(pages)) if footer else None)
            for i, lines in enumerate(pages, 1)
        ],
        **kwargs,
    )


def spoken(parsed) -> list[tuple[str | None, str]]:
    return [(t.speaker, parsed.text[t.start_char : t.end_char]) for t in parsed.turns]


def read(data: bytes, name: str = "interview.pdf"):
    return read_bytes(data, name=name, fmt="pdf")


def counts(db) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


# --- Reading ----------------------------------------------------------------------------


def test_labels_become_turns_and_a_turn_over_a_page_break_stays_whole():
    parsed = read(transcript_pdf())
    assert parsed.format == "pdf" and parsed.encoding is None
    assert spoken(parsed) == [
        ("I", "Hoe gaat het nu met u?"),
        (
            "R",
            "Sinds mijn vrouw overleed ben ik veel alleen. Op zondag is het het ergst, dan "
            "komt er niemand. Na de verhuizing kende ik hier geen mens.",
        ),
        ("I", "En de buren?"),
        (
            "R",
            "Die groeten wel, maar een echt gesprek heb ik zelden. Vroeger ging ik naar het "
            "café op de hoek, maar dat is te duur geworden. De reünie van mijn oude werk "
            "sloeg ik over; ik voelde me naïef en geëmigreerd in mijn eigen stad.",
        ),
        ("I", "Wat zou u helpen?"),
        ("R", "Iemand die gewoon eens langskomt."),
    ]
    assert parsed.speakers == ["I", "R"]


def test_running_header_footer_and_page_numbers_are_removed():
    text = read(transcript_pdf()).text
    assert "vertrouwelijk" not in text and "Pagina" not in text
    assert "Transcript" not in text


@pytest.mark.parametrize(
    "number",
    ["3", "- 3 -", "Pagina 3 van 12", "pagina 3", "Page 3 of 12", "3/12", "(3)", "Blz. 3"],
)
def test_a_page_number_alone_on_the_top_or_bottom_line_is_removed(number):
    pages = [PAGE_ONE, PAGE_TWO]
    streams = [
        page_stream(lines, header=number, footer=number.replace("3", str(i + 7)))
        for i, lines in enumerate(pages)
    ]
    parsed = read(write_pdf(streams))
    assert parsed.text.startswith("I: Hoe gaat het nu met u?")
    assert parsed.text.endswith("R: Iemand die gewoon eens langskomt.")
    assert len(parsed.turns) == 6


def test_headers_drawn_after_the_body_are_still_found_by_their_place_on_the_page():
    streams = [
        page_stream(lines, header=HEADER, footer=f"- {i} -", header_last=True)
        for i, lines in enumerate([PAGE_ONE, PAGE_TWO, ["I: Dank u wel.", "R: Graag gedaan."]], 1)
    ]
    parsed = read(write_pdf(streams))
    assert HEADER not in parsed.text and "- 2 -" not in parsed.text
    assert spoken(parsed)[-2:] == [("I", "Dank u wel."), ("R", "Graag gedaan.")]


def test_a_line_that_repeats_on_only_one_page_is_kept():
    pages = [
        ["Gesprek over de buurt", *PAGE_ONE],
        PAGE_TWO,
        ["I: Nog iets?", "R: Nee, dat was het."],
    ]
    parsed = read(transcript_pdf(pages, header=None, footer=None))
    assert parsed.text.startswith("Gesprek over de buurt")


def test_a_label_alone_on_the_top_line_of_every_page_is_no_header():
    pages = [
        ["Interviewer:", "Hoe gaat het nu met u?", "Respondent:", "Goed, dank u."],
        ["Interviewer:", "En uw dochter?", "Respondent:", "Die belt elke week."],
    ]
    parsed = read(transcript_pdf(pages, header=None, footer=None))
    assert [speaker for speaker, _ in spoken(parsed)] == ["Interviewer", "Respondent"] * 2


def test_accented_characters_survive():
    text = read(transcript_pdf()).text
    for word in ("café", "reünie", "naïef", "geëmigreerd"):
        assert word in text


def test_hyphenation_is_joined_only_before_a_lower_case_word():
    lines = [
        "R: Na de verhui-",
        "zing was ik moe. Toen kwam mijn zoon uit Noord-",
        "Holland, en ook de zee-",
        "egel van de buurjongen.",
        "I: Dat is veel.",
    ]
    text = read(transcript_pdf([lines], header=None, footer=None)).text
    assert "verhuizing" in text
    assert "Noord-Holland" in text  # before a capital the hyphen is part of the word
    assert "zee-egel" in text  # Dutch writes the hyphen between two vowels


def test_double_line_spacing_still_joins_wrapped_lines_and_keeps_paragraphs():
    lines = [
        "R: Sinds mijn vrouw overleed ben ik veel alleen. Op zondag is het het",
        "",
        "ergst, dan komt er niemand.",
        "",
        "",
        "",
        "Toch ga ik elke week naar de markt, daar ken ik de groenteman al jaren",
        "",
        "en die vraagt altijd hoe het gaat.",
        "",
        "I: Fijn.",
    ]
    parsed = read(write_pdf([page_stream(lines, leading=12)]))
    assert spoken(parsed) == [
        (
            "R",
            "Sinds mijn vrouw overleed ben ik veel alleen. Op zondag is het het ergst, dan "
            "komt er niemand.\n\nToch ga ik elke week naar de markt, daar ken ik de "
            "groenteman al jaren en die vraagt altijd hoe het gaat.",
        ),
        ("I", "Fijn."),
    ]


def test_a_speaker_column_reads_like_a_word_table():
    stream = b"\n".join(
        b"BT /F1 11 Tf %d %d Td (%s) Tj ET" % (x, y, _escape(text))
        for x, y, text in [
            (72, 770, "Interviewer"),
            (160, 770, "Hoe gaat het nu met u?"),
            (72, 756, "Respondent"),
            (160, 756, "Het gaat wel, dank u."),
        ]
    )
    parsed = read(write_pdf([stream]))
    assert spoken(parsed) == [
        ("Interviewer", "Hoe gaat het nu met u?"),
        ("Respondent", "Het gaat wel, dank u."),
    ]


def test_compressed_content_streams_are_read():
    assert read(transcript_pdf(compress=True)).text == read(transcript_pdf()).text


def test_without_labels_the_paragraphs_become_turns():
    lines = [
        "Op maandag fiets ik naar de bibliotheek. Daar lees ik de krant, want thuis",
        "is het zo stil.",
        "",
        "Op dinsdag komt mijn dochter, soms met de kleinkinderen.",
    ]
    parsed = read(transcript_pdf([lines], header=None, footer=None))
    assert [speaker for speaker, _ in spoken(parsed)] == [None, None]
    assert parsed.text.split("\n\n")[0].endswith("want thuis is het zo stil.")


# --- Bad input --------------------------------------------------------------------------


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(transcript_pdf())))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def error_of(data: bytes, name: str = "interview.pdf") -> InputError:
    with pytest.raises(InputError) as caught:
        read(data, name)
    error = caught.value
    assert name in error.message("nl") and name in error.message("en")
    return error


def test_a_pdf_with_a_password_is_refused_with_its_own_message():
    error = error_of(encrypted_pdf("geheim"))
    assert error.key == "ingest.encrypted_pdf"
    assert "beveiligd met een wachtwoord" in error.message("nl")
    assert "password" in error.message("en")


def test_a_pdf_that_only_restricts_copying_opens_with_the_empty_password():
    parsed = read(encrypted_pdf(""))
    assert parsed.speakers == ["I", "R"] and "reünie" in parsed.text


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:40],
        lambda data: b"%PDF-1.4\n" + bytes(range(256)) * 20,
        lambda data: b"this is not a pdf at all, only a name",
        lambda data: data.replace(b"/Pages", b"/Blad"),
    ],
    ids=["half", "head-only", "garbage", "no-pdf", "no-page-tree"],
)
def test_a_damaged_pdf_gets_a_clear_message(damage):
    error = error_of(damage(transcript_pdf()))
    assert error.key == "ingest.corrupt_pdf"
    assert "PDF" in error.message("nl") and "PDF" in error.message("en")


def test_a_scan_without_a_text_layer_gets_the_ocr_message():
    image = (
        b"q 500 0 0 700 50 70 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q\n"
        b"0 0 1 rg 100 100 200 50 re f"
    )
    error = error_of(write_pdf([image, image], fonts=False))
    assert error.key == "ingest.pdf_no_text"
    assert "tekstherkenning (OCR)" in error.message("nl")
    assert "scan" in error.message("en")


def test_too_many_pages_are_refused_before_they_are_read(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PDF_PAGES", 3)
    error = error_of(transcript_pdf([PAGE_ONE] * 4))
    assert error.key == "ingest.pdf_too_many_pages"
    assert "4 pagina's" in error.message("nl") and "4 pages" in error.message("en")


def test_a_decompression_bomb_is_refused(monkeypatch):
    """Many pages whose streams each unpack below pypdf's own limit, together far above ours."""
    monkeypatch.setattr(pdf, "MAX_PDF_CONTENT_BYTES", 3_000_000)
    bomb = page_stream(PAGE_ONE) + b"\n" + b" " * 2_000_000  # spaces: valid, and pack 1000x
    data = write_pdf([bomb, bomb, bomb], compress=True)
    assert len(data) < 20_000
    error = error_of(data)
    assert error.key == "ingest.pdf_too_large"
    # The limit as the reader writes a size (2.86102 MB was printed with a point in Dutch)
    assert "de 2,86 MB die veilig is" in error.message("nl")
    assert "the 2.86 MB that is safe" in error.message("en")


def test_more_text_than_one_document_may_hold_is_refused_with_that_reason(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PDF_TEXT_CHARS", 100)
    error = error_of(transcript_pdf([PAGE_ONE] * 3))
    assert error.key == "ingest.pdf_text_too_large"
    assert "Splits de PDF" in error.message("nl") and "Split the PDF" in error.message("en")


def test_reading_a_pdf_leaves_pypdfs_logger_as_it_was():
    """Quiet while we read a damaged file, but no lasting change to another's logging."""
    import logging

    logger = logging.getLogger("pypdf")
    before = logger.level
    logger.setLevel(logging.INFO)
    try:
        read(transcript_pdf())
        with pytest.raises(InputError):
            read(transcript_pdf()[:-200])  # cut short: pypdf repairs and logs what it can
        assert logger.level == logging.INFO
    finally:
        logger.setLevel(before)


def test_one_stream_above_pypdfs_own_limit_is_refused():
    """pypdf stops a single stream at 75 MB unpacked (its Configuration / ZLIB_MAX_OUTPUT_LENGTH)."""
    data = write_pdf([page_stream(PAGE_ONE) + b"\n" + b" " * 80_000_000], compress=True)
    assert len(data) < 200_000
    assert error_of(data).key == "ingest.pdf_too_large"


# --- Through the importer into a project ---------------------------------------------------


def test_import_stores_the_document_its_turns_and_segments(db, tmp_path):
    path = tmp_path / "R07 interview.pdf"
    path.write_bytes(transcript_pdf())
    report = import_files(Project.for_user(db, "onderzoeker"), [path])
    result = report.results[0]
    assert result.ok, result.message("en")
    assert result.format == "pdf" and result.n_turns == 6
    name, fmt, encoding, text = db.execute(
        "SELECT name, source_format, encoding, text FROM documents WHERE id = ?",
        [result.document_id],
    ).fetchone()
    assert (name, fmt, encoding) == ("R07 interview", "pdf", None)
    assert "vertrouwelijk" not in text
    turns = db.execute(
        "SELECT s.label, t.start_char, t.end_char FROM turns t "
        "LEFT JOIN speakers s ON s.id = t.speaker_id WHERE t.document_id = ? ORDER BY t.position",
        [result.document_id],
    ).fetchall()
    assert [label for label, *_ in turns] == ["I", "R", "I", "R", "I", "R"]
    over_the_break = text[turns[3][1] : turns[3][2]]
    assert "Vroeger ging ik naar het café" in over_the_break
    segments = db.execute(
        "SELECT start_char, end_char, text FROM segments WHERE document_id = ? ORDER BY position",
        [result.document_id],
    ).fetchall()
    assert segments and all(text[start:end] == seg for start, end, seg in segments)
    assert "Vroeger ging ik naar het café op de hoek, maar dat is te duur geworden." in {
        seg for *_, seg in segments
    }


@pytest.mark.parametrize(
    "name,data,key",
    [
        ("kapot.pdf", b"%PDF-1.7\n1 0 obj <<", "ingest.corrupt_pdf"),
        ("geheim.pdf", None, "ingest.encrypted_pdf"),
        (
            "scan.pdf",
            write_pdf([b"0 0 1 rg 100 100 200 50 re f"], fonts=False),
            "ingest.pdf_no_text",
        ),
    ],
)
def test_a_bad_pdf_in_a_batch_writes_nothing_and_the_batch_goes_on(db, tmp_path, name, data, key):
    bad = tmp_path / name
    bad.write_bytes(data if data is not None else encrypted_pdf("geheim"))
    good = tmp_path / "goed.pdf"
    good.write_bytes(transcript_pdf())
    before = counts(db)
    report = import_files(Project.for_user(db, "onderzoeker"), [bad, good])
    failed, imported = report.results
    assert not failed.ok and failed.error.key == key
    assert name in failed.message("nl") and name in failed.message("en")
    assert imported.ok
    after = counts(db)
    assert after["documents"] == before["documents"] + 1
