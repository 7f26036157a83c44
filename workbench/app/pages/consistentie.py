"""Consistentie: agreement between coders, disagreement review with consensus, drift, samples.

Thin page over workbench.consistency and workbench.agreement: widgets, calls, rendering.
With reliability switched off (reflexive thematic analysis) only the side-by-side comparison
is shown.
"""

import altair as alt
import pandas as pd
import streamlit as st

from workbench.agreement import RELIABLE, TENTATIVE, percent_text, shown
from workbench.app.common import (
    acting_project,
    attempt,
    db,
    figure,
    lang,
    project_path,
    tr,
    user,
)
from workbench.app.tabs import kept_tabs
from workbench.consistency import (
    MODEL,
    RESAMPLE,
    UNITS,
    agreement_report,
    batch_label,
    batch_period,
    blind_left_out,
    blind_line,
    close_sample,
    coder_options,
    compare_units,
    create_sample,
    default_coders,
    describe_sample,
    drift,
    drift_note,
    get_sample,
    interval_line,
    list_samples,
    no_codes_line,
    people,
    reliability_on,
    resolve,
    sample_open_lines,
    scope_lines,
    set_blind_coding,
    set_reliability,
    table_notes,
    model_proposals,
    unit_matrix,
    unitized_report,
)
from workbench.documents import list_documents
from workbench.done_marks import list_marks, set_done
from workbench.errors import WorkbenchError
from workbench.store import get_setting, last_event_id

PAGE_SIZE = 10
KINDS = ["documents", "share"]
COLORS = {"reliable": "green", "tentative": "orange", "unreliable": "red", None: "gray"}
# format_func values are dicts built during the run: AppTest formats outside the run.

st.title(tr("page.consistentie"))
handle = acting_project()  # the project as seen by this session's user
project = db()
me = user()
if not handle.can("consistency.review"):
    st.error(tr("consistentie.no_access", user=me))
    st.stop()
version = last_event_id(project)
path = str(project_path())


@st.cache_data(show_spinner=False, max_entries=4)
def cached_model(_handle, path, version, actor):
    """What the model proposes, tested out of fold (seconds, minutes on hundreds of coded
    interviews): once per version of the project, for every figure on the page."""
    return model_proposals(_handle)


