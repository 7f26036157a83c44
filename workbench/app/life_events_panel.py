"""The "Gebeurtenis in het leven" panel of the Coderen page (issue 12).

For the selected text: which loss or reaction each coding here is a mention of, the
workbench's proposals with their evidence (confirm or reject, like code suggestions), a new
event or "this is the same event as ...", when it happened (year, age, before/after another
event, how sure), and links: "this came from ..." by picking the earlier event. The Coderen
page calls :func:`show` with one line; everything here calls :mod:`workbench.life_events`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from workbench import life_events
from workbench.app.common import attempt, choice, lang, tr
from workbench.codebook.views import codebook_from_project
from workbench.consistency import blind_spans, visible_codings
from workbench.handle import Project
from workbench.suggest.display import escape_markdown


def _name(event: pd.Series) -> str:
    when = (
        str(event["life_year"])
        if not pd.isna(event["life_year"])
        else tr("lifepanel.age", age=event["life_age"])
        if not pd.isna(event["life_age"])
        else tr("lifepanel.no_time")
    )
    label = f" · {event['label']}" if isinstance(event["label"], str) and event["label"] else ""
    return f"#{event['event']} {event['kind']}{label} ({when})"


def _status(status: str) -> str:
    return tr(f"lifepanel.status.{status}")


def show(project: Project, target: dict[str, Any] | None, *, others: bool) -> None:
    """The panel for the selected segment or span (nothing when nothing is selected);
    ``project`` is the page's handle (the session's user), ``others`` the page's "Andere
    codeurs tonen": without it the panel lists only the user's own codings here, as the
    transcript does. Events stay the team's: the pickers offer the events of the whole
    respondent, also those made from a colleague's codings (linking to one is how a team
    keeps one event per happening), except while the user codes this interview blind."""
    if not target or not project.can("read"):
        return
    doc = target["document_id"]
    here = (
        attempt(
            life_events.codings_at, project, doc, target["start_char"], target["end_char"]
        ).value
        or []
    )
    # while the user codes this text blind, the page above hides other coders' codings: so
    # does this panel (it listed them)
    visible = {c["id"] for c in visible_codings(project, document_id=doc)}
    here = [c for c in here if c["id"] in visible and (others or c["coder"] == project.user)]
    blind = bool(blind_spans(project, document_id=doc))
    with st.expander(tr("lifepanel.title"), icon=":material/timeline:", expanded=bool(here)):
        may = project.can("code")
        if may and blind:  # proposals come from every coder's codings: their count told
            st.caption(tr("lifepanel.propose_blind"))
        elif may and st.button(
            tr("lifepanel.propose"), key="life_propose", icon=":material/auto_awesome:"
        ):
            if attempt(
                life_events.propose,
                project,
                document_id=doc,
                toast=lambda made: tr("lifepanel.proposed", **made),
            ):
                st.rerun()
        if not here:
            st.caption(tr("lifepanel.nothing_here"))
            return
        events = life_events.events_frame(project, document_id=doc)
        events = _shown_events(project, doc, events[events["status"] != "rejected"])
        names = {int(e["event"]): _name(e) for _, e in events.iterrows()}
        # a code by its name, as the rest of the page names it (its id read as a typo)
        titles = {c.id: c.name for c in codebook_from_project(project).codes}
        for coding in here:
            _coding(project, coding, events, names, may, titles)
        shown_here = {m["event"] for c in here for m in c["mentions"]}
        for event_id in sorted(shown_here):
            if event_id in names:
                _event(project, events[events["event"] == event_id].iloc[0], events, names, may)


def _shown_events(project: Project, doc: int, events: pd.DataFrame) -> pd.DataFrame:
    """The events of this respondent the user may see: none made from a coding the coding
    pages hide from her (another coder's, in a text she codes blind), and while she codes
    this interview blind only those made from her own codings alone. An event's label and
    kind are a coder's judgement ("overlijden moeder"): offered in "same event as", they
    told the blind coder what her colleague coded."""
    mentions = life_events.mentions_frame(project, document_id=doc)
    mentions = mentions[mentions["status"] != "rejected"]
    visible = {
        c["id"]
        for d in mentions["document_id"].unique()
        for c in visible_codings(project, document_id=int(d))
    }
    hidden = set(mentions.loc[~mentions["coding"].isin(visible), "event"])
    if blind_spans(project, document_id=doc):
        mine = mentions["coder"] == project.user
        own_only = set(mentions.loc[mine, "event"]) - set(mentions.loc[~mine, "event"])
        hidden |= set(events["event"]) - own_only
    return events[~events["event"].isin(list(hidden))]


def _coding(
    project: Project,
    coding: dict[str, Any],
    events: pd.DataFrame,
    names: dict[int, str],
    may: bool,
    titles: dict[str, str],
) -> None:
    """One coding here: the event it mentions (or proposals), or make / choose one."""
    code = escape_markdown(titles.get(coding["code"], coding["code"]))
    st.markdown(tr("lifepanel.coding", code=code, coder=coding["coder"]))
    for mention in coding["mentions"]:
        if mention["event"] not in names:  # an event she may not see (see _shown_events)
            continue
        line = tr(
            "lifepanel.mentions",
            event=names[mention["event"]],
            status=_status(mention["status"]),
        )
        st.markdown(line)
        why = life_events.evidence_text(mention["evidence"], lang())
        if why:
            st.caption(tr("lifepanel.why", evidence=why))
        if mention["status"] == "suggested" and may:
            left, right = st.columns(2)
            if left.button(tr("lifepanel.confirm"), key=f"life_mc_{mention['mention']}"):
                if attempt(life_events.decide, project, "mention", mention["mention"], "accepted"):
                    st.rerun()
            if right.button(tr("lifepanel.reject"), key=f"life_mr_{mention['mention']}"):
                if attempt(life_events.decide, project, "mention", mention["mention"], "rejected"):
                    st.rerun()
    if not may or any(m["status"] == "accepted" for m in coding["mentions"]):
        return
    same = [
        e
        for e, kind in zip(events["event"], events["kind"])
        if kind == coding["code"] or coding["code"] in str(kind)
    ]
    # under each other: side by side in the right-hand column their labels were cut off
    with st.popover(tr("lifepanel.new"), icon=":material/add:", width="stretch"):
        label = st.text_input(tr("lifepanel.label"), key=f"life_label_{coding['id']}")
        if st.button(tr("lifepanel.make"), key=f"life_make_{coding['id']}"):
            if attempt(life_events.create_event, project, [coding["id"]], label=label or None):
                st.rerun()
    with st.popover(tr("lifepanel.same_as"), icon=":material/link:", width="stretch"):
        chosen = st.selectbox(
            tr("lifepanel.same_as"),
            same,
            index=None,
            format_func=lambda e: names.get(int(e), str(e)),
            key=f"life_same_{coding['id']}",
            placeholder=tr("app.choose"),
        )
        if st.button(
            tr("lifepanel.attach"), key=f"life_attach_{coding['id']}", disabled=chosen is None
        ):
            if attempt(life_events.attach, project, int(chosen), coding["id"]):
                st.rerun()


def _event(
    project: Project,
    event: pd.Series,
    events: pd.DataFrame,
    names: dict[int, str],
    may: bool,
) -> None:
    """One event: its status, when, its links (with proposals to decide) and new links."""
    event_id = int(event["event"])
    st.markdown(tr("lifepanel.event", event=names[event_id], status=_status(event["status"])))
    if may and event["status"] == "suggested":
        left, right = st.columns(2)
        if left.button(tr("lifepanel.confirm"), key=f"life_ec_{event_id}"):
            if attempt(life_events.decide, project, "event", event_id, "accepted"):
                st.rerun()
        if right.button(tr("lifepanel.reject"), key=f"life_er_{event_id}"):
            if attempt(life_events.decide, project, "event", event_id, "rejected"):
                st.rerun()
    links = life_events.links_frame(project, document_id=int(event["document_id"]))
    links = links[
        ((links["cause"] == event_id) | (links["effect"] == event_id))
        & (links["status"] != "rejected")
        & links["cause"].isin(list(names))
        & links["effect"].isin(list(names))
    ]
    for _, link in links.iterrows():
        st.markdown(
            tr(
                "lifepanel.link",
                cause=names[int(link["cause"])],
                effect=names[int(link["effect"])],
                status=_status(link["status"]),
            )
        )
        why = life_events.evidence_text(link["evidence"], lang())
        if why:
            st.caption(tr("lifepanel.why", evidence=why))
        if may and link["status"] == "suggested":
            left, right = st.columns(2)
            if left.button(tr("lifepanel.confirm"), key=f"life_lc_{link['link']}"):
                if attempt(life_events.decide, project, "link", int(link["link"]), "accepted"):
                    st.rerun()
            if right.button(tr("lifepanel.reject"), key=f"life_lr_{link['link']}"):
                if attempt(life_events.decide, project, "link", int(link["link"]), "rejected"):
                    st.rerun()
    if not may:
        return
    with st.popover(tr("lifepanel.when"), icon=":material/event:", width="stretch"):
        _when_form(project, event, names)
    with st.popover(tr("lifepanel.came_from"), icon=":material/arrow_forward:", width="stretch"):
        losses = [
            e
            for e, role in zip(events["event"], events["role"])
            if role == "loss" and int(e) != event_id
        ]
        cause = st.selectbox(
            tr("lifepanel.came_from"),
            losses,
            index=None,
            format_func=lambda e: names.get(int(e), str(e)),
            key=f"life_cause_{event_id}",
            placeholder=tr("app.choose"),
        )
        if st.button(
            tr("lifepanel.link_save"), key=f"life_link_{event_id}", disabled=cause is None
        ):
            if attempt(life_events.link, project, int(cause), event_id):
                st.rerun()


def _when_form(project: Project, event: pd.Series, names: dict[int, str]) -> None:
    """Year, age, before/after another event, and how sure."""
    event_id = int(event["event"])
    value = lambda v: None if pd.isna(v) else int(v)
    year = st.number_input(
        tr("lifepanel.year"),
        1900,
        2100,
        value=value(event["life_year"]),
        step=1,
        key=f"life_year_{event_id}",
    )
    age = st.number_input(
        tr("lifepanel.age_input"),
        0,
        120,
        value=value(event["life_age"]),
        step=1,
        key=f"life_age_{event_id}",
    )
    relations = {r: tr(f"lifepanel.relation.{r or 'none'}") for r in [None, *life_events.RELATIONS]}
    relation = choice(
        st.selectbox,
        tr("lifepanel.relation"),
        relations,
        index=list(relations).index(event["relation"]) if event["relation"] in relations else 0,
        key=f"life_rel_{event_id}",
    )
    others = [e for e in names if e != event_id]
    other = st.selectbox(
        tr("lifepanel.other"),
        others,
        index=None,
        format_func=names.get,
        key=f"life_other_{event_id}",
        placeholder=tr("app.choose"),
    )
    certainties = {c: tr(f"lifepanel.certainty.{c}") for c in life_events.CERTAINTIES}
    certainty = choice(
        st.radio,
        tr("lifepanel.certainty"),
        certainties,
        index=list(certainties).index(event["certainty"]),
        horizontal=True,
        key=f"life_sure_{event_id}",
    )
    if st.button(tr("lifepanel.save"), key=f"life_save_{event_id}"):
        if attempt(
            life_events.update_event,
            project,
            event_id,
            life_year=year,
            life_age=age,
            relation=relation,
            relative_to=other if relation else None,
            certainty=certainty,
        ):
            st.rerun()
