"""Werkplaats: one pseudonymised fragment at a time, in large text, with code cards.

For resident co-researchers in a workshop: nothing else on screen (the sidebar is hidden),
plain Dutch, the group's choice recorded under the group's coder name. A thin page over
workbench.privacy.workshop, which checks the assignment and pseudonymises every fragment.
"""

import html

import streamlit as st

from workbench import access
from workbench.app.common import attempt, db, tr, user
from workbench.privacy.workshop import fragment, my_fragments, record_choice, workshop_codes

st.markdown(
    """
    <style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
    [data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"]
    { display: none !important; }
    .werkplaats-tekst { font-size: 2.1rem; line-height: 1.55; padding: 1.2rem 1.6rem;
      border-radius: 0.8rem; background: #fbf7ef; color: #222; margin-bottom: 1.2rem; }
    .werkplaats-keuze { font-size: 1.3rem; }
    </style>
    """,
    unsafe_allow_html=True,
)

project = db()
me = user()
if not attempt(access.can, project, me, "workshop"):
    st.title(tr("page.workshop"))
    st.error(tr("workshop.page.no_access", user=me))
    st.stop()
fragments = attempt(my_fragments, project, user=me) or []
if not fragments:  # only then a title: during the workshop nothing but the fragment shows
    st.title(tr("page.workshop"))
    st.info(tr("workshop.page.nothing"))
    st.stop()

position = min(st.session_state.get("workshop_position", 0), len(fragments) - 1)
current = attempt(fragment, project, fragments[position], user=me)
if current is None:
    st.stop()
st.caption(tr("workshop.page.progress", n=position + 1, total=len(fragments)))
st.markdown(f"<div class='werkplaats-tekst'>{html.escape(current['text'])}</div>",
            unsafe_allow_html=True)

cards = attempt(workshop_codes, project, user=me) or []
chosen = next((c for c in cards if c["code"] == current["choice"]), None)
st.markdown(
    "<div class='werkplaats-keuze'>"
    + html.escape(tr("workshop.page.chosen", name=chosen["name"]) if chosen
                  else tr("workshop.page.question"))
    + "</div>",
    unsafe_allow_html=True,
)
columns = st.columns(min(3, max(1, len(cards))))
for i, card in enumerate(cards):
    with columns[i % len(columns)].container(border=True):
        st.subheader(card["name"], anchor=False)
        if card["brief"]:
            st.write(card["brief"])
        if card["example"]:
            st.markdown(f"*“{card['example']}”*")
        picked = card["code"] == current["choice"]
        if st.button(tr("workshop.page.picked" if picked else "workshop.page.pick"),
                     key=f"workshop_pick_{card['code']}", type="primary" if picked else "secondary",
                     width="stretch"):
            code = None if picked else card["code"]  # a second click takes the choice back
            if attempt(lambda: record_choice(project, current["segment_id"], code, user=me)
                       or True):
                st.rerun()

back, forward = st.columns(2)
if back.button(tr("workshop.page.previous"), key="workshop_previous", disabled=position == 0,
               width="stretch"):
    st.session_state["workshop_position"] = position - 1
    st.rerun()
if forward.button(tr("workshop.page.next"), key="workshop_next", type="primary",
                  disabled=position >= len(fragments) - 1, width="stretch"):
    st.session_state["workshop_position"] = position + 1
    st.rerun()
