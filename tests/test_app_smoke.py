"""Every page of the app runs on a real demo project without an exception, in both languages."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


REPO = Path(__file__).parent.parent
PAGES = sorted((Path(__file__).parent.parent / "workbench" / "app" / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_page_runs_on_the_demo_project(page, lang, demo_project):
    at = AppTest.from_file(str(page), default_timeout=60)
    at.session_state["project_path"] = str(demo_project)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title, f"{page.stem} shows no title"


def test_main_script_navigates_to_every_page(demo_project):
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.session_state["project_path"] = str(demo_project)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for page in PAGES:
        at.switch_page(str(page.relative_to(Path(__file__).parent.parent)))
        at.run()
        assert not at.exception, (page.stem, [e.message for e in at.exception])
