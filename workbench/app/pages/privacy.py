"""Privacy en toegang: replace names, workshop fragments, accounts, history and undo, backups.

A thin page over workbench.privacy, workbench.accounts and workbench.history. Each part is
shown only to roles allowed to use it; the package checks again on every call.
"""

import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench import accounts, history, history_about
from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    choose_and_submit,
    db,
    flash,
    moment,
    older_undo,
    project_path,
    show_flash,
    tr,
    undone_message,
    user,
)
from workbench.app.tabs import kept_tabs
from workbench.codebook.views import code_tree
from workbench.documents import list_documents
from workbench.i18n import Term
from workbench.privacy import (
    add_known_name,
    apply_pseudonyms,
    candidates,
    decide,
    detect,
    documents_not_checked,
    key_file,
)
from workbench.privacy.backup import backup
from workbench.privacy.detect import KINDS
from workbench.privacy.workshop import (
    assign_fragments,
    assignments,
    default_group,
    segments_for_assignment,
    set_workshop_codes,
    unassign_fragments,
)
from workbench.store import get_setting, last_event_id

st.title(tr("page.privacy"))
handle = acting_project()  # the project as seen by this session's user
project = db()
me = user()
if not handle.can("read"):
    st.error(tr("privacy.page.no_access", user=me))
    st.stop()
path = str(project_path())
show_flash()


# a widget's option words are looked up in this run, not in its format function: Streamlit's
# test harness calls that outside the run, where the session's language is not known, and
# then read Dutch words on an English page (a click failed: "'persoon' is not in list")
kind_labels = {kind: tr(f"privacy.page.kind.{kind}") for kind in KINDS}


@st.cache_data(show_spinner=False, max_entries=4)
def cached_detection(_handle, path: str, documents: tuple, actor: str):
    """Detection runs again only when documents were added or removed (per acting user)."""
    return detect(_handle)


SECTIONS = [
    ("names", "pseudonymise"),
    ("workshop", "workshop.manage"),
    ("accounts", "read"),
    ("history", "read"),
    ("backup", "backup"),
]
visible = [name for name, action in SECTIONS if handle.can(action)]
# keyed, so the open tab stays open when the language changes (workbench.app.tabs)
tabs = kept_tabs("privacy_tab", {name: f"privacy.page.tab.{name}" for name in visible})

# ------------------------------------------------------------------------------ names
if "names" in tabs:
    with tabs["names"]:
        st.caption(tr("privacy.page.names_intro", keyfile=key_file(project).name))
        unchecked = documents_not_checked(handle)
        if unchecked:
            st.warning(tr("privacy.page.unchecked", n=len(unchecked)))
        documents = tuple(d["id"] for d in list_documents(handle))
        detected = cached_detection(handle, path, documents, me)
        found = candidates(handle, detected=detected)
        counts = {s: sum(c["status"] == s for c in found) for s in ("new", "accepted", "rejected")}
        st.markdown(tr("privacy.page.counts", **counts))
        if found:
            by_name = {c["original"]: c for c in found}
            # the words now, in this run's language (see kind_labels)
            labels = {
                n: f"{n} · {tr('privacy.page.status.' + c['status'])} · {c['count']}×"
                for n, c in by_name.items()
            }
            name = st.selectbox(
                tr("privacy.page.candidate"),
                list(by_name),
                format_func=labels.get,
                key="privacy_candidate",
            )
            cand = by_name[name]
            st.subheader(name)
            for context in cand["contexts"]:
                where = context.get("where")  # a memo, a document name, an attribute value
                shown = f"…{context['left']}**{context['match']}**{context['right']}…"
                st.markdown(f"*{tr(where['key'], **where['params'])}*: {shown}" if where else shown)
            left, right = st.columns(2)
            kind = choice(
                left.selectbox,
                tr("privacy.page.kind"),
                kind_labels,
                index=KINDS.index(cand["kind"]),
                key=f"privacy_kind_{name}",
            )
            replacement = right.text_input(
                tr("privacy.page.replacement"),
                value=cand["replacement"] or "",
                placeholder=tr("privacy.page.replacement_auto"),
                key=f"privacy_repl_{name}",
            )
            yes, no = st.columns(2)
            accept = yes.button(tr("privacy.page.accept"), type="primary", key="privacy_accept")
            reject = no.button(tr("privacy.page.reject"), key="privacy_reject")
            if accept or reject:
                entry = attempt(
                    decide,
                    handle,
                    name,
                    accept=accept,
                    kind=kind,
                    replacement=(replacement or None) if accept else None,
                )
                if entry:
                    del st.session_state["privacy_candidate"]  # on to the next new name
                    flash(
                        tr("privacy.page.accepted", name=name, replacement=entry.value.replacement)
                        if accept
                        else tr("privacy.page.rejected", name=name)
                    )
        else:
            st.info(tr("privacy.page.no_candidates"))
        if st.button(tr("privacy.page.apply"), key="privacy_apply"):
            attempt(
                apply_pseudonyms,
                handle,
                success=lambda result: tr("privacy.page.applied", **result),
            )
        with st.expander(tr("privacy.page.known")):
            with st.form("privacy_known"):
                respondent = st.text_input(
                    tr("privacy.page.respondent"), key="privacy_known_respondent"
                )
                known = st.text_input(tr("privacy.page.known_name"), key="privacy_known_name")
                known_kind = choice(
                    st.selectbox, tr("privacy.page.kind"), kind_labels, key="privacy_known_kind"
                )
                if st.form_submit_button(tr("privacy.page.add_known")):
                    attempt(
                        add_known_name,
                        handle,
                        respondent.strip(),
                        known,
                        kind=known_kind,
                        success=lambda _: tr("privacy.page.known_added", name=known),
                    )


