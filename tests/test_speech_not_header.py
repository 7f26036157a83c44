"""A transcript's header (title, details block, a note naming the respondent by code and age:
``turns.header``) is no one's words wherever a researcher asks for speech: "respondent
speech only" in search, the overviews in respondent mode (matrix, frequencies, quotes,
co-occurrence all start from ``fragments``), the segments analysis, suggestions and
agreement read. One rule decides it (``workbench.ingest.speakers.speech_sql``).

Before, every turn of a document without speaker labels counted as the respondent's: in the
demo, R08's note "Levensverhaal R08 (Marloes, 38 jaar) ..." and its title "Mijn verhaal, in
stukjes" were found by a respondent-only search and read by analysis, and a coding on a
labelled transcript's title line counted in the respondent matrix. A search without a
speaker filter still finds header lines: a researcher may look for a title or a date.

Real projects (the demo, and fictional texts imported with the real pipeline).
"""

from __future__ import annotations

import pytest
from built_once import copy_project

from workbench.codings import add_coding
from workbench.handle import Project
from workbench.ingest import analysis_segments, import_files
from workbench.ingest.speakers import analysis_segment_ids
from workbench.patterns import Selection, framework_matrix
from workbench.search import search
from workbench.store import DEFAULT_USER, open_project

ME = DEFAULT_USER
HEADER = ["Gesprek in het buurthuis", "Datum: 3 maart 2026", "Interviewer: Anna"]
STORY = [
    "Ik ben in dit dorp geboren, in het huis achter de kerk. Mijn vader had een bakkerij "
    "aan de dijk.",
    "Later ging ik naar de stad, want hier was geen werk meer. Daar voelde ik me alleen.",
]
LABELLED = [
    "Gesprek in het buurthuis",
    "Interviewer: Hoe lang woont u al in het dorp?",
    "Respondent: Mijn hele leven. Vroeger voelde ik me hier nooit alleen.",
]


@pytest.fixture
def demo(demo_project, tmp_path):
    db = open_project(copy_project(demo_project, tmp_path / "demo.db"))
    yield Project.for_user(db, ME)
    db.close()


def header_segments(db) -> set[int]:
    return {
        r[0]
        for r in db.execute(
            "SELECT s.id FROM segments s JOIN turns t ON t.id = s.turn_id WHERE t.header"
        )
    }


def test_a_respondent_search_of_the_demo_skips_the_header_of_r08(demo, nlp):
    """Before: "levensverhaal" 2 respondent hits (both R08's note), "Marloes" 1."""
    headers = header_segments(demo.db)
    for word in ("levensverhaal", "Marloes", "Lindewaard", "stukjes"):
        only = search(demo, nlp, word, speaker_roles=["respondent"], limit=1000)
        assert not headers & {h.segment_id for h in only.hits}, word
        everything = search(demo, nlp, word, limit=1000)
        assert headers & {h.segment_id for h in everything.hits}, word  # still findable
    assert search(demo, nlp, "levensverhaal", speaker_roles=["respondent"]).total == 0
    stukjes = search(demo, nlp, "stukjes", speaker_roles=["respondent"], limit=1000)
    assert "Mijn verhaal, in stukjes" not in [h.text for h in stukjes.hits]


def test_analysis_of_the_demo_reads_r08_from_its_story(demo):
    """What suggestions and agreement read: 1,804 segments, not 1,810 (R08's note and
    title were six sentences of the respondent)."""
    (r08,) = demo.db.execute("SELECT id FROM documents WHERE name LIKE 'R08%'").fetchone()
    segments = analysis_segments(demo, r08)
    assert segments[0]["text"].startswith("Ze vroegen of ik mee wilde doen aan een interview.")
    assert len(analysis_segments(demo)) == 1804
    assert not header_segments(demo.db) & set(analysis_segment_ids(demo.db, r08))


@pytest.fixture
def story(new_project, tmp_path, nlp):
    """A story without labels under a title and details, and a labelled interview under a
    title line; returns the project and both document ids."""
    db = new_project(tmp_path / "p.db")
    me = Project.for_user(db, ME)
    files = [
        ("verhaal.txt", "\n\n".join([*HEADER, *STORY]).encode()),
        ("gesprek.txt", "\n".join(LABELLED).encode()),
    ]
    report = import_files(me, files, nlp=nlp)
    assert report.ok
    yield me, [r.document_id for r in report.results]
    db.close()


def segment(db, document: int, text: str) -> dict:
    row = db.execute(
        "SELECT s.id, s.start_char, s.end_char, t.header FROM segments s "
        "JOIN turns t ON t.id = s.turn_id WHERE s.document_id = ? AND s.text LIKE ?",
        [document, f"{text}%"],
    ).fetchone()
    return dict(zip(["id", "start_char", "end_char", "header"], row))


def test_a_header_word_is_found_only_without_a_speaker_filter(story, nlp):
    me, (unlabelled, labelled) = story
    title = segment(me.db, unlabelled, "Gesprek in het buurthuis")
    assert title["header"] and segment(me.db, labelled, "Gesprek in het buurthuis")["header"]
    assert search(me, nlp, "buurthuis").total == 2
    assert search(me, nlp, "buurthuis", speaker_roles=["respondent"]).total == 0  # was 1
    assert search(me, nlp, "buurthuis", speaker_roles=["interviewer"]).total == 0
    assert search(me, nlp, "alleen", speaker_roles=["respondent"]).total == 2  # both stories
    assert search(me, nlp, "dorp", speaker_roles=["interviewer"]).total == 1


def test_a_coding_on_a_header_is_no_respondent_fragment(story):
    """Coded titles: before, 3 fragments of 'isolement' in respondent mode, now 1; a span
    that starts in the header and runs into the story is the story's."""
    me, (unlabelled, labelled) = story
    for document in (unlabelled, labelled):
        title = segment(me.db, document, "Gesprek in het buurthuis")
        add_coding(me, code="isolement", segment_id=title["id"])
    add_coding(me, code="schaamte", segment_id=segment(me.db, unlabelled, "Datum")["id"])
    alone = segment(me.db, unlabelled, "Daar voelde ik me alleen")
    add_coding(me, code="isolement", segment_id=alone["id"])
    interviewer = segment(me.db, unlabelled, "Interviewer: Anna")
    first = segment(me.db, unlabelled, "Ik ben in dit dorp geboren")
    add_coding(
        me,
        code="herstel",
        document_id=unlabelled,
        start_char=interviewer["start_char"],
        end_char=first["end_char"],
    )

    def counts(speakers: str) -> dict[str, int]:
        matrix = framework_matrix(me, Selection.build(speakers=speakers))
        return {code: int(n) for code, n in matrix.sum().items() if n}

    assert counts("all") == {"isolement": 3, "schaamte": 1, "herstel": 1}
    assert counts("respondent") == {"isolement": 1, "herstel": 1}
