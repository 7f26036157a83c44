"""Coderen: one transcript at a time, code a sentence or a free span, decide on suggestions.

The transcript shows segment codings and hand-selected span codings, optionally with the
margin view (stripes per code and coder). A URL like ``coderen?doc=3&seg=120`` (see
workbench.app.jump) opens an interview at a place; so does every row of a code's fragments.
Each code on the chosen text has a Memo action: the memos on that coding and a box to write
one (workbench.memos). Undo (Ctrl+Z) takes back the user's last action, also a "klaar" mark
set or taken away; when someone changed that since, it offers the action before it
(workbench.app.common.older_undo).
"""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    db,
    document_label,
    figure,
    moment,
    nlp,
    older_undo,
    tr,
    undone_message,
    user,
)
from workbench.app.jump import read_jump
from workbench.app.memo_box import save_button, show_outcome
from workbench.app.transcript import transcript
from workbench.codebook.views import codebook_from_project
from workbench.codings import add_coding, code_id, decide, remove_coding, set_life_time
from workbench.consistency import blind_spans
from workbench.documents import document_view, list_documents, span_from_selection
from workbench.done_marks import is_done, mark_done
from workbench.handle import Project
from workbench.history import undo_last
from workbench.memos import list_memos
from workbench.retrieval import code_segments
from workbench.store import last_event_id
from workbench.suggest import suggest_document
from workbench.suggest.display import escape_markdown

# Below this page width the transcript and the tools stand one under the other (see below).
NARROW = "46rem"


def undone_toast(undone: dict) -> str:
    """The toast after an undo, here and from the offer to undo an older action."""
    return undone_message(undone, "coderen.undone")


def quoted(text: str) -> str:
    """Transcript text as a Markdown quote that shows it as written: "*zucht*" or "[lacht]"
    stay as typed (not italics or a link) and a span across turns keeps its line breaks."""
    return "> " + escape_markdown(text).replace("\n", "  \n> ")


def one_line(text: str) -> str:
    """Transcript text inside a line of Markdown: as written, its line breaks as spaces."""
    return escape_markdown(text).replace("\n", " ")


def on_other_text(coding: dict, start: int, end: int) -> bool:
    """Whether a coding listed under the chosen text lies on other text (more or less)."""
    return (coding["start_char"], coding["end_char"]) != (start, end)


def on_span(coding: dict) -> str:
    """The text a coding lies on, as the line under it says when that is not the chosen text."""
    return f"{tr('coderen.on_span')}: “{one_line(coding['text'])}”"


def go_to(place: dict) -> None:
    """Open the interview of ``place`` there: select the segment or span and scroll to it."""
    st.session_state["coding_document"] = place["document_id"]
    st.session_state["coding_target"] = {
        "document_id": place["document_id"],
        "segment_id": place.get("segment_id"),
        "start_char": place.get("start_char"),
        "end_char": place.get("end_char"),
    }
    st.session_state["coding_focus"] = place.get("segment_id")
    if place.get("segment_id") is None:  # a free span: scroll to the segment it starts in
        st.session_state["coding_focus_char"] = place.get("start_char")


def coding_memos(handle: Project, row: DeltaGenerator, coding: dict) -> None:
    """A "Memo" action beside a coding: its memos (anyone's) and a box to write one."""
    memos = attempt(list_memos, handle, target_type="coding", target_id=coding["id"]).value or []
    label = tr("coderen.coding_memo") + (f" ({len(memos)})" if memos else "")
    with row.popover(label, icon=":material/sticky_note_2:"):
        st.caption(tr("coderen.coding_memo_help"))
        for memo in memos:
            st.markdown(f"_{memo['author']}_ · {moment(memo['updated_at'])}")
            st.write(memo["text"])
        if not handle.can("memo.write"):
            return
        key = f"coding-memo-{coding['id']}"
        st.text_area(
            tr("coderen.coding_memo_text"), key=key, placeholder=tr("coderen.memo_placeholder")
        )
        # what it says is shown under the codes: the coding may be gone, and this box with it
        save_button(
            tr("coderen.save_memo"),
            key=f"{key}-save",
            text_key=key,
            place="coding_memos",
            target_type="coding",
            target_id=coding["id"],
            saved=tr("coderen.coding_memo_saved", code=coding["code_name"]),
        )


st.title(tr("page.coderen"))
handle = acting_project()  # the project as seen by this session's user
project = db()
me = user()
documents = list_documents(handle)
if not documents:
    st.info(tr("coderen.no_documents"))
    st.stop()

