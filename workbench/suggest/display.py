"""Pieces of a fragment for display: the segment under review and its evidence marked.

Pure text work, kept out of the page so it can be tested: the page only turns the pieces into
Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from workbench.i18n import t

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def escape_markdown(text: str) -> str:
    """Text safe to put inside Streamlit Markdown (no accidental bold, links, colours)."""
    return _MARKDOWN.sub(r"\\\1", text)


def evidence_spans(text: str, evidence: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of evidence words found in ``text`` (case-insensitive).

    Evidence may be a surface form ("schaamde") or a lemma ("schamen"); for a lemma the word
    starting with its first letters is marked, so "schaam" also marks "schaamde".
    """
    spans: list[tuple[int, int]] = []
    lower = text.lower()
    for item in sorted({e.lower() for e in evidence if e.strip()}, key=len, reverse=True):
        for pattern in (re.escape(item), re.escape(item[: max(3, len(item) - 3)]) + r"\w*"):
            found = [(m.start(), m.end()) for m in re.finditer(rf"\b{pattern}\b", lower)]
            if found:
                break
        for start, end in found:
            if all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
    return sorted(spans)


def fragment_pieces(
    turn_text: str, segment: tuple[int, int], evidence: Sequence[str]
) -> list[tuple[str, str]]:
    """``(kind, text)`` pieces of a turn: "plain", "segment" or "evidence" (inside the segment)."""
    start, end = segment
    start, end = max(0, start), min(len(turn_text), end)
    pieces: list[tuple[str, str]] = []
    if start > 0:
        pieces.append(("plain", turn_text[:start]))
    inner = turn_text[start:end]
    cursor = 0
    for s, e in evidence_spans(inner, evidence):
        if s > cursor:
            pieces.append(("segment", inner[cursor:s]))
        pieces.append(("evidence", inner[s:e]))
        cursor = e
    if cursor < len(inner):
        pieces.append(("segment", inner[cursor:]))
    if end < len(turn_text):
        pieces.append(("plain", turn_text[end:]))
    return [p for p in pieces if p[1]]


def fragment_markdown(turn_text: str, segment: tuple[int, int], evidence: Sequence[str]) -> str:
    """The turn as Markdown: the segment on one orange background, evidence words in bold.

    One background for the whole segment: a background per piece drew each word group as a
    chip of its own, so "Dat geeft me rust." read as three separate boxes.
    """
    before: list[str] = []
    inner: list[str] = []
    after: list[str] = []
    for kind, text in fragment_pieces(turn_text, segment, evidence):
        safe = escape_markdown(text).replace("\n", " ")
        if kind == "evidence":
            inner.append(f"**{safe}**")
        elif kind == "segment":
            inner.append(safe)
        else:
            (after if inner else before).append(safe)
    marked = "".join(inner)
    body = f":orange-background[{marked}]" if marked.strip() else marked
    return "".join(before) + body + "".join(after)


def figure_with_interval(value: float | None, interval: Sequence[float] | None) -> str:
    """``0.42 [0.30-0.55]``: a figure with its 95 % interval, ``-`` when there is none."""
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    shown = _two_decimals(value)
    if not interval:
        return shown
    return f"{shown} [{_two_decimals(interval[0])}-{_two_decimals(interval[1])}]"


def source_text(
    source: str,
    fold_sources: Mapping[str, int],
    lang: str,
    words: str,
    sub_sources: Sequence[str] = (),
) -> str:
    """Where a code's suggestions come from now, and, when the figures were measured on
    something else in some folds, what they were measured on: ``regels; gemeten: 2× model,
    3× regels``.

    The figures are out of fold, each fold with its own fit, so a code on its rules today may
    have been scored by a learned model in a fold (the demo's verlies: in 2 of 5). Saying
    only "rules" beside such a figure would claim the rules earned it. ``words`` is the key
    prefix of the source names (``suggest`` for the CLI, ``suggesties`` for the page).
    A parent's figures count its children's proposals, so when ``sub_sources`` (what made
    those) names another engine it is said too: ``regels; subcodes: model``.
    """
    text = t(f"{words}.source.{source}", lang)
    if not set(fold_sources) <= {source}:
        parts = ", ".join(
            f"{n}× {t(f'{words}.source.{name}', lang)}" for name, n in sorted(fold_sources.items())
        )
        text = t("suggest.source_measured", lang, source=text, parts=parts)
    if set(sub_sources) - {source}:
        below = ", ".join(t(f"{words}.source.{name}", lang) for name in sorted(sub_sources))
        text = t("suggest.source_children", lang, source=text, parts=below)
    return text


def _two_decimals(value: float) -> str:
    """``0.00`` for a value that rounds to zero from below (an alpha of -0.001 is no "-0.00")."""
    return f"{round(float(value), 2) + 0.0:.2f}"


def percent(share: float | None) -> str:
    """``42%`` for a share in [0, 1]; ``-`` when there is none yet (None or NaN)."""
    if share is None or share != share:
        return "-"
    return f"{round(share * 100)}%"


def distrusted_text(
    words: Sequence[str], detail: Sequence[Mapping[str, Any]] | None, lang: str
) -> str:
    """The words that no longer propose a code alone, each with why, in ``lang``:
    ``begrafenis (2 keer afgewezen), bijstand (14 zinnen zonder deze code)``.

    ``detail`` is ``Suggester.status()``'s ``distrusted_detail``: a word can stop counting
    alone without anybody rejecting anything, when the sentences it was in were coded with
    other codes or left uncoded in a document read in full. Without ``detail`` (not known),
    only the words.
    """
    if detail is None:
        return ", ".join(words)
    shown = []
    for d in detail:
        why = []
        if d["rejected"]:
            why.append(t("suggest.why.rejected", lang, n=d["rejected"]))
        if d["not_coded"]:
            why.append(t("suggest.why.not_coded", lang, n=d["not_coded"]))
        shown.append(f"{d['word']} ({', '.join(why)})" if why else d["word"])
    return ", ".join(shown)
