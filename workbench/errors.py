"""The few named exceptions of the workbench.

Library code raises these; only the edges (CLI, Streamlit pages) turn them into text for a
person, in that person's language. A :class:`WorkbenchError` carries a message *key* and its
parameters instead of a finished sentence so the same error can be shown in Dutch or English.
Programming errors (bugs) stay ordinary Python exceptions and are never dressed up as these.
"""

from __future__ import annotations

from typing import Any


class WorkbenchError(Exception):
    """Base class: an error meant to be shown to the user.

    ``key`` names a message in the locale catalogues (``workbench/locale/*.toml``);
    ``params`` fill its placeholders.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang`` (``"nl"`` or ``"en"``)."""
        from workbench.i18n import t

        return t(self.key, lang=lang, **self.params)


def reason(exc: BaseException) -> str:
    """What a library said when it failed on a user's file, short enough for a message."""
    return (str(exc) or type(exc).__name__)[:200]


class InputError(WorkbenchError):
    """The user gave input we cannot use: a bad file, a bad value, a duplicate."""


class NotFound(WorkbenchError):
    """Something the user named (project, document, code, respondent) does not exist."""


class PermissionDenied(WorkbenchError):
    """The acting user's role does not allow this action."""
