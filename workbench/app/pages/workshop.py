"""Werkplaats: one pseudonymised fragment at a time, in large text, with plain-language cards.

For resident co-researchers in a workshop: nothing else on screen (the sidebar is hidden, so
the page has its own small language choice), plain Dutch (B1), the sentence before and after in grey, 6-8 cards with an icon plus "geen van
deze" and "weet ik niet", an end screen and a way to log out. The group's choice is recorded
under the group's coder name. Researchers see, instead, which cards the groups get and what
the groups chose next to their own codes. A thin page over workbench.workshop_cards and
workbench.privacy.workshop, which check the assignment and pseudonymise every fragment.
"""

import html

import pandas as pd
import streamlit as st

from workbench.app.common import acting_project, attempt, choose_and_submit, lang, tr, user
from workbench.i18n import LANGUAGES
from workbench.patterns.fragments import code_names
from workbench.privacy.workshop import fragment, my_fragments, surroundings
from workbench.workshop_cards import (
    NONE,
    UNSURE,
    available_cards,
    chosen_cards,
    choose_cards,
    current_card,
    group_comparison,
    progress,
    record_card,
)

me = user()
handle = acting_project()  # the project as seen by this session's user
if not handle.can("workshop"):
    st.title(tr("page.workshop"))
    st.error(tr("workshop.page.no_access", user=me))
    st.stop()


# --- the researcher: which cards, and what the groups chose ------------------------------

