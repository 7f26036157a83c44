"""Entry point of the Streamlit workbench: navigation, language, user. Pages do the rest.

Run with ``workbench app`` (installed; ``make demo`` uses it) or ``streamlit run
streamlit_app.py``. The server listens on localhost only (.streamlit/config.toml, and the same
settings on ``workbench app``'s command line).
"""

# st.Page is a function in older streamlit (1.60 still), where `st.Page | None` fails when evaluated.
from __future__ import annotations

from pathlib import Path

import streamlit as st

import workbench.app
from workbench import access
from workbench.app import common, login
from workbench.nlp import pipeline_info

# Next to the package, not to this file: an installed wheel carries this file as
# workbench/data/streamlit_app.py (``workbench app``).
PAGES = Path(workbench.app.__file__).parent / "pages"

st.set_page_config(page_title="Werkbank", page_icon=":material/forum:", layout="wide")

# First start on a project file that does not exist yet: demo.db becomes the demo project
# (fictional interviews), any other name a new empty project (workbench.demo.first_start).
if not common.project_path().exists():
    from workbench.demo import first_start

    with st.spinner(common.tr("app.first_start.busy")):
        made = first_start(common.project_path())
    if made:
        st.toast(common.tr(f"app.first_start.{made}", path=common.project_path().name))


def page(name: str, icon: str) -> st.Page | None:
    if name not in allowed:  # pages a role may not use are not offered (the package refuses too)
        return None
    return st.Page(PAGES / f"{name}.py", title=common.tr(f"page.{name}"), icon=icon, url_path=name)


with st.sidebar:
    st.selectbox(
        common.tr("app.language"),
        ["nl", "en"],
        key="lang",
        format_func={"nl": "Nederlands", "en": "English"}.get,
    )

# Login (issue 9): one click for single use; a form once any account has a password.
if not login.logged_in():
    login.form()
    st.stop()
allowed = set(access.visible_pages(common.db(), common.user()))

with st.sidebar:
    st.caption(common.tr("app.user") + f" **{common.user()}**")
    login.logout_button()
    if access.can(common.db(), common.user(), "read"):  # not for residents in a workshop
        st.caption(common.tr("app.pipeline", name=pipeline_info(common.nlp())["name"]))

navigation = st.navigation(
    {
        section: [p for p in pages if p is not None]
        for section, pages in {
            common.tr("app.section.work"): [
                page("project", ":material/folder_open:"),
                page("coderen", ":material/edit_note:"),
                page("suggesties", ":material/rule:"),
                page("zoeken", ":material/search:"),
                page("codeboek", ":material/account_tree:"),
                page("memos", ":material/sticky_note_2:"),
            ],
            common.tr("app.section.analyse"): [
                page("patronen", ":material/grid_view:"),
                page("consistentie", ":material/balance:"),
                page("export", ":material/download:"),
            ],
            common.tr("app.section.team"): [
                page("workshop", ":material/groups:"),
                page("privacy", ":material/lock:"),
            ],
        }.items()
        if any(p is not None for p in pages)
    }
)
navigation.run()