def chosen_model():
    """The model's judgements when it is among the chosen coders (with a spinner), else None."""
    if MODEL not in coders:
        return None
    with st.spinner(tr("consistentie.model_computing")):
        return cached_model(handle, path, version, me)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_report(
    _handle,
    path,
    version,
    actor,
    coders,
    unit,
    all_documents,
    sample_id,
    resample,
    all_speakers,
    _model=None,
):
    """Agreement report; recomputed only when the project changed (``version``).

    ``actor`` is in the cache key (the handle, underscored, is not hashed): each user's own.
    """
    return agreement_report(
        _handle,
        coders=list(coders),
        unit=unit,
        all_documents=all_documents,
        sample_id=sample_id,
        resample=resample,
        all_speakers=all_speakers,
        model=_model,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def cached_drift(
    _handle,
    path,
    version,
    actor,
    coders,
    unit,
    by,
    all_documents,
    sample_id,
    resample,
    all_speakers,
    _model=None,
):
    return drift(
        _handle,
        coders=list(coders),
        unit=unit,
        by=by,
        all_documents=all_documents,
        sample_id=sample_id,
        n_samples=300,
        resample=resample,
        all_speakers=all_speakers,
        model=_model,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def cached_matrix(
    _handle, path, version, actor, coders, unit, all_documents, sample_id, all_speakers, _model
):
    """The units side by side (the model's judgements, when chosen, from :func:`chosen_model`)."""
    return unit_matrix(
        _handle,
        coders=list(coders),
        unit=unit,
        all_documents=all_documents,
        sample_id=sample_id,
        all_speakers=all_speakers,
        model=_model,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def cached_unitized(_handle, path, version, actor, coders, all_documents, sample_id, _model):
    return unitized_report(
        _handle,
        coders=list(coders),
        all_documents=all_documents,
        sample_id=sample_id,
        model=_model,
    )


def coder_label(name: str) -> str:
    return tr("consistentie.model") if name == MODEL else name


def number(x):
    """A figure in the page's text and tables, never rounded across a verdict threshold
    (0.79956 is not shown as 0.800), with the decimal sign of the session's language, as
    the percentages beside it."""
    return figure(shown(x, empty="—"))


def percent(share):
    """Percent agreement as a percentage in the session's language, as the CLI prints it."""
    return percent_text(share, lang(), empty="—")


def interval_cell(figures):
    """ "0.408 – 1.000"; "— – 1.000" without a lower bound (too few draws held the code)."""
    lo, hi = figures["alpha_ci"]
    return "—" if lo is None and hi is None else f"{number(lo)} – {number(hi)}"


def verdict_text(figures):
    return tr(f"agreement.verdict.{figures['verdict'] or 'undefined'}")


# ------------------------------------------------------------------ choices
options = coder_options(handle)
samples = list_samples(handle)
sample_names = {s["id"]: f"{s['name']} ({', '.join(s['coders'])})" for s in samples}
top = st.columns([3, 2, 2])
sample_id = top[2].selectbox(
    tr("consistentie.sample"),
    [None, *sample_names],
    format_func={None: tr("consistentie.no_sample"), **sample_names}.get,
    key="consistency_sample",
)
default = [c for c in default_coders(handle) if c in options]  # researchers, no groups
if sample_id is not None:
    default = [
        c for c in next(s for s in samples if s["id"] == sample_id)["coders"] if c in options
    ]
coders = top[0].multiselect(
    tr("consistentie.coders"),
    options,
    default=default,
    format_func={c: coder_label(c) for c in options}.get,
    key=f"consistency_coders_{sample_id}",
    placeholder=tr("app.choose_many"),
    help=tr("consistentie.coders_help"),
    select_all=False,
)
unit = top[1].selectbox(
    tr("consistentie.unit"),
    UNITS,
    key="consistency_unit",
    format_func={u: tr(f"consistentie.unit_{u}") for u in UNITS}.get,
    help=tr("consistentie.unit_help"),
)
left, right = st.columns([3, 2])
all_documents = left.toggle(
    tr("consistentie.all_documents"),
    key="consistency_all_documents",
    help=tr("consistentie.all_documents_help"),
)
all_speakers = left.toggle(
    tr("consistentie.all_speakers"),
    key="consistency_all_speakers",
    help=tr("consistentie.all_speakers_help"),
)
resample = right.selectbox(
    tr("consistentie.resample"),
    RESAMPLE,
    key="consistency_resample",
    format_func={r: tr(f"consistentie.resample_{r}") for r in RESAMPLE}.get,
    help=tr("consistentie.resample_help"),
)
reliability = reliability_on(handle)
if MODEL in coders:  # not the stored suggestions: what it would propose, tested out of fold
    st.caption(tr("consistentie.model_explained"))


# ------------------------------------------------------------------ side by side / review
def unit_title(item) -> str:
    return tr(
        f"consistentie.title_{item['unit']}",
        document=item["document"] or "",
        unit_id=item["unit_id"],
    )


def show_unit(item, *, review: bool) -> None:
    with st.container(border=True):
        st.markdown(f"**{unit_title(item)}**")
        st.text(item["text"])
        columns = st.columns(len(item["by_coder"]))
        for column, (coder, names) in zip(columns, item["by_coder"].items()):
            column.markdown(f"**{coder_label(coder)}**")
            column.write(", ".join(names) if names else tr("consistentie.no_codes"))
        for code in item["codes"]:
            if code["agree"]:
                continue
            with st.expander(
                tr(
                    "consistentie.differ_on",
                    code=code["name"],
                    with_=", ".join(map(coder_label, code["coders_with"])),
                    without=", ".join(map(coder_label, code["coders_without"])),
                )
            ):
                for field in ("definition", "use_when", "dont_use_when"):
                    if code[field]:
                        st.markdown(f"*{tr(f'consistentie.{field}')}* {code[field]}")
                done = code["resolution"]
                if done:
                    st.success(
                        tr(f"consistentie.resolved_{done['decision']}", who=done["resolved_by"])
                    )
                if review:
                    resolve_form(item, code)


def resolve_form(item, code) -> None:
    key = f"resolve_{item['unit']}_{item['unit_id']}_{code['code_id']}"
    with st.form(key):
        note = st.text_input(
            tr("consistentie.note"), key=f"{key}_note", help=tr("consistentie.note_help")
        )
        left, right = st.columns(2)
        present = left.form_submit_button(tr("consistentie.apply"), icon=":material/check:")
        absent = right.form_submit_button(tr("consistentie.not_apply"), icon=":material/close:")
    if present or absent:
        if attempt(
            resolve,
            handle,
            unit=item["unit"],
            unit_id=item["unit_id"],
            code=code["code_id"],
            decision="present" if present else "absent",
            note=note,
            toast="consistentie.saved",
        ):
            st.rerun()


def side_by_side(*, review: bool, only_differences: bool) -> None:
    matrix = attempt(
        cached_matrix,
        handle,
        path,
        version,
        me,
        tuple(coders),
        unit,
        all_documents,
        sample_id,
        all_speakers,
        chosen_model(),
    ).value
    if matrix is None:
        return
    items = compare_units(handle, matrix=matrix, only_differences=only_differences)
    blind = blind_line(blind_left_out(handle, matrix), unit, lang()) if only_differences else None
    if blind:  # the table counts these differences too: say why the review has fewer
        st.info(blind, icon=":material/visibility_off:")
    if not items:
        if not blind:  # "they differ nowhere" is not true when blind units hold differences
            st.info(
                tr("consistentie.no_differences" if only_differences else "consistentie.nothing")
            )
        return
    pages = (len(items) - 1) // PAGE_SIZE + 1
    st.caption(
        tr(
            "consistentie.n_units_listed",
            n=len(items),
            units=tr(f"agreement.units.{unit}", n=len(items)),
            differ=sum(not code["agree"] for item in items for code in item["codes"]),
        )
        if only_differences
        else tr(
            "consistentie.n_units_coded",
            n=len(items),
            units=tr(f"agreement.units.{unit}", n=len(items)),
        )
    )
    page = (
        st.number_input(tr("consistentie.page"), 1, pages, 1, key=f"page_{review}")
        if pages > 1
        else 1
    )
    for item in items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        show_unit(item, review=review)


# ------------------------------------------------------------------ settings and samples
def switch(setter, key: str) -> None:
    """Widget callback: store a project switch; put the widget back when it was refused."""
    wanted = st.session_state[key]
    try:
        setter(handle, wanted)
    except WorkbenchError as exc:
        st.session_state[key] = not wanted
        st.session_state["consistency_switch_error"] = exc.message(lang())


def done_section() -> None:
    """The "klaar" marks: which documents a coder has read in full, also without any code."""
    st.subheader(tr("consistentie.done_title"))
    st.caption(tr("consistentie.done_help"))
    who = me
    if handle.can("users.manage"):  # researchers may mark for another coder
        others = [c for c in dict.fromkeys([me, *coder_options(handle)]) if c != MODEL]
        who = st.selectbox(tr("consistentie.done_coder"), others, key="done_coder")
    documents = {d["id"]: d["name"] for d in list_documents(handle)}
    marked = [m["document_id"] for m in attempt(list_marks, handle, coder=who).value or []]
    with st.form(f"done_{who}"):
        every = st.checkbox(tr("consistentie.done_all", n=len(documents)), key=f"done_all_{who}")
        chosen = st.multiselect(
            tr("consistentie.done_documents"),
            list(documents),
            default=[d for d in marked if d in documents],
            format_func=documents.get,
            key=f"done_documents_{who}",
            placeholder=tr("app.choose_many"),
            select_all=False,
        )
        if st.form_submit_button(tr("consistentie.done_save")):
            if attempt(
                set_done,
                handle,
                list(documents) if every else chosen,
                coder=who,
                toast=lambda changed: tr("consistentie.done_saved", n=changed),
            ):
                st.rerun()


def settings_and_samples() -> None:
    refused = st.session_state.pop("consistency_switch_error", None)
    if refused:
        st.error(refused)
    left, right = st.columns(2)
    left.toggle(
        tr("consistentie.blind"),
        value=bool(get_setting(project, "blind_coding")),
        help=tr("consistentie.blind_help"),
        key="consistency_blind",
        on_change=switch,
        args=(set_blind_coding, "consistency_blind"),
    )
    right.toggle(
        tr("consistentie.reliability"),
        value=reliability,
        help=tr("consistentie.reliability_help"),
        key="consistency_reliability",
        on_change=switch,
        args=(set_reliability, "consistency_reliability"),
    )

    st.subheader(tr("consistentie.samples"))
    if samples:
        table = pd.DataFrame(
            {
                tr("consistentie.col_sample"): [s["name"] for s in samples],
                tr("consistentie.col_coders"): [", ".join(s["coders"]) for s in samples],
                tr("consistentie.col_units"): [describe_sample(s, lang()) for s in samples],
                tr("consistentie.col_status"): [
                    tr(f"consistentie.status_{s['status']}") for s in samples
                ],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        open_ones = {s["id"]: s["name"] for s in samples if s["status"] == "open"}
        if open_ones:
            cols = st.columns([3, 1])
            chosen = cols[0].selectbox(
                tr("consistentie.close_which"),
                list(open_ones),
                format_func=open_ones.get,
                key="close_sample",
            )
            if cols[1].button(tr("consistentie.close"), key="close_sample_button"):
                if attempt(close_sample, handle, chosen):
                    st.rerun()
    documents = {d["id"]: d["name"] for d in list_documents(handle)}
    with st.form("new_sample"):
        st.markdown(f"**{tr('consistentie.new_sample')}**")
        name = st.text_input(tr("consistentie.sample_name"), key="sample_name")
        chosen_coders = st.multiselect(
            tr("consistentie.coders"),
            people(handle),
            key="sample_coders",
            placeholder=tr("app.choose_many"),
            select_all=False,
        )
        kind = st.radio(
            tr("consistentie.sample_kind"),
            KINDS,
            format_func={k: tr(f"consistentie.kind_{k}") for k in KINDS}.get,
            horizontal=True,
            key="sample_kind",
        )
        docs = st.multiselect(
            tr("consistentie.sample_documents"),
            list(documents),
            format_func=documents.get,
            key="sample_documents",
            placeholder=tr("app.choose_many"),
            help=tr("consistentie.sample_documents_help"),
            select_all=False,
        )
        share = st.slider(
            tr("consistentie.sample_share"), 5, 100, 20, step=5, key="sample_share", format="%d%%"
        )
        every_speaker = st.checkbox(
            tr("consistentie.sample_all_speakers"),
            key="sample_all_speakers",
            help=tr("consistentie.sample_all_speakers_help"),
        )
        seed = st.number_input(
            tr("consistentie.seed"),
            0,
            1_000_000,
            0,
            key="sample_seed",
            help=tr("consistentie.seed_help"),
        )
        if st.form_submit_button(tr("consistentie.create_sample")):
            if attempt(
                create_sample,
                handle,
                name=name,
                coders=chosen_coders,
                documents=docs or None,
                share=share / 100 if kind == "share" else None,
                seed=int(seed),
                all_speakers=every_speaker,
                toast=lambda made: tr(
                    "consistentie.sample_made",
                    covers=describe_sample(get_sample(handle, made), lang()),
                ),
            ):
                st.rerun()
    done_section()


# ------------------------------------------------------------------ drift
def drift_tab(rows, by: str) -> None:
    """The chart of alpha per batch (batches with an alpha), then every batch in a table with
    what it covers, so the units add up and no batch disappears for lack of an alpha."""
    charted = [{**r, "batch": batch_label(r, lang())} for r in rows if r["alpha"] is not None]
    if not charted:
        st.info(tr("consistentie.no_drift"))
    else:
        base = alt.Chart(pd.DataFrame(charted)).encode(
            x=alt.X("batch:N", sort=None, title=tr(f"consistentie.by_{by}"))
        )
        line = base.mark_line(point=True).encode(
            y=alt.Y("alpha:Q", title="alpha", scale=alt.Scale(domain=[-0.2, 1])),
            tooltip=["batch", "alpha", "alpha_lo", "alpha_hi", "n_units"],
        )
        band = base.mark_errorbar().encode(y=alt.Y("alpha_lo:Q", title="alpha"), y2="alpha_hi:Q")
        rules = (
            alt.Chart(pd.DataFrame({"y": [RELIABLE, TENTATIVE]}))
            .mark_rule(strokeDash=[4, 4], color="grey")
            .encode(y="y:Q")
        )
        st.altair_chart(band + line + rules, width="stretch")
        st.caption(tr("consistentie.drift_help"))
    if not rows:
        return
    st.dataframe(
        pd.DataFrame(
            {
                tr(f"consistentie.by_{by}"): [batch_label(r, lang()) for r in rows],
                tr("consistentie.drift_period"): [batch_period(r, lang()) for r in rows],
                tr("consistentie.drift_documents"): [r["n_documents"] for r in rows],
                tr("consistentie.units"): [r["n_units"] for r in rows],
                "alpha": [number(r["alpha"]) for r in rows],
                tr("consistentie.col_ci"): [
                    interval_cell({"alpha_ci": [r["alpha_lo"], r["alpha_hi"]]}) for r in rows
                ],
                tr("consistentie.verdict"): [verdict_text(r) for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(drift_note(rows, by, unit, lang()))


# ------------------------------------------------------------------ reliability off
if len(coders) < 2:
    st.info(tr("consistentie.choose_two"))
    with st.expander(tr("consistentie.settings")):
        settings_and_samples()
    st.stop()

if not reliability:
    st.info(tr("consistentie.reliability_off"))
    only = st.toggle(tr("consistentie.only_differences"), value=True, key="only_differences")
    side_by_side(review=handle.can("consistency.resolve"), only_differences=only)
    with st.expander(tr("consistentie.settings")):
        settings_and_samples()
    st.stop()

# ------------------------------------------------------------------ reliability on
st.caption(tr("consistentie.alpha_explained"))
# keyed, so the open tab stays open when the language changes (workbench.app.tabs)
tab_figures, tab_review, tab_drift, tab_settings = kept_tabs(
    "consistency_tab",
    {name: f"consistentie.tab_{name}" for name in ("figures", "review", "drift", "settings")},
).values()

with tab_figures:
    report = attempt(
        cached_report,
        handle,
        path,
        version,
        me,
        tuple(coders),
        unit,
        all_documents,
        sample_id,
        resample,
        all_speakers,
        chosen_model(),
    ).value
    if report is not None:
        overall = report["overall"]
        lo, hi = overall["alpha_ci"]
        for line in sample_open_lines(report, lang()):  # above the figures it may pull down
            st.warning(line, icon=":material/hourglass_top:")
        cols = st.columns(4)
        cols[0].metric(
            tr("consistentie.overall_alpha"),
            number(overall["alpha"]),
            help=tr("consistentie.ci", lo=number(lo), hi=number(hi)),
        )
        badge = f":{COLORS[overall['verdict']]}-badge[{verdict_text(overall)}]"
        cols[1].markdown(f"{tr('consistentie.verdict')}  \n{badge}")
        # "2068 van 2360" did not fit a metric at 1,280 px: the count large, the total under it
        cols[2].metric(tr("consistentie.units"), report["n_units"])
        cols[2].caption(tr("consistentie.units_total", total=report["scope"]["n_units_total"]))
        cols[3].metric(tr("consistentie.percent"), percent(overall["percent"]))
        lines = scope_lines(report, lang())
        scope_box = st.warning if report["n_units"] < report["scope"]["n_units_total"] else st.info
        scope_box("  \n".join(lines), icon=":material/filter_alt:")
        st.caption(
            tr(
                "consistentie.ci_line",
                lo=number(lo),
                hi=number(hi),
                how=interval_line(report, lang()),
            )
        )
        st.caption(
            tr(
                "consistentie.thresholds",
                reliable=figure(RELIABLE, 3),
                tentative=figure(TENTATIVE, 3),
            )
        )
        if not report["codes"]:
            st.info(
                no_codes_line(report, lang()) if report["n_units"] else tr("consistentie.no_units")
            )
        else:
            rows = report["codes"]
            table = pd.DataFrame(
                {
                    tr("consistentie.col_code"): list(rows),
                    "alpha": [number(f["alpha"]) for f in rows.values()],
                    tr("consistentie.col_ci"): [interval_cell(f) for f in rows.values()],
                    tr("consistentie.verdict"): [verdict_text(f) for f in rows.values()],
                    "kappa": [number(f["kappa"]) for f in rows.values()],
                    "AC1": [number(f["ac1"]) for f in rows.values()],
                    tr("consistentie.percent"): [percent(f["percent"]) for f in rows.values()],
                    tr("consistentie.units"): [f["n_units"] for f in rows.values()],
                    tr("consistentie.col_differ"): [f["n_differ"] for f in rows.values()],
                }
            )
            st.dataframe(table, hide_index=True, width="stretch")
            for note in table_notes(report, lang()):
                st.caption(note)
            st.caption(tr("consistentie.ac1_help"))
            if len(coders) != 2:
                st.caption(tr("consistentie.kappa_two"))
    if st.toggle(
        tr("consistentie.unitized"),
        key="consistency_unitized",
        help=tr("consistentie.unitized_help"),
    ):
        spans = attempt(
            cached_unitized,
            handle,
            path,
            version,
            me,
            tuple(coders),
            all_documents,
            sample_id,
            chosen_model(),
        ).value
        if spans is not None and spans["codes"]:
            u_lo, u_hi = spans["overall"]["alpha_ci"]
            cols = st.columns(2)
            cols[0].metric(
                tr("consistentie.unitized_overall"),
                number(spans["overall"]["alpha"]),
                help=tr("consistentie.ci", lo=number(u_lo), hi=number(u_hi)),
            )
            u_badge = (
                f":{COLORS[spans['overall']['verdict']]}-badge[{verdict_text(spans['overall'])}]"
            )
            cols[1].markdown(f"{tr('consistentie.verdict')}  \n{u_badge}")
            # the same lines as the CLI: how many documents, and why the others were left out
            st.caption(
                "  \n".join([*scope_lines(spans, lang()), tr("consistentie.unitized_continua")])
            )
            st.caption(
                tr(
                    "consistentie.unitized_ci_line",
                    lo=number(u_lo),
                    hi=number(u_hi),
                    how=interval_line(spans, lang(), spans=True),
                )
            )
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("consistentie.col_code"): list(spans["codes"]),
                        "u-alpha": [number(f["alpha"]) for f in spans["codes"].values()],
                        tr("consistentie.col_ci"): [
                            interval_cell(f) for f in spans["codes"].values()
                        ],
                        tr("consistentie.verdict"): [
                            verdict_text(f) for f in spans["codes"].values()
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            for note in table_notes(spans, lang()):
                st.caption(note)
        elif spans is not None:
            st.info(tr("consistentie.no_units"))

with tab_review:
    st.caption(tr("consistentie.review_help"))
    side_by_side(review=handle.can("consistency.resolve"), only_differences=True)

with tab_drift:
    batches = {b: tr(f"consistentie.by_{b}") for b in ("week", "sample")}
    by = st.radio(
        tr("consistentie.drift_by"),
        list(batches),
        horizontal=True,
        format_func=batches.get,
        key="drift_by",
    )
    rows = attempt(
        cached_drift,
        handle,
        path,
        version,
        me,
        tuple(coders),
        unit,
        by,
        all_documents,
        sample_id,
        resample,
        all_speakers,
        chosen_model(),
    ).value
    drift_tab(rows or [], by)

with tab_settings:
    settings_and_samples()
