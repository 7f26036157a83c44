"""Open a page of the app on a real project file, as a user: what every page test starts with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parent.parent / "workbench" / "app" / "pages"


def page_test(
    name: str,
    project_path: Path | str,
    *,
    user: str = "onderzoeker",
    lang: str = "nl",
    **state: Any,
) -> AppTest:
    """An AppTest of page ``name`` with the session's project, user, language (not run yet)."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in {
        "project_path": str(project_path),
        "user": user,
        "lang": lang,
        **state,
    }.items():
        at.session_state[key] = value
    return at


def run_page(name: str, project_path: Path | str, **options: Any) -> AppTest:
    """Run page ``name`` once; any exception on the page fails the test."""
    at = page_test(name, project_path, **options).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def workshop_card(at: AppTest, label: str) -> Any:
    """The Werkplaats card button with this text: cards are keyed by their place in the row,
    never by an id (a code's slug can hold a name), so a test finds one by what it says."""
    return next(b for b in at.button if b.key.startswith("workshop_pick_") and b.label == label)


# Widgets whose contents wait in the browser (in a form: until the submit).
KEPT_WIDGETS = ("selectbox", "multiselect", "radio", "text_input", "text_area")


def switch_language(at: AppTest, lang: str = "en") -> AppTest:
    """Switch the session's language as the app's language picker does (its key is
    ``lang``) and run the page again: every picker and text field must be the same widget as
    before (same id), or the browser drops what was picked or typed in it and not yet sent
    (in a form)."""
    before = sorted(w.id for kind in KEPT_WIDGETS for w in at.get(kind))
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = sorted(w.id for kind in KEPT_WIDGETS for w in at.get(kind))
    assert after == before, f"made anew by the switch: {sorted(set(before) ^ set(after))}"
    return at
