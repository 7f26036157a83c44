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

from workbench.documents import DocumentView

CSS = """
.wb-transcript { font-family: var(--st-font, sans-serif); line-height: 1.7; max-height: 70vh;
  overflow-y: auto; padding: 0.25rem 0.75rem 0.25rem 0; }
.wb-turn { margin: 0 0 0.9rem 0; }
.wb-speaker { font-weight: 600; margin-right: 0.4rem; }
.wb-speaker.interviewer { color: #555; }
.wb-time { color: #777; font-size: 0.8em; margin-right: 0.4rem; }
.wb-turn.interviewer .wb-seg { color: #444; }
.wb-seg { cursor: pointer; border-radius: 3px; padding: 1px 0; }
.wb-seg:hover { outline: 1px dotted #888; }
.wb-seg.selected { outline: 2px solid #1f6feb; }
.wb-seg.coded { background: var(--wb-color); }
.wb-seg.suggested { border-bottom: 2px dashed #b35900; }
.wb-chip { display: inline-block; font-size: 0.72em; padding: 0 0.35rem; margin: 0 0.15rem;
  border-radius: 0.6rem; background: #eee; color: #222; vertical-align: middle; }
.wb-chip.suggested { background: #fff; border: 1px dashed #b35900; }
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


def _chip(coding: dict[str, Any]) -> str:
    label = html.escape(coding["code_name"])
    if coding["status"] != "suggested":
        return f"<span class='wb-chip'>{label}</span>"
    score = "?" if coding["score"] is None else f"{round(coding['score'] * 100)}%"
    return f"<span class='wb-chip suggested'>{label} {score}</span>"


def transcript_html(
    view: DocumentView, *, selected: int | None = None, show_suggestions: bool = True
) -> str:
    """The transcript as escaped HTML: one block per turn, one span per segment."""
    parts = []
    for turn in view.turns:
        role = html.escape(turn.role or "")
        speaker = (
            f"<span class='wb-speaker {role}'>{html.escape(turn.speaker)}:</span>"
            if turn.speaker else ""
        )
        segs = []
        for seg in turn.segments:
            accepted = [c for c in seg.codings if c["status"] == "accepted"]
            suggested = [c for c in seg.codings if c["status"] == "suggested"]
            classes = ["wb-seg"]
            style = ""
            if accepted:
                classes.append("coded")
                style = f" style='--wb-color:{html.escape(accepted[0]['code_color'] or '#ffe08a')}55'"
            if suggested and show_suggestions:
                classes.append("suggested")
            if seg.id == selected:
                classes.append("selected")
            chips = "".join(_chip(c) for c in accepted)
            if show_suggestions:
                chips += "".join(_chip(c) for c in suggested)
            segs.append(
                f"<span class='{' '.join(classes)}' data-seg='{seg.id}'{style}>"
                f"{html.escape(seg.text)}</span>{chips} "
            )
        parts.append(
            f"<div class='wb-turn {role}'>{_time(turn.time_start)}{speaker}{''.join(segs)}</div>"
        )
    return "".join(parts)


def transcript(view: DocumentView, *, key: str, version: Any, **options: Any) -> dict | None:
    """Show the transcript; returns the latest selection ({kind: segment|span, ...}) or None."""
    result = _component(
        data={"html": transcript_html(view, **options), "version": str(version)},
        key=key,
        on_selection_change=lambda: None,
    )
    return getattr(result, "selection", None)
