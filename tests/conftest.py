"""Shared fixtures: real project files in a temporary folder, the real Dutch pipeline.

Some tests read real third-party files from ``../shared`` beside the repository (seed
documents, vendor REFI-QDA exports, the real-text dev set). A clone does not have it, so
those tests ask for :func:`shared` and are skipped with a reason that names the missing
path. CI sets ``WORKBENCH_REQUIRE_SHARED=1``: there a missing file fails the test instead
of skipping it, so the real-file tests cannot silently stop running.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from built_once import Templates, copy_project
from workbench.demo import load_demo
from workbench.nlp import load_pipeline
from workbench.store import open_project

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the repository; WORKBENCH_SHARED points elsewhere (or nowhere, to see
# what a clone without it runs).
SHARED = Path(os.environ.get("WORKBENCH_SHARED", REPO.parent / "shared"))
DEMO = REPO / "corpora" / "demo"
# Tests counted as marked slow without a decorator in their module (.ci/slow_tests.py writes
# the list from measured timings), so `make check` stays under a minute.
SLOW_LIST = Path(__file__).resolve().parent / "slow_tests.txt"


def pytest_configure(config):
    _scan_installed_components_once()


def _scan_installed_components_once() -> None:
    """Let Streamlit look for installed components once per session, not once per AppTest.

    Every new AppTest scans the metadata of every installed package for Streamlit
    components (about 0.1 s each, over a hundred AppTests). The installed packages do not
    change during a test run, so the scan's real result is kept and reused.
    """
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without components v2 does not scan
        return
    scan = manifest_scanner.scan_component_manifests
    if not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)


def pytest_collection_modifyitems(config, items):
    """Mark the tests named in slow_tests.txt slow, as if they carried @pytest.mark.slow."""
    if not SLOW_LIST.exists():
        return
    listed = {
        line
        for line in SLOW_LIST.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    for item in items:
        if item.nodeid in listed:
            item.add_marker(pytest.mark.slow)


def shared(*parts: str) -> Path:
    """``../shared/<parts>``, or skip (fail in CI) the calling test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = (
            f"needs ../shared/{'/'.join(parts)} ({path} is absent): real third-party "
            "files that only the team's machines and CI have beside the repository"
        )
        if os.environ.get("WORKBENCH_REQUIRE_SHARED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The seed documents the codebooks' sources quote (../shared/seeds)."""
    return shared("seeds")


@pytest.fixture(scope="session")
def refi_samples() -> Path:
    """Real REFI-QDA exports from ATLAS.ti and NVivo and a hand-authored one."""
    return shared("refi", "samples")


@pytest.fixture(scope="session")
def nlp():
    """The Dutch pipeline the workbench uses (loaded once per test session)."""
    return load_pipeline()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Templates:
    """Projects created once per session; tests get copies (tests/built_once.py)."""
    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo project (load_demo), built once per session: copy it, never change it."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    load_demo(path)
    return path


@pytest.fixture(scope="module")
def demo_project(demo_template: Path, tmp_path_factory) -> Path:
    """A copy of the demo project for one test module (tests/test_demo.py loads it anew)."""
    return copy_project(demo_template, tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def db(project_path: Path, templates: Templates):
    """A fresh, migrated project in a real SQLite file of its own.

    A copy (SQLite backup) of one migrated once per session, opened with ``open_project``;
    tests/test_store.py and tests/test_backup.py create and migrate projects themselves.
    """
    templates.new(project_path, codebooks=None)
    database = open_project(project_path)
    yield database
    database.close()


@pytest.fixture
def new_project(templates: Templates):
    """``new_project(path, codebooks=...)``: an open copy of what ``create_project`` makes.

    Built once per set of codebooks (the shipped default one unless told otherwise);
    tests/test_projects.py tests ``create_project`` itself.
    """

    def make(path: Path, **kwargs):
        return open_project(templates.new(path, **kwargs))

    return make
