"""Check the fictional demo corpus against its contract (team brief, Appendix B).

Run from the repository root:

    .venv/bin/python corpora/demo/tools/check_corpus.py

It decodes every transcript listed in manifest.csv the way a reader would (txt in UTF-8 or
cp1252, docx with python-docx, odt with odfpy, vtt with webvtt-py, srt by its cue blocks) and
checks, without needing the workbench's own importer:

- every transcript opens with a header that says it is fictional;
- every transcript has 1,500-3,000 words of spoken/written text (header and labels excluded);
- respondents.csv and manifest.csv agree with the files on disk;
- every quote in codings.jsonl occurs exactly once in its file and lies inside one respondent
  turn, so a loader can find it without guessing;
- every code id is one of the ids the codebook contract promises or, when the default
  codebook file exists, one of its ids (and always one of its ids when it exists);
- life_year and life_age agree with one birth year per respondent (give or take a birthday);
- both coders coded every transcript, with 25-45 codings each.

It prints a summary (word counts, codings per coder, agreement between anna and bram) and exits
1 when anything is wrong. Everything in corpora/demo is fictional.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent
ROOT = DEMO.parent.parent
CODEBOOK = ROOT / "codebooks" / "binnenkant-isolement.yaml"

#: Code ids the codebook contract (team brief, Appendix A) promises.
CONTRACT_CODES = {
    "verlies",
    "verlies-dierbare",
    "verlies-woning",
    "verlies-werk",
    "verlies-gezondheid",
    "verlies-relatie",
    "verlies-netwerk",
    "verliescascade",
    "schaamte",
    "energiebalans",
    "zingeving",
    "zingeving-mensen",
    "zingeving-geloof",
    "zingeving-natuur",
    "zingeving-dieren",
    "zingeving-hobby",
    "zingeving-betekenis",
    "zingeving-hoop",
    "isolement",
    "bestaansonzekerheid",
    "machteloosheid",
    "neerwaartse-spiraal",
    "herstel",
    "omgevingsfactoren",
    "persoonskenmerken",
    "drempels",
    "lichte-contacten",
    "brugfiguren",
}
HEADLINE = ["verlies", "schaamte", "energiebalans", "zingeving", "isolement", "bestaansonzekerheid"]
FICTION_MARK = re.compile(r"\bfictie[f]?\b|\bfictief\b|\bverzonnen\b", re.IGNORECASE)
#: Speaker labels that belong to the interviewer; every other label is the respondent.
INTERVIEWER_LABELS = {"I", "Interviewer", "Int.", "Marieke", "Lotte", "Interviewster"}
LABEL = re.compile(
    r"^(?:\[(?P<ts>\d{1,2}:\d{2}:\d{2})\]\s*)?(?P<label>[A-Z][\w.]{0,20}):\s+(?P<text>.*)$"
)
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
MIN_WORDS, MAX_WORDS = 1500, 3000


class Transcript:
    """A decoded transcript: its header lines and its turns as (speaker, text) pairs."""

    def __init__(
        self,
        header: list[str],
        turns: list[tuple[str, str]],
        encoding: str,
        units: list[tuple[str, str]] | None = None,
    ):
        self.header = header
        self.turns = turns
        self.encoding = encoding
        # The smallest pieces a quote must fit in: a cue for subtitles, else a turn.
        self.units = units if units is not None else turns

    @property
    def full_text(self) -> str:
        return "\n".join(self.header + [text for _, text in self.turns])

    def respondent_turns(self) -> list[str]:
        return [text for speaker, text in self.turns if speaker not in INTERVIEWER_LABELS]

    def respondent_units(self) -> list[str]:
        return [text for speaker, text in self.units if speaker not in INTERVIEWER_LABELS]

    def words(self) -> int:
        return sum(len(WORD.findall(text)) for _, text in self.turns)


def _labelled_lines(lines: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Split lines into a header (everything before the first labelled line) and turns.

    A file without any labelled line is a written story: every paragraph after the header
    block (up to the first blank line) is the writer's own text.
    """
    header: list[str] = []
    turns: list[tuple[str, str]] = []
    labelled = any(LABEL.match(line) for line in lines)
    if not labelled:
        blocks = "\n".join(lines).strip().split("\n\n")
        header = [line for line in blocks[0].split("\n") if line.strip()]
        for block in blocks[1:]:
            for line in block.split("\n"):
                if line.strip():
                    turns.append(("schrijver", line.strip()))
        return header, turns
    for line in lines:
        if not line.strip():
            continue
        match = LABEL.match(line)
        if match:
            turns.append((match["label"], match["text"].strip()))
        elif turns:
            speaker, text = turns[-1]
            turns[-1] = (speaker, text + "\n" + line.strip())
        else:
            header.append(line.strip())
    return header, turns


def read_txt(path: Path) -> Transcript:
    raw = path.read_bytes()
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    header, turns = _labelled_lines(text.lstrip("\ufeff").splitlines())
    return Transcript(header, turns, encoding)


