"""Coderen: one transcript at a time, code a sentence or a free span, decide on suggestions."""

import streamlit as st

from workbench.app.common import attempt, db, nlp, tr, user
from workbench.app.transcript import transcript
from workbench.codebook import codebook_from_project
from workbench.codings import add_coding, code_id, decide, remove_coding, set_life_time
from workbench.consistency import blind_spans
from workbench.documents import document_view, list_documents, span_from_selection
from workbench.history import undo_last
from workbench.memos import add_memo, list_memos
from workbench.store import last_event_id
from workbench.suggest import suggest_document

st.title(tr("page.coderen"))
project = db()
me = user()
documents = list_documents(project)
if not documents:
    st.info(tr("coderen.no_documents"))
    st.stop()

labels = {d["id"]: f"{d['respondent'] or '—'} · {d['name']}" for d in documents}
top = st.columns([3, 1, 1])
doc_id = top[0].selectbox(tr("coderen.document"), list(labels), format_func=labels.get,
                          key="coding_document")
show_suggestions = top[1].toggle(tr("coderen.show_suggestions"), value=True)
show_others = top[2].toggle(tr("coderen.show_others"), value=False)

view = document_view(project, doc_id, viewer=me, coders=None if show_others else [me])
if blind_spans(project, viewer=me, document_id=doc_id):
    st.warning(tr("coderen.blind"))
segments = {s.id: s for turn in view.turns for s in turn.segments}
target = st.session_state.get("coding_target")
if target and target["document_id"] != doc_id:
    target = None

left, right = st.columns([3, 2], gap="large")
with left:
    st.caption(tr("coderen.help"))
    selection = transcript(
        view, key=f"transcript-{doc_id}",
        version=(last_event_id(project), target and target.get("segment_id"), show_suggestions),
        selected=target.get("segment_id") if target else None,
        show_suggestions=show_suggestions,
    )
if selection:
    if selection["kind"] == "segment" and selection["segment"] in segments:
        seg = segments[selection["segment"]]
        target = {"document_id": doc_id, "segment_id": seg.id,
                  "start_char": seg.start_char, "end_char": seg.end_char}
    elif selection["kind"] == "span":
        found = attempt(span_from_selection, project, selection["start_segment"],
                        selection["start"], selection["end_segment"], selection["end"])
        if found and found[1] < found[2]:
            target = {"document_id": found[0], "segment_id": None,
                      "start_char": found[1], "end_char": found[2]}
    st.session_state["coding_target"] = target

with right:
    undo_col, suggest_col = st.columns(2)
    if undo_col.button(tr("coderen.undo"), icon=":material/undo:", shortcut="ctrl+z",
                       key="coding_undo"):
        undone = attempt(undo_last, project, user=me)
        st.toast(tr("coderen.undone", action=undone["action"]) if undone
                 else tr("coderen.nothing_to_undo"))
        st.rerun()
    if suggest_col.button(tr("coderen.suggest_document"), icon=":material/auto_awesome:",
                          key="coding_suggest"):
        made = attempt(suggest_document, project, doc_id, coder=me, nlp=nlp())
        if made is not None:
            st.toast(tr("coderen.suggested_n", n=len(made)))
            st.rerun()

    if not target:
        st.info(tr("coderen.help"))
        st.stop()
    start, end = target["start_char"], target["end_char"]
    st.markdown(f"**{tr('coderen.selected')}**")
    st.markdown(f"> {view.text[start:end]}")

    codes = codebook_from_project(project).codes
    names = {c.id: (f"{c.name} — {c.brief}" if c.brief else c.name) for c in codes}
    code = st.selectbox(tr("coderen.code"), list(names), format_func=names.get, index=None,
                        key="coding_code")
    if st.button(tr("coderen.apply"), type="primary", disabled=code is None,
                 shortcut="ctrl+enter", key="coding_apply"):
        args = ({"segment_id": target["segment_id"]} if target["segment_id"] else
                {"document_id": doc_id, "start_char": start, "end_char": end})
        if attempt(add_coding, project, coder=me, code=code, **args) is not None:
            st.toast(tr("coderen.applied", code=names[code]))
            st.rerun()

    here = (segments[target["segment_id"]].codings if target["segment_id"]
            else [c for c in view.free_codings if c["start_char"] < end and start < c["end_char"]])
    accepted = [c for c in here if c["status"] == "accepted"]
    suggested = [c for c in here if c["status"] == "suggested"]
    if accepted:
        st.markdown(f"**{tr('coderen.codes_here')}**")
        for c in accepted:
            row = st.columns([4, 2, 1])
            when = " · ".join(str(v) for v in (c["life_year"], c["life_age"] and
                                               tr("coderen.age_short", age=c["life_age"])) if v)
            row[0].markdown(f":material/label: {c['code_name']} · _{c['coder']}_"
                            + (f" · {when}" if when else ""))
            with row[1].popover(tr("coderen.when"), icon=":material/event:"):
                year = st.number_input(tr("coderen.year"), 1900, 2100, value=c["life_year"],
                                       step=1, key=f"year-{c['id']}")
                age = st.number_input(tr("coderen.age"), 0, 120, value=c["life_age"], step=1,
                                      key=f"age-{c['id']}")
                st.caption(tr("coderen.when_help"))
                if st.button(tr("coderen.save_when"), key=f"when-{c['id']}"):
                    if attempt(set_life_time, project, c["id"], year=year, age=age,
                               actor=me) is not None:
                        st.rerun()
            if row[2].button(tr("coderen.remove"), key=f"remove-{c['id']}"):
                attempt(remove_coding, project, c["id"], actor=me)
                st.rerun()
    if suggested and show_suggestions:
        st.markdown(f"**{tr('coderen.suggestions_here')}**")
        for i, c in enumerate(suggested):
            score = "" if c["score"] is None else f" · {round(c['score'] * 100)}%"
            st.markdown(f"{c['code_name']}{score}")
            if c["evidence"]:
                st.caption(tr("coderen.evidence", evidence=", ".join(c["evidence"])))
            row = st.columns(2)
            if row[0].button(tr("coderen.accept"), key=f"accept-{c['id']}",
                             shortcut="a" if i == 0 else None):
                attempt(decide, project, c["id"], "accepted", actor=me)
                st.rerun()
            if row[1].button(tr("coderen.reject"), key=f"reject-{c['id']}",
                             shortcut="x" if i == 0 else None):
                attempt(decide, project, c["id"], "rejected", actor=me)
                st.rerun()

    with st.expander(tr("coderen.memos")):
        targets = {"document": doc_id}
        if target["segment_id"]:
            targets["segment"] = target["segment_id"]
        if code is not None:
            targets["code"] = code_id(project, code)
        for kind, target_id in targets.items():
            for memo in list_memos(project, target_type=kind, target_id=target_id):
                st.markdown(f"{tr(f'coderen.memo_on.{kind}')} · _{memo['author']}_: {memo['text']}")
        kind = st.radio(tr("coderen.memos"), list(targets), horizontal=True,
                        format_func=lambda k: tr(f"coderen.memo_on.{k}"),
                        label_visibility="collapsed", key="coding_memo_target")
        text = st.text_area(tr("coderen.memo"), key="coding_memo", label_visibility="collapsed")
        if st.button(tr("coderen.save_memo"), key="coding_memo_save"):
            if attempt(add_memo, project, author=me, target_type=kind,
                       target_id=targets[kind], text=text) is not None:
                st.rerun()