def yes_no(value: bool) -> str:
    return tr("privacy.page.yes" if value else "privacy.page.no")


def table(columns: dict[str, list]) -> pd.DataFrame:
    """A table with its column names in the reader's language (``privacy.page.col.*``)."""
    return pd.DataFrame({tr(f"privacy.page.col.{c}"): v for c, v in columns.items()})


def history_table(events: list[dict], about: list[Term] | None = None) -> pd.DataFrame:
    """Events for reading: when, who, what in neutral words (not "coding.add", and not "je":
    anyone may have done it), about what (``history_about.event_about``, for a document's or a
    code's history), undone yes/no. Not the row's internal id: a number that points at
    nothing the reader can see or look up."""
    rows = {
        "at": [moment(e["at"]) for e in events],
        "actor": [e["actor"] for e in events],
        "action": [tr(history.event_words(e["action"]).key) for e in events],
    }
    if about is not None:
        rows["about"] = [tr(words.key, **words.params) for words in about]
    if all("undone" in e for e in events):
        rows["undone"] = [yes_no(e["undone"]) for e in events]
    return table(rows)


def assignments_table(assigned: list[dict], code_names: dict[str, str]) -> pd.DataFrame:
    """Who codes which fragment for which group, and what the group chose (empty: nothing
    yet). "Stukje" counts as the co-researcher's own screen does ("Stukje 2 van 5")."""
    counted: Counter[str] = Counter()
    numbers = []
    for a in assigned:  # in the order of each co-researcher's list
        counted[a["user"]] += 1
        numbers.append(counted[a["user"]])
    return table(
        {
            "helper": [a["user"] for a in assigned],
            "group": [a["group"] for a in assigned],
            "piece": numbers,
            "document": [a["document"] for a in assigned],
            "choice": [code_names.get(a["choice"], a["choice"]) or "" for a in assigned],
        }
    )


def role_name(role: str) -> str:
    """A role in the reader's words ("researcher"), the same word ``workbench users list``
    prints; the stored value ("onderzoeker") stays internal."""
    words = accounts.role_words(role)
    return tr(words.key, **words.params)


def accounts_table(people: list[dict]) -> pd.DataFrame:
    """Accounts for reading: headers, roles and yes/no in the reader's language, readable dates."""
    return table(
        {
            "name": [p["name"] for p in people],
            "role": [role_name(p["role"]) for p in people],
            "has_password": [yes_no(p["has_password"]) for p in people],
            "created_at": [moment(p["created_at"]) for p in people],
        }
    )


