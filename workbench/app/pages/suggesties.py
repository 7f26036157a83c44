"""Suggesties: review machine suggestions one fragment at a time; the model learns from each.

The page only reads widgets and calls workbench.suggest; the model lives in a
:class:`~workbench.suggest.review.Learner` shared per project file (``cache_resource``), which
refits in the background after every decision.
"""

import pandas as pd
import streamlit as st

from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    db,
    document_label,
    figure,
    lang,
    nlp,
    project_path,
    tr,
    user,
)
from workbench.codings import decide
from workbench.documents import list_documents
from workbench.errors import WorkbenchError
from workbench.suggest.display import (
    distrusted_text,
    escape_markdown,
    figure_with_interval,
    fragment_markdown,
    percent,
    source_text,
)
from workbench.suggest.evaluate import MIN_SENTENCES, evaluate
from workbench.suggest.project import suggest_document
from workbench.suggest.review import (
    Learner,
    decide_and_learn,
    example_counts,
    last_change,
    open_count,
    recent_decisions,
    review_queue,
)


@st.cache_resource(show_spinner=False)
def learner_for(path: str) -> Learner:
    """One learner per project file, shared by the sessions of this server."""
    return Learner(path, nlp())


def said_by(speaker: str | None, mark: str) -> str:
    """``*R:* `` before a turn's text; nothing for a turn without a speaker (not ``: ``)."""
    return f"{mark}{escape_markdown(speaker)}:{mark} " if speaker else ""


st.title(tr("page.suggesties"))
handle = acting_project()  # the project as seen by this session's user
st.caption(tr("suggesties.intro"))
project = db()
me = user()
learner = learner_for(str(project_path()))
learner.catch_up(project)  # decisions made on other pages or by other coders
documents = attempt(list_documents, handle).value
if documents is None:  # a role without the read right: the message is shown
    st.stop()
if not documents:
    st.info(tr("suggesties.no_documents"))
    st.stop()

labels = {d["id"]: document_label(d["respondent"], d["name"]) for d in documents}
doc_id = choice(st.selectbox, tr("suggesties.make_document"), labels, key="suggest_document")
make = st.columns(2)  # under the picker: beside it, the button labels were cut off at 1,280 px
targets = None
if make[0].button(tr("suggesties.make"), icon=":material/auto_awesome:", width="stretch"):
    targets = [doc_id]
if make[1].button(tr("suggesties.make_all"), width="stretch"):
    targets = list(labels)
if targets:
    made = [
        attempt(suggest_document, handle, d, nlp=nlp(), model=learner.model).value for d in targets
    ]
    st.success(tr("suggesties.made", n=sum(len(m or []) for m in made)))

if wordless := learner.model.wordless_names():
    st.info(tr("suggest.wordless", n=len(wordless), codes=", ".join(wordless)))

skipped = st.session_state.setdefault("suggest_skipped", [])
counts = {c["code"]: c for c in example_counts(handle, coder=me)}
# codes with suggestions to see or already decided on, search hits included (so a finished
# code stays chosen: dropping it jumped the menu to all codes, showing other codes' cards)
waiting = [
    code
    for code, c in counts.items()
    if c["open"] or c["accepted_share"] is not None or c["hits_decided"]
]
focus = choice(
    st.selectbox,
    tr("suggesties.focus"),
    {
        None: tr("suggesties.focus_all"),
        **{c: tr("suggesties.focus_code", code=counts[c]["name"]) for c in waiting},
    },
    key="suggest_focus",
)


def decide_now(coding_id: int, status: str) -> None:
    """Button callback: record the decision before the page redraws, then let the model learn.

    A callback may not draw, so a refusal is kept for the review card to show.
    """
    try:
        decide_and_learn(handle, coding_id, status, learner=learner)
    except WorkbenchError as exc:
        st.session_state["suggest_error"] = exc.message(lang())
        return
    learner.wait(1.0)


