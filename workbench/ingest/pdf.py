"""PDF transcripts: the text layer, page by page, as one text for the speaker-label parser.

Why this much work: a PDF stores printed lines, not paragraphs. pypdf's layout mode gives the
lines in reading order from their positions on the page; running headers, footers and page
numbers are removed, and lines that only wrap are joined (over a page break too), so a
sentence and a turn stay whole. A scan without a text layer, a password, a damaged file or a
decompression bomb each get a message of their own (see PARSER_ERRORS in
:mod:`workbench.ingest.readers`: whatever pypdf raises on a damaged file is that file being
damaged).

Two columns and tables: :mod:`workbench.ingest.pdf_layout`.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from contextlib import contextmanager

from workbench.errors import InputError, reason
from workbench.ingest.labels import (
    find_labels,
    is_known_label,
    line_label,
    parse_turns,
    title_line,
    uses_bare_labels,
)
from workbench.ingest.model import ParsedDocument
from workbench.ingest.pdf_layout import (
    PDF_EDGE_LINES,
    RawPage,
    has_ruled_grid,
    lay_out,
    layout_warnings,
)
from workbench.limits import FILE_LIMIT_BYTES, megabytes
from workbench.nlp import is_dutch_word
from workbench.text import normalise_text

# A transcript is tens of pages; a PDF claiming more is refused before its pages are read.
MAX_PDF_PAGES = 2_000
# Page contents after decompression, all pages together: pypdf stops one stream at 75 MB,
# this stops many streams that each stay below it (a PDF bomb). Real transcripts need a
# few kB per page.
MAX_PDF_CONTENT_BYTES = 2 * FILE_LIMIT_BYTES
MAX_PDF_TEXT_CHARS = FILE_LIMIT_BYTES  # extracted text: as much as the largest .txt file
_PAGE_NUMBER = re.compile(
    r"(?:(?:pagina|page|blz\.?|bladzijde|p\.)\s*)?[-–—(\[]?\s*\d{1,4}\s*[-–—)\]]?"
    r"(?:\s*(?:van|of|/)\s*\d{1,4})?",
    re.IGNORECASE,
)
_COLUMN_GAP = re.compile(r"^(\S.{0,39}?\S|\S) {3,}(?=\S)")  # "I      Hoe gaat het?": a column
_SPACES = re.compile(r"[ \t\u00a0]+")
_DIGITS = re.compile(r"\d+")
_PARAGRAPH_END = re.compile(r"[.!?…:;\"”’)\]]$")
_HYPHENS = ("-", "\u00ad", "\u2010")
_VOWELS = set("aeiouyáéíóúàèëïöüâêîôû")


def read_pdf(data: bytes, name: str) -> ParsedDocument:
    """A PDF with a text layer, page by page; headers, footers and page numbers left out."""
    with _pypdf_quiet():
        raw = _pdf_pages(data, name)
    layouts = lay_out(raw)
    pages = [[_pdf_line(line) for line in layout.rows] for layout in layouts]
    if not any(line.strip() for page in pages for line in page):
        raise InputError("ingest.pdf_no_text", file=name)
    text = normalise_text(_pdf_text(_strip_running_lines(pages)))
    warnings = layout_warnings(layouts, name)
    return ParsedDocument(text, parse_turns(text), "pdf", None, warnings=warnings)


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """pypdf logs what it repairs in a damaged file; the user gets our message or the text.
    Its logger is quiet only while we read, and as it was before afterwards."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf_pages(data: bytes, name: str) -> list[RawPage]:
    """Each page as pypdf's layout mode draws it, row by row, and whether it has ruled cells."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    if b"%PDF-" not in data[:1024]:
        raise InputError("ingest.corrupt_pdf", file=name, reason="no %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:  # an empty user password only restricts printing or copying
            try:
                opened = bool(reader.decrypt(""))
            except (DependencyError, NotImplementedError):
                opened = False  # AES without a crypto library: we cannot open it either
            if not opened:
                raise InputError("ingest.encrypted_pdf", file=name)
        count = len(reader.pages)  # the page tree's own count, before the pages are read
        if count > MAX_PDF_PAGES:
            raise InputError(
                "ingest.pdf_too_many_pages", file=name, count=count, limit=MAX_PDF_PAGES
            )
        pages, content, chars = [], 0, 0
        for page in reader.pages:
            contents = page.get_contents()
            content += len(contents.get_data()) if contents is not None else 0
            if content > MAX_PDF_CONTENT_BYTES:
                raise _too_large(name)
            try:
                extracted = page.extract_text(extraction_mode="layout")
            except Exception:  # noqa: BLE001 - layout mode is younger: fall back to plain
                extracted = page.extract_text()
            chars += len(extracted)
            if chars > MAX_PDF_TEXT_CHARS:
                raise InputError(
                    "ingest.pdf_text_too_large", file=name, limit=megabytes(MAX_PDF_TEXT_CHARS)
                )
            rows = _without_footnotes(page, normalise_text(extracted).split("\n"))
            pages.append(RawPage(rows, has_ruled_grid(contents)))
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError("ingest.encrypted_pdf", file=name) from None
    except LimitReachedError:  # one stream unpacks beyond pypdf's own limit
        raise _too_large(name) from None
    except Exception as exc:  # noqa: BLE001 - see PARSER_ERRORS
        raise InputError("ingest.corrupt_pdf", file=name, reason=reason(exc)) from None
    return pages


# A footnote's first line: its number (or a sign) and its text: "1 De respondent bedoelt ...".
_NOTE_START = re.compile(r"^(\d{1,3}|[*†‡])\s*(?=[^\W\d_])")
_SMALLER = 0.95  # footnote text is printed smaller than the body: 10 pt or less under 11 pt


def _without_footnotes(page: Any, rows: list[str]) -> list[str]:
    """``rows`` without the footnotes printed at the bottom of ``page``, and without their
    numbers in the text above.

    A Word transcript with footnotes, exported to PDF, prints them under the body in a
    smaller font; read as text, a footnote landed inside the turn that runs over the page
    break. Footnotes are: the lines at the bottom of the page (page numbers and footers
    below them aside) printed smaller than most text on the page, the first of them opening
    with a number or a sign. A number of the same size and value in a line of body text is
    its reference, and goes too. Left as they are when a line cannot be found back in the
    rows, or when no line in the lower third of the page opens with a number (most pages:
    then the font sizes, a second pass over the page, are not read at all).
    """
    if not any(_NOTE_START.match(row.strip()) for row in rows[len(rows) * 2 // 3 :]):
        return rows  # layout mode keeps the vertical spacing: this is the lower third
    lines = _sized_lines(page)
    sizes: Counter[float] = Counter()
    for line in lines:
        for text, size in line:
            sizes[size] += len(text.strip())
    if not sizes:
        return rows
    body = sizes.most_common(1)[0][0]

    def small(line: list[tuple[str, float]]) -> bool:
        return all(size < body * _SMALLER for text, size in line if text.strip())

    end = len(lines)
    while end and not small(lines[end - 1]) and len(lines) - end < PDF_EDGE_LINES:
        end -= 1  # a page number or a footer under the footnotes
    start = end
    while start and small(lines[start - 1]):
        start -= 1
    texts = [
        _SPACES.sub(" ", normalise_text("".join(t for t, _ in line))).strip() for line in lines
    ]
    first = next((i for i in range(start, end) if _NOTE_START.match(texts[i])), None)
    if first is None or first == 0:
        return rows
    kept = list(rows)
    for text in reversed(texts[first:end]):
        found = [i for i, row in enumerate(kept) if _SPACES.sub(" ", row).strip() == text]
        if not found:
            return rows  # not found back: better a footnote in a turn than text lost
        del kept[found[-1]]
    numbers = {found.group(1) for found in map(_NOTE_START.match, texts[first:end]) if found}
    for line in lines[:first]:
        for before, (text, size) in zip(line, line[1:]):
            if text.strip() in numbers and size < body * _SMALLER and before[0].split():
                kept = _drop_reference(kept, before[0].split()[-1], text.strip())
    return kept


def _drop_reference(rows: list[str], word: str, number: str) -> list[str]:
    """Rows without a footnote number right after ``word`` (once on the page, else kept)."""
    pattern = re.compile(rf"(?<=\b{re.escape(word)})\s*{re.escape(number)}(?!\w)")
    hits = [i for i, row in enumerate(rows) if pattern.search(row)]
    if len(hits) != 1:
        return rows
    out = list(rows)
    out[hits[0]] = pattern.sub("", out[hits[0]], count=1)
    return out


def _sized_lines(page: Any) -> list[list[tuple[str, float]]]:
    """The page's text lines top to bottom as pypdf reads them, each a list of
    (text, printed size in points): the font size scaled by the text and page matrices."""
    lines: list[list[tuple[str, float]]] = [[]]

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        scale = abs(tm[3] * cm[3]) or 1.0
        for index, part in enumerate(text.split("\n")):
            if index:
                lines.append([])
            if part:
                lines[-1].append((part, round(size * scale, 1)))

    page.extract_text(visitor_text=visit)
    return [line for line in lines if any(text.strip() for text, _ in line)]


def _too_large(name: str) -> InputError:
    """A PDF bomb: one stream above pypdf's limit, or more page contents than ours."""
    return InputError("ingest.pdf_too_large", file=name, limit=megabytes(MAX_PDF_CONTENT_BYTES))


