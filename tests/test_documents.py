import pytest

from workbench.codings import add_coding
from workbench.documents import document_view, list_documents, span_from_selection
from workbench.handle import Project
from workbench.ingest import import_files

TEXT = "I: Hoe gaat het?\nR: Goed 😊 hoor. Sinds de verhuizing is het rustig.\n"


@pytest.fixture
def project(tmp_path, nlp, new_project):
    db = new_project(tmp_path / "p.db")
    (tmp_path / "R01-a.txt").write_text(TEXT, encoding="utf-8")
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "R01-a.txt"], nlp=nlp).ok
    return db


def test_view_has_turns_segments_and_codings(project):
    researcher = Project.for_user(project, "onderzoeker")
    doc = list_documents(researcher)[0]
    seg = project.execute("SELECT id FROM segments ORDER BY position LIMIT 1 OFFSET 2").fetchone()[
        0
    ]
    add_coding(researcher, code="verlies-woning", segment_id=seg)
    view = document_view(researcher, doc["id"])
    assert [t.speaker for t in view.turns] == ["I", "R"]
    coded = [s for t in view.turns for s in t.segments if s.codings]
    assert [s.text for s in coded] == ["Sinds de verhuizing is het rustig."]
    assert coded[0].codings[0]["code"] == "verlies-woning"


def test_other_coders_codings_can_be_left_out(project):
    project["users"].insert({"name": "bram", "role": "onderzoeker", "created_at": "x"})
    seg = project.execute("SELECT id FROM segments LIMIT 1").fetchone()[0]
    add_coding(Project.for_user(project, "bram"), code="isolement", segment_id=seg)
    researcher = Project.for_user(project, "onderzoeker")
    doc_id = list_documents(researcher)[0]["id"]
    mine = document_view(researcher, doc_id, coders=["onderzoeker"])
    everyone = document_view(researcher, doc_id)
    count = lambda v: sum(len(s.codings) for t in v.turns for s in t.segments)  # noqa: E731
    assert (count(mine), count(everyone)) == (0, 1)


def test_browser_selection_in_utf16_becomes_code_point_offsets(project):
    seg_id, start, text = project.execute(
        "SELECT id, start_char, text FROM segments WHERE text LIKE 'Goed%'"
    ).fetchone()
    # The browser counts the emoji as two UTF-16 units: "Goed 😊 hoor." -> "hoor" at 8.
    doc, a, b = span_from_selection(Project.for_user(project, "onderzoeker"), seg_id, 8, seg_id, 12)
    full = project.execute("SELECT text FROM documents WHERE id = ?", [doc]).fetchone()[0]
    assert full[a:b] == "hoor"
    assert a == start + 7


def test_a_browser_selection_loses_the_white_space_at_its_ends_not_its_punctuation(project):
    researcher = Project.for_user(project, "onderzoeker")
    rows = project.execute(
        "SELECT id, text FROM segments WHERE text LIKE 'Goed%' OR text LIKE 'Sinds%' "
        "ORDER BY position"
    ).fetchall()
    (good, good_text), (since, _) = rows
    full = project.execute("SELECT text FROM documents").fetchone()[0]
    # from the end of "Goed 😊 hoor." (UTF-16: the emoji is two units) to after "Sinds "
    doc, a, b = span_from_selection(researcher, good, len(good_text) + 1, since, 6)
    assert full[a:b] == "Sinds"
    doc, a, b = span_from_selection(researcher, good, 8, since, 6)
    assert full[a:b] == "hoor. Sinds"
    # only the space between two sentences: nothing to code
    doc, a, b = span_from_selection(researcher, good, len(good_text) + 1, since, 0)
    assert a == b


def test_a_browser_selection_leaves_out_the_stop_before_and_the_quote_after_it(
    tmp_path, nlp, new_project
):
    """A drag from the full stop before a sentence gave '. Het was een moeilijke tijd'."""
    db = new_project(tmp_path / "q.db")
    (tmp_path / "R02.txt").write_text(
        'I: En toen?\nR: Ja. Het was een moeilijke tijd. "Zo ging dat." Daarna niet.\n',
        encoding="utf-8",
    )
    researcher = Project.for_user(db, "onderzoeker")
    assert import_files(researcher, [tmp_path / "R02.txt"], nlp=nlp).ok
    (ja, _), (hard, hard_text), (quoted, quoted_text), (after, _) = db.execute(
        "SELECT id, text FROM segments WHERE position > 0 ORDER BY position"
    ).fetchall()
    full = db.execute("SELECT text FROM documents").fetchone()[0]

    def chosen(*selection):
        doc, a, b = span_from_selection(researcher, *selection)
        return full[a:b]

    assert chosen(ja, 2, hard, len("Het was een moeilijke tijd")) == "Het was een moeilijke tijd"
    # the closing quote of the sentence before, and the opening quote of the sentence after
    assert chosen(quoted, len(quoted_text) - 2, after, 6) == "Daarna"
    assert chosen(hard, 0, quoted, 1) == "Het was een moeilijke tijd."
    assert chosen(ja, 2, quoted, 1) == "Het was een moeilijke tijd."
    # punctuation inside the selection, or a selection of the stop alone, stays as it was
    assert chosen(hard, len(hard_text) - 1, hard, len(hard_text)) == "."
    assert (
        chosen(hard, 0, quoted, len(quoted_text)) == full[full.index("Het") : full.index(" Daarna")]
    )