def review(decided: dict[str, dict]) -> None:
    """The review card: one suggestion with its fragment, and the decision buttons."""
    queue = [
        q
        for q in review_queue(
            handle, limit=30 + len(skipped), model=learner.model, nlp=nlp(), code=focus
        )
        if q["coding_id"] not in skipped
    ]
    if focus is not None:  # what this coder made of this code's suggestions so far
        done = decided[focus]
        st.caption(
            tr(
                "suggesties.focus_share",
                code=done["name"],
                accepted=done["suggestions_accepted"],
                decided=done["suggestions_decided"],
                share=percent(done["accepted_share"]),
            )
            if done["suggestions_decided"]
            else tr("suggesties.focus_share_hits", code=done["name"], hits=done["hits_decided"])
            if done["hits_decided"]
            else tr("suggesties.focus_share_none", code=done["name"])
        )
    if not queue:
        st.info(tr("suggesties.queue_empty"))
        return
    if "suggest_error" in st.session_state:
        st.error(st.session_state.pop("suggest_error"))
    item = queue[0]
    st.caption(tr("suggesties.where", document=item["document"]))
    with st.container(border=True):
        if item["before"]:
            st.markdown(
                said_by(item["before"]["speaker"], "*") + escape_markdown(item["before"]["text"])
            )
        st.markdown(
            said_by(item["speaker"], "**")
            + fragment_markdown(item["turn_text"], item["segment_in_turn"], item["evidence"])
        )
        if item["after"]:
            st.markdown(
                said_by(item["after"]["speaker"], "*") + escape_markdown(item["after"]["text"])
            )
    left, right = st.columns([3, 1])
    left.markdown(tr("suggesties.proposal", code=escape_markdown(item["code_name"])))
    left.caption(
        tr("suggesties.evidence", words=", ".join(item["evidence"]) or tr("suggesties.no_evidence"))
    )
    also = [
        f"{q['code_name']} ({figure(q['score'])})"
        for q in queue
        if q["segment_id"] == item["segment_id"] and q["coding_id"] != item["coding_id"]
    ]
    if also:
        left.caption(tr("suggesties.also", codes=", ".join(also)))
    # What this code's suggestions were worth to this coder so far: a count that says what
    # it covers. The score only orders the queue; on real text it is no chance of being right.
    track = decided[item["code"]]
    right.metric(
        tr("suggesties.taken_before"),
        tr(
            "suggesties.taken_count",
            accepted=track["suggestions_accepted"],
            decided=track["suggestions_decided"],
        )
        if track["suggestions_decided"]
        else tr("suggesties.taken_none"),
        help=tr("suggesties.taken_help", code=item["code_name"]),
    )
    left.caption(
        tr(
            "suggesties.score",
            score=figure(item["score"]),
            threshold=figure(item["threshold"]),
        )
    )
    if item["distrusted"]:  # why, per word: rejected, or coded otherwise / left uncoded
        rejected = item["distrusted_rejected"]
        others = [w for w in item["distrusted"] if w not in rejected]
        why = [tr("suggesties.distrusted_rejected", words=", ".join(rejected))] if rejected else []
        if others:
            why.append(
                tr("suggesties.distrusted_not_coded", n=len(others), words=", ".join(others))
            )
        left.caption(" ".join([*why, tr("suggesties.distrusted_alone")]))
    if item["set_aside"]:
        left.caption(tr("suggesties.set_aside", threshold=figure(item["threshold"])))
    buttons = st.columns(3)
    buttons[0].button(
        tr("suggesties.accept"),
        key="suggest_accept",
        type="primary",
        icon=":material/check:",
        shortcut="A",
        width="stretch",
        on_click=decide_now,
        args=(item["coding_id"], "accepted"),
    )
    buttons[1].button(
        tr("suggesties.reject"),
        key="suggest_reject",
        icon=":material/close:",
        shortcut="X",
        width="stretch",
        on_click=decide_now,
        args=(item["coding_id"], "rejected"),
    )
    buttons[2].button(
        tr("suggesties.skip"),
        key="suggest_skip",
        icon=":material/skip_next:",
        shortcut="S",
        width="stretch",
        on_click=skipped.append,
        args=(item["coding_id"],),
    )
    # What is left counts what this queue shows: the chosen code's, without this session's skips.
    left_open = open_count(handle, leaving_out=skipped)
    if focus is None:
        remaining = tr("suggesties.open_count", n=left_open)
    else:
        remaining = tr(
            "suggesties.open_count_code",
            n=open_count(handle, code=focus, leaving_out=skipped),
            code=counts[focus]["name"],
            total=left_open,
        )
    st.caption(tr("suggesties.keys") + " " + remaining)
    st.caption(tr("suggesties.learning", version=learner.version))


