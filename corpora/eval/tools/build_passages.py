"""Build corpora/eval/passages.jsonl from passages_source.txt and print its statistics.

Run from the repository root:

    .venv/bin/python corpora/eval/tools/build_passages.py

Every passage is fictional and was written for this evaluation set. The source keeps passages
grouped by theme so they are easy to review; this script shuffles them with a fixed seed (so a
cross-validation split by position does not put one theme in one fold), numbers them
(p001...), and checks the set: no duplicates, 1-4 sentences each, only the six headline codes,
a known genre, and the balance the README promises.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
SOURCE = TOOLS / "passages_source.txt"
OUT = TOOLS.parent / "passages.jsonl"
LETTERS = {
    "V": "verlies",
    "S": "schaamte",
    "E": "energiebalans",
    "Z": "zingeving",
    "I": "isolement",
    "B": "bestaansonzekerheid",
}
ORDER = list(LETTERS.values())
GENRES = {"i": "interview", "w": "writing"}
SENTENCE = re.compile(r"[.?!]+(?=\s|$)")
SEED = 20250601


def read_source(path: Path = SOURCE) -> list[dict]:
    passages = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(" | ", 2)
        if len(parts) != 3:
            raise ValueError(f"{path.name}:{number}: expected 'CODES | GENRE | text'")
        codes, genre, text = (part.strip() for part in parts)
        letters = [] if codes == "-" else codes.split()
        unknown = [c for c in letters if c not in LETTERS]
        if unknown or genre not in GENRES or len(set(letters)) != len(letters):
            raise ValueError(f"{path.name}:{number}: bad codes {codes!r} or genre {genre!r}")
        sentences = len(SENTENCE.findall(text))
        if not 1 <= sentences <= 4:
            raise ValueError(f"{path.name}:{number}: {sentences} sentences, expected 1-4")
        passages.append(
            {
                "text": text,
                "codes": sorted((LETTERS[c] for c in letters), key=ORDER.index),
                "genre": GENRES[genre],
            }
        )
    return passages


def statistics(passages: list[dict]) -> str:
    n = len(passages)
    per_code = Counter(code for p in passages for code in p["codes"])
    sizes = Counter(len(p["codes"]) for p in passages)
    genres = Counter(p["genre"] for p in passages)
    lines = [
        f"{n} passages; genres: " + ", ".join(f"{g} {c}" for g, c in sorted(genres.items())),
        "codes per passage: "
        + ", ".join(f"{k}: {v} ({100 * v / n:.0f}%)" for k, v in sorted(sizes.items())),
    ]
    for code in ORDER:
        by_genre = Counter(p["genre"] for p in passages if code in p["codes"])
        lines.append(
            f"  {code:20} {per_code[code]:4d}  (interview {by_genre['interview']}, "
            f"writing {by_genre['writing']})"
        )
    words = [len(p["text"].split()) for p in passages]
    lines.append(
        f"words per passage: min {min(words)}, mean {sum(words) / n:.1f}, max {max(words)}"
    )
    return "\n".join(lines)


def main() -> int:
    passages = read_source()
    texts = Counter(p["text"] for p in passages)
    duplicates = [t for t, c in texts.items() if c > 1]
    if duplicates:
        print("duplicate passages:", *duplicates, sep="\n  ")
        return 1
    random.Random(SEED).shuffle(passages)
    with OUT.open("w", encoding="utf-8") as handle:
        for number, passage in enumerate(passages, 1):
            row = {"id": f"p{number:03d}", **passage}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(statistics(passages))
    per_code = Counter(code for p in passages for code in p["codes"])
    none = sum(1 for p in passages if not p["codes"])
    problems = []
    if len(passages) < 360:
        problems.append(f"only {len(passages)} passages, expected at least 360")
    if none < 0.25 * len(passages):
        problems.append(f"only {none} passages without a code, expected at least 25%")
    problems += [
        f"{code}: only {per_code[code]} passages, expected 60"
        for code in ORDER
        if per_code[code] < 60
    ]
    for problem in problems:
        print("problem:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
