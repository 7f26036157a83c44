"""One reader per file format; each returns a :class:`ParsedDocument` (plain data).

Text-like formats (txt, md, docx, odt, pdf) are flattened to normalised text first and then
split into turns by speaker labels (:mod:`workbench.ingest.labels`), so a Word transcript
with ``I:``/``R:`` works the same as a text file. Word tables become one line per row with
cells separated by tabs, in body reading order. Subtitles (vtt, srt) already come in timed
cues: consecutive cues of one speaker become one turn with the first cue's start and the
last cue's end time. PDF has a module of its own (:mod:`workbench.ingest.pdf`).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from workbench.errors import InputError, reason
from workbench.encoding import decode
from workbench.ingest.frontmatter import strip_front_matter
from workbench.ingest.labels import (
    find_labels,
    header_count,
    is_known_label,
    line_label,
    parse_turns,
)
from workbench.ingest.model import ParsedDocument, Turn
from workbench.ingest.pdf import read_pdf
from workbench.zipguard import open_zip
from workbench.text import normalise_text

# PARSER_ERRORS: python-docx, odfpy, pypdf and webvtt-py parse untrusted files and fail in
# many ways on damaged ones (zlib.error and EOFError from a zip member, KeyError, ValueError,
# SAX and lxml errors, IndexError, AttributeError on missing parts). Whatever such a library raises
# while reading one file is reported as that file being damaged, so one bad file never stops
# a batch; the fuzz tests (tests/test_fuzz_import.py) keep this honest.
TEXT_FORMATS = ("txt", "md")
FORMATS = ("txt", "md", "docx", "odt", "pdf", "vtt", "srt")
UNLABELLED_GAP_SECONDS = 1.0  # subtitles without speakers: longer pauses start a turn
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def read_bytes(data: bytes, *, name: str, fmt: str) -> ParsedDocument:
    """Parse the bytes of the file called ``name`` in format ``fmt`` (an extension)."""
    reader = READERS.get(fmt)
    if reader is None:
        raise InputError("ingest.unsupported_format", file=name, ext=fmt or "-")
    parsed = reader(data, name)
    if not parsed.text.strip() or not parsed.turns:
        raise InputError("ingest.no_text", file=name)
    return parsed


def document_name(file_name: str) -> str:
    """The name a document gets from its file name: the stem, on one clean line.

    File names can hold newlines, tabs and other control characters (any byte but ``/``
    and NUL on Linux); each run of them and of white space becomes one space.
    """
    stem = Path(file_name).stem if file_name else ""
    cleaned = " ".join(_CONTROL.sub(" ", stem).split())
    return cleaned or "document"


def read_text(data: bytes, name: str, fmt: str = "txt") -> ParsedDocument:
    decoded = decode(data, name=name)
    text, stripped = strip_front_matter(normalise_text(decoded.text))
    text = normalise_text(text)
    return ParsedDocument(text, parse_turns(text), fmt, decoded.encoding, stripped)


def _from_blocks(blocks: Iterator[str], fmt: str) -> ParsedDocument:
    """Paragraph-like blocks, one per paragraph or table row, as one normalised text."""
    kept = [b for b in (normalise_text(block) for block in blocks) if b.strip()]
    text = normalise_text("\n\n".join(kept))
    return ParsedDocument(text, parse_turns(text), fmt, None)


# --- Word ------------------------------------------------------------------------------


def read_docx(data: bytes, name: str) -> ParsedDocument:
    import docx

    open_zip(data, name=name).close()
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
    except Exception as exc:  # noqa: BLE001 - see PARSER_ERRORS
        raise InputError("ingest.corrupt_file", file=name, reason=reason(exc)) from None
    return _from_blocks(iter(blocks), "docx")


def _docx_blocks(document) -> Iterator[str]:
    """Body paragraphs and table rows in reading order, read from the XML itself.

    python-docx's ``Paragraph.text`` reads only a paragraph's direct runs and hyperlinks, and
    ``iter_inner_content`` skips content controls, so a tracked insertion, a field's shown
    value, a smart tag or a whole paragraph inside a content control was dropped without a
    word. Here every ``w:t`` counts except deleted text (``w:del``, ``w:moveFrom``) and field
    codes; a text box's paragraphs follow the paragraph that anchors it, once (Word stores
    them twice: a drawing and a fallback for old readers).
    """
    yield from _docx_body(document.element.body)


def _docx_body(element) -> Iterator[str]:
    for child in element:
        if child.tag == _W_P:
            boxes: list = []
            yield _docx_text(child, boxes)
            for box in boxes:
                yield from _docx_body(box)
        elif child.tag == _W_TBL:
            yield from _docx_rows(child)
        elif child.tag in (_W_SDT, _W_SDT_CONTENT, _W_INS, _W_MOVE_TO, _W_CUSTOM_XML):
            yield from _docx_body(child)


def _docx_rows(table) -> Iterator[str]:
    """One line per row, cells separated by tabs; a cell a vertical merge continues is
    empty (its text stands in the row where the merge starts)."""
    for row in table.iter(_W_TR):
        cells = []
        for cell in row.iter(_W_TC):
            if cell.getparent() is not None and _nearest(cell, _W_TR) is not row:
                continue  # a cell of a table nested in this row's cell
            lines = []
            for paragraph in cell.iter(_W_P):
                if _nearest(paragraph, _W_TC) is cell:
                    lines.append(_docx_text(paragraph, []))
            cells.append(" ".join(" ".join(lines).split("\n")).strip())
        yield "\t".join(cells)


def _nearest(element, tag: str):
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _docx_text(element, boxes: list) -> str:
    """The visible text of a paragraph; text boxes found inside are appended to ``boxes``."""
    out = []
    for child in element:
        tag = child.tag
        if tag == _W_T:
            out.append(child.text or "")
        elif tag == _W_TAB:
            out.append("\t")
        elif tag in (_W_BR, _W_CR):
            out.append("\n")
        elif tag == _W_NO_BREAK_HYPHEN:
            out.append("-")
        elif tag in _DOCX_SKIP:
            continue
        elif tag == _W_TXBX_CONTENT:
            boxes.append(child)
        elif tag == _MC_ALTERNATE:
            choices = [c for c in child if c.tag in (_MC_CHOICE, _MC_FALLBACK)]
            if choices:
                out.append(_docx_text(choices[0], boxes))
        else:
            out.append(_docx_text(child, boxes))
    return "".join(out)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_P, _W_T, _W_TBL, _W_TR, _W_TC = (_W + t for t in ("p", "t", "tbl", "tr", "tc"))
_W_SDT, _W_SDT_CONTENT, _W_INS, _W_MOVE_TO, _W_CUSTOM_XML = (
    _W + t for t in ("sdt", "sdtContent", "ins", "moveTo", "customXml")
)
_W_TAB, _W_BR, _W_CR, _W_NO_BREAK_HYPHEN = (_W + t for t in ("tab", "br", "cr", "noBreakHyphen"))
_W_TXBX_CONTENT = _W + "txbxContent"
_MC_ALTERNATE, _MC_CHOICE, _MC_FALLBACK = (
    _MC + t for t in ("AlternateContent", "Choice", "Fallback")
)
# Deleted or moved-away text, field codes, properties and the content control's own settings.
_DOCX_SKIP = frozenset(
    _W + t
    for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr", "sdtPr")
)


# --- OpenDocument ---------------------------------------------------------------------

TEXTNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLENS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAWNS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_ODT_SKIP_NS = (DRAWNS, "urn:oasis:names:tc:opendocument:xmlns:office:1.0")
MAX_SPACES = 1000  # text:s c="..." is capped: no memory games


def read_odt(data: bytes, name: str) -> ParsedDocument:
    from odf.opendocument import load

    archive = open_zip(data, name=name)
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        manifest = b""
    except Exception as exc:  # noqa: BLE001 - see PARSER_ERRORS
        raise InputError("ingest.corrupt_file", file=name, reason=reason(exc)) from None
    if b"encryption-data" in manifest:
        raise InputError("ingest.encrypted_office", file=name)
    try:
        document = load(io.BytesIO(data))
        blocks = list(_odt_blocks(document.text))
    except Exception as exc:  # noqa: BLE001 - see PARSER_ERRORS
        raise InputError("ingest.corrupt_file", file=name, reason=reason(exc)) from None
    return _from_blocks(iter(blocks), "odt")


def _odt_blocks(element) -> Iterator[str]:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield _odt_text(child)
            for box in _odt_text_boxes(child):  # after the paragraph that anchors it
                yield from _odt_blocks(box)
        elif child.qname == (TABLENS, "table-row"):
            cells = [
                " ".join(" ".join(_odt_text(p) for p in _odt_paragraphs(cell)).split("\n"))
                for cell in child.childNodes
                if cell.nodeType == cell.ELEMENT_NODE and cell.qname[1] == "table-cell"
            ]
            yield "\t".join(c.strip() for c in cells)
        elif child.qname != (TEXTNS, "tracked-changes"):  # holds the deleted text
            yield from _odt_blocks(child)


def _odt_text_boxes(element) -> Iterator:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == (DRAWNS, "text-box"):
            yield child
        else:
            yield from _odt_text_boxes(child)


def _odt_paragraphs(element) -> Iterator:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield child
        else:
            yield from _odt_paragraphs(child)


def _odt_text(element) -> str:
    out = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            out.append(child.data)
        elif child.nodeType == child.ELEMENT_NODE:
            ns, tag = child.qname
            if ns == TEXTNS and tag == "s":
                count = child.getAttribute("c")
                out.append(" " * min(int(count) if count else 1, MAX_SPACES))
            elif ns == TEXTNS and tag == "tab":
                out.append("\t")
            elif ns == TEXTNS and tag == "line-break":
                out.append("\n")
            elif (ns == TEXTNS and tag in ("note", "bookmark-ref")) or ns in _ODT_SKIP_NS:
                continue  # notes, comments (office:annotation) and text boxes (see above)
            else:
                out.append(_odt_text(child))
    return "".join(out)


# --- Subtitles ------------------------------------------------------------------------


def read_vtt(data: bytes, name: str) -> ParsedDocument:
    return _read_subtitles(data, name, "vtt")


def read_srt(data: bytes, name: str) -> ParsedDocument:
    return _read_subtitles(data, name, "srt")


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = ([0, 0] + stamp.replace(",", ".").split(":"))[-3:]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _read_subtitles(data: bytes, name: str, fmt: str) -> ParsedDocument:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    decoded = decode(data, name=name)
    raw = normalise_text(decoded.text)
    _check_timings(raw, name, fmt)  # first: webvtt-py versions differ in what they refuse
    header, raw = _srt_header(raw) if fmt == "srt" else ([], raw)
    try:
        if fmt == "vtt":
            captions = list(webvtt.from_string(raw))
        else:
            captions = list(webvtt.from_buffer(io.StringIO(raw + "\n"), format="srt"))
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise InputError("ingest.bad_subtitles", file=name, reason=reason(exc)) from None
    except Exception as exc:  # noqa: BLE001 - see PARSER_ERRORS
        raise InputError("ingest.bad_subtitles", file=name, reason=reason(exc)) from None
    cues = []
    for caption in captions:
        start, end = _seconds(caption.start), _seconds(caption.end)
        text, voice = normalise_text(_cue_text(caption.text)), caption.voice
        for part in [text] if voice else _dialogue(text):
            cues.append([_cue_text(voice) if voice else None, part, start, end])
    cues = [[voice, " ".join(text.split()), *times] for voice, text, *times in _speaker_lines(cues)]
    cues = [cue for cue in cues if cue[1]]
    _prefix_speakers(cues)
    parsed = _cues_to_document(cues, fmt, decoded.encoding, name=name, header=header)
    if fmt == "vtt":
        parsed.warnings = _vtt_left_out(raw, name)
    return parsed


def _vtt_left_out(raw: str, name: str) -> list[dict]:
    """What of a WebVTT file is not read, as warnings: the title after ``WEBVTT`` with the
    header lines under it, the ``NOTE`` blocks, the ``STYLE`` and ``REGION`` blocks, and
    text without a cue timing line above it.

    Comments and layout are no speech and are kept out of the text (a NOTE repeated in the
    cues would count twice); but the import said nothing, so a researcher who wrote the
    interview's details there thought they were in the project. Text after a blank line
    inside a cue is, to WebVTT, a block of its own without a timing: players skip it, and
    so did the import, silently, though it is often the rest of someone's answer.
    """
    blocks = [block.split("\n") for block in re.split(r"\n[ \t]*\n", raw.strip("\n"))]
    header = []
    if blocks and blocks[0][0].startswith("WEBVTT"):
        title = blocks[0][0][len("WEBVTT") :].strip()
        lines = [title] if title else []
        for line in blocks[0][1:]:
            if "-->" in line:  # a cue right under the header, without a blank line
                break
            lines.append(line)
        header = [line for line in lines if line.strip()]
    kinds: dict[str, list[str]] = {"notes": [], "layout": [], "untimed": []}
    cued = any("-->" in line for line in blocks[0])
    for block in blocks[1:]:
        if any("-->" in line for line in block):
            cued = True  # a cue (a timing that cannot be read was refused before)
        elif re.match(r"NOTE(?:[ \t]|$)", block[0]):
            kinds["notes"].append(block[0])
        elif block[0] == "STYLE" or re.fullmatch(r"REGION[ \t]*", block[0]):
            kinds["layout"].append(block[0])
        elif cued:
            kinds["untimed"].append(" ".join(" ".join(block).split()))
        else:  # above the first cue: more of the header (or of a STYLE's CSS)
            header += [line for line in block if line.strip()]
    warnings = []
    for key, n in (
        ("ingest.vtt_header_left_out", len(header)),
        ("ingest.vtt_notes_left_out", len(kinds["notes"])),
        ("ingest.vtt_layout_left_out", len(kinds["layout"])),
    ):
        if n:
            warnings.append({"key": key, "params": {"file": name, "n": n}})
    if kinds["untimed"]:
        first = kinds["untimed"][0]
        warnings.append(
            {
                "key": "ingest.vtt_untimed_left_out",
                "params": {
                    "file": name,
                    "n": len(kinds["untimed"]),
                    "text": first if len(first) <= 60 else first[:57] + "...",
                },
            }
        )
    return warnings


def _srt_header(raw: str) -> tuple[list[str], str]:
    """The lines above an SRT file's first cue (a title, the interview's details) and the
    cues. webvtt-py refuses a file that does not open with a cue ("Invalid format"), so a
    transcript with its details on top could not be imported at all; those lines are now
    the document's header, no speech, as above a text transcript. (A WebVTT file has a
    place for them: its title and ``NOTE`` blocks are comments, not read, as no player
    shows them.)"""
    lines = raw.split("\n")
    first = next((i for i, line in enumerate(lines) if _TIMING["srt"].match(line)), None)
    if not first:
        return [], raw
    start = first - 1 if lines[first - 1].strip().isdigit() else first
    return [line.strip() for line in lines[:start] if line.strip()], "\n".join(lines[start:])


# A cue timing line: "00:00:01.000 --> 00:00:04.000", maybe with cue settings after it; a
# comma before the milliseconds only in SRT (webvtt-py skips a .vtt cue written with one).
_CUE_TIME = {
    "vtt": r"(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}",
    "srt": r"(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d{1,3}",
}
_TIMING = {
    fmt: re.compile(rf"^[ \t]*{time}[ \t]*-->[ \t]*{time}(?:[ \t].*)?$")
    for fmt, time in _CUE_TIME.items()
}


def _check_timings(raw: str, name: str, fmt: str) -> None:
    """Refuse a subtitle file with a cue timing line the reader cannot read.

    webvtt-py skips such a cue without a word, so "kapot --> ook kapot" lost its cue (or,
    alone, the whole file, then reported as having no text). Cue text may not hold "-->"
    in either format, so every line with it must be a timing.
    """
    for line in raw.split("\n"):
        if "-->" in line and not _TIMING[fmt].match(line):
            raise InputError("ingest.bad_subtitles", file=name, reason=line.strip()[:80])


# Character references: in WebVTT "&" and "<" must be written "&amp;" and "&lt;", and
# subtitle tools write them in SRT too. A "{\\an8}" is a position tag (ASS, Subtitle Edit).
_CHAR_REFERENCE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_POSITION_TAG = re.compile(r"\{\\[^{}\n]*\}")


def _cue_text(text: str) -> str:
    """A cue's text (its tags already gone) as it reads: "Jan &amp; Piet" is "Jan & Piet"
    (before, the references were stored and searched as written)."""
    text = _POSITION_TAG.sub("", text)
    return _CHAR_REFERENCE.sub(lambda found: html.unescape(found.group(0)), text)


# A dialogue dash at the start of a subtitle line: "- JAN: Waar was je?" / "- PIET: Thuis."
# Not a minus: "-5 graden" keeps its sign.
_DIALOGUE_DASH = re.compile(r"^[ \t]*[-–—](?:[ \t]+(?=\S)|(?=[^\W\d_]))", re.MULTILINE)


def _dialogue(text: str) -> list[str]:
    """A cue's text as the lines its dialogue dashes mark, each without the dash.

    Subtitles put two speakers in one cue as lines opening with a dash. Read as one line,
    the second speaker's words were the first one's ("- JAN: Waar was je? - PIET: Thuis."
    had no speaker at all, and "- JAN: Oké." at the end of PIET's cue went to PIET).
    """
    if not _DIALOGUE_DASH.search(text):
        return [text]
    return [part for part in _DIALOGUE_DASH.split(text) if part.strip()]


def _speaker_lines(cues: list[list]) -> list[list]:
    """Cues without a voice tag split where a line inside opens with a speaker label.

    A cue of two lines, "Interviewer: Hoe gaat het?" and "Respondent: Goed.", was read as one
    line, so the respondent's words were the interviewer's (the label was only looked for at
    the start of a cue). A label inside a cue must be a standard one or be used twice, so a
    single "Let op: ..." line stays text.
    """
    plain = [text for voice, text, *_ in cues if voice is None]
    labels = find_labels("\n".join(plain), min_count=2)
    if not labels:
        return cues
    out = []
    for voice, text, *times in cues:
        lines: list[str] = []
        for line in [text] if voice else text.split("\n"):
            found = line_label(line)
            if lines and found is not None and found.label in labels:
                out.append([voice, "\n".join(lines), *times])
                lines = []
            lines.append(line)
        out.append([voice, "\n".join(lines), *times])
    return out


def _prefix_speakers(cues: list[list]) -> None:
    """``Name: text`` cues without a voice tag: take the name as the speaker.

    Among voice-tagged cues one ``Interviewer: ...`` cue is enough: there a standard label,
    or a name the voice tags use, at the start of a cue always names who speaks.
    """
    labels = find_labels("\n".join(text for voice, text, *_ in cues if voice is None), min_count=1)
    voices = {" ".join(voice.split()) for voice, *_ in cues if voice}
    for cue in cues:
        if cue[0] is not None:
            continue
        found = line_label(cue[1])  # the grammar find_labels counted with
        if found is None or found.rest >= len(cue[1]):
            continue
        tagged = bool(voices) and (is_known_label(found.label) or found.label in voices)
        if found.label in labels or tagged:
            cue[0] = found.label
            cue[1] = cue[1][found.rest :].strip()


def _cues_to_document(
    cues: list[list], fmt: str, encoding: str, *, name: str, header: list[str]
) -> ParsedDocument:
    for cue in cues:  # a voice is written into the text: normalise it too
        cue[0] = " ".join(normalise_text(cue[0]).split()) or None if cue[0] else None
    cues = [cue for cue in cues if cue[1]]
    any_speaker = any(voice for voice, *_ in cues)
    # Header cues (a title, the details: no speech), as in a text file: above the first
    # voice, or by the header rule of a text without labels. Before, a subtitle file had
    # none, so "Datum: 3 maart 2024" was the respondent's words.
    if any_speaker:
        headed = next(i for i, cue in enumerate(cues) if cue[0])
    else:
        headed = header_count([text for _, text, *_ in cues])
    merged: list[list] = []
    for index, (voice, text, start, end) in enumerate(cues):
        headed_cue = index < headed
        voice = voice or (merged[-1][0] if merged and any_speaker else None)
        last = merged[-1] if merged else None
        if (
            last is not None
            and last[0] == voice
            and last[4] == headed_cue  # a header cue never joins a spoken one
            and (voice is not None or start - last[3] <= UNLABELLED_GAP_SECONDS)
        ):
            last[1].append(text)
            last[3] = end
        else:
            merged.append([voice, [text], start, end, headed_cue])
    pieces, turns, offset = [], [], 0
    if header and merged:  # the lines above the first cue, one turn as they were written
        pieces.append("\n".join(header))
        turns.append(Turn(0, len(pieces[0]), header=True))
        offset = len(pieces[0]) + 2
    for voice, texts, start, end, headed_cue in merged:
        prefix = f"{voice}: " if voice else ""
        spoken = " ".join(texts)
        piece = prefix + spoken
        turns.append(Turn(offset + len(prefix), offset + len(piece), voice, start, end, headed_cue))
        pieces.append(piece)
        offset += len(piece) + 2
    text = "\n\n".join(pieces)
    if normalise_text(text) != text:  # offsets would no longer fit the stored text
        raise InputError("ingest.bad_subtitles", file=name, reason="text is not normalised")
    return ParsedDocument(text, turns, fmt, encoding)


READERS: dict[str, Callable[[bytes, str], ParsedDocument]] = {
    "txt": lambda data, name: read_text(data, name, "txt"),
    "md": lambda data, name: read_text(data, name, "md"),
    "docx": read_docx,
    "odt": read_odt,
    "pdf": read_pdf,
    "vtt": read_vtt,
    "srt": read_srt,
}
