"""Creating a project with the default codebook, several codebooks, or none."""

from __future__ import annotations

import pytest

from workbench.codebook.views import codebook_from_project
from workbench.codebook.yaml_io import DEFAULT_CODEBOOK, SHIPPED_CODEBOOKS, load_codebook
from workbench.errors import InputError
from workbench.projects import create_project
from workbench.handle import Project


def test_new_project_starts_with_default_codebook(project_path):
    db = create_project(project_path)
    slugs = {r[0] for r in db.execute("SELECT slug FROM codes")}
    assert slugs == set(load_codebook(DEFAULT_CODEBOOK).ids)
    assert db.execute("SELECT action FROM events").fetchall() == [("codebook.install",)]


def test_empty_tuple_starts_without_codes(project_path):
    db = create_project(project_path, codebooks=())
    assert db.execute("SELECT count(*) FROM codes").fetchone()[0] == 0


def test_several_codebooks_are_combined(project_path):
    db = create_project(project_path, codebooks=SHIPPED_CODEBOOKS)
    books = db.execute("SELECT name FROM codebooks ORDER BY id").fetchall()
    assert len(books) == 2
    combined = codebook_from_project(Project.for_user(db, "onderzoeker"))
    expected = sum(len(load_codebook(p).codes) for p in SHIPPED_CODEBOOKS)
    assert len(combined.codes) == expected and " + " in combined.name


def test_creating_twice_does_not_install_twice(project_path):
    create_project(project_path).close()
    db = create_project(project_path)
    assert db.execute("SELECT count(*) FROM codebooks").fetchone()[0] == 1


def test_broken_codebook_changes_nothing(project_path, tmp_path):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("name: [\n", encoding="utf-8")
    with pytest.raises(InputError):
        create_project(project_path, codebooks=(DEFAULT_CODEBOOK, broken))
    assert not project_path.exists()


def test_colliding_code_ids_give_a_clear_error(project_path, tmp_path):
    other = tmp_path / "ander.yaml"
    other.write_text(
        'name: Ander\nversion: "1"\ncodes:\n  - {id: schaamte, name: S}\n', encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        create_project(project_path, codebooks=(DEFAULT_CODEBOOK, other))
    assert caught.value.key == "codebook.id_collision"
    assert "schaamte" in caught.value.message("nl")
