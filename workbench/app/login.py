"""Login for the app: automatic for single use, a small form once accounts have passwords.

The session's user is ``st.session_state["user"]``; ``_login_project`` remembers for which
project file this session logged in, so opening another project asks again. The package
enforces roles on every call; this only decides who the session acts as.
"""

from __future__ import annotations

import streamlit as st

from workbench import accounts
from workbench.app import common


def logged_in() -> bool:
    """Whether this session may go on; logs in the default account when login is off."""
    project = str(common.project_path())
    if st.session_state.get("_login_project") == project and "user" in st.session_state:
        return True
    database = common.db()
    auto = accounts.auto_login_user(database)
    if auto is None:
        st.session_state.pop("user", None)
        return False
    # single use: keep a coder name chosen by the session or $WORKBENCH_USER when it exists
    if common.user() not in {u["name"] for u in accounts.list_users(database)}:
        st.session_state["user"] = auto
    st.session_state["_login_project"] = project
    return True


def form() -> None:
    """Name and password; on success the session acts as that account."""
    st.title(common.tr("login.title"))
    with st.form("login"):
        name = st.text_input(common.tr("login.name"), key="login_name")
        password = st.text_input(common.tr("login.password"), type="password", key="login_password")
        if st.form_submit_button(common.tr("login.submit")):
            who = common.attempt(accounts.authenticate, common.db(), name.strip(), password)
            if who.ok and who.value:
                st.session_state["user"] = who.value
                st.session_state["_login_project"] = str(common.project_path())
                st.rerun()


def logout_button() -> None:
    """A log-out button, shown only when login is on."""
    if accounts.auto_login_user(common.db()) is None and st.button(common.tr("login.logout")):
        st.session_state.pop("user", None)
        st.session_state.pop("_login_project", None)
        st.rerun()
