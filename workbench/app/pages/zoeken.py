"""Zoeken: full-text search on words or word families, keyword in context, filters."""

import time

import pandas as pd
import streamlit as st

from workbench.app.common import acting_project, attempt, nlp, tr
from workbench.app.jump import jump_link
from workbench.codebook.views import codebook_from_project
from workbench.search import filter_options, search, suggest_code_for_hits

st.title(tr("page.zoeken"))
handle = acting_project()  # the project as seen by this session's user

query = st.text_input(
    tr("zoeken.query"), key="search_query", help=tr("zoeken.query_help"), placeholder="schamen"
)
cols = st.columns([3, 3, 2])  # room for "Alleen wat respondenten zeggen" at 1,280 px
mode = cols[0].radio(
    tr("zoeken.mode"),
    ["lemma", "word"],
    horizontal=True,
    format_func=lambda m: tr(f"zoeken.mode_{m}"),
)
only_respondents = cols[1].toggle(tr("zoeken.only_respondents"), value=False)
filters = {}
with cols[2].popover(tr("zoeken.filter")):
    for attribute, values in filter_options(handle).items():
        chosen = st.selectbox(
            attribute,
            [None, *values],
            key=f"search_filter_{attribute}",
            format_func=lambda v: tr("zoeken.any") if v is None else str(v),
        )
        if chosen is not None:
            filters[attribute] = chosen

if not query.strip():
    st.caption(tr("zoeken.query_help"))
    st.stop()

started = time.perf_counter()
result = attempt(
    search,
    handle,
    nlp(),
    query,
    mode=mode,
    filters=filters,
    speaker_roles=["respondent"] if only_respondents else None,
).value
if result is None:
    st.stop()
elapsed = round((time.perf_counter() - started) * 1000)
if not result.total:
    st.info(tr("zoeken.none"))
    st.stop()
st.success(tr("zoeken.found", total=result.total, ms=elapsed, shown=len(result.hits)))
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
    )
    st.caption(tr("zoeken.code_all_help"))
    if st.form_submit_button(tr("zoeken.code_all")) and code:
        name = names[code]
        attempt(
            suggest_code_for_hits,
            handle,
            [h.segment_id for h in result.hits],
            code,
            query=query,
            success=lambda made: tr("zoeken.code_all_done", n=made, code=name),
        )