labels = {d["id"]: document_label(d["respondent"], d["name"]) for d in documents}
jump = read_jump(st.query_params)
if jump is not None:
    st.query_params.clear()  # a jump is done once; the page then behaves as usual
    if jump["document_id"] in labels:
        go_to(jump)
    else:
        st.warning(tr("coderen.jump_unknown", document=jump["document_id"]))

doc_id = st.selectbox(
    tr("coderen.document"), list(labels), format_func=labels.get, key="coding_document"
)
# toggles get a row of their own: beside the interview picker their labels were cut off;
# a row that wraps, so on a narrow window a toggle goes to the next line instead
top = st.container(horizontal=True, gap="medium")
show_suggestions = top.toggle(
    tr("coderen.show_suggestions"), value=True, key="coding_show_suggestions"
)
show_others = top.toggle(tr("coderen.show_others"), value=False, key="coding_show_others")
margin = top.toggle(
    tr("coderen.margin"), value=True, key="coding_margin", help=tr("coderen.margin_help")
)

view = document_view(handle, doc_id, coders=None if show_others else [me])
if blind_spans(handle, document_id=doc_id):
    st.warning(tr("coderen.blind"))
segments = {s.id: s for turn in view.turns for s in turn.segments}
codings = {
    c["id"]: c for c in [*view.free_codings, *(c for s in segments.values() for c in s.codings)]
}
target = st.session_state.get("coding_target")
if target and target["document_id"] != doc_id:
    target = None
if target and target.get("start_char") is None:  # a jump to a segment: fill in its span
    seg = segments.get(target.get("segment_id"))
    target = {**target, "start_char": seg.start_char, "end_char": seg.end_char} if seg else None
    st.session_state["coding_target"] = target
focus_char = st.session_state.pop("coding_focus_char", None)
if focus_char is not None:
    st.session_state["coding_focus"] = next(
        (s.id for s in segments.values() if s.start_char <= focus_char < s.end_char), None
    )

# On a narrow window (800 px with the sidebar open leaves some 470 px) two columns left the
# transcript a few words wide: where the page is narrower than NARROW, the tools go under the
# transcript and both get the whole width. Streamlit itself stacks columns only at 640 px.
st.html(
    "<style>.st-key-coding_layout { container-type: inline-size; }"
    f"@container (max-width: {NARROW}) {{"
    " .st-key-coding_layout > [data-testid='stHorizontalBlock'],"
    " .st-key-coding_layout > * > [data-testid='stHorizontalBlock'] { flex-wrap: wrap; }"
    " .st-key-coding_layout > [data-testid='stHorizontalBlock'] > [data-testid='stColumn'],"
    " .st-key-coding_layout > * > [data-testid='stHorizontalBlock'] > [data-testid='stColumn']"
    " { flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; } }"
    "</style>"
)
left, right = st.container(key="coding_layout").columns([3, 2], gap="large")
with left:
    st.caption(tr("coderen.help"))
    span = (
        (target["start_char"], target["end_char"]) if target and not target["segment_id"] else None
    )
    selection = transcript(
        view,
        key=f"transcript-{doc_id}",
        # everything that changes what is drawn: a new redraw whenever one of these changes
        version=(
            last_event_id(project),
            target and target.get("segment_id"),
            span,
            show_suggestions,
            show_others,
            margin,
        ),
        focus=st.session_state.get("coding_focus"),
        selected=target.get("segment_id") if target else None,
        selected_span=span,
        show_suggestions=show_suggestions,
        margin=margin,
        me=me,
    )
if selection:
    if selection["kind"] == "segment" and selection["segment"] in segments:
        seg = segments[selection["segment"]]
        target = {
            "document_id": doc_id,
            "segment_id": seg.id,
            "start_char": seg.start_char,
            "end_char": seg.end_char,
        }
    elif selection["kind"] == "span":
        found = attempt(
            span_from_selection,
            handle,
            selection["start_segment"],
            selection["start"],
            selection["end_segment"],
            selection["end"],
        ).value
        if found and found[1] < found[2]:
            # a selection of exactly one sentence is that sentence: add_coding stores it on
            # the sentence, and the codes on it are then listed under the chosen text
            exact = next(
                (s.id for s in segments.values() if (s.start_char, s.end_char) == found[1:]),
                None,
            )
            target = {
                "document_id": found[0],
                "segment_id": exact,
                "start_char": found[1],
                "end_char": found[2],
            }
    elif selection["kind"] == "coding" and selection["coding"] in codings:
        c = codings[selection["coding"]]
        exact = c["segment_id"] in segments
        target = {
            "document_id": doc_id,
            "segment_id": c["segment_id"] if exact else None,
            "start_char": c["start_char"],
            "end_char": c["end_char"],
        }
    st.session_state["coding_target"] = target

