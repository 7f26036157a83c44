"""What every page needs: the open project, the acting user, the language, error display.

Pages stay thin: they read widgets, call package functions, and render results. Anything a
page computes about the data belongs in the package. All sessions of this server share one
SQLite connection per project (``store.share_project``; ``store.transaction`` keeps one
thread's transaction whole), leased per session with a session-scoped ``st.cache_resource``:
when a session ends or switches project its lease is released, and the last release closes the
connection. One connection per project per process, instead of one per session that stayed
open until the session was garbage collected. The NLP pipeline is shared the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

import streamlit as st
from spacy.language import Language
from sqlite_utils import Database

from workbench import history, i18n
from workbench.errors import WorkbenchError
from workbench.i18n import decimal, t
from workbench.limits import FILE_LIMIT_BYTES, MB
from workbench.nlp import load_pipeline
from workbench.patterns.fragments import value_label
from workbench.handle import Project
from workbench.store import DEFAULT_USER, last_event_id, release_project, share_project

T = TypeVar("T")
DEFAULT_PROJECT = Path(os.environ.get("WORKBENCH_PROJECT", "projects/demo.db"))


def project_path() -> Path:
    """The project file of this session (set on the Project page, default from the env)."""
    return Path(st.session_state.setdefault("project_path", str(DEFAULT_PROJECT)))


@st.cache_resource(show_spinner=False, scope="session", max_entries=1, on_release=release_project)
def _lease(path: str) -> Database:
    """This session's lease on the shared connection to ``path`` (one project at a time)."""
    return share_project(path)


def db() -> Database:
    """The connection to this session's project, shared with the server's other sessions."""
    return _lease(str(project_path()))


@st.cache_resource(show_spinner=False)
def nlp() -> Language:
    """The Dutch pipeline, loaded once per server process."""
    return load_pipeline()


def acting_project() -> Project:
    """This session's project as seen by this session's user (every package call takes it)."""
    return Project.for_user(db(), user(), lang=lang())


def user() -> str:
    """The coder name this session acts as."""
    return st.session_state.setdefault("user", os.environ.get("WORKBENCH_USER", DEFAULT_USER))


def lang() -> str:
    """Interface language: ``nl`` (default) or ``en``."""
    return st.session_state.setdefault("lang", os.environ.get("WORKBENCH_LANG", "nl"))


def tr(key: str, **params: Any) -> str:
    """A message in the session's language."""
    return t(key, lang(), **params)


def figure(value: float | str | None, digits: int = 2, *, empty: str = "—") -> str:
    """A figure for the page's text in the session's language: ``0,57`` in Dutch, ``0.57`` in
    English (Dutch writes a decimal comma).

    ``value`` is a number, shown with ``digits`` decimals, or a figure the package already
    wrote with a point (``agreement.shown`` picks its own decimals so that it never rounds
    across a threshold); ``empty`` when there is none. Tables keep their own format.
    """
    if value is None or (isinstance(value, float) and value != value):
        return empty
    shown = decimal(value, digits)
    return shown if isinstance(shown, str) else tr(shown.key, **shown.params)


