"""Issue 13: reliability figures with the right units and the right scope, said out loud.

Built on a fictional two-coder project with the structure of the real case (tests/two_coders.py):
40 passages read by both coders, 18 of them rightly without any code.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import two_coders as tc
from workbench import agreement
from workbench import consistency as cons
from workbench import done_marks
from workbench.accounts import add_group_coder
from workbench.cli import main
from workbench.codings import add_coding
from workbench.errors import InputError, NotFound, PermissionDenied
from workbench.handle import Project
from workbench.store import now, open_project, transaction
from workbench.handle import Project


@pytest.fixture
def passages(db):
    return tc.build(db)


def report(db, **kwargs):
    kwargs.setdefault("unit", "document")
    return cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=300, **kwargs
    )


def mark_everything(db):
    done_marks.mark_done(Project.for_user(db, "anna"), None, coder="anna")
    done_marks.mark_done(Project.for_user(db, "bram"), None, coder="bram")


# --- 1. scope -------------------------------------------------------------------------------


def test_without_marks_only_passages_both_coded_are_compared_and_the_report_says_so(db, passages):
    found = report(db)
    scope = found["scope"]
    assert (found["n_units"], scope["n_units_total"]) == (16, 40)
    assert len(tc.both_coded()) == 16
    # anna coded nothing in 18 + 1 + 2 passages, bram in 18 + 2 + 1
    assert scope["not_seen"] == {"anna": 21, "bram": 21}
    assert scope["outside_sample"] == 0 and scope["rule"] == "seen"
    assert found["overall"]["alpha"] == pytest.approx(tc.expected_alpha(tc.both_coded())["overall"])
    assert found["overall"]["alpha"] == pytest.approx(0.912, abs=5e-4)


def test_done_marks_bring_in_every_passage_read_also_without_codes(db, passages):
    mark_everything(db)
    found = report(db)
    assert (found["n_units"], found["scope"]["n_units_total"]) == (40, 40)
    assert found["scope"]["not_seen"] == {"anna": 0, "bram": 0}
    assert found["scope"]["seen_documents"]["anna"] == {
        "n": 40,
        "sample": 0,
        "done": 40,
        "coded": 19,
    }
    expected = tc.expected_alpha()
    for code, figures in found["codes"].items():
        assert figures["alpha"] == pytest.approx(expected[code.lower()])
    assert found["overall"]["alpha"] == pytest.approx(expected["overall"])
    # the narrow default made the coders look better than they are
    assert found["overall"]["alpha"] == pytest.approx(0.770, abs=5e-4)
    assert found["overall"]["alpha"] < tc.expected_alpha(tc.both_coded())["overall"]


def test_a_double_coding_sample_counts_as_seen_by_its_coders(db, passages):
    cons.create_sample(
        Project.for_user(db, "sanne"), name="alles", coders=["anna", "bram"], documents=passages
    )
    found = report(db)
    assert found["n_units"] == 40
    assert found["scope"]["seen_documents"]["bram"]["sample"] == 40
    segments = report(db, unit="segment")
    assert (segments["n_units"], segments["scope"]["n_units_total"]) == (80, 80)


def test_a_segment_sample_counts_only_its_segments(db, passages):
    cons.create_sample(
        Project.for_user(db, "sanne"), name="deel", coders=["anna", "bram"], share=0.25, seed=2
    )
    sampled = db.execute("SELECT segment_id, document_id FROM sample_units").fetchall()
    coded_by_both = {d for d, (a, b) in zip(passages, tc.DESIGN) if a and b}
    found = report(db, unit="segment")
    extra = sum(1 for _, d in sampled if d not in coded_by_both)
    assert found["n_units"] == 2 * len(coded_by_both) + extra
    within = report(db, unit="segment", sample_id=1)
    assert within["n_units"] == len(sampled) == 20
    assert within["scope"]["outside_sample"] == 60


def test_all_documents_counts_everything_and_says_so(db, passages):
    found = report(db, all_documents=True)
    assert found["n_units"] == 40 and found["scope"]["rule"] == "all_documents"
    lines = cons.scope_lines(found, "en")
    assert lines[0] == "Compared: 40 of 40 documents."
    assert "Every document counts" in lines[1]


def test_cli_says_how_many_units_of_how_many_and_why(db, passages, project_path, capsys):
    run = [
        "--lang",
        "en",
        "agreement",
        "--project",
        str(project_path),
        "--coders",
        "anna,bram",
        "--unit",
        "document",
    ]
    assert main(run) == 0
    out = capsys.readouterr().out
    assert "Compared: 16 of 40 documents." in out
    assert "Not compared: 24 documents. Why:" in out
    assert "- 21 were not seen by anna." in out and "- 21 were not seen by bram." in out
    assert "workbench done" in out
    assert (
        main(
            [
                "--lang",
                "en",
                "done",
                "--project",
                str(project_path),
                "--all-documents",
                "--user",
                "anna",
            ]
        )
        == 0
    )
    assert "40 documents marked done for anna" in capsys.readouterr().out
    again = ["--lang", "en", "done", "--project", str(project_path), str(passages[0])]
    assert main([*again, "--user", "anna"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "0 documents marked done for anna.",
        "1 document was already done for anna.",
    ]
    # a researcher marks for a colleague whose work she imported
    assert (
        main(
            [
                "done",
                "--project",
                str(project_path),
                "--all-documents",
                "--coder",
                "bram",
                "--user",
                "anna",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(run) == 0
    out = capsys.readouterr().out
    assert "Compared: 40 of 40 documents" in out and "Not compared" not in out
    assert (
        main(
            ["done", "--project", str(project_path), "--json", "--coder", "bram", "--user", "sanne"]
        )
        == 0
    )
    assert len(json.loads(capsys.readouterr().out)) == 40
    assert (
        main(
            [
                "--lang",
                "en",
                "done",
                "--project",
                str(project_path),
                str(passages[0]),
                "--undo",
                "--user",
                "bram",
            ]
        )
        == 0
    )
    assert "Removed 'done' from 1 document for bram" in capsys.readouterr().out
    assert (
        main(
            [
                "--lang",
                "en",
                "agreement",
                "--project",
                str(project_path),
                "--json",
                "--unit",
                "document",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["scope"]["not_seen"]["bram"] == 1


def test_done_marks_are_checked_and_logged(db, passages):
    with pytest.raises(PermissionDenied):
        done_marks.mark_done(
            Project.for_user(db, "sanne"), passages[:2], coder="anna"
        )  # not her marks
    with pytest.raises(PermissionDenied):
        done_marks.mark_done(
            Project.for_user(db, "wijk"), passages[:2], coder="wijk"
        )  # co-researcher
    with pytest.raises(NotFound):
        done_marks.mark_done(Project.for_user(db, "anna"), [99_999], coder="anna")
    with pytest.raises(InputError):
        done_marks.mark_done(Project.for_user(db, "anna"), [], coder="anna")
    with pytest.raises(InputError):
        done_marks.mark_done(Project.for_user(db, "anna"), passages[:1], coder="consensus")
    assert db.execute("SELECT count(*) FROM done_marks").fetchone()[0] == 0
    assert done_marks.mark_done(Project.for_user(db, "sanne"), passages[:3], coder="sanne") == 3
    assert done_marks.mark_done(Project.for_user(db, "sanne"), passages[:3], coder="sanne") == 0
    assert done_marks.set_done(Project.for_user(db, "sanne"), passages[2:4], coder="sanne") == 3
    assert done_marks.done_documents(db, "sanne") == set(passages[2:4])
    events = db.execute(
        "SELECT action, actor FROM events WHERE entity = 'done_marks' ORDER BY id"
    ).fetchall()
    assert events == [  # one whole row per mark, as undo puts it back
        *[("done.mark", "sanne")] * 4,
        *[("done.unmark", "sanne")] * 2,
    ]
    with pytest.raises(PermissionDenied):
        done_marks.list_marks(Project.for_user(db, "wijk"))


def test_importing_a_two_coder_project_marks_every_document_done(db, passages, tmp_path, nlp):
    from workbench.exchange import export_qdpx, import_qdpx

    file = tmp_path / "twee-codeurs.qdpx"
    export_qdpx(Project.for_user(db, "anna"), file, pseudonymise=False)
    other = open_project(tmp_path / "imported.db")
    try:
        import_qdpx(Project.for_user(other, "onderzoeker"), file, nlp=nlp)
        marks = done_marks.list_marks(Project.for_user(other, "onderzoeker"))
        assert {(m["coder"]) for m in marks} == {"anna", "bram"}
        assert len(marks) == 80
        found = cons.agreement_report(
            Project.for_user(other, "onderzoeker"), unit="document", n_samples=100
        )
        assert found["coders"] == ["anna", "bram"]
        assert (found["n_units"], found["scope"]["n_units_total"]) == (40, 40)
        assert found["overall"]["alpha"] == pytest.approx(tc.expected_alpha()["overall"])
    finally:
        other.close()


def test_importing_a_one_coder_project_marks_nothing(db, passages, tmp_path, nlp):
    from workbench.exchange import export_qdpx, import_qdpx

    db.execute("DELETE FROM codings WHERE coder = 'bram'")
    file = tmp_path / "een-codeur.qdpx"
    export_qdpx(Project.for_user(db, "anna"), file, pseudonymise=False)
    other = open_project(tmp_path / "imported.db")
    try:
        import_qdpx(Project.for_user(other, "onderzoeker"), file, nlp=nlp)
        assert done_marks.list_marks(Project.for_user(other, "onderzoeker")) == []
    finally:
        other.close()


# --- 3. verdicts -------------------------------------------------------------------------------


def test_verdicts_read_the_lower_bound_of_each_interval(db, passages):
    mark_everything(db)
    found = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="document"
    )
    for figures in [*found["codes"].values(), found["overall"]]:
        lo = figures["alpha_ci"][0]
        assert figures["verdict"] == agreement.verdict(figures["alpha"], lo)
    isolement = found["codes"]["Isolement"]
    # 0.688 would read "tentative"; its interval starts far below 0.667
    assert agreement.verdict(isolement["alpha"]) == "tentative"
    assert isolement["alpha_ci"][0] < agreement.TENTATIVE
    assert isolement["verdict"] == "unreliable"


# --- 4. the interval resamples what was judged independently -----------------------------------


def test_the_bootstrap_draws_codings_or_documents_and_says_which(db, passages):
    mark_everything(db)
    by_coding = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="segment"
    )
    # 22 coded passages (one coding covers both sentences) + 2 x 18 uncoded sentences
    assert by_coding["interval"]["resampled"] == "codings"
    assert by_coding["interval"]["n_resampled"] == 22 + 36
    by_document = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="segment", resample="documents"
    )
    assert by_document["interval"]["n_resampled"] == 40
    assert by_document["overall"]["alpha"] == by_coding["overall"]["alpha"]
    matrix = cons.unit_matrix(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="segment"
    )
    by_sentence = agreement.presence_agreement(matrix.presence, n_samples=1000, seed=0)
    width = lambda ci: ci[1] - ci[0]  # noqa: E731
    assert width(by_coding["overall"]["alpha_ci"]) > 1.2 * width(by_sentence.overall["alpha_ci"])
    assert "Units under one coding are one judgement" in cons.interval_line(by_coding, "en")
    with pytest.raises(InputError):
        cons.agreement_report(Project.for_user(db, "sanne"), resample="sentences")


# --- 2. unitized alpha: documents are separate continua ----------------------------------------


def test_unitized_alpha_treats_documents_as_separate_continua(db):
    """Three 100-character documents; anna codes all three, bram the first and the third.

    Laid end to end and merged where spans touch this gave 0.134; the judgements are the
    same as with a character between the documents, which gives 0.608.
    """
    stamp = now()
    text = ("Ik woon hier alleen sinds de zomer. " * 3)[:100]
    with transaction(db):
        for name in ("anna", "bram"):
            db["users"].insert({"name": name, "role": "onderzoeker", "created_at": stamp})
        book = db["codebooks"].insert({"name": "test", "created_at": stamp}).last_pk
        db["codes"].insert({"codebook_id": book, "slug": "isolement", "name": "Isolement"})
        docs = [
            db["documents"]
            .insert(
                {
                    "name": f"doc {i}",
                    "source_name": f"d{i}.txt",
                    "source_format": "txt",
                    "source_sha256": f"d{i}",
                    "text": text,
                    "imported_at": stamp,
                    "imported_by": "onderzoeker",
                }
            )
            .last_pk
            for i in range(3)
        ]
    for i, doc in enumerate(docs):
        for coder in ("anna",) if i == 1 else ("anna", "bram"):
            add_coding(
                Project.for_user(db, coder),
                code="isolement",
                document_id=doc,
                start_char=0,
                end_char=100,
            )
    # bram read the middle one too
    done_marks.mark_done(Project.for_user(db, "bram"), docs, coder="bram")
    found = cons.unitized_report(Project.for_user(db, "anna"))
    assert found["n_documents"] == 3
    assert round(found["overall"]["alpha"], 3) == 0.608
    gap = agreement.unitized_alpha(
        [
            ("anna", "x", 0, 100),
            ("anna", "x", 101, 201),
            ("anna", "x", 202, 302),
            ("bram", "x", 0, 100),
            ("bram", "x", 202, 302),
        ],
        begin=0,
        end=302,
    )
    assert found["overall"]["alpha"] == pytest.approx(gap.alpha, abs=1e-3)
    assert found["codes"]["Isolement"]["verdict"] == "unreliable"


def test_unitized_alpha_has_an_interval_over_documents_and_its_verdict_reads_the_lower_bound(
    db, passages
):
    """On the 16 passages both coders coded u-alpha is 0.835, which the point value would
    call reliable; 16 documents leave room for much less (95% interval from 0.408)."""
    found = cons.unitized_report(Project.for_user(db, "sanne"), coders=["anna", "bram"])
    overall = found["overall"]
    assert found["n_documents"] == 16
    assert round(overall["alpha"], 3) == 0.835
    lo, hi = overall["alpha_ci"]
    assert lo <= overall["alpha"] <= hi
    assert round(lo, 3) == 0.408 and hi == 1.0
    assert overall["verdict"] == "unreliable" and agreement.verdict(overall["alpha"]) == "reliable"
    for figures in found["codes"].values():
        assert figures["alpha_ci"][0] <= figures["alpha"] <= figures["alpha_ci"][1]
        assert figures["verdict"] == agreement.verdict(figures["alpha"], figures["alpha_ci"][0])
    # the same keys as the other measures' intervals; drawn from whole documents, seeded
    assert found["interval"].keys() == report(db)["interval"].keys()
    assert (found["interval"]["resampled"], found["interval"]["n_resampled"]) == ("documents", 16)
    assert cons.unitized_report(Project.for_user(db, "sanne"), coders=["anna", "bram"]) == found
    assert "1000 resamples of 16 documents. A document is drawn whole" in cons.interval_line(
        found, "en", spans=True
    )


def test_cli_shows_unitized_alpha_with_its_interval(db, passages, project_path, capsys):
    run = [
        "--lang",
        "en",
        "agreement",
        "--project",
        str(project_path),
        "--user",
        "sanne",
        "--unitized",
    ]
    assert main(run) == 0
    out = capsys.readouterr().out
    assert "Compared: 16 of 40 documents" in out
    overall = next(line for line in out.splitlines() if line.startswith("All codes together"))
    assert overall.split()[3:] == ["0.835", "[0.408,", "1.000]", "do", "not", "rely", "on", "it"]
    assert "A document is drawn whole" in out and "lower bound" in out
    assert main([*run, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["overall"]["alpha_ci"][0] == pytest.approx(0.408, abs=5e-4)
    assert found["interval"]["resampled"] == "documents"


def test_unitized_refuses_the_options_it_would_ignore(db, passages, project_path, capsys):
    """u-alpha has no units and always draws whole documents: --unit and --resample were
    silently ignored; now refused by name. --all-speakers is what it does anyway."""
    run = ["--lang", "en", "agreement", "--project", str(project_path), "--user", "sanne"]
    for option, value in [("--unit", "segment"), ("--resample", "documents")]:
        assert main([*run, "--unitized", option, value]) == 1
        assert f"{option} does not work with --unitized" in capsys.readouterr().err
    assert main([*run, "--unitized", "--all-speakers"]) == 0
    assert "Every speaker is counted" in capsys.readouterr().out
    assert main([*run, "--unit", "document", "--resample", "documents"]) == 0  # without: fine
    assert "Compared: 16 of 40 documents" in capsys.readouterr().out


def test_the_done_hint_is_only_for_coders_who_can_mark_done(db, passages, project_path, capsys):
    """'workbench done' was suggested for the model (which marks nothing) and when only the
    sample kept units out (marking done adds none of those)."""
    run = [*"--lang en agreement --unit document --user sanne --project".split(), str(project_path)]
    assert main([*run, "--coders", "anna,bram"]) == 0
    hint = "Mark done: workbench done DOCUMENT_ID ... --user NAME (or --all-documents)"
    assert f"{hint}, for anna, bram." in capsys.readouterr().out
    # anna has seen every passage: the 18 without any code through a sample nobody opened
    # yet, the others marked done. The model judges only what someone coded in or marked done.
    sample = cons.create_sample(
        Project.for_user(db, "sanne"), name="r1", coders=["anna", "bram"], documents=passages[:18]
    )
    done_marks.mark_done(Project.for_user(db, "anna"), passages[18:], coder="anna")
    assert main([*run, "--coders", "anna,model"]) == 0
    out = capsys.readouterr().out
    assert "- 18 were not seen by model." in out and "The model cannot mark documents done" in out
    assert "workbench done" not in out
    done_marks.mark_done(Project.for_user(db, "anna"), None, coder="anna", done=False)
    assert main([*run, "--sample", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "- 22 are not in sample 1." in out and "workbench done" not in out


# --- 5. defaults ------------------------------------------------------------------------------


def workshop_group(db, passages):
    """A workshop group that chose codes on a few fragments, unlike the researchers."""
    add_group_coder(Project.for_user(db, "anna"), "werkplaats-1")
    segment = db.execute(
        "SELECT id FROM segments WHERE document_id = ? ORDER BY position", [passages[0]]
    ).fetchone()[0]
    with transaction(db):
        db["workshop_assignments"].insert(
            {
                "user": "wijk",
                "segment_id": segment,
                "group_coder": "werkplaats-1",
                "assigned_at": now(),
                "assigned_by": "anna",
            }
        )
    for doc in passages[:6]:
        add_coding(
            Project.for_user(db, "werkplaats-1"),
            code="schaamte",
            document_id=doc,
            start_char=0,
            end_char=10,
        )


def test_default_coders_are_the_researchers_not_the_workshop_group(db, passages):
    workshop_group(db, passages)
    assert "werkplaats-1" in cons.human_coders(Project.for_user(db, "sanne"))
    assert cons.default_coders(Project.for_user(db, "sanne")) == ["anna", "bram"]
    found = cons.agreement_report(Project.for_user(db, "sanne"), unit="document", n_samples=50)
    assert found["coders"] == ["anna", "bram"]


def test_imported_coders_are_the_default_when_there_are_no_two_researchers(db, passages):
    db.execute("UPDATE users SET role = 'system' WHERE name IN ('anna', 'bram')")
    assert cons.default_coders(Project.for_user(db, "sanne")) == ["anna", "bram"]


def test_compare_units_and_drift_check_the_role_of_the_reader(db, passages):
    for call in (
        cons.compare_units,
        cons.disagreements,
        cons.drift,
        cons.unitized_report,
        cons.agreement_report,
        cons.unit_matrix,
    ):
        with pytest.raises(PermissionDenied):
            call(Project.for_user(db, "wijk"), coders=["anna", "bram"])
    mark_everything(db)
    assert (
        len(
            cons.disagreements(
                Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="document"
            )
        )
        == 7
    )
    rows = cons.drift(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="document", n_samples=50
    )
    assert sum(r["n_units"] for r in rows) == 40
    assert all(r["verdict"] == agreement.verdict(r["alpha"], r["alpha_lo"]) for r in rows)


def test_design_sanity():
    assert len(tc.DESIGN) == 40 and sum(1 for a, b in tc.DESIGN if not a and not b) == 18
    assert np.isclose(tc.expected_alpha()["overall"], 0.7700817700817701)


def test_the_scope_line_counts_one_unit_in_the_singular():
    from workbench.i18n import t

    assert t("agreement.scope.not_seen", "en", n=1, coder="bram") == "- 1 was not seen by bram."
    assert t("agreement.scope.not_seen", "en", n=2, coder="bram") == "- 2 were not seen by bram."


def test_a_researcher_who_coded_one_interview_is_not_in_the_default_comparison(db, passages):
    """Only what every chosen coder saw is compared: carla's one interview shrank the
    default comparison of anna and bram, who both read all 40, to that interview."""
    from workbench.accounts import add_user

    mark_everything(db)
    add_user(Project.for_user(db, "anna"), "carla", role="onderzoeker")
    add_coding(
        Project.for_user(db, "carla"),
        code="schaamte",
        document_id=passages[0],
        start_char=0,
        end_char=10,
    )
    sanne = Project.for_user(db, "sanne")
    assert cons.default_coders(sanne) == ["anna", "bram"]
    done_marks.mark_done(Project.for_user(db, "carla"), None, coder="carla")
    assert cons.default_coders(sanne) == ["anna", "bram", "carla"]
