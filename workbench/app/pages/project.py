"""Page 'project': open or create a project, import transcripts, respondents, speakers.

Thin: widgets in, package calls out (workbench.imports for files coming in, workbench.ingest,
workbench.respondents, workbench.projects), results rendered. Errors come back as WorkbenchError and are shown in
plain Dutch (or English) by ``attempt``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.access import can
from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    db,
    file_uploader,
    flash,
    lang,
    nlp,
    project_path,
    show_flash,
    tr,
    user,
)
from workbench.app.tabs import kept_tabs
from workbench.imports import (
    advised_extensions,
    extensions,
    import_file,
    import_files,
    scan_paths,
)
from workbench.ingest import (
    list_documents,
    list_speakers,
    project_counts,
    set_label_role,
    set_speaker_role,
)
from workbench.ingest.roles import ROLES, role_effect
from workbench.nlp import pipeline_info
from workbench.respondents import (
    TYPES,
    add_respondent,
    define_attribute,
    import_summary,
    link_documents,
    list_attributes,
    list_respondents,
    match_by_file_name,
    respondents_table,
    save_table,
)
from workbench.store import get_setting, set_setting

st.title(tr("page.project"))
handle = acting_project()  # the project as seen by this session's user


# --- project and pipeline ------------------------------------------------------------


def open_or_create(name: str) -> bool:
    """Open the project ``name`` in the projects folder, or create it; True on success.

    The projects folder is the folder of the project this session started with; the package
    refuses paths out of it and users who are not researchers.
    """
    from workbench.projects import open_in_folder

    found = attempt(open_in_folder, handle, project_path().parent, name)
    if not found:
        return False
    path, created = found.value
    st.session_state["project_path"] = str(path)
    st.session_state["_project_message"] = tr(
        "page_project.created" if created else "page_project.opened", path=path.name
    )
    return True


with st.container(border=True):
    info = pipeline_info(nlp())
    left, right = st.columns([3, 2])
    left.markdown(tr("page_project.current", path=str(project_path())))
    right.markdown(tr("page_project.pipeline", name=info["name"]))
    if not info["has_pos"]:
        right.caption(tr("page_project.pipeline_fallback"))
    counts = project_counts(db())
    st.caption(tr("page_project.counts", **counts))
    if can(db(), user(), "project.open"):
        with st.expander(tr("page_project.switch")):
            new_path = st.text_input(
                tr("page_project.path_label"),
                value=project_path().name,
                key="project_path_input",
                help=tr("page_project.path_help", folder=str(project_path().parent)),
            )
            if st.button(tr("page_project.open_button"), key="open_project") and open_or_create(
                new_path
            ):
                st.rerun()
    if "_project_message" in st.session_state:
        st.success(st.session_state.pop("_project_message"))

# keyed, so the open tab stays open when the language changes (workbench.app.tabs)
files_tab, respondents_tab, speakers_tab = kept_tabs(
    "project_tab",
    {name: f"page_project.tab_{name}" for name in ("files", "respondents", "speakers")},
).values()


# --- import ----------------------------------------------------------------------------


def show_report(report) -> None:
    for result in report.results:
        if result.ok and result.format == "qdpx":
            st.success(result.details.headline(lang()))
            st.markdown("\n".join(f"- {line}" for line in result.details.lines(lang())[1:]))
        elif result.ok:
            speakers = ", ".join(
                f"{label} ({tr(f'ingest.role.{role}')})" for label, role in result.speakers.items()
            ) or tr("page_project.no_speakers")
            st.success(
                tr(
                    "page_project.file_ok",
                    file=result.name,
                    format=result.format,
                    encoding=result.encoding or "-",
                    speakers=speakers,
                    turns=result.n_turns,
                    segments=result.n_segments,
                    words=result.n_words,
                )
            )
            for line in result.warning_lines(lang()):
                st.warning(line)
            if not result.speakers:
                st.caption(tr("page_project.unlabelled_note", file=result.name))
            if result.stripped:
                with st.expander(
                    tr("page_project.stripped", file=result.name, n=len(result.stripped))
                ):
                    st.code("\n".join(result.stripped), language="yaml")
        else:
            st.error(result.message(lang()))
    st.caption(tr("page_project.summary", imported=len(report.imported), failed=len(report.failed)))
    if report.skipped:
        st.info(report.skipped_line(lang()))


def run_import(sources, respondent: str | None, skipped: list[str] | None = None) -> None:
    """Import ``sources``; ``skipped`` names the files of a folder left out, for the report."""
    bar = st.progress(0.0, text=tr("page_project.importing"))

    def progress(done: int, total: int, result) -> None:
        bar.progress(
            done / total, text=tr("page_project.progress", done=done, total=total, file=result.name)
        )

    report = attempt(
        import_files,
        handle,
        sources,
        respondent=respondent,
        progress=progress,
        nlp=nlp(),
    )
    bar.empty()
    if report:
        # Keep the results for the next run; a fresh uploader key empties the drop zone and the
        # rerun refreshes the counts shown above.
        report.value.skipped = skipped or []
        st.session_state["_import_report"] = report.value
        st.session_state["_uploader"] = st.session_state.get("_uploader", 0) + 1
        st.rerun()


with files_tab:
    st.subheader(tr("page_project.import_title"))
    st.caption(tr("page_project.import_help", max_mb=get_setting(db(), "max_file_mb")))
    codes = [r["code"] for r in list_respondents(handle)]
    respondent = choice(
        st.selectbox,
        tr("page_project.import_respondent"),
        {None: tr("page_project.none"), **{code: code for code in codes}},
        key="import_respondent",
    )
    uploads = file_uploader(
        tr("page_project.upload_label"),
        type=extensions(),
        advised=advised_extensions(),
        accept_multiple_files=True,
        key=f"uploads_{st.session_state.get('_uploader', 0)}",
    )
    if st.button(
        tr("page_project.import_button"), type="primary", disabled=not uploads, key="import_button"
    ):
        run_import([(f.name, f.getvalue()) for f in uploads], respondent)
    with st.expander(tr("page_project.local_title")):
        local = st.text_input(
            tr("page_project.local_label"), key="local_path", help=tr("page_project.local_help")
        )
        if st.button(tr("page_project.local_button"), key="local_button") and local.strip():
            scan = attempt(scan_paths, [Path(local.strip()).expanduser()])
            if scan:  # nothing to import: the error says what the folder holds
                files, skipped = scan.value
                run_import(files, respondent, skipped)
            else:  # the report of an earlier import would read as this folder's
                st.session_state.pop("_import_report", None)
    if "_import_report" in st.session_state:
        show_report(st.session_state["_import_report"])

    st.subheader(tr("page_project.documents_title"))
    documents = list_documents(handle)
    if not documents:
        st.info(tr("page_project.no_documents"))
    else:
        column = "respondent"
        rows = [
            {
                "id": d["id"],
                "name": d["name"],
                "format": d["source_format"],
                "encoding": d["encoding"] or "-",
                "words": d["n_words"],
                column: d["respondent"] or "",
            }
            for d in documents
        ]
        # One form: editing cells does not redraw the page; one save links them all, and
        # a code that is no respondent is reported (library: respondents.link_documents).
        # The columns are named in the config, not in the rows: the editor's identity is made
        # from its columns, so a language switch would throw away edits not yet saved.
        with st.form("documents_links"):
            edited = st.data_editor(
                rows,
                key="documents_editor",
                hide_index=True,
                width="stretch",
                disabled=[k for k in rows[0] if k != column],
                column_config={
                    **{
                        c: st.column_config.Column(tr(f"page_project.col_{c}"))
                        for c in ("name", "format", "encoding", "words")
                    },
                    column: st.column_config.TextColumn(
                        tr("page_project.col_respondent"), help=tr("page_project.link_help")
                    ),
                },
            )
            create = st.checkbox(tr("page_project.link_create"), key="link_create")
            saved = st.form_submit_button(tr("page_project.link_save"))
        if saved:
            links = {
                after["id"]: after[column] or None
                for before, after in zip(rows, edited)
                if (before[column] or None) != (after[column] or None)
            }
            done = attempt(link_documents, handle, links, create=create)
            if done:
                st.session_state["_link_result"] = done.value
                st.rerun()
        if st.button(
            tr("page_project.link_by_name"),
            key="link_by_name",
            help=tr("page_project.link_by_name_help"),
        ):
            proposals = attempt(match_by_file_name, handle)
            if proposals:
                done = attempt(link_documents, handle, proposals.value, create=True)
                if done:
                    st.session_state["_link_result"] = done.value
                    st.rerun()
        if "_link_result" in st.session_state:
            done = st.session_state.pop("_link_result")
            names = {d["id"]: d["name"] for d in documents}
            st.success(tr("page_project.linked", n=done["changed"]))
            if done["created"]:
                st.info(tr("page_project.link_created", codes=", ".join(done["created"])))
            if done["unknown"]:
                st.warning(
                    tr(
                        "page_project.link_unknown",
                        rows=", ".join(
                            f"{names.get(doc, doc)} → {code}" for doc, code in done["unknown"]
                        ),
                    )
                )


# --- respondents -----------------------------------------------------------------------

with respondents_tab:
    st.subheader(tr("page_project.respondents_title"))
    table = respondents_table(handle)
    text_columns = [c for c in table.columns if table[c].dtype == object]
    table[text_columns] = table[text_columns].fillna("")  # an empty cell, not "None"
    if table.empty:
        st.info(tr("page_project.no_respondents"))
    else:
        # A fixed number of rows: Streamlit then makes the keyed table's identity from its
        # columns and types only, so a language switch (new column labels) keeps edits not
        # yet saved. With "dynamic" rows it drew a new table and lost them, and offered to
        # delete rows, which saving never did. New respondents come from the form below.
        edited = st.data_editor(
            table,
            key="respondents_editor",
            num_rows="fixed",
            hide_index=True,
            width="stretch",
            disabled=["documents"],
            column_config={
                column: st.column_config.Column(tr(f"page_project.col_{column}"))
                for column in ("code", "pseudonym", "notes", "documents")
            },
        )
        if st.button(tr("page_project.save_respondents"), key="save_respondents"):
            attempt(
                save_table,
                handle,
                edited.to_dict("records"),
                success=lambda changes: tr("page_project.saved", count=changes),
            )

    with st.form("new_respondent", clear_on_submit=True):
        st.markdown(tr("page_project.respondent_title"))
        left, right = st.columns(2)
        new_code = left.text_input(tr("page_project.col_code"), key="respondent_code")
        new_pseudonym = right.text_input(
            tr("page_project.col_pseudonym"), key="respondent_pseudonym"
        )
        if st.form_submit_button(tr("page_project.respondent_button")):
            if attempt(add_respondent, handle, new_code, pseudonym=new_pseudonym.strip() or None):
                st.rerun()

    with st.form("new_attribute", clear_on_submit=True):
        st.markdown(tr("page_project.attribute_title"))
        left, right = st.columns(2)
        name = left.text_input(tr("page_project.attribute_name"), key="attribute_name")
        type_ = choice(
            right.selectbox,
            tr("page_project.attribute_type"),
            {ty: tr(f"respondents.type.{ty}") for ty in TYPES},
            key="attribute_type",
        )
        if st.form_submit_button(tr("page_project.attribute_button")):
            if attempt(define_attribute, handle, name, type_):
                st.rerun()
    if list_attributes(handle):
        st.caption(
            ", ".join(
                f"{a['name']} ({tr('respondents.type.' + a['type'])})"
                for a in list_attributes(handle)
            )
        )

    st.markdown(tr("page_project.respondents_import_title"))
    table_file = file_uploader(
        tr("page_project.respondents_upload"),
        type=extensions(["respondents"]),
        key=f"respondents_{st.session_state.get('_resp_upl', 0)}",
    )
    if st.button(
        tr("page_project.respondents_import_button"),
        disabled=table_file is None,
        key="respondents_import",
    ):
        imported = attempt(
            import_file,
            handle,
            (table_file.name, table_file.getvalue()),
            accept=["respondents"],
        )
        if imported:
            st.session_state["_resp_upl"] = st.session_state.get("_resp_upl", 0) + 1
            # the lines the CLI prints, one paragraph each (Markdown joins single lines)
            flash("\n\n".join(import_summary(imported.value.details, lang())))
    show_flash()


# --- speakers --------------------------------------------------------------------------


role_words = {role: tr(f"ingest.role.{role}") for role in ROLES}


def change_role(speaker_id: int, document: str) -> None:
    """Give one speaker the chosen role; the toast names the document, as the same label
    ("I") is another speaker in every other interview."""
    role = st.session_state[f"role_{speaker_id}"]
    attempt(
        set_speaker_role,
        handle,
        speaker_id,
        role,
        toast=lambda speaker: (
            tr("page_project.role_set", label=speaker["label"], document=document)
            + " "
            + tr(role_effect(role), label=speaker["label"])
        ),
    )


def change_label_role(label: str, role: str) -> None:
    """Give the speaker ``label`` ``role`` in every document (``set_label_role``)."""
    attempt(
        set_label_role,
        handle,
        label,
        role,
        toast=lambda n: (
            tr("page_project.label_role_set", label=label, n=n)
            + " "
            + tr(role_effect(role), label=label)
        ),
    )


with speakers_tab:
    st.subheader(tr("page_project.speakers_title"))
    setting = get_setting(db(), "analysis_speakers")
    analysis = choice(
        st.radio,
        tr("page_project.analysis_label"),
        {v: tr(f"page_project.analysis_{v}") for v in ("respondent", "all")},
        index=0 if setting != "all" else 1,
        key="analysis_speakers",
        horizontal=True,
        disabled=not can(db(), user(), "project.settings"),
    )
    if analysis != setting:
        attempt(set_setting, db(), "analysis_speakers", analysis, actor=user())
    documents = list_documents(handle)
    labelled = [d for d in documents if d["n_speakers"]]
    if not labelled:
        st.info(tr("page_project.no_speakers_anywhere"))
    else:
        by_name = {f"{d['name']} (#{d['id']})": d for d in labelled}
        document = by_name[
            st.selectbox(
                tr("page_project.speakers_document"), list(by_name), key="speakers_document"
            )
        ]
        st.caption(tr("page_project.speakers_help"))
        # Roles are checked in the package (``import``); a refused change left the choice
        # shown as made while the stored role stayed, so others see the roles, greyed out.
        may_change = can(db(), user(), "import")
        everyone = list_speakers(handle)
        for speaker in (s for s in everyone if s["document_id"] == document["id"]):
            left, right = st.columns([2, 3])
            left.markdown(
                tr("page_project.speaker_line", label=speaker["label"], turns=speaker["n_turns"])
            )
            left.caption(f"“{speaker['sample'] or ''}…”")
            # The stored role, each run: the choice follows a change made elsewhere (another
            # document's "in every document", the CLI) and a change the package refused.
            st.session_state[f"role_{speaker['id']}"] = speaker["role"]
            choice(
                right.selectbox,
                tr("page_project.role_label", label=speaker["label"]),
                role_words,
                key=f"role_{speaker['id']}",
                on_change=change_role,
                args=(speaker["id"], document["name"]),
                label_visibility="collapsed",
                disabled=not may_change,
            )
            # The same label in other documents is another speaker there, with its own role:
            # offer to give it this role everywhere at once.
            elsewhere = sum(
                s["label"] == speaker["label"] and s["role"] != speaker["role"] for s in everyone
            )
            if elsewhere and may_change:
                right.button(
                    tr(
                        "page_project.label_role_all",
                        label=speaker["label"],
                        role=role_words[speaker["role"]],
                        n=elsewhere,
                    ),
                    key=f"role_all_{speaker['id']}",
                    on_click=change_label_role,
                    args=(speaker["label"], speaker["role"]),
                )
