"""The front door: ``workbench.open_project`` returns a Project bound to one user and role."""

from __future__ import annotations

from pathlib import Path

import pytest

import workbench
from workbench import accounts
from workbench.store import open_project as open_store
from workbench.handle import Project


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    db = open_store(path)
    accounts.add_user(Project.for_user(db, "onderzoeker"), "sanne", role="co-onderzoeker")
    accounts.add_user(Project.for_user(db, "onderzoeker"), "piet", role="supervisor")
    db.close()
    return path


def test_open_project_binds_the_user(project_file: Path) -> None:
    with workbench.open_project(project_file, user="piet") as project:
        assert (project.user, project.role, project.lang) == ("piet", "supervisor", "nl")
        assert project.can("read") and not project.can("import")
        assert project.path == project_file.resolve()


def test_a_role_changed_elsewhere_counts_at_once(project_file: Path) -> None:
    # A shared project: the researcher's session demotes piet while piet's handle is open.
    with workbench.open_project(project_file, user="piet") as piet:
        assert piet.can("read")
        with workbench.open_project(project_file) as researcher:
            accounts.set_role(researcher, "piet", "co-onderzoeker")
        with pytest.raises(workbench.PermissionDenied):
            piet.require("read")


def test_for_user_shares_the_connection_and_leaves_it_open(project_file: Path) -> None:
    db = open_store(project_file)
    with workbench.Project.for_user(db, "sanne") as sanne:
        piet = sanne.as_user("piet")
        assert piet.db is db and piet.role == "supervisor" and sanne.role == "co-onderzoeker"
        with pytest.raises(workbench.NotFound):
            sanne.as_user("niemand")
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] >= 3  # still open
    db.close()


def test_the_require_family_follows_the_role(project_file: Path) -> None:
    db = open_store(project_file)
    researcher, sanne = (workbench.Project.for_user(db, u) for u in ("onderzoeker", "sanne"))
    researcher.require_own("sanne")
    researcher.require_original_text()
    researcher.require_setting("language")
    sanne.require_own("sanne")
    for check in (
        lambda: sanne.require_own("piet"),
        sanne.require_original_text,
        lambda: sanne.require_setting("language"),
    ):
        with pytest.raises(workbench.PermissionDenied):
            check()
    db.close()


def test_a_co_researcher_is_refused_a_read_through_the_handle(project_file: Path) -> None:
    with workbench.open_project(project_file, user="sanne", lang="en") as project:
        with pytest.raises(workbench.PermissionDenied) as refused:
            project.require("read")
    assert "sanne" in refused.value.message("en")


def test_an_unknown_user_is_refused_and_the_connection_closed(project_file: Path) -> None:
    with pytest.raises(workbench.NotFound):
        workbench.open_project(project_file, user="niemand")


def test_a_mistyped_path_does_not_create_a_project(tmp_path: Path) -> None:
    with pytest.raises(workbench.InputError):
        workbench.open_project(tmp_path / "typo.db")
    assert not (tmp_path / "typo.db").exists()


def test_an_unknown_action_is_a_programming_error(project_file: Path) -> None:
    with workbench.open_project(project_file) as project, pytest.raises(ValueError):
        project.can("fly")


def test_the_pipeline_loads_lazily_and_segments_dutch(project_file: Path) -> None:
    with workbench.open_project(project_file) as project:
        assert project._nlp is None
        doc = project.nlp("Ik ben alleen. Mijn man is overleden.")
        assert len(list(doc.sents)) == 2


def test_the_package_exports_its_front_door() -> None:
    assert set(workbench.__all__) >= {"open_project", "Project", "WorkbenchError"}
    assert (Path(workbench.__file__).parent / "py.typed").exists()
