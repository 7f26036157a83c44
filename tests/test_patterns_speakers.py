"""Issue 13: a fragment that starts in the interviewer's question is not dropped, answer and
all; exports say which speakers were analysed instead of "(project setting)"."""

from __future__ import annotations

import pytest

from test_patterns import ME, build_project
from workbench.cli import main
from workbench.codings import add_coding
from workbench.handle import Project
from workbench.patterns import Selection, framework_matrix, fragments, read_csv_export
from workbench.store import set_setting


@pytest.fixture
def project(db):
    """The test_patterns project, plus on R04 (otherwise uncoded) one span from the middle of
    the interviewer's question s3 to the end of the answer s5, and one span inside s3 only."""
    segments = build_project(db)
    s3, s5 = segments["R04"][3], segments["R04"][5]
    doc, q_start, q_end = db.execute(
        "SELECT document_id, start_char, end_char FROM segments WHERE id = ?", [s3]
    ).fetchone()
    answer_end = db.execute("SELECT end_char FROM segments WHERE id = ?", [s5]).fetchone()[0]
    add_coding(
        Project.for_user(db, "anna"),
        code="schaamte",
        document_id=doc,
        start_char=q_start + 4,
        end_char=answer_end,
    )
    add_coding(
        Project.for_user(db, "anna"),
        code="isolement",
        document_id=doc,
        start_char=q_start,
        end_char=q_end - 3,
    )
    return db


def r04(frame):
    return frame[frame["respondent"] == "R04"]


def test_a_fragment_from_question_into_answer_is_kept_with_the_respondent_as_speaker(project):
    kept = r04(fragments(Project.for_user(project, ME)))
    assert list(kept["code"]) == ["schaamte"]  # the question-only span is left out
    assert list(kept["speaker"]) == ["R"]
    assert (kept["seg_first"].tolist(), kept["seg_last"].tolist()) == ([3], [5])
    assert framework_matrix(Project.for_user(project, ME)).loc["R04", "schaamte"] == 1


def test_with_every_speaker_both_fragments_count_and_the_question_speaks_first(project):
    everything = r04(fragments(Project.for_user(project, ME), Selection(speakers="all")))
    assert sorted(everything["code"]) == ["isolement", "schaamte"]
    assert set(everything["speaker"]) == {"I"}


def test_a_question_only_coding_in_the_old_test_project_stays_left_out(project):
    assert "schaamte" not in set(
        fragments(Project.for_user(project, ME)).query("respondent == 'R03'")["code"]
    )


@pytest.mark.parametrize(
    "setting, option, expected",
    [
        ("respondent", [], "respondent"),
        ("all", [], "all"),
        ("respondent", ["--speakers", "all"], "all"),
    ],
)
def test_exports_write_the_speakers_actually_used(
    project, project_path, tmp_path, setting, option, expected
):
    set_setting(project, "analysis_speakers", setting, actor=ME)
    out = tmp_path / "matrix.csv"
    assert (
        main(["patterns", "matrix", "--project", str(project_path), "--output", str(out), *option])
        == 0
    )
    _, about = read_csv_export(out)
    assert about["speakers"] == [expected]
