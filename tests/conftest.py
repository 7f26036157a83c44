"""Shared fixtures: real project files in a temporary folder, the real Dutch pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.nlp import load_pipeline
from workbench.store import open_project

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DEMO = REPO / "corpora" / "demo"


@pytest.fixture(scope="session")
def nlp():
    """The Dutch pipeline the workbench uses (loaded once per test session)."""
    return load_pipeline()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def db(project_path: Path):
    """A fresh, migrated project in a real SQLite file."""
    database = open_project(project_path)
    yield database
    database.close()
