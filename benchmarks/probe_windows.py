"""Would suggestions on two adjacent sentences help? A measurement (issue 18), not a feature.

Run:
  .venv/bin/python benchmarks/probe_windows.py              # the demo project and ../shared/dev-real
  .venv/bin/python benchmarks/probe_windows.py --share 0    # without the "every sentence" rule

Researchers code a sentence, or a few sentences when a theme is told over them. The idea
measured here: score two adjacent sentences of one turn as one text and propose a code for
the pair when neither sentence reaches it alone (and, with ``--share``, every sentence carries
at least that share of the threshold). Two checks:

- the demo project (fictional, ours): after training on its coders' decisions, how many pair
  suggestions overlap a coding of the same code by a person, next to sentence suggestions;
- ../shared/dev-real, unlocked part (real text, read at run time, nothing copied): cold rules,
  each passage cut into sentences; a suggestion is right when the passage's gold has its code.

The result decides whether the engine proposes pairs; see docs/suggest.md for the figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

SIZE = 2  # sentences per window: two adjacent ones (longer windows drifted off topic)


def adjacent_windows(
    segments: Sequence[dict[str, Any]], *, size: int = SIZE
) -> list[tuple[int, ...]]:
    """Index tuples of ``size`` consecutive segments that sit side by side in one turn.

    ``segments`` are rows in document order with ``document_id``, ``turn_id`` and
    ``position``; a window never crosses a turn (another speaker) or a gap (a segment analysis
    does not see).
    """
    out = []
    for first in range(len(segments) - size + 1):
        rows = segments[first : first + size]
        same_turn = all(
            r["turn_id"] == rows[0]["turn_id"] and r["document_id"] == rows[0]["document_id"]
            for r in rows
        )
        side_by_side = all(b["position"] == a["position"] + 1 for a, b in zip(rows, rows[1:]))
        if same_turn and side_by_side:
            out.append(tuple(range(first, first + size)))
    return out


def window_text(document_text: str, segments: Sequence[dict[str, Any]]) -> str:
    """The document's text from the first segment's start to the last one's end."""
    return document_text[segments[0]["start_char"] : segments[-1]["end_char"]]


def spread_codes(
    sentence_scores: np.ndarray,
    window_scores: np.ndarray,
    windows: Sequence[tuple[int, ...]],
    thresholds: np.ndarray,
    *,
    share: float = 0.6,
) -> list[list[int]]:
    """Per window: the code indices it reaches while none of its sentences does alone.

    Every sentence of the window must carry part of the evidence (a score of at least
    ``share`` of the threshold): a longer text scores higher by its length alone, and that
    is no reason to propose it.
    """
    out = []
    for w, members in enumerate(windows):
        rows = sentence_scores[list(members)]
        alone = (rows >= thresholds).any(axis=0)
        each = (rows >= share * thresholds).all(axis=0)
        reached = (window_scores[w] >= thresholds) & (window_scores[w] > 0) & ~alone & each
        out.append([int(j) for j in np.nonzero(reached)[0]])
    return out


def demo_figures(nlp, share: float) -> None:
    from workbench.demo import load_demo
    from workbench.handle import Project
    from workbench.store import connect
    from workbench.ingest import analysis_segments
    from workbench.suggest.project import retrain

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        load_demo(path)
        db = connect(path)
        researcher = Project.for_user(db, "onderzoeker")
        model = retrain(researcher, nlp=nlp)
        counts = {"sentence": [0, 0], "pair": [0, 0]}
        for (doc_id,) in db.execute("SELECT id FROM documents ORDER BY id").fetchall():
            (text,) = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
            segments = analysis_segments(researcher, doc_id)
            passages = model.passages_for(nlp, segments)
            S = model.suggester.predict_proba(passages)
            spans = [(s["start_char"], s["end_char"]) for s in segments]
            found = [
                (spans[i], j, "sentence")
                for i, j in zip(*np.nonzero(S >= model.suggester.thresholds_))
            ]
            windows = adjacent_windows(segments)
            if windows:
                pairs = [
                    {"id": ("pair", doc_id, w), "text": window_text(text, [segments[i] for i in w])}
                    for w in windows
                ]
                W = model.suggester.predict_proba(model.passages_for(nlp, pairs))
                for w, codes in enumerate(
                    spread_codes(S, W, windows, model.suggester.thresholds_, share=share)
                ):
                    span = (spans[windows[w][0]][0], spans[windows[w][-1]][1])
                    found += [(span, j, "pair") for j in codes]
            for (start, end), j, kind in found:
                hit = db.execute(
                    "SELECT 1 FROM codings c JOIN codes k ON k.id = c.code_id WHERE "
                    "c.document_id = ? AND k.slug = ? AND c.origin = 'human' AND "
                    "c.status = 'accepted' AND c.start_char < ? AND ? < c.end_char",
                    [doc_id, model.suggester.codes_[j], end, start],
                ).fetchone()
                counts[kind][0] += 1
                counts[kind][1] += hit is not None
        db.close()
    print("demo project (fictional), trained on its coders' decisions:")
    for kind, (n, hit) in counts.items():
        print(
            f"  {kind:9s} {n:5d} proposed, {hit:4d} overlap a person's coding ({hit / max(n, 1):.2f})"
        )


def real_figures(nlp, share: float) -> None:
    import eval_suggest_real as real
    from workbench.codebook import DEFAULT_CODEBOOK
    from workbench.suggest.codes import codes_from_file
    from workbench.suggest.model import analyse
    from workbench.suggest.passages import build_suggester, respondent_text

    if not (real.DEV / "passages.jsonl").is_file():
        print(f"no real development set at {real.DEV}: real-text figures left out")
        return
    passages, gold, _ = real.load()
    unlocked = [p for p in passages if p["group"] not in real.LOCKED_GROUPS]
    suggester = build_suggester(codes_from_file(DEFAULT_CODEBOOK), nlp, embeddings=False)
    counts = {"sentence": [0, 0], "pair": [0, 0]}
    for p in unlocked:
        sentences = [s.text for s in nlp(respondent_text(p["text"])).sents if s.text.strip()]
        if not sentences:
            continue
        truth = set(gold.get(p["id"], []))
        S = suggester.predict_proba(analyse(nlp, suggester.rules, sentences))
        found = [("sentence", j) for _, j in zip(*np.nonzero(S >= suggester.thresholds_))]
        windows = [(i, i + 1) for i in range(len(sentences) - 1)]
        if windows:
            W = suggester.predict_proba(
                analyse(
                    nlp, suggester.rules, [f"{sentences[a]} {sentences[b]}" for a, b in windows]
                )
            )
            for codes in spread_codes(S, W, windows, suggester.thresholds_, share=share):
                found += [("pair", j) for j in codes]
        for kind, j in found:
            counts[kind][0] += 1
            counts[kind][1] += suggester.codes_[j] in truth
    print(f"../shared/dev-real, unlocked part ({len(unlocked)} passages), cold rules:")
    for kind, (n, hit) in counts.items():
        print(
            f"  {kind:9s} {n:5d} proposed, {hit:4d} right by the passage's gold ({hit / max(n, 1):.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--share", type=float, default=0.6, help="every sentence's share of the threshold"
    )
    args = parser.parse_args()
    from workbench.nlp import load_pipeline

    nlp = load_pipeline()
    demo_figures(nlp, args.share)
    real_figures(nlp, args.share)


if __name__ == "__main__":
    main()
