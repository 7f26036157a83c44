"""Page 'codeboek': browse the code tree, change codes (always with a reason), read the log,
download the codebook as a document.

Thin: every read and change is a call into :mod:`workbench.codebook`; errors come back as
WorkbenchError and are shown in the session's language by ``attempt``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench import codebook as cb
from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    file_uploader,
    flash,
    lang,
    moment,
    project_path,
    show_flash,
    tr,
    user,
)
from workbench.app.tabs import kept_tabs
from workbench.handle import Project
from workbench.store import connect

st.title(tr("page.codeboek"))
handle = acting_project()  # the project as seen by this session's user

ACTIONS = ("add", "rename", "move", "merge", "split", "edit")
RECODE_PAGE = 50  # codings to recode shown at a time


def label(node: dict[str, Any]) -> str:
    return f"{node['name']} ({node['slug']})"


tree = cb.code_tree(handle)
books = cb.codebooks(handle)
can_edit = handle.can("codebook.edit")
slugs = [n["slug"] for n in tree]
names = {n["slug"]: label(n) for n in tree}

if books:
    st.caption(
        tr(
            "codeboek.books",
            books=", ".join(
                f"{b['name']} ({tr('codeboek.version', version=b['version'])})" for b in books
            ),
        )
    )
show_flash()

# keyed, so the open tab stays open when the language changes (workbench.app.tabs)
browse_tab, edit_tab, log_tab, download_tab, add_book_tab = kept_tabs(
    "codeboek_tab",
    {name: f"codeboek.tab_{name}" for name in ("browse", "edit", "log", "download", "books")},
).values()

# --- browse ------------------------------------------------------------------------------

with browse_tab:
    if not tree:
        st.info(tr("codeboek.empty"))
    query = (
        st.text_input(tr("codeboek.search"), key="codeboek_search", help=tr("codeboek.search_help"))
        .strip()
        .lower()
    )
    for node in tree:
        haystack = " ".join(
            [node["slug"], node["name"], node["brief"] or "", *node["indicators"]]
        ).lower()
        if query and query not in haystack:
            continue
        marker = " · " + tr("codeboek.sensitive") if node["sensitive"] else ""
        indent = "\u2003" * node["depth"] + ("↳ " if node["depth"] else "")
        count = tr("codeboek.n", n=node["n_accepted_total"], interviews=node["n_documents_total"])
        title = f"{indent}{node['name']} — {count}{marker}"
        with st.expander(title):
            st.markdown(
                f"<span style='background:{node['color'] or '#dddddd'};padding:0 .6em;"
                f"border-radius:.3em'>&nbsp;</span> `{node['slug']}` · "
                + tr(
                    "codeboek.counts",
                    accepted=node["n_accepted"],
                    suggested=node["n_suggested"],
                    rejected=node["n_rejected"],
                ),
                unsafe_allow_html=True,
            )
            if node["sensitive"]:
                st.warning(tr("codeboek.sensitive_note"))
            for field in ("brief", "definition", "use_when", "dont_use_when"):
                if node[field]:
                    st.markdown(f"**{tr(f'codebook.doc.{field}')}.** {node[field]}")
            for field in ("examples", "counterexamples"):
                if node[field]:
                    st.markdown(
                        f"**{tr(f'codebook.doc.{field}')}:**\n"
                        + "\n".join(f"- “{v}”" for v in node[field])
                    )
            if node["indicators"]:
                st.markdown(
                    f"**{tr('codebook.doc.indicators')}:** " + ", ".join(node["indicators"])
                )
            if node["source"]:
                st.caption(
                    f"{tr('codebook.doc.source')}: {node['source']['file']}: "
                    f"“{node['source']['quote']}”"
                )

# --- edit --------------------------------------------------------------------------------


def reason(key: str) -> str:
    return st.text_input(tr("codeboek.why"), key=key, help=tr("codeboek.why_help"))


def code_select(
    text: str, key: str, options: list[str] | None = None, allow_top: bool = False
) -> str | None:
    options = list(options if options is not None else slugs)
    if allow_top:
        options = [""] + options
    shown = {**names, "": tr("codeboek.top")}
    return choice(st.selectbox, text, {o: shown[o] for o in options}, key=key) or None


with edit_tab:
    if not can_edit:
        st.info(tr("codeboek.no_rights"))
    else:
        action = choice(
            st.radio,
            tr("codeboek.what"),
            {a: tr(f"codeboek.action.{a}") for a in ACTIONS},
            key="codeboek_action",
            horizontal=True,
        )
        st.caption(tr(f"codeboek.explain.{action}"))
        if action == "add":
            with st.form("codeboek_add_form"):
                new_name = st.text_input(tr("codeboek.name"), key="add_name")
                parent = code_select(tr("codeboek.parent"), "add_parent", allow_top=True)
                definition = st.text_area(tr("codebook.doc.definition"), key="add_definition")
                indicators = st.text_input(tr("codeboek.indicators"), key="add_indicators")
                why = reason("add_why")
                if st.form_submit_button(tr("codeboek.action.add")):
                    words = [w.strip() for w in indicators.split(",") if w.strip()]
                    attempt(
                        cb.add_code,
                        handle,
                        name=new_name,
                        parent=parent,
                        definition=definition or None,
                        indicators=words,
                        rationale=why,
                        flash=lambda slug: tr("codeboek.added", code=slug),
                    )
        elif not tree:
            st.info(tr("codeboek.empty"))
        elif action == "rename":
            with st.form("codeboek_rename_form"):
                code = code_select(tr("codeboek.code"), "rename_code")
                new_name = st.text_input(tr("codeboek.new_name"), key="rename_name")
                why = reason("rename_why")
                if st.form_submit_button(tr("codeboek.action.rename")):
                    attempt(
                        cb.rename_code,
                        handle,
                        code,
                        new_name,
                        rationale=why,
                        flash=lambda _: tr("codebook.done.rename", code=code, name=new_name),
                    )
        elif action == "move":
            with st.form("codeboek_move_form"):
                code = code_select(tr("codeboek.code"), "move_code")
                parent = code_select(tr("codeboek.new_parent"), "move_parent", allow_top=True)
                why = reason("move_why")
                if st.form_submit_button(tr("codeboek.action.move")):
                    attempt(
                        cb.move_code,
                        handle,
                        code,
                        parent,
                        rationale=why,
                        flash=lambda _: tr(
                            "codebook.done.move" if parent else "codebook.done.move_top",
                            code=code,
                            parent=parent,
                        ),
                    )
        elif action == "merge":
            with st.form("codeboek_merge_form"):
                source = code_select(tr("codeboek.merge_source"), "merge_source")
                target = code_select(tr("codeboek.merge_target"), "merge_target")
                why = reason("merge_why")
                if st.form_submit_button(tr("codeboek.action.merge")):
                    attempt(
                        cb.merge_codes,
                        handle,
                        source,
                        target,
                        rationale=why,
                        flash=lambda result: tr(
                            "codeboek.merged", source=source, target=target, **result
                        ),
                    )
        elif action == "split":
            with st.form("codeboek_split_form"):
                code = code_select(tr("codeboek.code"), "split_code")
                new_names = st.text_area(tr("codeboek.split_names"), key="split_names")
                why = reason("split_why")
                if st.form_submit_button(tr("codeboek.action.split")):
                    parts = [{"name": n.strip()} for n in new_names.splitlines() if n.strip()]
                    result = attempt(cb.split_code, handle, code, parts, rationale=why)
                    if result:
                        st.session_state["recode_code"] = code
                        flash(
                            tr(
                                "codeboek.split_done",
                                code=code,
                                codes=", ".join(result.value["codes"]),
                                n=len(result.value["codings"]),
                            )
                        )
            st.subheader(tr("codeboek.recode_title"))
            st.caption(tr("codeboek.recode_help"))
            recode_from = code_select(tr("codeboek.code"), "recode_code")
            codings = cb.codings_of(handle, recode_from) if recode_from else []
            if not codings:
                st.info(tr("codeboek.recode_none"))
            else:
                # 50 at a time: with only the first 50, those left on the code (they belong
                # there) kept the rest out of reach, and nothing said more were there
                first = 0
                if st.session_state.get("recode_page", 0) >= len(codings):  # fewer left now
                    st.session_state.pop("recode_page", None)
                if len(codings) > RECODE_PAGE:
                    first = choice(
                        st.selectbox,
                        tr("codeboek.recode_page"),
                        {
                            start: tr(
                                "codeboek.recode_range",
                                first=start + 1,
                                last=min(start + RECODE_PAGE, len(codings)),
                                n=len(codings),
                            )
                            for start in range(0, len(codings), RECODE_PAGE)
                        },
                        key="recode_page",
                    )
                with st.form("codeboek_recode_form"):
                    choices: dict[int, str] = {}
                    for coding in codings[first : first + RECODE_PAGE]:
                        choices[coding["id"]] = st.selectbox(
                            f"{coding['document']}: “{coding['text'][:120]}”",
                            slugs,
                            index=slugs.index(recode_from),
                            key=f"recode_{coding['id']}",
                            format_func=names.get,
                        )
                    if st.form_submit_button(tr("codeboek.recode_button")):
                        by_target: dict[str, list[int]] = defaultdict(list)
                        for coding_id, target in choices.items():
                            if target != recode_from:
                                by_target[target].append(coding_id)
                        moved = sum(
                            attempt(cb.recode_codings, handle, ids, target).value or 0
                            for target, ids in by_target.items()
                        )
                        flash(tr("codeboek.recoded", n=moved))
        elif action == "edit":
            code = code_select(tr("codeboek.code"), "edit_code")
            node = next(n for n in tree if n["slug"] == code)
            with st.form(f"codeboek_edit_form_{code}"):
                values = {
                    field: st.text_area(
                        tr(f"codebook.doc.{field}"),
                        value=node[field] or "",
                        key=f"edit_{field}_{code}",
                    )
                    for field in ("brief", "definition", "use_when", "dont_use_when")
                }
                for field in ("examples", "counterexamples"):
                    text = st.text_area(
                        tr(f"codeboek.{field}_lines"),
                        value="\n".join(node[field]),
                        key=f"edit_{field}_{code}",
                    )
                    values[field] = [line.strip() for line in text.splitlines() if line.strip()]
                text = st.text_input(
                    tr("codeboek.indicators"),
                    value=", ".join(node["indicators"]),
                    key=f"edit_indicators_{code}",
                )
                values["indicators"] = [w.strip() for w in text.split(",") if w.strip()]
                values["color"] = st.color_picker(
                    tr("codeboek.color"), value=node["color"] or "#cccccc", key=f"edit_color_{code}"
                )
                values["sensitive"] = st.checkbox(
                    tr("codeboek.sensitive_box"),
                    value=node["sensitive"],
                    key=f"edit_sensitive_{code}",
                )
                why = reason(f"edit_why_{code}")
                if st.form_submit_button(tr("codeboek.action.edit")):
                    values = {
                        k: (v.strip() or None) if isinstance(v, str) else v
                        for k, v in values.items()
                    }
                    if node["color"] is None and values["color"] == "#cccccc":
                        values["color"] = None  # the picker's placeholder, not a choice
                    changed = {k: v for k, v in values.items() if node[k] != v}
                    attempt(
                        cb.edit_code,
                        handle,
                        code,
                        rationale=why,
                        **changed,
                        flash=lambda _: tr("codeboek.changed", code=code),
                    )

# --- change log --------------------------------------------------------------------------

with log_tab:
    log = cb.change_log(handle, lang=lang())
    if not log:
        st.info(tr("codeboek.log_empty"))
    else:
        st.dataframe(
            [
                {
                    tr("codeboek.col_at"): moment(c["at"]),
                    tr("codeboek.col_author"): c["author"],
                    tr("codeboek.col_action"): tr(cb.change_words(c["action"]).key),
                    tr("codeboek.col_code"): c["code_slug"] or "",
                    tr("codeboek.col_why"): tr(why.key, **why.params),
                }
                for c in log
                for why in [cb.reason_words(c["rationale"])]
            ],
            hide_index=True,
            width="stretch",
        )

# --- download ----------------------------------------------------------------------------


def deferred(fmt: str) -> Callable[[], bytes]:
    """Build the file only when the button is clicked (in Streamlit's own thread, so with its
    own connection) instead of on every rerun."""
    path, language, who = str(project_path()), lang(), user()

    def make() -> bytes:
        database = connect(path)
        try:
            seen_by = Project.for_user(database, who, lang=language)
            return cb.export_bytes(seen_by, format=fmt, lang=language)
        finally:
            database.close()

    return make


with download_tab:
    if not tree:
        st.info(tr("codeboek.empty"))
    else:
        st.caption(tr("codeboek.download_help"))
        left, middle, right = st.columns(3)
        left.download_button(
            tr("codeboek.download_md"),
            key="download_md",
            data=deferred("md"),
            file_name="codeboek.md",
            mime="text/markdown",
        )
        middle.download_button(
            tr("codeboek.download_docx"),
            key="download_docx",
            data=deferred("docx"),
            file_name="codeboek.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        right.download_button(
            tr("codeboek.download_yaml"),
            key="download_yaml",
            data=deferred("yaml"),
            file_name="codeboek.yaml",
            mime="application/x-yaml",
        )
        merged = cb.merged_note(handle, lang=lang())
        if merged:
            st.caption(merged)

# --- add a codebook ----------------------------------------------------------------------


@st.cache_data(show_spinner=False)
def shipped_codebooks() -> dict[str, cb.Codebook]:
    """The codebooks that come with the workbench (files do not change while it runs)."""
    return {path.name: cb.load_codebook(path) for path in cb.SHIPPED_CODEBOOKS}


with add_book_tab:
    installed = {b["name"] for b in books}
    shipped = shipped_codebooks()
    available = [name for name, book in shipped.items() if book.name not in installed]
    if not can_edit:
        st.info(tr("codeboek.no_rights"))
    elif available:
        chosen = st.multiselect(
            tr("codeboek.shipped"),
            available,
            key="shipped_books",
            placeholder=tr("app.choose_many"),
            format_func=lambda n: f"{shipped[n].name} ({len(shipped[n].codes)} codes)",
            select_all=False,
        )
        if st.button(tr("codeboek.install"), key="install_shipped") and chosen:
            ok = [attempt(cb.install_codebook, handle, shipped[n], source=n) for n in chosen]
            if all(ok):
                flash(tr("codeboek.installed", n=len(chosen)))
    else:
        st.caption(tr("codeboek.all_installed"))
    if can_edit and books:
        st.subheader(tr("codeboek.remove_title"))
        st.caption(tr("codeboek.remove_help"))
        with st.form("codeboek_remove_form"):
            book = st.selectbox(
                tr("codeboek.remove_which"), [b["name"] for b in books], key="remove_book"
            )
            why = reason("remove_why")
            if st.form_submit_button(tr("codeboek.remove_button")):
                attempt(
                    cb.remove_codebook,
                    handle,
                    book,
                    rationale=why,
                    flash=lambda removed: tr("codeboek.removed", name=book, n=removed),
                )
    if can_edit:
        upload = file_uploader(
            tr("codeboek.upload"),
            type=["yaml", "yml"],
            key="codebook_upload",
            help=tr("codeboek.upload_help"),
        )
        if upload is not None and st.button(tr("codeboek.install"), key="install_upload"):
            attempt(
                cb.install_codebook_text,
                handle,
                upload.getvalue(),
                file=upload.name,
                flash=lambda _: tr("codeboek.installed", n=1),
            )
