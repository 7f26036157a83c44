"""Zoeken: full-text search on words or word families, keyword in context, filters."""

import time

import pandas as pd
import streamlit as st

from workbench.app.common import acting_project, attempt, nlp, tr, value_labels
from workbench.app.jump import jump_link
from workbench.codebook.views import codebook_from_project
from workbench.ingest.speakers import analyses_respondents_only
from workbench.respondents import list_attributes
from workbench.search import filter_options, search, search_segment_ids, suggest_code_for_hits

st.title(tr("page.zoeken"))
handle = acting_project()  # the project as seen by this session's user

query = st.text_input(
    tr("zoeken.query"), key="search_query", help=tr("zoeken.query_help"), placeholder="schamen"
)
cols = st.columns([3, 3, 2])  # room for "Alleen wat respondenten zeggen" at 1,280 px
# Each widget has a key, so it keeps its value when the language changes (without one its
# id is made from its label and options, so a switch made a new widget, back at its default).
# The options' words are looked up now, in this run's language: a format function that
# asks the session's language when it is called is also called outside the run (Streamlit's
# test harness does so for a click) and then read Dutch on an English page.
modes = {m: tr(f"zoeken.mode_{m}") for m in ("lemma", "word")}
mode = cols[0].radio(
    tr("zoeken.mode"), list(modes), horizontal=True, format_func=modes.get, key="search_mode"
)
only_respondents = cols[1].toggle(  # starts as the project's analysis setting says
    tr("zoeken.only_respondents"),
    value=analyses_respondents_only(handle),
    key="search_only_respondents",
)
filters: dict[str, str] = {}


with cols[2].popover(tr("zoeken.filter")):
    options = filter_options(handle)
    kinds = {a["name"]: a["type"] for a in list_attributes(handle)} if options else {}
    for attribute, values in options.items():
        # a yes/no value reads ja/nee (yes/no), not the stored true/false; a number 67,5 in
        # Dutch; no choice reads "any"
        labels: dict[str | None, str] = {None: tr("zoeken.any")}
        labels |= value_labels(values, kinds.get(attribute, "text"))
        chosen = st.selectbox(
            attribute,
            list(labels),
            key=f"search_filter_{attribute}",
            format_func=labels.__getitem__,
        )
        if chosen is not None:
            filters[attribute] = chosen

if not query.strip():
    st.caption(tr("zoeken.query_help"))
    st.stop()

started = time.perf_counter()
scope = {
    "mode": mode,
    "filters": filters,
    "speaker_roles": ["respondent"] if only_respondents else None,
}
result = attempt(search, handle, nlp(), query, **scope).value
if result is None:
    st.stop()
elapsed = round((time.perf_counter() - started) * 1000)
if not result.total:
    st.info(tr("zoeken.none"))
    st.stop()
shown = len(result.hits)
if result.total > shown:
    st.success(
        tr(
            "zoeken.found_more",
            total=result.total,
            documents=result.documents,
            ms=elapsed,
            shown=shown,
            rest=result.total - shown,
        )
    )
else:
    st.success(tr("zoeken.found", total=result.total, documents=result.documents, ms=elapsed))
if result.terms:
    st.caption(tr("zoeken.terms", terms=", ".join(result.terms)))
for word, others in result.also_forms_of.items():  # "vroeg": early, and a form of "vragen"
    st.caption(tr("zoeken.two_words", word=word, others=", ".join(others)))
table = pd.DataFrame(
    {
        tr("zoeken.col_respondent"): [h.respondent or "—" for h in result.hits],
        tr("zoeken.col_speaker"): [h.speaker or "" for h in result.hits],
        tr("zoeken.col_left"): [h.left for h in result.hits],
        tr("zoeken.col_keyword"): [h.keyword for h in result.hits],
        tr("zoeken.col_right"): [h.right for h in result.hits],
        tr("zoeken.col_document"): [h.document for h in result.hits],
    }
)
if result.analysed < result.total:  # say which rows analysis, and so "code all hits", skips
    table[tr("zoeken.col_analysed")] = [h.analysed for h in result.hits]
picked = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="search_hits",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        tr("zoeken.col_left"): st.column_config.TextColumn(width="large"),
        tr("zoeken.col_right"): st.column_config.TextColumn(width="large"),
    },
)
rows = picked.selection.rows if picked else []
if rows and rows[0] < len(result.hits):
    hit = result.hits[rows[0]]
    jump_link(
        tr("zoeken.open_hit", respondent=hit.respondent or "—", document=hit.document),
        hit.document_id,
        hit.segment_id,
    )
else:
    st.caption(tr("zoeken.pick_hit"))

with st.form("code_all_hits"):
    codes = codebook_from_project(handle).codes
    names = {c.id: c.name for c in codes}
    code = st.selectbox(
        tr("coderen.code"),
        list(names),
        format_func=names.get,
        index=None,
        placeholder=tr("coderen.code_placeholder"),
        key="search_code_all",
    )
    st.caption(tr("zoeken.code_all_help", total=result.analysed))
    if result.analysed < result.total:  # an interviewer's question is found, not suggested
        st.caption(tr("zoeken.code_all_outside", n=result.total - result.analysed))
    if st.form_submit_button(tr("zoeken.code_all", total=result.analysed)) and code:
        # every hit, also those beyond the table's first rows
        every = attempt(search_segment_ids, handle, nlp(), query, **scope).value
        if every is not None:
            done = attempt(
                suggest_code_for_hits,
                handle,
                every,
                code,
                query=query,
                success=lambda done: tr("zoeken.code_all_done", n=done.made, code=names[str(code)]),
            ).value
            # given (or suggested) and turned down are different answers: say them apart
            if done is not None and done.had + done.rejected + done.outside:
                st.info(
                    " ".join(
                        tr(f"zoeken.code_all_{key}", n=n)
                        for key, n in (
                            ("had_it", done.had),
                            ("rejected", done.rejected),
                            ("not_analysed", done.outside),
                        )
                        if n
                    )
                )