def value_labels(values: Iterable[str], kind: str) -> dict[str, str]:
    """Stored attribute values (of type ``kind``) as a filter menu shows them: yes/no as
    ja/nee, a number with the reader's decimal sign (:func:`figure`: "67,5" in Dutch). The
    value chosen, and filtered on, stays the stored one ("67.5"). Looked up now, in this
    run's language: a format function is also called outside the run (Streamlit's test
    harness does so for a click), where the session's language is not known."""
    language = lang()
    return {v: figure(v) if kind == "number" else value_label(v, kind, language) for v in values}


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a page action came to: ``ok`` and the call's ``value``.

    ``ok`` says whether the call went through; ``value`` is what it returned, which may well
    be None on success (a call that only changes something). ``error`` is the user error it
    raised. An outcome is true when the call went through, so ``if attempt(...):`` reads right
    for every call, whatever it returns.
    """

    ok: bool
    value: T = None  # type: ignore[assignment]  # None when not ok; read it after checking ok
    error: WorkbenchError | None = None

    def __bool__(self) -> bool:
        return self.ok


# A message shown when an action went through: a message key (looked up in the session's
# language) or a function from the call's value to the text (for messages with parameters).
Message = Union[str, Callable[[Any], str], None]
FLASH = "_flash"


def _text(message: str | Callable[[Any], str], value: Any) -> str:
    return message(value) if callable(message) else tr(message)


def attempt(
    action: Callable[..., T],
    *args: Any,
    toast: Message = None,
    success: Message = None,
    flash: Message = None,
    **kwargs: Any,
) -> Outcome[T]:
    """Run a package call and say how it went (an :class:`Outcome`); own the messages.

    A :class:`WorkbenchError` is shown as ``st.error`` in the session's language and gives
    ``Outcome(ok=False)``. When the call goes through, the optional message is shown:
    ``toast`` as ``st.toast``, ``success`` as ``st.success`` right here, ``flash`` as
    ``st.success`` after a rerun (the page reruns at once so every widget shows the new
    state; :func:`show_flash` puts the message where the page wants it).
    """
    try:
        value = action(*args, **kwargs)
    except WorkbenchError as exc:
        st.error(exc.message(lang()))
        return Outcome(False, error=exc)
    if toast is not None:
        st.toast(_text(toast, value))
    if success is not None:
        st.success(_text(success, value))
    if flash is not None:
        _flash(_text(flash, value))
    return Outcome(True, value)


def _flash(text: str) -> None:
    """Rerun the page now and show ``text`` as ``st.success`` where it calls :func:`show_flash`."""
    st.session_state[FLASH] = text
    st.rerun()


flash = _flash  # for a page that has more to do between the call and the rerun


def show_flash() -> None:
    """Show the message an action left for this rerun (see ``attempt(..., flash=...)``)."""
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))


def document_label(respondent: str | None, name: str) -> str:
    """ "R03 · gesprek.txt" in document pickers; only the name when no respondent is linked
    (a dash in its place read as missing data)."""
    return f"{respondent} · {name}" if respondent else name


def action_label(action: str) -> str:
    """An event's action ("memo.add") in words for a toast; unknown ones as "een wijziging"."""
    return tr(history.action_words(action).key)


def undone_message(undone: dict, key: str) -> str:
    """What an undo took back (message ``key`` with ``{action}``), and which blocked actions
    it left as they are (``history.undo_last(..., past_blocked=True)``)."""
    said = tr(key, action=action_label(undone["action"]))
    if undone["passed"]:
        kept = ", ".join(action_label(a["action"]) for a in undone["passed"])
        said = f"{said.rstrip('.')}. {tr('app.undo_kept', actions=kept)}"
    return said


def older_undo(
    project: Project, refused: WorkbenchError | None, *, key: str, **message: Message
) -> bool:
    """After an undo refused because the user's last action is blocked (changed since by
    someone), a button that undoes the action before it instead: the package refuses to do
    that unasked (``history.undo_last``). Call it after the undo button, with that undo's
    refusal (None when it was not pressed): the offer stays until it is used or anything new
    is logged, as the action it names may then no longer be the one it would undo.
    ``message`` is :func:`attempt`'s (``toast=``, ``flash=``); true when it undid something."""
    if refused is not None and refused.key == "history.undo_blocked":
        st.session_state[key] = (refused.params["older"].key, last_event_id(project.db))
    offer = st.session_state.get(key)
    if not offer or offer[1] != last_event_id(project.db):
        return False
    if not st.button(
        tr("app.undo_older", action=tr(offer[0])),
        icon=":material/undo:",
        key=f"{key}_go",
        help=tr("app.undo_older_help"),
    ):
        return False
    st.session_state.pop(key, None)  # used: undone, or refused with the reason why
    return bool(attempt(history.undo_last, project, past_blocked=True, **message))