def read_docx(path: Path) -> Transcript:
    import docx

    lines = [p.text for p in docx.Document(str(path)).paragraphs]
    header, turns = _labelled_lines(lines)
    return Transcript(header, turns, "docx")


def read_odt(path: Path) -> Transcript:
    from odf import teletype, text as odftext
    from odf.opendocument import load

    document = load(str(path))
    lines = [teletype.extractText(p) for p in document.getElementsByType(odftext.P)]
    header, turns = _labelled_lines(lines)
    return Transcript(header, turns, "odt")


VOICE = re.compile(r"^<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>)?$", re.DOTALL)


def read_vtt(path: Path) -> Transcript:
    import webvtt

    header: list[str] = []
    units: list[tuple[str, str]] = []
    for caption in webvtt.read(str(path)):
        raw = caption.raw_text.strip()
        match = VOICE.match(raw)
        if match:
            units.append((match[1].strip(), match[2].strip()))
        else:
            header.append(raw)
    return Transcript(header, _merge(units), "vtt", units)


def _merge(units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive cues of one speaker form one turn."""
    turns: list[tuple[str, str]] = []
    for speaker, text in units:
        if turns and turns[-1][0] == speaker:
            turns[-1] = (speaker, turns[-1][1] + " " + text)
        else:
            turns.append((speaker, text))
    return turns


SRT_TIME = re.compile(r"^\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}$")


def read_srt(path: Path) -> Transcript:
    header: list[str] = []
    units: list[tuple[str, str]] = []
    text = path.read_text("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    for block in text.strip().split("\n\n"):
        lines = block.strip().split("\n")
        if len(lines) < 3 or not lines[0].strip().isdigit() or not SRT_TIME.match(lines[1]):
            raise ValueError(f"{path.name}: malformed SRT block: {block[:60]!r}")
        cue = " ".join(line.strip() for line in lines[2:])
        match = LABEL.match(cue)
        if match:
            units.append((match["label"], match["text"].strip()))
        elif units:
            units.append((units[-1][0], cue))
        else:
            header.append(cue)
    return Transcript(header, _merge(units), "srt", units)


READERS = {
    ".txt": read_txt,
    ".docx": read_docx,
    ".odt": read_odt,
    ".vtt": read_vtt,
    ".srt": read_srt,
}


def read_transcript(path: Path) -> Transcript:
    return READERS[path.suffix.lower()](path)


def codebook_parents() -> dict[str, str | None] | None:
    """Code id -> parent id from the default codebook, or None when it is not there yet."""
    if not CODEBOOK.exists():
        return None
    import yaml

    data = yaml.safe_load(CODEBOOK.read_text("utf-8"))
    return {code["id"]: code.get("parent") for code in data.get("codes", [])}


def headline_of(code: str, parents: dict[str, str | None] | None) -> str:
    """The top-level code a (sub-)code belongs to, e.g. verlies-werk -> verlies."""
    if parents and code in parents:
        while parents.get(code):
            code = parents[code]
        return code
    for head in HEADLINE:
        if code.startswith(head):
            return head
    return code


def agreement(codings: list[dict], parents: dict[str, str | None] | None = None) -> dict:
    """Simple agreement between anna and bram.

    unit: a (file, quote, code) triple either coder applied; agree when both applied it.
    quote: a (file, quote) either coder coded; agree when both gave it the same set of codes.
    """
    by_coder: dict[str, set] = defaultdict(set)
    sets: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for c in codings:
        by_coder[c["coder"]].add((c["file"], c["quote"], c["code"]))
        sets[(c["file"], c["quote"])][c["coder"]].add(c["code"])
    anna, bram = by_coder["anna"], by_coder["bram"]
    union = anna | bram
    same_quotes = sum(1 for v in sets.values() if v["anna"] == v["bram"])
    per_code = {}
    for code in HEADLINE:  # a sub-code counts for its headline code
        a = {(f, q) for f, q, c in anna if headline_of(c, parents) == code}
        b = {(f, q) for f, q, c in bram if headline_of(c, parents) == code}
        per_code[code] = (len(a & b), len(a | b))
    return {
        "units": len(union),
        "both": len(anna & bram),
        "unit_pct": 100 * len(anna & bram) / max(1, len(union)),
        "quotes": len(sets),
        "same_quotes": same_quotes,
        "quote_pct": 100 * same_quotes / max(1, len(sets)),
        "per_headline": per_code,
    }


def main() -> int:
    problems: list[str] = []
    manifest = list(csv.DictReader((DEMO / "manifest.csv").open(encoding="utf-8")))
    respondents = list(csv.DictReader((DEMO / "respondents.csv").open(encoding="utf-8")))
    known = {row["respondent"] for row in respondents}
    if len(known) != len(respondents):
        problems.append("respondents.csv: duplicate respondent codes")
    transcripts: dict[str, Transcript] = {}
    print(f"{'file':42} {'format':7} {'words':>6}")
    for row in manifest:
        path = DEMO / row["file"]
        if not path.exists():
            problems.append(f"manifest.csv: {row['file']} does not exist")
            continue
        if row["respondent"] not in known:
            problems.append(f"manifest.csv: {row['file']}: unknown respondent {row['respondent']}")
        if not row["file"].startswith(row["respondent"] + "-"):
            problems.append(f"manifest.csv: {row['file']} does not start with {row['respondent']}-")
        t = read_transcript(path)
        transcripts[row["file"]] = t
        words = t.words()
        print(f"{row['file']:42} {t.encoding:7} {words:6d}")
        if not t.header or not FICTION_MARK.search(" ".join(t.header[:3])):
            problems.append(f"{row['file']}: no header saying the interview is fictional")
        if not MIN_WORDS <= words <= MAX_WORDS:
            problems.append(f"{row['file']}: {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
        if not t.respondent_turns():
            problems.append(f"{row['file']}: no respondent text found")
    on_disk = {p.name for p in DEMO.iterdir() if p.suffix.lower() in READERS}
    for name in sorted(on_disk - {row["file"] for row in manifest}):
        problems.append(f"{name}: transcript not listed in manifest.csv")
    listed = {row["respondent"] for row in manifest}
    for code in sorted(known - listed):
        problems.append(f"respondents.csv: {code} has no transcript in manifest.csv")

    parents = codebook_parents()
    shipped = set(parents) if parents is not None else None
    valid = set(CONTRACT_CODES) | (shipped or set())
    if shipped is None:
        print(
            f"note: {CODEBOOK.relative_to(ROOT)} not found; checked ids against the contract only"
        )
    else:
        missing = CONTRACT_CODES - shipped
        if missing:
            print(f"note: codebook lacks contract ids {sorted(missing)}")
    codings = []
    with (DEMO / "codings.jsonl").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            c = json.loads(line)
            codings.append(c)
            where = f"codings.jsonl:{number}"
            if set(c) != {"file", "quote", "code", "coder", "life_year", "life_age"}:
                problems.append(f"{where}: keys {sorted(c)}")
                continue
            if c["code"] not in valid or (shipped is not None and c["code"] not in shipped):
                problems.append(f"{where}: unknown code id {c['code']!r}")
            if c["coder"] not in {"anna", "bram"}:
                problems.append(f"{where}: unknown coder {c['coder']!r}")
            for key in ("life_year", "life_age"):
                if c[key] is not None and not isinstance(c[key], int):
                    problems.append(f"{where}: {key} must be null or an integer")
            t = transcripts.get(c["file"])
            if t is None:
                problems.append(f"{where}: file {c['file']!r} is not in manifest.csv")
                continue
            count = t.full_text.count(c["quote"])
            inside = any(c["quote"] in unit for unit in t.respondent_units())
            if count != 1 or not inside:
                problems.append(
                    f"{where}: quote found {count}x, inside one respondent turn/cue: {inside}: "
                    f"{c['quote'][:70]!r}"
                )
    births: dict[str, set[int]] = defaultdict(set)
    for c in codings:
        if c["life_year"] is not None and c["life_age"] is not None:
            births[c["file"]].add(c["life_year"] - c["life_age"])
    for name, years in births.items():  # one birth year, give or take a birthday
        if max(years) - min(years) > 1:
            problems.append(f"{name}: life_year - life_age varies: {sorted(years)}")
    seen = Counter((c["file"], c["quote"], c["code"], c["coder"]) for c in codings)
    for key, n in seen.items():
        if n > 1:
            problems.append(f"codings.jsonl: duplicate coding {key}")
    per = Counter((c["file"], c["coder"]) for c in codings)
    print(f"\n{'file':42} {'anna':>5} {'bram':>5}")
    for name in transcripts:
        a, b = per[(name, "anna")], per[(name, "bram")]
        print(f"{name:42} {a:5d} {b:5d}")
        for coder, n in (("anna", a), ("bram", b)):
            if not 25 <= n <= 45:
                problems.append(f"{name}: {coder} has {n} codings, expected 25-45")
    totals = Counter(c["coder"] for c in codings)
    print(f"{'total':42} {totals['anna']:5d} {totals['bram']:5d}")
    ag = agreement(codings, parents)
    print(
        f"\nagreement anna/bram: {ag['both']}/{ag['units']} (file, quote, code) units = "
        f"{ag['unit_pct']:.1f}%; {ag['same_quotes']}/{ag['quotes']} quotes with identical "
        f"code sets = {ag['quote_pct']:.1f}%"
    )
    for code, (both, union) in ag["per_headline"].items():
        print(
            f"  {code:20} {both:3d}/{union:3d} = {100 * both / max(1, union):5.1f}%"
            "  (quotes coded with it or a sub-code)"
        )
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  -", p)
        return 1
    print("\nOK: corpus meets its contract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