def _pdf_line(line: str) -> str:
    """One line as layout mode draws it, without its indent and with single spaces.

    A wide gap after a short first column (a speaker or a time beside the words, as a
    Word table exports) becomes a tab, as in a docx table row: "R<tab>words" is a label.
    """
    line = line.strip()
    column = _COLUMN_GAP.match(line)
    if column:
        return column.group(1) + "\t" + _SPACES.sub(" ", line[column.end() :])
    return _SPACES.sub(" ", line)


def _edge_key(line: str) -> str:
    """A line at a page edge, digits aside: "Pagina 3" and "Pagina 4" are one line."""
    return _DIGITS.sub("#", _exact_key(line))


def _exact_key(line: str) -> str:
    """A line at a page edge as it is, digits included, only spacing and case aside."""
    return "=" + " ".join(line.split()).casefold()


def _edge_keys(lines: list[str]) -> set[str]:
    """Both keys of each line: labelled lines are matched exactly (see ``running``)."""
    return {key for line in lines for key in (_edge_key(line), _exact_key(line))}


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without the lines at their top and bottom that are page numbers or repeat.

    A line repeats when it (digits aside: "Pagina 3", "Pagina 4") stands in the same edge of
    at least two pages and more than half of them: "Transcript interview 3 - vertrouwelijk".
    A line that opens with a standard speaker label must repeat letter for letter, digits
    included, and hold words after the label: "Respondent 3 - interview 12 maart 2024" on every page
    is a header, but "Interviewer:" alone on the top line of every page opens a turn.
    """
    trimmed = [_trim_blank(page) for page in pages]
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    for page in trimmed:
        tops.update(_edge_keys(_non_blank(page)[:PDF_EDGE_LINES]))
        bottoms.update(_edge_keys(_non_blank(page)[-PDF_EDGE_LINES:]))

    def running(line: str, seen: Counter[str]) -> bool:
        if _PAGE_NUMBER.fullmatch(line.strip()):
            return True
        found = line_label(line, bare=True)
        if found is None or not is_known_label(found.label):
            n = seen[_edge_key(line)]
        elif found.rest >= len(line):
            return False  # only a label: the words of a turn follow below it
        else:
            n = seen[_exact_key(line)]
        return n >= 2 and 2 * n > len(pages)

    out = []
    for page in trimmed:
        for _ in range(PDF_EDGE_LINES):
            page = _trim_blank(page)
            if page and running(page[0], tops):
                page = page[1:]
        for _ in range(PDF_EDGE_LINES):
            page = _trim_blank(page)
            if page and running(page[-1], bottoms):
                page = page[:-1]
        out.append(_trim_blank(page))
    return out


def _non_blank(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip()]


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _pdf_text(pages: list[list[str]]) -> str:
    """The pages as one text: a paragraph per paragraph of the transcript, not per printed line.

    A printed line that only wraps is joined to the one before it, over a page break too, so
    a sentence and a turn stay whole (the sentence splitter never crosses a line break). A
    new paragraph starts at a speaker label, after more space than between the lines of a
    paragraph (layout mode draws space as blank lines, so 1.5 or double line spacing gives a
    blank line after every line; the most common gap is the ordinary one), and after a short
    line that ends a sentence. Each short line without a sentence (or label, or hyphen at its
    end) at the top is a paragraph of its own: a title or a details line ("Levensverhaal R03 (31 jaar)", "Datum: 3 maart"), no
    wrapped line, kept apart from the story's first line so it can be told as a header
    (:func:`workbench.ingest.labels.parse_turns`). A word hyphenated at a line end is joined
    when the next line goes on in lower case ("verhui-" "zing"); the hyphen stays before a
    capital or a digit ("Noord-Holland"), and between two vowels where Dutch writes one
    ("zee-egel", see :func:`_join_vowels`).
    """
    printed: list[tuple[str, int]] = []  # each line with the blank lines before it on its page
    for page in pages:
        blank = 0
        for i, line in enumerate(page):
            if not line.strip():
                blank += 1
                continue
            printed.append((line, blank if i > blank else 0))
            blank = 0
    if not printed:
        return ""
    gaps = Counter(gap for _, gap in printed[1:])
    ordinary = min(gaps, key=lambda gap: (-gaps[gap], gap)) if gaps else 0
    joined = "\n".join(line for line, _ in printed)
    bare = uses_bare_labels(joined)
    labels = find_labels(joined, bare=bare)
    lengths = sorted(len(line) for line, _ in printed)
    width = lengths[int(len(lengths) * 0.9)]
    paragraphs: list[str] = []
    ends_paragraph = top = True
    for line, gap in printed:
        found = line_label(line, bare=bare) if labels else None
        labelled = found is not None and found.label in labels
        if ends_paragraph or gap > ordinary or labelled:
            paragraphs.append(line)
        else:
            paragraphs[-1] = _join(paragraphs[-1], line)
        short = len(line) < 0.7 * width
        # The title and details lines at the top; not a turn, not a word cut at the line end.
        top = top and short and not labelled and title_line(line) and not line.endswith("-")
        ends_paragraph = top or (bool(_PARAGRAPH_END.search(line)) and short)
        # "Interviewer" alone on its line, the words below
        ends_paragraph |= found is not None and labelled and found.rest >= len(line)
    return "\n\n".join(paragraphs)


def _join(before: str, after: str) -> str:
    """Two printed lines of one paragraph as one line (see :func:`_pdf_text`)."""
    if before[-1:] in _HYPHENS and len(before) > 1 and before[-2].isalnum() and after[:1].isalnum():
        if not after[0].islower():
            return before[:-1] + "-" + after  # Noord-Holland, 2020-2021
        if before[-2].lower() in _VOWELS and after[0] in _VOWELS:
            return _join_vowels(before[:-1], after)
        return before[:-1] + after  # verhuizing
    return before + " " + after


_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"^[^\W\d_]+")
_TREMA = str.maketrans("eiou", "ëïöü")


def _join_vowels(head: str, tail: str) -> str:
    """``head`` and ``tail`` of a word hyphenated between two vowels, as the word it is.

    Dutch writes a hyphen where two vowels of a compound meet ("zee-egel", "auto-ongeluk"),
    but a typesetter also breaks ordinary words there ("financi-eel", "situ-atie",
    "re-actie"), dropping a trema on the way ("ge-interesseerd" for "geïnteresseerd"). The
    dictionary decides: a known word without the hyphen (with the trema back if that is the
    known form) whose parts are not both words of their own loses the hyphen; anything
    else keeps it, as Dutch spelling would.
    """
    first = _WORD_END.search(head)
    last = _WORD_START.match(tail)
    if first is None or last is None:
        return head + "-" + tail
    left, right = first.group().lower(), last.group()
    if _is_part(left) and _is_part(right):
        return head + "-" + tail  # foto-album, mede-eigenaar
    trema = right[0].translate(_TREMA) + right[1:]
    for joined in dict.fromkeys((trema, right)):  # the trema first: hyphenation drops it
        if is_dutch_word(left + joined.lower()):
            return head + joined + tail[len(right) :]
    return head + "-" + tail


def _is_part(word: str) -> bool:
    """A word that can stand on its own in a compound: known, and more than a prefix (re, ge)."""
    return len(word) >= 3 and is_dutch_word(word.lower())