def choice(
    widget: Callable[..., Any], label: str, words: Mapping[Any, str], *, key: str, **options: Any
) -> Any:
    """``widget`` (``st.radio``, ``st.selectbox``, ``st.multiselect``, or a column's) over the
    keys of ``words``, each shown as its value: what the user chose, in any language.

    Both are needed for a choice to survive a language switch. A widget without a key gets
    its identity from its label and options, so new words made a new widget, back at its
    default: here ``key`` is required. A ``format_func`` that looks words up in the session's
    language is also called outside the script run (Streamlit's test harness does so for a
    click), where it reads Dutch on an English page: here the caller looks the words up in
    this run (``words``) and the widget only reads them.
    """
    return widget(label, list(words), format_func=words.__getitem__, key=key, **options)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for ``content:``)."""
    return (
        '"' + "".join(c if c.isalnum() or c in " .,-()·" else f"\\{ord(c):x} " for c in text) + '"'
    )


def file_uploader(
    label: str,
    *,
    key: str,
    type: list[str],
    advised: list[str] | None = None,
    accept_multiple_files: bool = False,
    **options: Any,
) -> Any:
    """``st.file_uploader`` whose drop zone speaks the session's language.

    Streamlit draws the words inside the drop zone itself, in English only ("Upload",
    "50MB per file", "Drag and drop files here"), and has no parameter or locale for them
    (1.67). A style block scoped to this uploader (``.st-key-<key>``) hides those words and
    shows ours in their place; the button and the drop zone keep working as they are.

    The uploader's limit is the workbench's file limit unless given: Streamlit's own
    ``server.maxUploadSize`` is process-wide and read from the config file of whatever the
    working folder is when Streamlit parses it (200 MB elsewhere), so the words and the
    limit could say another number than the imports enforce. ``advised``: extensions let
    through only to be told what to do with them, not named in the drop zone.
    """
    limit = options.setdefault("max_upload_size", FILE_LIMIT_BYTES // MB)
    button = tr("app.upload.button_many" if accept_multiple_files else "app.upload.button_one")
    words = {
        "button": button,
        "limit": tr("app.upload.limit", mb=limit, types=", ".join(t.upper() for t in type)),
        "drop": tr("app.upload.drop_many" if accept_multiple_files else "app.upload.drop_one"),
    }
    zone = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    st.html(
        "<style>"
        f"{zone} button [data-testid='stMarkdownContainer'] p,"
        f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span,"
        f"{zone} > div:not([data-testid]) > span {{ font-size: 0 !important; }}"
        f"{zone} button [data-testid='stMarkdownContainer'] p::after {{"
        f" content: {_css_string(words['button'])}; font-size: 0.875rem; }}"
        f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{"
        f" content: {_css_string(words['limit'])}; font-size: 0.875rem; }}"
        f"{zone} > div:not([data-testid]) > span::after {{"
        f" content: {_css_string(words['drop'])}; font-size: 0.875rem; }}"
        "</style>"
    )
    return st.file_uploader(
        label,
        type=[*type, *(advised or [])],
        accept_multiple_files=accept_multiple_files,
        key=key,
        **options,
    )


def choose_and_submit(
    label: str,
    options: list[Any],
    *,
    key: str,
    submit: str,
    submit_key: str,
    placeholder: str,
    help: str | None = None,
    **choose: Any,
) -> tuple[list[Any], bool]:
    """A multiselect and the button that acts on its choice, in one form: (chosen, clicked).

    A first click on such a button right after a pick was lost. Under the field, the button
    lay beneath the open list of options (it stays open for the next pick): the click closed
    the list or picked one more option. Beside the field and aligned at its bottom, the button
    moved up as the field shrank when the list closed, between the press and the release of
    the mouse. Here the button stands beside the field at its top, where neither the open list
    nor the field's height moves it, and the label stands above both. In one form a pick does
    not rerun the whole page; the choice reaches the page together with the click.
    """
    with st.form(f"{key}_form", border=False):
        st.markdown(f":small[{label}]", help=help)
        row = st.container(horizontal=True, vertical_alignment="top", wrap=False)
        # Streamlit's own "Select all" in the list is English only (1.67 has no parameter for
        # its words): hidden; a page offers its own button where it needs one.
        chosen = row.multiselect(
            label,
            options,
            key=key,
            placeholder=placeholder,
            label_visibility="collapsed",
            select_all=False,
            wrap=True,
            **choose,
        )
        clicked = row.form_submit_button(submit, key=submit_key, type="primary")
    return chosen, clicked


def moment(stamp: str | None) -> str:
    """A stored time in the session's language: :func:`workbench.i18n.moment`."""
    return i18n.moment(stamp, lang())