# --------------------------------------------------------------------------- workshop
if "workshop" in tabs:
    with tabs["workshop"]:
        st.caption(tr("privacy.page.workshop_intro"))
        helpers = [u["name"] for u in accounts.list_users(project) if u["role"] == "co-onderzoeker"]
        if not helpers:
            st.info(tr("privacy.page.no_helpers"))
        else:
            group = st.text_input(
                tr("privacy.page.group"), value=default_group(), key="privacy_group"
            )
            helper = st.selectbox(tr("privacy.page.helper"), helpers, key="privacy_helper")
            docs = {d["id"]: d["name"] for d in list_documents(handle)}
            if docs:
                doc = st.selectbox(
                    tr("privacy.page.document"), list(docs), format_func=docs.get, key="privacy_doc"
                )
                segments = attempt(segments_for_assignment, handle, doc).value or []
                labels = {
                    s["segment_id"]: f"{s['position'] + 1}. {s['text'][:90]}"
                    for s in segments
                    if s["speaker_role"] != "interviewer"
                }
                # the choice and "Geef deze fragmenten" in one form, the button beside the
                # list: a first click right after picking is not lost (choose_and_submit)
                chosen, assign = choose_and_submit(
                    tr("privacy.page.fragments"),
                    list(labels),
                    key="privacy_fragments",
                    submit=tr("privacy.page.assign"),
                    submit_key="privacy_assign",
                    format_func=labels.get,
                    placeholder=tr("app.choose_many"),
                )
                st.button(
                    tr("privacy.page.all_fragments"),
                    key="privacy_all_fragments",
                    on_click=st.session_state.__setitem__,
                    args=("privacy_fragments", list(labels)),
                    disabled=len(chosen) == len(labels),
                )
                if assign and chosen:
                    attempt(
                        assign_fragments,
                        handle,
                        co_researcher=helper,
                        segment_ids=chosen,
                        group=group,
                        success=lambda added: tr("privacy.page.assigned", n=added, user=helper),
                    )
        codes = {c["slug"]: c["name"] for c in code_tree(handle)}
        current = [c for c in (get_setting(project, "workshop_codes") or []) if c in codes]
        offered = st.multiselect(
            tr("privacy.page.workshop_codes"),
            list(codes),
            default=current,
            format_func=codes.get,
            key="privacy_workshop_codes",
            placeholder=tr("app.choose_many"),
            select_all=False,
        )
        if st.button(tr("privacy.page.save_codes"), key="privacy_save_codes"):
            attempt(
                set_workshop_codes,
                handle,
                offered,
                success=lambda _: tr("privacy.page.codes_saved", n=len(offered)),
            )
        assigned = attempt(assignments, handle).value or []
        if assigned:
            names = {c["slug"]: c["name"] for c in code_tree(handle, include_inactive=True)}
            st.dataframe(assignments_table(assigned, names), hide_index=True, width="stretch")
            gone = st.selectbox(
                tr("privacy.page.unassign_user"),
                sorted({a["user"] for a in assigned}),
                key="privacy_unassign_user",
            )
            if st.button(tr("privacy.page.unassign"), key="privacy_unassign"):
                attempt(
                    unassign_fragments,
                    handle,
                    co_researcher=gone,
                    flash=lambda _: tr("privacy.page.unassigned", user=gone),
                )

