"""Sentences of an imported transcript around Dutch abbreviations (``workbench.nlp``).

A real .txt file is imported into a real project and its stored segments are read back:
a title, a month or "ong." ends no sentence, a sentence that ends on a month still ends
there. All text is fictional.
"""

from __future__ import annotations

from workbench.handle import Project
from workbench.ingest import import_files

ANSWER = (
    "Ik sprak mw. Jansen bij de bushalte. Op 3 jan. kwam mijn zoon langs. "
    "In sept. of okt. gaan we samen vissen. Dat kost ong. 5 euro per keer. "
    "Mevr. de Boer en Mw. Smit gingen ook mee. Het was koud in feb. Daarna werd het beter. "
    "Ik belde Jan. Hij nam niet op."
)
SENTENCES = [
    "Ik sprak mw. Jansen bij de bushalte.",
    "Op 3 jan. kwam mijn zoon langs.",
    "In sept. of okt. gaan we samen vissen.",
    "Dat kost ong. 5 euro per keer.",
    "Mevr. de Boer en Mw. Smit gingen ook mee.",
    "Het was koud in feb.",
    "Daarna werd het beter.",
    "Ik belde Jan.",
    "Hij nam niet op.",
]


def test_abbreviations_end_no_sentence_and_a_month_at_the_end_still_does(db, nlp, tmp_path):
    path = tmp_path / "gesprek.txt"
    path.write_text(f"I: Wie zag u deze maand?\nR: {ANSWER}\n", encoding="utf-8")
    report = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp)
    assert report.ok
    segments = [text for (text,) in db.execute("SELECT text FROM segments ORDER BY position")]
    assert segments == ["Wie zag u deze maand?", *SENTENCES]


def test_no_sentence_starts_inside_brackets_and_a_closing_timestamp_stays(db, nlp, tmp_path):
    """'Woont u in Rotterdam? (' | '00:00:10)' made half a bracket a unit of its own."""
    path = tmp_path / "tijden.txt"
    path.write_text(
        "I: Woont u nog in Rotterdam? (00:00:10)\n"
        "R: Ja, al lang. [00:01:02] En daarna kwam de rest. Ik weet het niet. (lacht)\n",
        encoding="utf-8",
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp).ok
    segments = [text for (text,) in db.execute("SELECT text FROM segments ORDER BY position")]
    assert segments == [
        "Woont u nog in Rotterdam? (00:00:10)",
        "Ja, al lang.",
        "[00:01:02] En daarna kwam de rest.",
        "Ik weet het niet.",
        "(lacht)",
    ]


def test_emphasis_and_annotation_marks_are_never_cut_in_half(db, nlp, tmp_path):
    """'Ja. *' | 'zucht* Het was ...' and 'tijd. _' | 'Zo_ ging dat.' were stored as units."""
    path = tmp_path / "nadruk.txt"
    path.write_text(
        "I: Hoe was dat?\n"
        "R: Ja. *zucht* Het was een moeilijke tijd. _Zo_ ging dat. [lacht] Echt. (stilte)\n",
        encoding="utf-8",
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp).ok
    rows = db.execute("SELECT text, start_char, end_char FROM segments ORDER BY position")
    segments = [text for (text, _, _) in rows]
    assert segments == [
        "Hoe was dat?",
        "Ja.",
        "*zucht* Het was een moeilijke tijd.",
        "_Zo_ ging dat.",
        "[lacht] Echt.",
        "(stilte)",
    ]
    (document,) = [text for (text,) in db.execute("SELECT text FROM documents")]
    for text, start, end in db.execute("SELECT text, start_char, end_char FROM segments"):
        assert document[start:end] == text
