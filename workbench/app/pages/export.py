"""Export: the project for other tools (REFI-QDA .qdpx/.qdc) or as a table (CSV, XLSX), and
import of .qdpx/.qdc files. Every export and import shows its data-loss report.

Thin page over workbench.exchange (exports) and workbench.imports (files coming in): it reads the choices, calls the package, renders the
result. Pseudonymised text is the default; the original text is offered only to roles that
may hold the pseudonym key (the package checks it again).
"""

import tempfile
from pathlib import Path

import streamlit as st

from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    db,
    file_uploader,
    lang,
    nlp,
    project_path,
    tr,
    user,
)
from workbench.exchange import (
    EXPORT_FORMATS,
    OPTION_FORMATS,
    TARGETS,
    export_file_name,
    export_project,
)
from workbench.imports import advised_extensions, extensions, import_file
from workbench.privacy import require_pseudonymised

MIME = {
    "qdpx": "application/zip",
    "qdc": "application/xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

st.title(tr("page.export"))
handle = acting_project()  # the project as seen by this session's user
project = db()
me = user()
if not handle.can("export"):
    st.error(tr("page_export.no_access", user=me))
    st.stop()


def show_report(report) -> None:
    """The data-loss report (REFI-QDA 1.5 section 7): what came along, what did not, why."""
    st.markdown(f"**{report.headline(lang())}**")
    st.caption(report.carried_line(lang()))
    for line in report.warning_lines(lang()):
        st.warning(line)
    matched = report.match_lines(lang())  # sources already in the project, and how we know
    if matched:
        st.info("\n".join(f"- {line}" for line in matched))
    losses = report.loss_lines(lang())
    if losses:
        st.markdown(tr("page_export.losses"))
        st.markdown("\n".join(f"- {line}" for line in losses))
    else:
        st.success(tr("exchange.report.nothing_lost"))


def run_export(
    fmt: str, suggestions: bool, pseudonymise: bool, program: str | None, coder_codes: bool
):
    """Export into a temporary folder; keep the bytes for the download button (named after
    the project file, without the names a pseudonymised file leaves out)."""
    name = export_file_name(handle, project_path().stem, format=fmt, pseudonymise=pseudonymise)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / name
        report = attempt(
            export_project,
            handle,
            target,
            format=fmt,
            include_suggestions=suggestions,
            pseudonymise=pseudonymise,
            target=program,
            coder_codes=coder_codes,
        )
        if not report:
            return None
        loss_file = target.with_name(target.name + ".dataloss.txt")
        return {
            "name": name,
            "fmt": fmt,
            "data": target.read_bytes(),
            "dataloss": loss_file.read_bytes(),
            "report": report.value,
        }


# ------------------------------------------------------------------ export
st.header(tr("page_export.export_header"))
fmt = choice(
    st.radio,
    tr("page_export.format_question"),
    {f: tr(f"page_export.format.{f}") for f in EXPORT_FORMATS},
    key="export_format",
)
st.caption(tr(f"page_export.covers.{'table' if fmt in ('csv', 'xlsx') else fmt}"))


def offered(option: str) -> bool:
    """Whether the chosen format honours ``option``: the others are not shown (the package
    refuses them; before, a choice left on screen from another format was dropped)."""
    return fmt in OPTION_FORMATS[option]


if fmt == "qdc":
    st.caption(tr("page_export.qdc_no_choices"))
suggestions = False
if offered("--include-suggestions"):
    suggestions = (
        choice(
            st.radio,
            tr("page_export.which_codings"),
            {c: tr(f"page_export.codings.{c}") for c in ("accepted", "suggestions")},
            key="export_codings",
        )
        == "suggestions"
    )
text_choice = "pseudonymised"
if offered("--original-text"):
    text_options = ["pseudonymised"]
    if handle.can("pseudonym.key"):
        text_options.append("original")
    text_choice = choice(
        st.radio,
        tr("page_export.text_question"),
        {c: tr(f"page_export.text.{c}") for c in text_options},
        key="export_text",
    )
    if text_choice == "original":
        st.warning(tr("exchange.warn.original_text"))
    if len(text_options) == 1:
        st.caption(tr("page_export.original_not_allowed"))

target = None
if offered("--for"):
    program = choice(
        st.selectbox,
        tr("page_export.target_question"),
        {t: tr(f"page_export.target.{t}") for t in ("standard", *TARGETS)},
        key="export_target",
    )
    target = None if program == "standard" else program
elif fmt != "qdc":
    st.caption(tr("page_export.target_qdpx_only"))
# coders are the research team, named by default; a file to share may name nobody
coder_codes = offered("--coder-codes") and st.checkbox(
    tr("page_export.coder_codes"),
    key="export_coder_codes",
    help=tr("page_export.coder_codes_help"),
)
choices = (fmt, suggestions, text_choice, target, coder_codes)
# Names nobody checked (a new interview, a possible name nobody decided on, also in a code's
# definition) stop a pseudonymised export, a codebook too: say so before the click.
ready = text_choice != "pseudonymised" or bool(attempt(require_pseudonymised, handle))

if st.button(tr("page_export.make"), type="primary", key="export_make", disabled=not ready):
    with st.spinner(tr("page_export.working")):
        made = run_export(fmt, suggestions, text_choice == "pseudonymised", target, coder_codes)
        st.session_state["export_result"] = made and {**made, "choices": choices}
result = st.session_state.get("export_result")
if result and result["choices"] == choices and ready:
    st.download_button(
        tr("page_export.download", name=result["name"]),
        result["data"],
        file_name=result["name"],
        mime=MIME[result["fmt"]],
        key="export_download",
    )
    st.download_button(
        tr("page_export.download_report"),
        result["dataloss"],
        file_name=result["name"] + ".dataloss.txt",
        mime="text/plain",
        key="export_download_report",
    )
    show_report(result["report"])

# ------------------------------------------------------------------ import
if not (handle.can("import") or handle.can("codebook.edit")):
    st.stop()
st.divider()
st.header(tr("page_export.import_header"))
st.caption(tr("page_export.import_help"))
KINDS = ["project", "codebook"]  # what other tools hand over: a .qdpx project, a .qdc codebook
upload = file_uploader(
    tr("page_export.upload"),
    type=extensions(KINDS),
    advised=advised_extensions(KINDS),
    key="exchange_upload",
)
if upload is not None and st.button(tr("page_export.import"), key="exchange_import"):
    with st.spinner(tr("page_export.working")):
        imported = attempt(
            import_file,
            handle,
            (upload.name, upload.getvalue()),
            accept=KINDS,
            nlp=nlp(),
            toast="page_export.imported",
        )
    if imported:
        st.session_state["import_report"] = imported.value.details
if st.session_state.get("import_report") is not None:
    show_report(st.session_state["import_report"])
