"""The transcript view: speaker turns with coloured codings, click a sentence or select text.

A Streamlit v2 component with inline JavaScript (no build step, nothing fetched). It reports
either a clicked segment or a text selection as (segment id, UTF-16 offset) pairs; the page
turns those into code-point offsets with ``documents.span_from_selection``. All transcript
text is HTML-escaped here before it reaches the browser.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from workbench.app.common import figure, moment
from workbench.documents import DocumentView, SegmentView

CSS = """
.wb-transcript { font-family: var(--st-font, sans-serif); line-height: 1.7; max-height: 70vh;
  overflow-y: auto; padding: 0.25rem 0.75rem 0.25rem 0; }
.wb-turn { margin: 0 0 0.9rem 0; }
.wb-turn.with-margin { display: flex; gap: 0.6rem; align-items: stretch; }
.wb-turn.with-margin .wb-text { flex: 1 1 auto; min-width: 0; }
.wb-margin { flex: 0 0 11rem; display: flex; flex-direction: column; gap: 2px;
  border-left: 1px solid #ddd; padding-left: 0.4rem; }
.wb-stripe { cursor: pointer; font-size: 0.74em; line-height: 1.3; padding: 0 0.3rem;
  border-left: 4px solid var(--wb-color); background: #f7f7f7; color: #222;
  overflow-wrap: anywhere; }
.wb-stripe.other { border-left-style: dashed; color: #555; }
.wb-stripe.suggested { border-left-style: dotted; font-style: italic; }
.wb-stripe:hover { background: #eaeaea; }
.wb-speaker { font-weight: 600; margin-right: 0.4rem; }
.wb-speaker.interviewer { color: #555; }
.wb-time { color: #777; font-size: 0.8em; margin-right: 0.4rem; }
.wb-turn.interviewer .wb-seg { color: #444; }
.wb-seg { cursor: pointer; border-radius: 3px; padding: 1px 0; }
.wb-seg:hover { outline: 1px dotted #888; }
.wb-seg.selected { outline: 2px solid #1f6feb; }
.wb-seg.coded { background: var(--wb-color); }
.wb-seg.suggested { border-bottom: 2px dashed #b35900; }
.wb-span { background: var(--wb-color); border-bottom: 2px solid #7a5c00; }
.wb-span.suggested { background: transparent; border-bottom: 2px dashed #b35900; }
.wb-span.selected { outline: 2px solid #1f6feb; }
.wb-chip { display: inline-block; font-size: 0.72em; padding: 0 0.35rem; margin: 0 0.15rem;
  border-radius: 0.6rem; background: #eee; color: #222; vertical-align: middle; }
.wb-chip.suggested { background: #fff; border: 1px dashed #b35900; }
.wb-chip.span { border: 1px solid #7a5c00; }
"""

JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  let root = parentElement.querySelector('.wb-transcript');
  if (!root) {
    root = document.createElement('div');
    root.className = 'wb-transcript';
    parentElement.appendChild(root);
  }
  if (root.dataset.version !== String(data.version)) {
    const scroll = root.scrollTop;
    root.innerHTML = data.html;
    root.dataset.version = String(data.version);
    root.scrollTop = scroll;
  }
  if (data.focus && root.dataset.focus !== String(data.focus)) {
    // a jump from a quote, a search hit or a code's list: bring that place into view
    root.dataset.focus = String(data.focus);
    const el = root.querySelector(`[data-seg='${data.focus}']`);
    if (el) { root.scrollTop = el.offsetTop - root.offsetTop - root.clientHeight / 3; }
  }
  const segOf = (node) => {
    const el = node.nodeType === 3 ? node.parentElement : node;
    return el ? el.closest('[data-seg]') : null;
  };
  const offsetIn = (seg, node, offset) => {
    // UTF-16 offset of (node, offset) from the start of the segment's text
    const range = document.createRange();
    range.setStart(seg, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  };
  root.onmouseup = (event) => {
    const stripe = event.target.closest ? event.target.closest('[data-coding]') : null;
    if (stripe) {
      setTriggerValue('selection', { kind: 'coding', coding: Number(stripe.dataset.coding) });
      return;
    }
    const sel = (root.getRootNode().getSelection ? root.getRootNode() : window).getSelection();
    if (sel && !sel.isCollapsed && sel.rangeCount) {
      const r = sel.getRangeAt(0);
      const a = segOf(r.startContainer), b = segOf(r.endContainer);
      if (a && b) {
        setTriggerValue('selection', {
          kind: 'span', start_segment: Number(a.dataset.seg),
          start: offsetIn(a, r.startContainer, r.startOffset),
          end_segment: Number(b.dataset.seg), end: offsetIn(b, r.endContainer, r.endOffset),
        });
        return;
      }
    }
    const seg = segOf(event.target);
    if (seg) {
      setTriggerValue('selection', { kind: 'segment', segment: Number(seg.dataset.seg) });
    }
  };
}
"""

_component = st.components.v2.component("workbench_transcript", css=CSS, js=JS)


def _time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f"<span class='wb-time'>[{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}]</span>"


def _chip(coding: dict[str, Any], extra: str = "") -> str:
    label = html.escape(coding["code_name"])
    if coding["status"] != "suggested":
        return f"<span class='wb-chip{extra}'>{label}</span>"
    score = figure(coding["score"], empty="?")  # a score, no chance
    return f"<span class='wb-chip suggested{extra}'>{label} {score}</span>"


def _color(coding: dict[str, Any]) -> str:
    return html.escape(coding["code_color"] or "#ffe08a")


def _shown(codings: list[dict[str, Any]], show_suggestions: bool) -> list[dict[str, Any]]:
    """Accepted codings first, then (when shown) suggestions; rejected ones never."""
    accepted = [c for c in codings if c["status"] == "accepted"]
    suggested = [c for c in codings if c["status"] == "suggested"] if show_suggestions else []
    return accepted + suggested


def _segment_text(
    seg: SegmentView, spans: list[dict[str, Any]], selected_span: tuple[int, int] | None
) -> str:
    """The segment's text with free-span codings (and a selected span) marked inside it.

    Offsets are code points, so Python slicing of ``seg.text`` is exact; the marks add no
    text, so the browser's selection offsets within the segment stay the same.
    """
    marks = [(c["start_char"], c["end_char"], c) for c in spans]
    if selected_span:
        marks.append((selected_span[0], selected_span[1], None))
    cuts = {seg.start_char, seg.end_char}
    for start, end, _ in marks:
        cuts.update(x for x in (start, end) if seg.start_char < x < seg.end_char)
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        piece = html.escape(seg.text[a - seg.start_char : b - seg.start_char])
        over = [m for m in marks if m[0] < b and a < m[1]]
        if not over:
            out.append(piece)
            continue
        codings = [m[2] for m in over if m[2] is not None]
        classes = ["wb-span"]
        if codings and all(c["status"] == "suggested" for c in codings):
            classes.append("suggested")
        if any(m[2] is None for m in over):
            classes.append("selected")
        style = f" style='--wb-color:{_color(codings[0])}55'" if codings else ""
        title = html.escape(", ".join(f"{c['code_name']} · {c['coder']}" for c in codings))
        out.append(f"<span class='{' '.join(classes)}'{style} title='{title}'>{piece}</span>")
    return "".join(out)


def _margin(codings: list[dict[str, Any]], me: str | None) -> str:
    """Stripes beside a turn: one per code and coder, hover for who and when, click to select."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in sorted(codings, key=lambda c: (c["start_char"], c["id"])):
        groups.setdefault((c["code_name"], c["coder"]), []).append(c)
    stripes = []
    for (name, coder), group in groups.items():
        first = group[0]
        classes = ["wb-stripe"]
        if me is not None and coder != me:
            classes.append("other")
        if all(c["status"] == "suggested" for c in group):
            classes.append("suggested")
        when = moment(first.get("created_at"))  # the hover speaks the reader's language
        title = html.escape(
            f"{name} · {coder} · {when}" + (f" · {len(group)}×" if len(group) > 1 else "")
        )
        stripes.append(
            f"<div class='{' '.join(classes)}' data-coding='{first['id']}' "
            f"style='--wb-color:{_color(first)}' title='{title}'>{html.escape(name)} "
            f"<small>{html.escape(coder)}</small></div>"
        )
    return f"<div class='wb-margin'>{''.join(stripes)}</div>"


def transcript_html(
    view: DocumentView,
    *,
    selected: int | None = None,
    selected_span: tuple[int, int] | None = None,
    show_suggestions: bool = True,
    margin: bool = False,
    me: str | None = None,
) -> str:
    """The transcript as escaped HTML: one block per turn, one span per segment.

    Codings on a segment colour it; codings on a free span (hand-selected text) are marked
    inside the segments they cover, with their chip after the last one. With ``margin``,
    each turn gets stripes per code and coder beside it (the QDA margin view).
    """
    free = _shown(view.free_codings, show_suggestions)
    # the last segment a free span touches carries its chip
    last_seg: dict[int, int] = {}
    for turn in view.turns:
        for seg in turn.segments:
            for c in free:
                if c["start_char"] < seg.end_char and seg.start_char < c["end_char"]:
                    last_seg[c["id"]] = seg.id
    parts = []
    for turn in view.turns:
        role = html.escape(turn.role or "")
        speaker = (
            f"<span class='wb-speaker {role}'>{html.escape(turn.speaker)}:</span>"
            if turn.speaker
            else ""
        )
        segs, in_turn = [], []
        for seg in turn.segments:
            shown = _shown(seg.codings, show_suggestions)
            spans = [
                c for c in free if c["start_char"] < seg.end_char and seg.start_char < c["end_char"]
            ]
            in_turn += shown + [c for c in spans if c not in in_turn]
            accepted = [c for c in shown if c["status"] == "accepted"]
            classes = ["wb-seg"]
            style = ""
            if accepted:
                classes.append("coded")
                style = f" style='--wb-color:{_color(accepted[0])}55'"
            if any(c["status"] == "suggested" for c in shown):
                classes.append("suggested")
            if seg.id == selected:
                classes.append("selected")
            chips = "".join(_chip(c) for c in shown)
            chips += "".join(_chip(c, " span") for c in spans if last_seg.get(c["id"]) == seg.id)
            segs.append(
                f"<span class='{' '.join(classes)}' data-seg='{seg.id}'{style}>"
                f"{_segment_text(seg, spans, selected_span)}</span>{chips} "
            )
        text = f"{_time(turn.time_start)}{speaker}{''.join(segs)}"
        if margin:
            parts.append(
                f"<div class='wb-turn with-margin {role}'><div class='wb-text'>{text}"
                f"</div>{_margin(in_turn, me)}</div>"
            )
        else:
            parts.append(f"<div class='wb-turn {role}'>{text}</div>")
    return "".join(parts)


def transcript(
    view: DocumentView, *, key: str, version: Any, focus: int | None = None, **options: Any
) -> dict | None:
    """Show the transcript; returns the latest selection or None.

    A selection is ``{kind: segment, segment}``, ``{kind: span, ...}`` (UTF-16 offsets) or
    ``{kind: coding, coding}`` (a stripe in the margin). ``focus`` scrolls that segment into
    view once (a jump from elsewhere).
    """
    result = _component(
        data={"html": transcript_html(view, **options), "version": str(version), "focus": focus},
        key=key,
        on_selection_change=lambda: None,
    )
    return getattr(result, "selection", None)