def last_decisions() -> None:
    """The coder's last five decisions, each to flip or send back to the queue."""
    with st.expander(tr("suggesties.last_decisions"), expanded=False):
        for r in recent_decisions(handle, limit=5):
            # room for the buttons' words: at [5, 2, 1, 1] they read "Omdr…" at 1,280 px
            cols = st.columns([4, 2, 2, 3], vertical_alignment="center")
            cols[0].markdown(
                f"{escape_markdown(r['text'][:120])}  \n**{escape_markdown(r['code_name'])}**"
            )
            cols[1].write(tr(f"suggesties.status.{r['status']}"))
            flip = "rejected" if r["status"] == "accepted" else "accepted"
            if cols[2].button(tr("suggesties.flip_decision"), key=f"flip_{r['coding_id']}"):
                if attempt(decide_and_learn, handle, r["coding_id"], flip, learner=learner):
                    st.rerun()
            if cols[3].button(tr("suggesties.undo_decision"), key=f"reopen_{r['coding_id']}"):
                if attempt(decide, handle, r["coding_id"], "suggested"):
                    learner.notify()
                    st.rerun()


def work_per_code(decided: dict[str, dict]) -> None:
    """This coder's accepted, rejected and open suggestions per code, and the words that no
    longer count alone."""
    with st.expander(tr("suggesties.counts"), expanded=False):
        st.caption(tr("suggesties.counts_help"))
        table = pd.DataFrame(list(decided.values()))
        table["accepted_share"] = [percent(v) for v in table["accepted_share"]]
        alone = {
            s["code"]: distrusted_text(s["distrusted"], s["distrusted_detail"], lang())
            for s in learner.model.suggester.status()
        }
        table["distrusted"] = [alone.get(code, "") for code in table["code"]]
        columns = ("code", "accepted", "rejected", "open", "accepted_share", "distrusted")
        st.dataframe(
            table[list(columns)].rename(columns={c: tr(f"suggesties.col.{c}") for c in columns}),
            hide_index=True,
        )


def evaluation_panel() -> None:
    """The `workbench evaluate` table, computed on request; says so when decisions, codings
    or done marks came after it (the figures are then those of before)."""
    with st.expander(tr("suggesties.evaluation"), expanded=False):
        st.caption(tr("suggesties.evaluation_help"))
        if st.button(tr("suggesties.evaluate"), key="suggest_evaluate"):
            rows = attempt(evaluate, handle, nlp=nlp(), model=learner.model).value
            st.session_state["suggest_evaluation"] = (rows, last_change(handle))
        rows, computed_at = st.session_state.get("suggest_evaluation", (None, None))
        if rows is None:
            return
        table = pd.DataFrame([r for r in rows if r["examples"]])
        if table.empty:
            st.info(tr("suggesties.evaluation_empty"))
            return
        if computed_at != last_change(handle):
            st.warning(tr("suggesties.evaluation_stale"))
        if rows[0]["proposed"] is None:  # nothing was tested: no table that looks measured
            st.info(
                tr(
                    "suggesties.evaluation_too_little",
                    sentences=rows[0]["sentences"],
                    least=MIN_SENTENCES,
                )
            )
            return
        st.caption(
            tr(
                "suggesties.evaluation_scope",
                sentences=rows[0]["sentences"],
                documents=rows[0]["documents"],
            )
        )
        table["verdict"] = [tr(f"suggesties.verdict.{v}") for v in table["verdict"]]
        table["source"] = [
            source_text(s, f, lang(), "suggesties", b)
            for s, f, b in zip(table["source"], table["fold_sources"], table["sub_sources"])
        ]
        for measure in ("precision", "recall"):
            table[measure] = [
                figure_with_interval(v, i)
                for v, i in zip(table[measure], table[f"{measure}_interval"])
            ]
        for measure in ("f1", "alpha"):  # two decimals, as precision and the CLI
            table[measure] = [figure_with_interval(v, None) for v in table[measure]]
        table = table[
            [
                "code",
                "verdict",
                "examples",
                "proposed",
                "precision",
                "recall",
                "f1",
                "alpha",
                "source",
            ]
        ]
        st.dataframe(
            table.rename(columns={c: tr(f"suggesties.col.{c}") for c in table.columns}),
            hide_index=True,
        )
        if unused := [r["code"] for r in rows if not r["examples"]]:  # as the CLI lists them
            st.caption(tr("suggesties.evaluation_unused", codes=", ".join(unused)))


@st.fragment
def review_and_figures() -> None:
    """The card and every figure a decision changes, in one fragment.

    A decision on the card reruns only this fragment, not the page: the last decisions, the
    counts per code and the evaluation drawn outside it stayed as they were until the page
    was opened again (in a browser, "Je laatste keuzes" stayed empty after an accept).
    """
    decided = {c["code"]: c for c in example_counts(handle, coder=me)}
    review(decided)
    last_decisions()
    work_per_code(decided)
    evaluation_panel()


review_and_figures()
