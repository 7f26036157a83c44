"""Build the demo transcripts that are not plain UTF-8 text from their fictional sources.

Run from the repository root (writes into corpora/demo/):

    .venv/bin/python corpora/demo/tools/make_binary_formats.py

Each source in corpora/demo/tools/sources/*.src is a fictional interview written for the demo:
header lines, a blank line, then one turn per line as ``Label: text``. A ``[tabel]`` ...
``[/tabel]`` block (cells separated by `` | ``) becomes a Word table. The output format is
chosen per file below, so the demo shows every format the importer reads: .docx (python-docx),
.odt (odfpy), .vtt with ``<v Name>`` voice tags, .srt with ``Name:`` prefixes, and a .txt in
cp1252 with Windows line ends (to show encoding detection).

The output is deterministic (fixed document dates and zip entry times, computed cue times), so
re-running the script gives the same bytes; commit the generated files with their sources.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
SOURCES = TOOLS / "sources"
DEMO = TOOLS.parent

#: source stem -> output suffix
FORMATS = {
    "R03-yonas-rietlanden": ".vtt",
    "R04-daan-bloemenbuurt": ".docx",
    "R06-annie-oude-kern": ".txt",  # cp1252
    "R07-yvonne-molenveld": ".docx",
    "R09-kim-spoorzicht": ".odt",
    "R10-mehmet-havenkwartier": ".srt",
}
TURN = re.compile(r"^(?P<label>[A-Z][\w.]{0,20}):\s+(?P<text>.+)$")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z'\"(])")
FIXED_DATE = dt.datetime(2025, 6, 1, 12, 0, 0)


def parse_source(path: Path) -> tuple[list[str], list[tuple[str, object]]]:
    """Return header lines and a list of items: ("turn", (label, text)) or ("table", rows)."""
    lines = path.read_text("utf-8").splitlines()
    blank = lines.index("")
    header = [line for line in lines[:blank] if line.strip()]
    items: list[tuple[str, object]] = []
    table: list[list[str]] | None = None
    for line in lines[blank + 1 :]:
        if not line.strip():
            continue
        if line.strip() == "[tabel]":
            table = []
            continue
        if line.strip() == "[/tabel]":
            items.append(("table", table))
            table = None
            continue
        if table is not None:
            table.append([cell.strip() for cell in line.split("|")])
            continue
        match = TURN.match(line)
        if not match:
            raise ValueError(f"{path.name}: not a turn: {line[:60]!r}")
        items.append(("turn", (match["label"], match["text"].strip())))
    return header, items


def cues(header: list[str], items) -> list[tuple[float, float, str | None, str]]:
    """Cue times for subtitles: one cue per sentence at a calm speaking rate."""
    out = []
    clock = 0.0
    for line in header:
        out.append((clock, clock + 5.0, None, line))
        clock += 5.5
    for kind, value in items:
        if kind != "turn":
            continue
        label, text = value
        for sentence in SENTENCE_END.split(text):
            words = len(sentence.split())
            length = max(1.6, round(words / 2.4, 1))
            out.append((clock, clock + length, label, sentence))
            clock = round(clock + length + 0.2, 1)
        clock = round(clock + 0.8, 1)
    return out


def _stamp(seconds: float, sep: str) -> str:
    millis = int(round(seconds * 1000))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def freeze_zip(target: Path) -> None:
    """Rewrite a zip container (.docx/.odt) with fixed entry times, keeping entry order and
    compression, so regenerating gives the same bytes (and the same sha256, which is how the
    importer recognises a file it already has)."""
    import zipfile

    with zipfile.ZipFile(target) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(target, "w") as out:
        for info, data in entries:
            frozen = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            frozen.compress_type = info.compress_type
            frozen.external_attr = info.external_attr
            out.writestr(frozen, data)


def write_vtt(header, items, target: Path) -> None:
    blocks = [f"WEBVTT - {header[0]}", "NOTE\n" + "\n".join(header)]
    for start, end, label, text in cues(header, items):
        body = text if label is None else f"<v {label}>{text}</v>"
        blocks.append(f"{_stamp(start, '.')} --> {_stamp(end, '.')}\n{body}")
    target.write_text("\n\n".join(blocks) + "\n", "utf-8")


def write_srt(header, items, target: Path) -> None:
    blocks = []
    for number, (start, end, label, text) in enumerate(cues(header, items), 1):
        body = text if label is None else f"{label}: {text}"
        blocks.append(f"{number}\n{_stamp(start, ',')} --> {_stamp(end, ',')}\n{body}")
    target.write_text("\n\n".join(blocks) + "\n", "utf-8")


def write_cp1252_txt(header, items, target: Path) -> None:
    lines = (
        header
        + [""]
        + [f"{label}: {text}" for kind, (label, text) in ((k, v) for k, v in items if k == "turn")]
    )
    target.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")


def write_docx(header, items, target: Path) -> None:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    props = document.core_properties
    props.title = header[1].split(",")[0]
    props.author = "Demo werkbank (fictief)"
    props.comments = header[0]
    props.created = props.modified = FIXED_DATE
    for number, line in enumerate(header):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.italic = number == 0
        run.bold = number == 1
    for kind, value in items:
        if kind == "table":
            rows = value
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
                    if r == 0:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
            continue
        label, text = value
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(text)
        paragraph.paragraph_format.space_after = Pt(6)
    document.save(str(target))
    freeze_zip(target)


def write_odt(header, items, target: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import P, Span

    document = OpenDocumentText()
    bold = Style(name="Label", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    document.meta.addElement(__import__("odf.dc", fromlist=["Title"]).Title(text=header[1]))
    for line in header:
        document.text.addElement(P(text=line))
    for kind, value in items:
        if kind == "table":
            raise ValueError("tables are only supported for .docx sources")
        label, text = value
        paragraph = P()
        paragraph.addElement(Span(stylename=bold, text=f"{label}: "))
        paragraph.addText(text)
        document.text.addElement(paragraph)
    document.save(str(target))
    freeze_zip(target)


WRITERS = {
    ".vtt": write_vtt,
    ".srt": write_srt,
    ".docx": write_docx,
    ".odt": write_odt,
    ".txt": write_cp1252_txt,
}


def main() -> None:
    for stem, suffix in FORMATS.items():
        source = SOURCES / f"{stem}.src"
        if not source.exists():
            print(f"skipped {stem}: no source yet")
            continue
        header, items = parse_source(source)
        target = DEMO / f"{stem}{suffix}"
        WRITERS[suffix](header, items, target)
        print(f"wrote {target.relative_to(DEMO.parent.parent)}")


if __name__ == "__main__":
    main()
