"""Memo's: every memo in one list, filtered by interview, code or author, each linked to its place.

A thin page over workbench.memos.memo_overview; a memo on a sentence, a coding or an
interview opens the coding page at that place (workbench.app.jump). Here you also write a
memo on the whole project or on a respondent (workbench.app.memo_box) and edit a memo you
may change (update_memo); both are logged, so undo takes them back.
"""

import streamlit as st

from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    document_label,
    moment,
    tr,
    user,
)
from workbench.app.jump import jump_link
from workbench.app.memo_box import save_button, show_outcome
from workbench.codebook.views import code_tree
from workbench.documents import list_documents
from workbench.memos import (
    can_change_memo,
    delete_memo,
    memo_overview,
    update_memo,
)
from workbench.respondents import list_respondents

st.title(tr("page.memos"))
handle = acting_project()  # the project as seen by this session's user
me = user()

documents = {d["id"]: document_label(d["respondent"], d["name"]) for d in list_documents(handle)}
# by the code's id in the database, as memo_overview filters (the codebook's id is its slug)
codes = {c["id"]: c["name"] for c in code_tree(handle)}
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
    help=tr("memos.code_help"),  # a parent holds its sub-codes, as in the codebook's counts
)
author = cols[2].selectbox(
    tr("memos.author"), authors, index=None, placeholder=tr("memos.all_authors"), key="memos_author"
)

if handle.can("memo.write"):
    # memos on the project or a respondent: the coding page has interviews, sentences, codes
    # and codings
    with st.expander(tr("memos.new"), icon=":material/edit_note:"):
        # a respondent by code; the list needs attributes.view, which every memo writer has
        respondents = (
            {r["id"]: r["code"] for r in list_respondents(handle)}
            if handle.can("attributes.view")
            else {}
        )
        about = choice(
            st.selectbox,
            tr("memos.new_about"),
            {
                "project": tr("memos.about.project"),
                **{r: f"{tr('memos.kind.respondent')} {code}" for r, code in respondents.items()},
            },
            key="memo_new_about",
        )
        st.text_area(tr("memos.new_text"), key="memo_new_text")
        save_button(
            tr("memos.save"),
            key="memo_new_save",
            text_key="memo_new_text",
            place="memo_new",
            target_type="project" if about == "project" else "respondent",
            target_id=None if about == "project" else about,
        )
        show_outcome("memo_new")

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
        kind = tr("memos.kind." + memo["target_type"])
        # what it was about is gone (a removed coding): say so, the memo stays readable
        heading = tr("memos.removed", kind=kind) if memo["removed"] else f"{kind}: {about}"
        # when it was last written, as people read a date (local time, the month in words)
        st.markdown(f"**{heading}** · _{memo['author']}_ · {moment(memo['updated_at'])}")
        if memo["quote"]:
            st.markdown(f"> {memo['quote']}")
        if memo["description"]:  # a REFI-QDA note's Description, kept apart from its text
            st.caption(memo["description"])
        changeable = can_change_memo(handle, memo["author"])
        editing = changeable and st.session_state.get("memo_editing") == memo["id"]
        if editing:
            new_text = st.text_area(
                tr("memos.edit_text"), value=memo["text"], key=f"memo_text_{memo['id']}"
            )
        else:
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
        # only to someone who may change it: the package says who (its author, a researcher)
        if editing:
            if actions.button(
                tr("memos.save"), key=f"memo_save_{memo['id']}", icon=":material/check:"
            ):
                if attempt(update_memo, handle, memo["id"], text=new_text):
                    del st.session_state["memo_editing"]
                    st.rerun()
            if actions.button(tr("memos.cancel"), key=f"memo_cancel_{memo['id']}"):
                del st.session_state["memo_editing"]
                st.rerun()
        elif changeable and actions.button(
            tr("memos.edit"), key=f"memo_edit_{memo['id']}", icon=":material/edit:"
        ):
            st.session_state["memo_editing"] = memo["id"]
            st.rerun()
        if changeable and actions.button(
            tr("memos.delete"), key=f"memo_delete_{memo['id']}", icon=":material/delete:"
        ):
            if attempt(delete_memo, handle, memo["id"]):
                st.rerun()
