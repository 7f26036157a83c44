"""Exports: YAML round-trips; Markdown and Word are readable documents for the team."""

from __future__ import annotations

import docx
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
import yaml

from built_once import codebook
from workbench import codebook as cb
from workbench.errors import InputError
from workbench.projects import create_project
from workbench.handle import Project
from workbench.history import undo_last


@pytest.fixture
def db(project_path, new_project):
    database = new_project(project_path, codebooks=cb.SHIPPED_CODEBOOKS)
    yield database
    database.close()


@pytest.fixture
def researcher(db):
    return Project.for_user(db, "onderzoeker")


@pytest.mark.parametrize("path", cb.SHIPPED_CODEBOOKS, ids=lambda p: p.name)
def test_yaml_text_round_trips(path):
    book = cb.load_codebook(path, strict=True)
    assert cb.parse_codebook(cb.codebook_to_yaml(book), strict=True) == book


def test_project_yaml_export_round_trips_after_edits(db, tmp_path, researcher):
    cb.add_code(
        researcher,
        name="Heimwee",
        parent="verlies",
        rationale="nieuw thema",
        definition="Verlangen naar een plek van vroeger.",
        indicators=["heimwee"],
    )
    out = cb.export_codebook(
        researcher,
        tmp_path / "uit.yaml",
        format="yaml",
        name="De binnenkant van sociaal isolement",
    )
    again = cb.load_codebook(out)
    assert (
        again.codes
        == cb.codebook_from_project(researcher, "De binnenkant van sociaal isolement").codes
    )
    assert again.changelog[-1]["changes"] == ["heimwee: toegevoegd (waarom: nieuw thema)"]
    other = create_project(tmp_path / "ander.db", codebooks=(out,))
    assert "heimwee" in {r[0] for r in other.execute("SELECT slug FROM codes")}


def test_yaml_changelog_says_in_words_what_a_rename_and_its_undo_did(db, tmp_path, researcher):
    """The export wrote the stored actions ("undo_rename schaamte: undo"); a reader of the
    file now reads what happened, in the codebook's language (Dutch)."""
    name = "De binnenkant van sociaal isolement"
    cb.rename_code(researcher, "schaamte", "Schaamte en schuld", rationale="duidelijker")
    undo_last(researcher)
    out = cb.export_codebook(researcher, tmp_path / "uit.yaml", format="yaml", name=name)
    data = yaml.safe_load(out.read_text("utf-8"))
    assert data["changelog"][-1]["changes"] == [
        "schaamte: nieuwe naam (waarom: duidelijker)",
        "schaamte: nieuwe naam ongedaan gemaakt",
    ]
    other = create_project(tmp_path / "ander.db", codebooks=(out,))
    again = cb.codebooks(Project.for_user(other, "onderzoeker"))[0]["changelog"]
    assert again[-1]["changes"] == data["changelog"][-1]["changes"]
    # a file an older release exported, with the internal action names, still loads
    data["changelog"][-1]["changes"] = [
        "rename schaamte: duidelijker",
        "undo_rename schaamte: undo",
    ]
    old = tmp_path / "oud.yaml"
    old.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    older = create_project(tmp_path / "oud.db", codebooks=(old,))
    kept = cb.codebooks(Project.for_user(older, "onderzoeker"))[0]["changelog"]
    assert kept[-1]["changes"] == ["rename schaamte: duidelijker", "undo_rename schaamte: undo"]


def test_combined_export_loads_as_one_codebook(db, tmp_path, researcher):
    out = cb.export_codebook(researcher, tmp_path / "samen.yaml", format="yaml")
    assert len(cb.load_codebook(out).codes) == len(cb.code_tree(researcher))


def test_markdown_has_tree_definitions_and_sources(db, tmp_path, researcher):
    text = cb.export_codebook(researcher, tmp_path / "codeboek.md", format="md").read_text("utf-8")
    schaamte = codebook(cb.DEFAULT_CODEBOOK).code("schaamte")
    for part in (
        "# De binnenkant",
        "## Overzicht van de codes",
        "  - **Verlies van woning**",
        "**Niet gebruiken als.**",
        schaamte.definition,
        schaamte.source["quote"],
        "coderingen, met subcodes: 0",
    ):
        assert part in text, part


def test_docx_opens_again_with_headings_per_code(db, tmp_path, researcher):
    path = cb.export_codebook(researcher, tmp_path / "codeboek.docx", format="docx")
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == len(cb.code_tree(researcher))
    assert any("Schaamte en taboe" in h for h in headings)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Niet gebruiken als." in body and "Signaalwoorden:" in body


def test_english_labels_on_request(db, tmp_path, researcher):
    text = cb.export_codebook(researcher, tmp_path / "c.md", format="md", lang="en").read_text(
        "utf-8"
    )
    assert "**Do not use when.**" in text


def test_unknown_format_is_a_user_error(db, tmp_path, researcher):
    with pytest.raises(InputError):
        cb.export_codebook(researcher, tmp_path / "x.pdf", format="pdf")


def test_export_bytes_is_a_real_word_file(db, researcher):
    import io

    document = docx.Document(io.BytesIO(cb.export_bytes(researcher, format="docx")))
    assert document.paragraphs[0].text == "De binnenkant van sociaal isolement + Sociale kwaliteit"


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(_text, min_size=4, max_size=4),
    items=st.lists(_text.filter(lambda s: s.strip() == s and s), max_size=3),
    sensitive=st.booleans(),
)
def test_yaml_round_trips_any_text(texts, items, sensitive):
    code = cb.Code(
        id="a",
        name="Naam: #1 'x'",
        name_en=texts[0].strip() or None,
        brief=texts[1].strip() or None,
        definition=texts[2].strip() or None,
        use_when=texts[3].strip() or None,
        examples=items,
        indicators=items,
        source={"file": "f.txt", "quote": texts[2] if texts[2].strip() else "q"},
        color="#a1b2c3",
        sensitive=sensitive,
    )
    child = cb.Code(id="b-2", name="Kind", parent="a")
    book = cb.Codebook(
        name="Proef: ja",
        version="2.0",
        description=texts[0] or None,
        changelog=[{"version": "2.0", "date": "2026-01-02", "author": "x", "changes": ["eerste"]}],
        codes=[code, child],
    )
    assert cb.parse_codebook(cb.codebook_to_yaml(book)) == book


def test_a_blank_source_quote_is_refused_on_read_with_the_field_named():
    """A quote is matched verbatim in its seed file: blank it matches everything, so the
    reader refuses it (and the round trip above only feeds it quotes it accepts)."""
    book = cb.Codebook(
        name="Proef",
        version="1",
        codes=[cb.Code(id="a", name="A", source={"file": "f.txt", "quote": " "})],
    )
    with pytest.raises(InputError) as caught:
        cb.parse_codebook(cb.codebook_to_yaml(book))
    assert caught.value.key == "codebook.wrong_type"
    assert caught.value.params["field"] == "source"
