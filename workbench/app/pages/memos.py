"""Memo's: every memo in one list, filtered by interview, code or author, each linked to its place.

A thin page over workbench.memos.memo_overview; a memo on a sentence, a coding or an
interview opens the coding page at that place (workbench.app.jump).
"""

import streamlit as st

from workbench.app.common import acting_project, attempt, document_label, tr, user
from workbench.app.jump import jump_link
from workbench.codebook.views import codebook_from_project
from workbench.documents import list_documents
from workbench.memos import can_change_memo, delete_memo, memo_overview

st.title(tr("page.memos"))
handle = acting_project()  # the project as seen by this session's user
me = user()

documents = {d["id"]: document_label(d["respondent"], d["name"]) for d in list_documents(handle)}
codes = {c.id: c.name for c in codebook_from_project(handle).codes}
everything = attempt(memo_overview, handle).value
if everything is None:
    st.stop()
authors = sorted({m["author"] for m in everything})

cols = st.columns(3)
document = cols[0].selectbox(
    tr("memos.document"),
    list(documents),
    format_func=documents.get,
    index=None,
    placeholder=tr("memos.all_documents"),
    key="memos_document",
)
code = cols[1].selectbox(
    tr("memos.code"),
    list(codes),
    format_func=codes.get,
    index=None,
    placeholder=tr("memos.all_codes"),
    key="memos_code",
)
author = cols[2].selectbox(
    tr("memos.author"), authors, index=None, placeholder=tr("memos.all_authors"), key="memos_author"
)

memos = (
    attempt(memo_overview, handle, document_id=document, code=code, written_by=author).value or []
)
st.caption(tr("memos.count", shown=len(memos), total=len(everything)))
if not everything:
    st.info(tr("memos.none"))
for memo in memos:
    with st.container(border=True):
        about = {
            "project": tr("memos.about.project"),
            "document": memo["document"],
            "segment": memo["document"],
            "coding": f"{memo['code']} · {memo['document']}",
            "code": memo["code"],
            "respondent": memo["respondent"],
        }.get(memo["target_type"]) or "—"
        st.markdown(
            f"**{tr('memos.kind.' + memo['target_type'])}: {about}** · "
            f"_{memo['author']}_ · {memo['updated_at'][:16].replace('T', ' ')}"
        )
        if memo["quote"]:
            st.markdown(f"> {memo['quote']}")
        if memo["description"]:  # a REFI-QDA note's Description, kept apart from its text
            st.caption(memo["description"])
        st.write(memo["text"])
        # the actions in a row under the memo, each as wide as its words (in a narrow side
        # column "Open in het interview" was cut off at 1,280 px)
        actions = st.container(horizontal=True)
        if memo["document_id"] is not None:
            with actions:
                jump_link(
                    tr("memos.open"),
                    memo["document_id"],
                    memo["segment_id"],
                    memo["start_char"] if memo["segment_id"] is None else None,
                    memo["end_char"] if memo["segment_id"] is None else None,
                )
        # only to someone who may delete it: the package says who (its author, a researcher)
        if can_change_memo(handle, memo["author"]) and actions.button(
            tr("memos.delete"), key=f"memo_delete_{memo['id']}", icon=":material/delete:"
        ):
            if attempt(delete_memo, handle, memo["id"]):
                st.rerun()