# --------------------------------------------------------------------------- accounts
if "accounts" in tabs:
    with tabs["accounts"]:
        role_names = {role: role_name(role) for role in accounts.LOGIN_ROLES}  # see kind_labels
        if handle.can("users.manage"):
            people = accounts.list_users(project)
            st.dataframe(accounts_table(people), hide_index=True, width="stretch")
            with st.form("privacy_add_user", clear_on_submit=True):
                st.markdown(tr("privacy.page.add_user"))
                new_name = st.text_input(tr("privacy.page.user_name"), key="privacy_new_name")
                new_role = choice(
                    st.selectbox, tr("privacy.page.role"), role_names, key="privacy_new_role"
                )
                new_password = st.text_input(
                    tr("privacy.page.password"), type="password", key="privacy_new_password"
                )
                if st.form_submit_button(tr("privacy.page.add")):
                    attempt(
                        accounts.add_user,
                        handle,
                        new_name.strip(),
                        role=new_role,
                        password=new_password or None,
                        success=lambda _: tr("privacy.page.user_added", name=new_name),
                    )
            with st.form("privacy_role"):
                st.markdown(tr("privacy.page.change_role"))
                who = st.selectbox(
                    tr("privacy.page.user_name"), [p["name"] for p in people], key="privacy_who"
                )
                role = choice(
                    st.selectbox, tr("privacy.page.role"), role_names, key="privacy_set_role"
                )
                if st.form_submit_button(tr("privacy.page.save")):
                    attempt(
                        accounts.set_role,
                        handle,
                        who,
                        role,
                        success="privacy.page.saved",
                    )
            targets = [p["name"] for p in people]
        else:
            targets = [me]
        with st.form("privacy_password", clear_on_submit=True):
            st.markdown(tr("privacy.page.set_password"))
            whose = st.selectbox(tr("privacy.page.user_name"), targets, key="privacy_password_user")
            password = st.text_input(
                tr("privacy.page.password"), type="password", key="privacy_password_new"
            )
            if st.form_submit_button(tr("privacy.page.save")):
                attempt(
                    accounts.set_password,
                    handle,
                    whose,
                    password,
                    success="privacy.page.saved",
                )

# ---------------------------------------------------------------------------- history
if "history" in tabs:
    with tabs["history"]:
        mine = history.undoable_actions(handle, limit=5)
        if mine:
            st.markdown(tr("privacy.page.my_last"))
            st.dataframe(history_table(mine), hide_index=True, width="stretch")
            refused = None
            if st.button(tr("privacy.page.undo"), key="privacy_undo"):
                undone = attempt(history.undo_last, handle)
                if undone:
                    flash(undone_message(undone.value, "privacy.page.undone"))
                refused = undone.error
            # the last action was changed since by someone: offer to undo the one before it
            older_undo(
                handle,
                refused,
                key="privacy_undo_older",
                flash=lambda undone: undone_message(undone, "privacy.page.undone"),
            )
        kinds = {k: tr(f"privacy.page.history_{k}") for k in ("document", "code")}
        kind = choice(
            st.radio,
            tr("privacy.page.history_of"),
            kinds,
            key="privacy_history_kind",
            horizontal=True,
        )
        if kind == "document":
            docs = {d["id"]: d["name"] for d in list_documents(handle)}
            chosen = (
                st.selectbox(
                    tr("privacy.page.document"),
                    list(docs),
                    format_func=docs.get,
                    key="privacy_history_doc",
                )
                if docs
                else None
            )
            events = history.document_history(handle, chosen) if chosen else []
        else:
            codes = {c["id"]: c["name"] for c in code_tree(handle, include_inactive=True)}
            chosen = (
                st.selectbox(
                    tr("privacy.page.code"),
                    list(codes),
                    format_func=codes.get,
                    key="privacy_history_code",
                )
                if codes
                else None
            )
            events = history.code_history(handle, chosen) if chosen else []
        if events:
            about = history_about.event_about(handle, events)
            st.dataframe(history_table(events, about), hide_index=True, width="stretch")
        else:
            st.info(tr("privacy.page.no_history"))

# ----------------------------------------------------------------------------- backup
if "backup" in tabs:
    with tabs["backup"]:
        st.caption(tr("privacy.page.backup_intro"))
        if st.button(tr("privacy.page.make_backup"), key="privacy_make_backup"):
            with tempfile.TemporaryDirectory() as folder:
                name = f"{Path(path).stem}-{last_event_id(project)}.db"
                made = attempt(backup, handle, Path(folder) / name)
                if made:
                    st.session_state["privacy_backup"] = (name, made.value.path.read_bytes())
                    if not made.value.logged:
                        st.warning(tr("backup.not_logged"))
        if "privacy_backup" in st.session_state:
            name, data = st.session_state["privacy_backup"]
            st.download_button(
                tr("privacy.page.download_backup", name=name),
                data,
                file_name=name,
                mime="application/vnd.sqlite3",
                key="privacy_download",
            )
