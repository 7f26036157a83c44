"""Write corpora/demo/codings.jsonl from codings_plan.txt.

Run from the repository root:

    .venv/bin/python corpora/demo/tools/make_codings.py

The plan lists each coded quote once, with the codes both fictional coders gave and the codes
only one of them gave; this script writes one JSON object per coder per code, in story order,
in the shape the demo loader expects (team brief, Appendix B):
{"file", "quote", "code", "coder", "life_year", "life_age"}. Keeping the plan as the source
makes disagreements between anna and bram visible in one place.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
PLAN = TOOLS / "codings_plan.txt"
OUT = TOOLS.parent / "codings.jsonl"


def _codes(field: str) -> list[str]:
    field = field.strip()
    return [] if field in ("", "-") else field.split()


def _number(field: str) -> int | None:
    field = field.strip()
    return None if field in ("", "-") else int(field)


def read_plan(path: Path = PLAN) -> list[dict]:
    """One dict per coded quote: file, quote, both, anna, bram, life_year, life_age."""
    rows: list[dict] = []
    current: str | None = None
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("== "):
            current = line[3:].strip()
            continue
        parts = line.split(" | ", 5)
        if current is None or len(parts) != 6:
            raise ValueError(f"{path.name}:{number}: expected 6 fields after a '== file' line")
        both, anna, bram, year, age, quote = parts
        rows.append(
            {
                "file": current,
                "quote": quote.strip(),
                "both": _codes(both),
                "anna": _codes(anna),
                "bram": _codes(bram),
                "life_year": _number(year),
                "life_age": _number(age),
            }
        )
    return rows


def story_order(rows: list[dict]) -> list[dict]:
    """Sort each file's quotes by where they occur in the transcript (the story's order)."""
    from check_corpus import read_transcript

    texts = {
        name: read_transcript(TOOLS.parent / name).full_text
        for name in dict.fromkeys(row["file"] for row in rows)
    }
    return sorted(
        rows, key=lambda r: (list(texts).index(r["file"]), texts[r["file"]].find(r["quote"]))
    )


def codings(rows: list[dict]) -> list[dict]:
    out: list[dict] = []
    rows = story_order(rows)
    files = list(dict.fromkeys(row["file"] for row in rows))
    for name in files:
        for coder in ("anna", "bram"):
            for row in (r for r in rows if r["file"] == name):
                for code in row["both"] + row[coder]:
                    out.append(
                        {
                            "file": name,
                            "quote": row["quote"],
                            "code": code,
                            "coder": coder,
                            "life_year": row["life_year"],
                            "life_age": row["life_age"],
                        }
                    )
    return out


def main() -> None:
    rows = codings(read_plan())
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} codings to {OUT.relative_to(TOOLS.parent.parent.parent)}")


if __name__ == "__main__":
    main()