with right:
    refused = None
    if st.button(
        tr("coderen.undo"),
        icon=":material/undo:",
        shortcut="ctrl+z",
        key="coding_undo",
        width="stretch",
    ):
        undone = attempt(undo_last, handle, toast=undone_toast)
        if undone:
            st.rerun()
        refused = undone.error
    # the last action was changed since by someone: offer to undo the one before it
    if older_undo(handle, refused, key="coding_undo_older", toast=undone_toast):
        st.rerun()
    if st.button(
        tr("coderen.suggest_document"),
        icon=":material/auto_awesome:",
        key="coding_suggest",
        width="stretch",
    ):
        if attempt(
            suggest_document,
            handle,
            doc_id,
            nlp=nlp(),
            toast=lambda made: tr("coderen.suggested_n", n=len(made)),
        ):
            st.rerun()
    # "klaar": I read this whole interview, also where no code applies (counts for agreement)
    if handle.can("code"):
        done = attempt(is_done, handle, doc_id, coder=me).value
        if st.button(
            tr("coderen.done_undo" if done else "coderen.done_mark"),
            icon=":material/task_alt:" if done else ":material/check_circle:",
            key="coding_done",
            width="stretch",
            help=tr("coderen.done_help"),
        ):
            if attempt(
                mark_done,
                handle,
                [doc_id],
                coder=me,
                done=not done,
                toast="coderen.done_removed" if done else "coderen.done_saved",
            ):
                st.rerun()

    codes = codebook_from_project(handle).codes
    titles = {c.id: c.name for c in codes}  # a code as messages and lists name it
    names = {c.id: (f"{c.name} — {c.brief}" if c.brief else c.name) for c in codes}  # picker

    with st.expander(tr("coderen.retrieve"), icon=":material/format_list_bulleted:"):
        wanted = st.selectbox(
            tr("coderen.retrieve_code"),
            list(names),
            format_func=titles.get,
            index=None,
            placeholder=tr("coderen.code_placeholder"),
            key="coding_retrieve_code",
        )
        if wanted is not None:
            found = (
                attempt(
                    code_segments,
                    handle,
                    code_id(handle, wanted),
                    coders=None if show_others else [me],
                ).value
                or []
            )
            st.caption(tr("coderen.retrieve_n", n=len(found)))
            for place in found:
                row = st.columns([5, 1])
                row[0].markdown(
                    f"**{document_label(place['respondent'], place['document'])}** · "
                    f"_{place['coder']}_  \n{one_line(place['text'])}"
                )
                row[1].button(
                    tr("coderen.go"),
                    key=f"goto-{place['coding_id']}",
                    icon=":material/arrow_forward:",
                    on_click=go_to,
                    args=(place,),
                )

    if not target:
        st.info(tr("coderen.help"))
        st.stop()
    start, end = target["start_char"], target["end_char"]
    st.markdown(f"**{tr('coderen.selected')}**")
    st.markdown(quoted(view.text[start:end]))

    code = st.selectbox(
        tr("coderen.code"),
        list(names),
        format_func=names.get,
        index=None,
        placeholder=tr("coderen.code_placeholder"),
        key="coding_code",
    )
    if st.button(
        tr("coderen.apply"),
        type="primary",
        disabled=code is None,
        shortcut="ctrl+enter",
        key="coding_apply",
    ):
        args = (
            {"segment_id": target["segment_id"]}
            if target["segment_id"]
            else {"document_id": doc_id, "start_char": start, "end_char": end}
        )
        if attempt(
            add_coding,
            handle,
            code=code,
            **args,
            toast=lambda _: tr("coderen.applied", code=titles[code]),
        ):
            st.rerun()

    # what lies on the chosen text: the codings of every sentence it touches and every
    # hand-selected span that overlaps it (a span across two sentences lists their codes too)
    here = [
        c for s in segments.values() if s.start_char < end and start < s.end_char for c in s.codings
    ] + [c for c in view.free_codings if c["start_char"] < end and start < c["end_char"]]
    accepted = [c for c in here if c["status"] == "accepted"]
    suggested = [c for c in here if c["status"] == "suggested"]
    if accepted:
        st.markdown(f"**{tr('coderen.codes_here')}**")
        for c in accepted:
            when = " · ".join(
                str(v)
                for v in (
                    c["life_year"],
                    c["life_age"] and tr("coderen.age_short", age=c["life_age"]),
                )
                if v
            )
            st.markdown(
                f":material/label: {escape_markdown(c['code_name'])} · _{c['coder']}_"
                + (f" · {when}" if when else "")
                + (f"  \n:gray[{on_span(c)}]" if on_other_text(c, start, end) else "")
            )
            # the actions under the code (side by side they were cut off), in a row that wraps
            actions = st.container(horizontal=True)
            with actions.popover(tr("coderen.when"), icon=":material/event:"):
                year = st.number_input(
                    tr("coderen.year"),
                    1900,
                    2100,
                    value=c["life_year"],
                    step=1,
                    key=f"year-{c['id']}",
                    placeholder=tr("coderen.number_placeholder"),
                )
                age = st.number_input(
                    tr("coderen.age"),
                    0,
                    120,
                    value=c["life_age"],
                    step=1,
                    key=f"age-{c['id']}",
                    placeholder=tr("coderen.number_placeholder"),
                )
                st.caption(tr("coderen.when_help"))
                if st.button(tr("coderen.save_when"), key=f"when-{c['id']}"):
                    if attempt(set_life_time, handle, c["id"], year=year, age=age):
                        st.rerun()
            coding_memos(handle, actions, c)
            # the last confirmed text of a life event is kept unless the researcher says
            # to take the event (and its links) away too: a second, explicit button
            with_event = f"remove-with-event-{c['id']}"
            if actions.button(
                tr("coderen.remove"), key=f"remove-{c['id']}", icon=":material/delete:"
            ):
                removed = attempt(remove_coding, handle, c["id"])
                if removed:
                    st.rerun()
                if removed.error is not None and removed.error.key == "codings.last_mention":
                    st.session_state[with_event] = True
            if st.session_state.get(with_event) and st.button(
                tr("coderen.remove_with_event"), key=f"{with_event}-go", type="primary"
            ):
                if attempt(remove_coding, handle, c["id"], with_events=True):
                    st.session_state.pop(with_event, None)
                    st.rerun()
    show_outcome("coding_memos")  # a memo on a coding (also one removed before the click)
    if suggested and show_suggestions:
        st.markdown(f"**{tr('coderen.suggestions_here')}**")
        st.caption(tr("coderen.score_meaning"))
        for i, c in enumerate(suggested):
            # A score orders suggestions; as a percentage it read as a chance of being right.
            score = "" if c["score"] is None else f" · {figure(c['score'])}"
            st.markdown(f"{escape_markdown(c['code_name'])}{score}")
            if on_other_text(c, start, end):
                st.caption(on_span(c))
            if c["evidence"]:
                words = ", ".join(escape_markdown(e) for e in c["evidence"])  # a query's * or _
                st.caption(tr("coderen.evidence", evidence=words))
            row = st.columns(2)
            if row[0].button(
                tr("coderen.accept"), key=f"accept-{c['id']}", shortcut="a" if i == 0 else None
            ):
                if attempt(decide, handle, c["id"], "accepted"):
                    st.rerun()
            if row[1].button(
                tr("coderen.reject"), key=f"reject-{c['id']}", shortcut="x" if i == 0 else None
            ):
                if attempt(decide, handle, c["id"], "rejected"):
                    st.rerun()

    __import__("workbench.app.life_events_panel", fromlist=["show"]).show(
        handle, target, others=show_others
    )
    with st.expander(tr("coderen.memos")):
        targets = {"document": doc_id}
        if target["segment_id"]:
            targets["segment"] = target["segment_id"]
        if code is not None:
            targets["code"] = code_id(handle, code)
        for kind, target_id in targets.items():
            for memo in list_memos(handle, target_type=kind, target_id=target_id):
                st.markdown(f"{tr(f'coderen.memo_on.{kind}')} · _{memo['author']}_: {memo['text']}")
        kind = choice(
            st.radio,
            tr("coderen.memos"),
            {k: tr(f"coderen.memo_on.{k}") for k in targets},
            horizontal=True,
            label_visibility="collapsed",
            key="coding_memo_target",
        )
        st.text_area(
            tr("coderen.memo"),
            key="coding_memo",
            label_visibility="collapsed",
            placeholder=tr("coderen.memo_placeholder"),
        )
        save_button(
            tr("coderen.save_memo"),
            key="coding_memo_save",
            text_key="coding_memo",
            place="coding_memo",
            target_type=kind,
            target_id=targets[kind],
        )
        show_outcome("coding_memo")