if handle.can("workshop.manage"):
    st.title(tr("page.workshop"))
    # codes by the name the codebook gives them in the reader's language, never by their slug
    named = code_names(handle, lang())
    st.subheader(tr("workshop.page.cards_title"), anchor=False)
    cards = {c["id"]: c for c in attempt(available_cards, handle).value or []}
    if not cards:
        st.info(tr("workshop.page.no_card_set"))
    else:
        current = [c["id"] for c in attempt(chosen_cards, handle).value or [] if c["id"] in cards]
        # the words made now, in this run (Streamlit's test harness formats outside the run)
        card_words = {
            i: f"{c['text']} → {named.get(c['code'], c['code'])}" for i, c in cards.items()
        }
        picked, save = choose_and_submit(
            tr("workshop.page.cards_pick"),
            list(cards),
            key="workshop_cards",
            submit=tr("workshop.page.cards_save"),
            submit_key="workshop_cards_save",
            help=tr("workshop.page.cards_help"),
            default=current,
            format_func=card_words.get,
            placeholder=tr("workshop.page.cards_placeholder"),
        )
        if save:
            attempt(
                choose_cards,
                handle,
                picked,
                success=lambda _: tr("workshop.page.cards_saved", n=len(picked)),
            )
    st.subheader(tr("workshop.page.compare_title"), anchor=False)
    compared = attempt(group_comparison, handle).value
    if compared is None or not compared["rows"]:
        st.info(tr("workshop.page.compare_none"))
        st.stop()
    st.caption(
        tr("workshop.page.answered", answered=compared["answered"], total=compared["pieces"])
    )
    if compared["compared"]:
        st.metric(
            tr("workshop.page.agreement"),
            f"{round(100 * compared['agreed'] / compared['compared'])}%",
            help=tr("workshop.page.agreement_help"),
        )
        st.caption(
            tr(
                "workshop.page.agreement_n",
                agreed=compared["agreed"],
                compared=compared["compared"],
            )
        )
    if compared["not_read"]:
        st.caption(tr("workshop.page.not_read", n=compared["not_read"]))
    if compared["withdrawn"]:
        st.caption(tr("workshop.page.withdrawn_n", n=compared["withdrawn"]))
    words = {NONE: tr("workshop.page.none_of_these"), UNSURE: tr("workshop.page.dont_know")}
    agree = {True: tr("workshop.page.agree_yes"), False: tr("workshop.page.agree_no"), None: ""}
    st.dataframe(
        pd.DataFrame(
            {
                tr("workshop.page.col_group"): [r["group"] for r in compared["rows"]],
                tr("workshop.page.col_document"): [r["document"] for r in compared["rows"]],
                tr("workshop.page.col_text"): [r["text"] for r in compared["rows"]],
                tr("workshop.page.col_card"): [
                    words.get(r["card"], r["card"] or "") for r in compared["rows"]
                ],
                tr("workshop.page.col_own"): [
                    ", ".join(named.get(slug, slug) for slug in r["own"]) for r in compared["rows"]
                ],
                tr("workshop.page.col_agrees"): [
                    tr("workshop.page.withdrawn") if r["withdrawn"] else agree[r["agrees"]]
                    for r in compared["rows"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.stop()


# --- the resident co-researcher -----------------------------------------------------------

st.markdown(
    """
    <style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
    [data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"]
    { display: none !important; }
    .block-container { padding-top: 1.2rem !important; }
    .werkplaats-rond { font-size: 1.25rem; line-height: 1.5; color: #8a8a8a;
      padding: 0 1.6rem; margin: 0.2rem 0; }
    .werkplaats-tekst { font-size: 1.9rem; line-height: 1.5; padding: 0.9rem 1.6rem;
      border-radius: 0.8rem; background: #fbf7ef; color: #222; margin: 0.3rem 0; }
    .werkplaats-keuze { font-size: 1.3rem; margin: 0.4rem 0; }
    .stButton button p { font-size: 1.15rem; }
    /* a card's whole sentence, on two lines when it must: never cut off with "..." */
    .stButton button p, .stButton button [data-testid="stMarkdownContainer"] {
      white-space: normal !important; overflow: visible !important;
      text-overflow: clip !important; }
    [class*="st-key-workshop_pick_"] button { min-height: 4.4rem; }
    </style>
    """,
    unsafe_allow_html=True,
)


def log_out() -> None:
    """End the session: the next person starts at the login screen."""
    for key in ("user", "_login_project", "workshop_position", "workshop_segment", "workshop_done"):
        st.session_state.pop(key, None)


def switch_language() -> None:
    """The sidebar (with its language choice) is hidden here: this choice sets the same one."""
    chosen = st.session_state.get("workshop_lang")
    if chosen in LANGUAGES:
        st.session_state["lang"] = chosen


# Interface words switch; the cards stay in the language they were written in.
st.session_state["workshop_lang"] = lang()
_, corner = st.columns([4, 1])
corner.radio(
    tr("workshop.page.language"),
    list(LANGUAGES),
    key="workshop_lang",
    format_func={"nl": "Nederlands", "en": "English"}.get,
    horizontal=True,
    label_visibility="collapsed",
    on_change=switch_language,
)

fragments = attempt(my_fragments, handle).value or []
if not fragments:  # only then a title: during the workshop nothing but the fragment shows
    st.title(tr("page.workshop"))
    st.info(tr("workshop.page.nothing"))
    st.button(
        tr("workshop.page.logout"),
        key="workshop_logout",
        on_click=log_out,
        icon=":material/logout:",
    )
    st.stop()

if st.session_state.get("workshop_done"):
    st.markdown(
        f"<div class='werkplaats-tekst'>{html.escape(tr('workshop.page.done'))}</div>",
        unsafe_allow_html=True,
    )
    left = (attempt(progress, handle).value or {}).get("open", [])
    if left:  # pieces passed by without a card: say so, and "back" goes to the first
        st.info(tr("workshop.page.left_open", n=len(left)))
    back, leave = st.columns(2)
    if back.button(tr("workshop.page.back_to_pieces"), key="workshop_back", width="stretch"):
        st.session_state["workshop_done"] = False
        if left:
            st.session_state["workshop_segment"] = left[0]
        st.rerun()
    leave.button(
        tr("workshop.page.logout"),
        key="workshop_logout",
        type="primary",
        on_click=log_out,
        icon=":material/logout:",
        width="stretch",
    )
    st.stop()

# The researcher may take pieces away or add some while the group works: stay on the piece
# on screen; when it was taken away, go on with the one now in its place.
shown = st.session_state.get("workshop_segment")
position = st.session_state.get("workshop_position", 0)
if shown in fragments:
    position = fragments.index(shown)
elif shown is not None:
    st.info(tr("workshop.page.piece_taken_away"))
position = max(0, min(position, len(fragments) - 1))
segment_id = fragments[position]
st.session_state["workshop_position"] = position
st.session_state["workshop_segment"] = segment_id


def go(to: int) -> None:
    """Show piece number ``to`` (0-based) of the list as it is now."""
    st.session_state["workshop_position"] = to
    st.session_state["workshop_segment"] = fragments[to]


st.caption(tr("workshop.page.progress", n=position + 1, total=len(fragments)))
# refused while the piece is not ready (names not checked): then only the way on is shown
around = attempt(surroundings, handle, segment_id).value
current = attempt(fragment, handle, segment_id).value if around is not None else None
if current is not None:
    choice = attempt(current_card, handle, segment_id).value
    cards = attempt(chosen_cards, handle).value or []
    for side, css in (
        ("before", "werkplaats-rond"),
        (None, "werkplaats-tekst"),
        ("after", "werkplaats-rond"),
    ):
        text = current["text"] if side is None else around[side]
        if text:
            st.markdown(f"<div class='{css}'>{html.escape(text)}</div>", unsafe_allow_html=True)

    names = {c["id"]: c["text"] for c in cards}
    names |= {NONE: tr("workshop.page.none_of_these"), UNSURE: tr("workshop.page.dont_know")}
    st.markdown(
        "<div class='werkplaats-keuze'>"
        + html.escape(
            tr("workshop.page.chosen", name=names[choice])
            if choice in names
            else tr("workshop.page.question")
        )
        + "</div>",
        unsafe_allow_html=True,
    )

    def pick(card_id: str | None) -> None:
        """Record a card: a second tap keeps it; None ("Keuze wissen") clears the choice."""
        attempt(record_card, handle, segment_id, card_id)

    def pick_shown(position: int) -> None:
        """Record the card at this place of the row the group saw (the run that drew it)."""
        pick(cards[position]["id"])

    def card_button(column, card: dict, key: str, on_click, arg) -> None:
        column.button(
            card["text"],
            key=f"workshop_pick_{key}",
            icon=f":material/{card['icon']}:",
            help=card.get("help") or None,
            type="primary" if card["id"] == choice else "secondary",
            width="stretch",
            on_click=on_click,
            args=(arg,),
        )

    # A card is keyed by its place in the row, never by its id: for a codebook without a card
    # set the id is the code's slug, which can be made of a name ("steun-van-henk"), and a
    # widget key ends up in the page's HTML and the session state.
    # Four cards a row, so 6-8 cards take two rows and the fragment stays in view.
    for first in range(0, len(cards), 4):
        for place, column in zip(range(first, len(cards)), st.columns(4)):
            card_button(column, cards[place], str(place + 1), pick_shown, place)
    fixed = (
        {"id": NONE, "text": names[NONE], "icon": "do_not_disturb_on"},
        {"id": UNSURE, "text": names[UNSURE], "icon": "help"},
    )
    row = st.columns(4)
    for column, card in zip(row, fixed):
        card_button(column, card, card["id"], pick, card["id"])
    if choice is not None:  # a small action of its own, never a second tap on the card
        row[3].button(
            tr("workshop.page.clear_choice"),
            key="workshop_clear",
            icon=":material/undo:",
            type="tertiary",
            on_click=pick,
            args=(None,),
        )

back, forward = st.columns(2)
if back.button(
    tr("workshop.page.previous"),
    key="workshop_previous",
    disabled=position == 0,
    width="stretch",
    icon=":material/arrow_back:",
):
    go(position - 1)
    st.rerun()
last = position >= len(fragments) - 1
if forward.button(
    tr("workshop.page.finish" if last else "workshop.page.next"),
    key="workshop_next",
    type="primary",
    width="stretch",
    icon=":material/check:" if last else ":material/arrow_forward:",
):
    if last:
        st.session_state["workshop_done"] = True
    else:
        go(position + 1)
    st.rerun()
