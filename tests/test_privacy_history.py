"""Replacing names shows in the history of each interview it changed.

The audit found that a replacing run (``workbench pseudonymise``, a decision on the Privacy
page) was logged once for the project with no documents, so ``workbench history --document``
never said that an interview's names were replaced. The run now logs which documents it
changed and in how many places; an interview's history lists it with those counts for that
interview only, never with a name. Real project files, the real CLI.
"""

from __future__ import annotations

from privacy_support import add_document
from workbench.cli import main
from workbench.handle import Project
from workbench.history import document_history
from workbench.history_about import event_about
from workbench.i18n import t
from workbench.privacy.pseudonyms import apply_pseudonyms, decide
from workbench.store import open_project

FIRST = "R: Mijn buurman Bertus kwam elke dag.\nR: Bertus bracht soep mee."
SECOND = "R: Ik ging naar de markt.\nR: Daar was het druk."


def replaced(project: Project, document: int, lang: str = "nl") -> list[str]:
    found = [e for e in document_history(project, document) if e["action"] == "pseudonymise.apply"]
    return [t(w.key, lang, **w.params) for w in event_about(project, found)]


def test_an_interview_history_says_where_names_were_replaced_and_not_which(db):
    first = add_document(db, FIRST, name="gesprek-een.txt")
    second = add_document(db, SECOND, name="gesprek-twee.txt")
    me = Project.for_user(db, "onderzoeker")
    decide(me, "Bertus", accept=True)

    assert replaced(me, first) == ["in gesprek-een.txt: op 2 plekken"]
    assert replaced(me, first, "en") == ["in gesprek-een.txt: in 2 places"]
    assert replaced(me, second) == []  # nothing was replaced there
    logged = db.execute("SELECT after FROM events WHERE action = 'pseudonymise.apply'").fetchone()[
        0
    ]
    assert "Bertus" not in logged

    decide(me, "Bertus", accept=False)  # taken back: the replacements go
    assert (
        replaced(me, first)[0]
        == "in gesprek-een.txt: op 0 plekken vervangen, op 2 plekken niet meer"
    )
    apply_pseudonyms(me)  # nothing changed: no new line in the interview's history
    assert len(replaced(me, first)) == 2


def test_the_demo_interview_history_lists_its_names_replaced(demo_project, capsys):
    path = str(demo_project)
    assert main(["pseudonymise", "--project", path, "--accept", "all"]) == 0
    db = open_project(demo_project)
    try:
        spans = dict(
            db.execute(
                "SELECT document_id, count(*) FROM pseudonym_spans GROUP BY document_id"
            ).fetchall()
        )
        me = Project.for_user(db, "onderzoeker")
        for document, n in spans.items():
            name = db.execute("SELECT name FROM documents WHERE id = ?", [document]).fetchone()[0]
            assert replaced(me, document) == [f"in {name}: op {n} plekken"]
    finally:
        db.close()
    capsys.readouterr()
    assert main(["history", "--project", path, "--document", str(min(spans))]) == 0
    assert "namen vervangen" in capsys.readouterr().out
