"""Consistency review on real project files whose right answers are known by construction."""

from __future__ import annotations

import json

import pytest

from workbench import consistency as cons
from workbench import done_marks
from workbench.cli import main
from workbench.codebook import merge_codes
from workbench.codings import add_coding, decide
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.history import undo_last
from workbench.store import now, transaction

CODES = [
    ("verlies", "Verlies", "Iets of iemand kwijtraken."),
    ("schaamte", "Schaamte", "Zich schamen, iets verbergen."),
    ("isolement", "Isolement", "Zich alleen voelen."),
]
SENTENCES = [
    "Mijn man is vorig jaar overleden.",
    "Ik ben toen verhuisd naar de flat.",
    "Niemand komt hier nog langs.",
    "Ik durf het niet te vertellen.",
]


def build_project(db, n_documents=3):
    """Fictional documents: 2 turns x 2 segments each; three codes; coders anna, bram, cor.

    Returns {doc_id: [segment ids in order]}.
    """
    stamp = now()
    layout = {}
    with transaction(db):
        for name, role in [
            ("anna", "onderzoeker"),
            ("bram", "onderzoeker"),
            ("cor", "onderzoeker"),
            ("sanne", "supervisor"),
            ("wijk", "co-onderzoeker"),
        ]:
            db["users"].insert({"name": name, "role": role, "created_at": stamp})
        book = db["codebooks"].insert({"name": "test", "created_at": stamp}).last_pk
        for position, (slug, name, definition) in enumerate(CODES):
            db["codes"].insert(
                {
                    "codebook_id": book,
                    "slug": slug,
                    "name": name,
                    "definition": definition,
                    "position": position,
                }
            )
        for d in range(n_documents):
            text = "\n".join(SENTENCES)
            doc = (
                db["documents"]
                .insert(
                    {
                        "name": f"Interview {d + 1} (fictief)",
                        "source_name": f"i{d}.txt",
                        "source_format": "txt",
                        "source_sha256": f"sha{d}",
                        "text": text,
                        "imported_at": stamp,
                        "imported_by": "onderzoeker",
                    }
                )
                .last_pk
            )
            starts = [sum(len(s) + 1 for s in SENTENCES[:i]) for i in range(4)]
            spans = [(s, s + len(SENTENCES[i])) for i, s in enumerate(starts)]
            segs = []
            for t in range(2):
                turn = (
                    db["turns"]
                    .insert(
                        {
                            "document_id": doc,
                            "position": t,
                            "start_char": spans[2 * t][0],
                            "end_char": spans[2 * t + 1][1],
                        }
                    )
                    .last_pk
                )
                for i in (2 * t, 2 * t + 1):
                    segs.append(
                        db["segments"]
                        .insert(
                            {
                                "document_id": doc,
                                "turn_id": turn,
                                "position": i,
                                "start_char": spans[i][0],
                                "end_char": spans[i][1],
                                "text": text[spans[i][0] : spans[i][1]],
                            }
                        )
                        .last_pk
                    )
            layout[doc] = segs
    return layout


@pytest.fixture
def project(db):
    return build_project(db)


def code(db, coder, code, segment, **kwargs):
    return add_coding(Project.for_user(db, coder), code=code, segment_id=segment, **kwargs)


def test_scope_is_documents_every_coder_coded(db, project):
    d1, d2, d3 = project
    code(db, "anna", "verlies", project[d1][0])
    code(db, "anna", "verlies", project[d2][0])
    code(db, "bram", "verlies", project[d1][0])
    report = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=50
    )
    assert report["n_units"] == 4
    assert (
        cons.agreement_report(
            Project.for_user(db, "sanne"), coders=["anna", "bram"], all_documents=True, n_samples=50
        )["n_units"]
        == 12
    )


def test_per_code_figures_match_a_hand_computation(db, project):
    d1 = next(iter(project))
    s = project[d1]
    code(db, "anna", "verlies", s[0])
    code(db, "anna", "verlies", s[1])
    code(db, "bram", "verlies", s[0])
    report = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=100
    )
    verlies = report["codes"]["Verlies"]
    # anna 1,1,0,0 / bram 1,0,0,0: o11=2, o01=1, o00=4, n=8 -> alpha = 1 - 7*1/(5*3)
    assert verlies["alpha"] == pytest.approx(1 - 7 / 15)
    assert verlies["percent"] == pytest.approx(0.75)
    assert verlies["kappa"] == pytest.approx(0.5)
    assert verlies["n_units"] == 4
    assert set(report["codes"]) == {"Verlies"}
    assert report["overall"]["alpha"] == pytest.approx(verlies["alpha"])


def test_turn_and_document_units(db, project):
    d1 = next(iter(project))
    s = project[d1]
    code(db, "anna", "verlies", s[0])
    code(db, "anna", "verlies", s[1])
    code(db, "bram", "verlies", s[0])
    turns = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="turn", n_samples=50
    )
    assert turns["n_units"] == 2
    assert turns["codes"]["Verlies"]["alpha"] == 1.0
    docs = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], unit="document", n_samples=50
    )
    assert docs["n_units"] == 1
    assert docs["codes"]["Verlies"]["alpha"] is None  # no variation: undefined
    assert docs["codes"]["Verlies"]["percent"] == 1.0


def test_a_free_span_counts_for_every_segment_it_overlaps(db, project):
    d1 = next(iter(project))
    text_end = db.execute(
        "SELECT end_char FROM segments WHERE id = ?", [project[d1][1]]
    ).fetchone()[0]
    add_coding(
        Project.for_user(db, "anna"),
        code="isolement",
        document_id=d1,
        start_char=5,
        end_char=text_end,
    )
    for seg in project[d1][:2]:
        code(db, "bram", "isolement", seg)
    report = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=50
    )
    assert report["codes"]["Isolement"]["percent"] == 1.0


def test_the_model_judges_every_sentence_out_of_fold_not_by_its_stored_suggestions(db, project):
    """``model`` was the stored suggestions, which are never made where the coder already
    gave the code: against that coder it could only disagree. Now it is what the workbench
    proposes on every sentence of the documents people worked in, each document judged by a
    model trained without it, so where anna coded what the rules plainly say, both agree."""
    from workbench.suggest.evaluate import proposals

    for d in project:
        code(db, "anna", "schaamte", project[d][3])  # "Ik durf het niet te vertellen."
        code(db, "anna", "verlies", project[d][0])  # "Mijn man is vorig jaar overleden."
    d1 = next(iter(project))
    code(db, "bram", "isolement", project[d1][1], origin="machine")  # stored, pending: no say
    sanne = Project.for_user(db, "sanne")
    isolement = db.execute("SELECT id FROM codes WHERE slug = 'isolement'").fetchone()[0]
    judged = proposals(sanne, nlp=sanne.nlp)
    assert judged.documents == set(project)
    report = cons.agreement_report(sanne, coders=["anna", "model"], n_samples=50)
    assert report["coders"] == ["anna", "model"]
    assert report["n_units"] == 12  # every sentence of the three documents
    matrix = cons.unit_matrix(sanne, coders=["anna", "model"])
    model_says = {
        (matrix.units[u]["unit_id"], matrix.codes[k]["id"])
        for k, u in zip(*matrix.presence[:, :, 1].nonzero())
    }
    segment_at = {
        (doc, start): sid
        for sid, doc, start in db.execute("SELECT id, document_id, start_char FROM segments")
    }
    assert model_says == {
        (segment_at[(doc, start)], cid) for doc, start, _, cid, _ in judged.codings
    }
    assert (project[d1][1], isolement) not in model_says  # the stored suggestion is no say
    # the rules plainly propose these two, so anna and the model agree there
    assert report["codes"]["Schaamte"]["percent"] == 1.0
    assert report["codes"]["Verlies"]["percent"] == 1.0


def test_accepted_suggestions_count_for_the_human_coder(db, project):
    d1 = next(iter(project))
    s = project[d1]
    decide(
        Project.for_user(db, "anna"),
        code(db, "anna", "verlies", s[0], origin="machine"),
        "accepted",
    )
    code(db, "bram", "verlies", s[0])
    report = cons.agreement_report(Project.for_user(db, "sanne"), n_samples=50)
    assert report["coders"] == ["anna", "bram"]
    assert report["codes"]["Verlies"]["percent"] == 1.0


def test_too_few_coders_is_an_input_error(db, project):
    code(db, "anna", "verlies", project[next(iter(project))][0])
    with pytest.raises(InputError):
        cons.agreement_report(Project.for_user(db, "sanne"))


def disagreeing(db, project):
    d1 = next(iter(project))
    s = project[d1]
    code(db, "anna", "verlies", s[0])
    code(db, "anna", "schaamte", s[3])
    code(db, "bram", "verlies", s[0])
    code(db, "bram", "isolement", s[2])
    return s


def test_disagreements_list_each_differing_unit_with_definitions(db, project):
    s = disagreeing(db, project)
    found = cons.disagreements(Project.for_user(db, "sanne"), coders=["anna", "bram"])
    assert [u["unit_id"] for u in found] == [s[2], s[3]]
    first = found[0]["codes"][0]
    assert (first["name"], first["coders_with"], first["coders_without"]) == (
        "Isolement",
        ["bram"],
        ["anna"],
    )
    assert first["definition"] == "Zich alleen voelen."
    everything = cons.compare_units(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], only_differences=False
    )
    assert [u["unit_id"] for u in everything] == [s[0], s[2], s[3]]


def test_resolution_stores_a_consensus_coding_and_a_codebook_note(db, project):
    s = disagreeing(db, project)
    cons.resolve(
        Project.for_user(db, "sanne"),
        unit="segment",
        unit_id=s[2],
        code="isolement",
        decision="present",
        note="Ook stilte thuis telt als isolement.",
    )
    consensus = db.execute("SELECT segment_id FROM codings WHERE coder = 'consensus'").fetchall()
    assert consensus == [(s[2],)]
    note = db.execute(
        "SELECT action, code_slug, author FROM codebook_changes WHERE rationale LIKE 'Ook stilte%'"
    ).fetchone()
    assert note == ("note", "isolement", "sanne")
    assert cons.human_coders(Project.for_user(db, "sanne")) == ["anna", "bram"]
    unit = cons.disagreements(Project.for_user(db, "sanne"), coders=["anna", "bram"])[0]
    assert unit["codes"][0]["resolution"]["decision"] == "present"


def test_deciding_absent_removes_the_earlier_consensus_coding(db, project):
    s = disagreeing(db, project)
    cons.resolve(
        Project.for_user(db, "anna"),
        unit="segment",
        unit_id=s[2],
        code="isolement",
        decision="present",
    )
    cons.resolve(
        Project.for_user(db, "anna"),
        unit="segment",
        unit_id=s[2],
        code="isolement",
        decision="absent",
    )
    assert db.execute("SELECT count(*) FROM codings WHERE coder = 'consensus'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM resolutions").fetchone()[0] == 1


def test_co_researchers_may_not_review_or_resolve(db, project):
    s = disagreeing(db, project)
    with pytest.raises(PermissionDenied):
        cons.agreement_report(Project.for_user(db, "wijk"), coders=["anna", "bram"])
    with pytest.raises(PermissionDenied):
        cons.resolve(
            Project.for_user(db, "wijk"),
            unit="segment",
            unit_id=s[2],
            code="isolement",
            decision="present",
        )


def test_coder_names_and_samples_are_read_with_consistency_review(db, project):
    """Who codes is personal data: supervisors and researchers read it, a co-researcher not."""
    disagreeing(db, project)
    d1 = next(iter(project))
    sample = cons.create_sample(
        Project.for_user(db, "sanne"), name="ronde 1", coders=["anna", "bram"], documents=[d1]
    )
    readers = (
        cons.human_coders,
        cons.workshop_groups,
        cons.default_coders,
        cons.coder_options,
        cons.people,
        cons.list_samples,
        cons.reliability_on,
    )
    for reader in ("sanne", "anna"):
        me = Project.for_user(db, reader)
        assert cons.coder_options(me) == ["anna", "bram", "model"]
        assert cons.people(me) == ["anna", "bram", "cor", "onderzoeker", "sanne"]
        assert cons.get_sample(me, sample)["coders"] == ["anna", "bram"]
        for call in readers:
            call(me)
    as_co = Project.for_user(db, "wijk")
    for call in readers:
        with pytest.raises(PermissionDenied):
            call(as_co)
    with pytest.raises(PermissionDenied):
        cons.get_sample(as_co, sample)
    with pytest.raises(PermissionDenied):
        cons.blind_spans(as_co, document_id=d1)


def test_segment_sample_is_seeded_and_narrows_the_scope(db, project):
    first = cons.create_sample(
        Project.for_user(db, "sanne"), name="ronde 1", coders=["anna", "bram"], share=0.5, seed=3
    )
    again = cons.create_sample(
        Project.for_user(db, "sanne"), name="ronde 1b", coders=["anna", "bram"], share=0.5, seed=3
    )
    units = lambda i: db.execute(
        "SELECT segment_id FROM sample_units WHERE sample_id = ? ORDER BY segment_id", [i]
    ).fetchall()
    assert units(first) == units(again) and len(units(first)) == 6
    for doc, segs in project.items():
        code(db, "anna", "verlies", segs[0])
        code(db, "bram", "verlies", segs[0])
    report = cons.agreement_report(Project.for_user(db, "sanne"), sample_id=first, n_samples=50)
    assert report["coders"] == ["anna", "bram"]
    assert report["n_units"] == 6


def test_a_sample_name_is_used_once(db, project):
    sanne = Project.for_user(db, "sanne")
    cons.create_sample(sanne, name="ronde 2", coders=["anna", "bram"], share=0.5)
    with pytest.raises(InputError) as taken:
        cons.create_sample(sanne, name="ronde 2", coders=["anna", "bram"], share=0.2)
    assert taken.value.key == "agreement.sample_name_taken"


def test_blind_coder_sees_only_own_codings_on_sample_units(db, project):
    d1, d2 = list(project)[:2]
    code(db, "anna", "verlies", project[d1][0])
    code(db, "bram", "verlies", project[d1][0])
    code(db, "bram", "schaamte", project[d2][0])
    code(db, "anna", "isolement", project[d1][1], origin="machine")
    cons.create_sample(
        Project.for_user(db, "sanne"), name="blind", coders=["anna", "bram"], documents=[d1]
    )
    seen = lambda viewer, doc: sorted(
        (c["coder"], c["code"])
        for c in cons.visible_codings(Project.for_user(db, viewer), document_id=doc)
    )
    assert len(seen("anna", d1)) == 3  # blind mode still off
    cons.set_blind_coding(Project.for_user(db, "sanne"), True)
    assert seen("anna", d1) == [("anna", "verlies")]
    assert seen("anna", d2) == [("bram", "schaamte")]  # not in the sample
    assert len(seen("sanne", d1)) == 3  # not assigned: sees everything


def test_closing_a_sample_ends_blindness(db, project):
    d1 = next(iter(project))
    code(db, "bram", "verlies", project[d1][0])
    sample = cons.create_sample(
        Project.for_user(db, "sanne"), name="blind", coders=["anna", "bram"], documents=[d1]
    )
    cons.set_blind_coding(Project.for_user(db, "sanne"), True)
    assert cons.visible_codings(Project.for_user(db, "anna"), document_id=d1) == []
    cons.close_sample(Project.for_user(db, "sanne"), sample)
    assert len(cons.visible_codings(Project.for_user(db, "anna"), document_id=d1)) == 1


def test_drift_per_sample(db, project):
    d1, d2, d3 = project
    cons.create_sample(
        Project.for_user(db, "sanne"), name="week 1", coders=["anna", "bram"], documents=[d1]
    )
    cons.create_sample(
        Project.for_user(db, "sanne"), name="week 2", coders=["anna", "bram"], documents=[d2]
    )
    for doc in (d1, d2):
        code(db, "anna", "verlies", project[doc][0])
        code(db, "bram", "verlies", project[doc][0])
    code(db, "bram", "verlies", project[d1][1])
    rows = cons.drift(Project.for_user(db, "sanne"), by="sample", n_samples=50)
    assert [r["batch"] for r in rows] == ["week 1", "week 2"]
    assert rows[0]["alpha"] < 1.0 and rows[1]["alpha"] == 1.0


def test_drift_per_week_groups_documents(db, project):
    for segs in project.values():
        code(db, "anna", "verlies", segs[0])
        code(db, "bram", "verlies", segs[0])
    rows = cons.drift(Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=50)
    assert len(rows) == 1 and rows[0]["n_units"] == 12 and rows[0]["alpha"] == 1.0


def test_cli_json_has_the_exact_shape(db, project, project_path, capsys):
    d1 = next(iter(project))
    code(db, "anna", "verlies", project[d1][0])
    code(db, "anna", "verlies", project[d1][1])
    code(db, "bram", "verlies", project[d1][0])
    assert (
        main(["agreement", "--project", str(project_path), "--coders", "anna,bram", "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "unit",
        "coders",
        "n_units",
        "scope",
        "interval",
        "blind_left_out",
        "codes",
        "codes_not_given",
        "overall",
    }
    assert (out["unit"], out["coders"], out["n_units"]) == ("segment", ["anna", "bram"], 4)
    assert out["blind_left_out"] == {"n_units": 0, "n_differ": 0}
    assert out["codes_not_given"] == ["Schaamte", "Isolement"]  # in the codebook, not given
    figures = out["codes"]["Verlies"]
    assert set(figures) == {
        "alpha",
        "alpha_ci",
        "kappa",
        "ac1",
        "percent",
        "n_units",
        "n_differ",
        "verdict",
    }
    assert (figures["n_differ"], out["overall"]["n_differ"]) == (1, 1)
    assert figures["alpha"] == pytest.approx(1 - 7 / 15)
    assert len(figures["alpha_ci"]) == 2
    assert out["overall"]["alpha"] == pytest.approx(figures["alpha"])


@pytest.mark.parametrize(
    "lang, note",
    [
        (
            "nl",
            "Niet in de tabel: 2 codes uit het codeboek die geen van de codeurs op deze "
            "fragmenten gaf (Schaamte, Isolement).",
        ),
        (
            "en",
            "Not in the table: 2 codes from the codebook that none of the coders gave on these "
            "segments (Schaamte, Isolement).",
        ),
    ],
)
def test_the_table_says_which_codes_of_the_codebook_it_leaves_out(
    db, project, project_path, capsys, lang, note
):
    """The table lists only codes a coder gave on the compared units: a supervisor looking
    for another code of the codebook read 1 row and no reason (on the demo 33 of 36 codes)."""
    d1 = next(iter(project))
    code(db, "anna", "verlies", project[d1][0])
    code(db, "bram", "verlies", project[d1][1])
    code(db, "cor", "schaamte", project[d1][2])  # given, but not by a chosen coder
    run = ["--lang", lang, "agreement", "--project", str(project_path), "--coders", "anna,bram"]
    assert main(run) == 0
    assert note in capsys.readouterr().out
    report = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=50
    )
    assert any(line.startswith(note) for line in cons.table_notes(report, lang))


def test_cli_table_shows_the_verdict_per_code(db, project, project_path, capsys):
    d1 = next(iter(project))
    for seg in project[d1][:2]:
        code(db, "anna", "verlies", seg)
        code(db, "bram", "verlies", seg)
    assert (
        main(["--lang", "en", "agreement", "--project", str(project_path), "--unit", "segment"])
        == 0
    )
    out = capsys.readouterr().out
    assert "Verlies" in out and "reliable" in out


def test_cli_unknown_coder_is_an_error(db, project, project_path, capsys):
    assert main(["agreement", "--project", str(project_path), "--coders", "anna,nobody"]) == 1
    assert "nobody" in capsys.readouterr().err


def test_cli_sample_create(db, project, project_path, capsys):
    assert (
        main(
            [
                "--lang",
                "en",
                "sample",
                "create",
                "--project",
                str(project_path),
                "--name",
                "ronde 1",
                "--coders",
                "anna,bram",
                "--share",
                "0.25",
                "--seed",
                "1",
                "--user",
                "sanne",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "25% of 12 sentences by the respondents (3 sentences in 2 documents)" in out
    assert cons.list_samples(Project.for_user(db, "sanne"))[0]["coders"] == ["anna", "bram"]


def test_unitized_alpha_on_free_spans_reproduces_krippendorff_p254(db):
    """The p. 254 example moved into a 300-character fictional document (continuum 0-300)."""
    stamp = now()
    with transaction(db):
        for name in ("anna", "bram"):
            db["users"].insert({"name": name, "role": "onderzoeker", "created_at": stamp})
        book = db["codebooks"].insert({"name": "test", "created_at": stamp}).last_pk
        for slug in ("c", "k"):
            db["codes"].insert({"codebook_id": book, "slug": slug, "name": slug.upper()})
        doc = (
            db["documents"]
            .insert(
                {
                    "name": "fictief",
                    "source_name": "f.txt",
                    "source_format": "txt",
                    "source_sha256": "x",
                    "text": "a" * 300,
                    "imported_at": stamp,
                    "imported_by": "onderzoeker",
                }
            )
            .last_pk
        )
    spans = {
        "anna": [("c", 225, 70), ("c", 370, 30), ("k", 180, 60), ("k", 300, 50)],
        "bram": [("c", 220, 80), ("c", 355, 20), ("c", 400, 20), ("k", 180, 60), ("k", 300, 50)],
    }
    for coder, marks in spans.items():
        for slug, start, length in marks:
            add_coding(
                Project.for_user(db, coder),
                code=slug,
                document_id=doc,
                start_char=start - 150,
                end_char=start - 150 + length,
            )
    report = cons.unitized_report(Project.for_user(db, "anna"))
    assert round(report["codes"]["C"]["alpha"], 4) == 0.7286
    assert report["codes"]["K"]["alpha"] == 1.0
    assert report["overall"]["alpha"] == pytest.approx(0.8591, abs=0.0005)


def test_cli_sample_list_and_close(db, project, project_path, capsys):
    sample = cons.create_sample(
        Project.for_user(db, "sanne"),
        name="ronde 1",
        coders=["anna", "bram"],
        documents=list(project)[:1],
    )
    assert main(["sample", "list", "--project", str(project_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "ronde 1"
    assert (
        main(["sample", "close", "--project", str(project_path), str(sample), "--user", "sanne"])
        == 0
    )
    assert cons.get_sample(Project.for_user(db, "sanne"), sample)["status"] == "closed"


def test_cli_agreement_checks_the_role(db, project, project_path, capsys):
    for coder in ("anna", "bram"):
        code(db, coder, "verlies", project[next(iter(project))][0])
    assert main(["agreement", "--project", str(project_path), "--user", "wijk"]) == 1
    assert "wijk" in capsys.readouterr().err


def test_a_blind_coder_cannot_review_the_sample_yet(db, project):
    disagreeing(db, project)
    d1 = next(iter(project))
    cons.create_sample(
        Project.for_user(db, "sanne"), name="blind", coders=["anna", "bram"], documents=[d1]
    )
    cons.set_blind_coding(Project.for_user(db, "sanne"), True)
    assert cons.disagreements(Project.for_user(db, "anna"), coders=["anna", "bram"]) == []
    assert len(cons.disagreements(Project.for_user(db, "sanne"), coders=["anna", "bram"])) == 2


def test_the_figures_say_how_many_differences_the_blind_review_leaves_out(
    db, project, project_path, capsys
):
    """The table counts 4 differences; anna's review lists 2, as she still codes interview 1
    blind: the report, its notes, the CLI and the JSON say so (it was silent)."""
    disagreeing(db, project)  # interview 1: two differences
    d1, d2, _ = project
    code(db, "anna", "schaamte", project[d2][1])
    code(db, "bram", "isolement", project[d2][1])  # interview 2: one unit, two differences
    cons.create_sample(
        Project.for_user(db, "sanne"), name="blind", coders=["anna", "bram"], documents=[d1]
    )
    cons.set_blind_coding(Project.for_user(db, "sanne"), True)
    anna = Project.for_user(db, "anna")
    found = cons.agreement_report(anna, coders=["anna", "bram"], n_samples=50)
    listed = cons.disagreements(anna, coders=["anna", "bram"])
    assert [u["unit_id"] for u in listed] == [project[d2][1]]
    assert found["overall"]["n_differ"] == 4
    assert found["blind_left_out"] == {"n_units": 2, "n_differ": 2}
    assert sum(not c["agree"] for u in listed for c in u["codes"]) + 2 == 4
    note = (
        "You still code 2 segments with differences blind: the review of differences leaves "
        "those 2 segments (2 differences) out"
    )
    assert any(n.startswith(note) for n in cons.table_notes(found, "en"))
    sanne = cons.agreement_report(Project.for_user(db, "sanne"), coders=["anna", "bram"])
    assert sanne["blind_left_out"] == {"n_units": 0, "n_differ": 0}
    assert not any("blind" in n for n in cons.table_notes(sanne, "en"))
    run = ["--lang", "en", "agreement", "--project", str(project_path), "--user", "anna"]
    assert main(run) == 0
    assert note in capsys.readouterr().out
    assert main([*run, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["blind_left_out"] == found["blind_left_out"]


# --- a codebook merge takes the team's decisions along (and one undo brings them back) -------


def _table(db, table):
    return db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def _decided(db, coders=("anna", "bram")):
    """(unit id, code slug) -> decision, as the disagreement review of the target shows it."""
    return {
        (u["unit_id"], c["slug"]): c["resolution"] and c["resolution"]["decision"]
        for u in cons.disagreements(Project.for_user(db, "sanne"), coders=list(coders))
        for c in u["codes"]
    }


def _merge(db, source="schaamte", target="isolement"):
    return merge_codes(Project.for_user(db, "anna"), source, target, rationale="één gevoel")


def test_a_merge_takes_its_decisions_to_the_target_and_undo_brings_them_back(db, project):
    s = disagreeing(db, project)
    decision = cons.resolve(
        Project.for_user(db, "sanne"),
        unit="segment",
        unit_id=s[3],
        code="schaamte",
        decision="present",
        note="Verzwijgen telt als schaamte.",
    )
    before = {t: _table(db, t) for t in ("resolutions", "codings")}
    _merge(db)
    assert _decided(db) == {(s[2], "isolement"): None, (s[3], "isolement"): "present"}
    isolement = db.execute("SELECT id FROM codes WHERE slug = 'isolement'").fetchone()[0]
    moved = db.execute(
        "SELECT r.code_id, c.code_id FROM resolutions r JOIN codings c ON c.id = r.coding_id "
        "WHERE r.id = ?",
        [decision],
    ).fetchone()
    assert moved == (isolement, isolement)  # the decision and its consensus coding, together
    changes = db.execute(
        "SELECT details FROM codebook_changes WHERE action = 'merge' ORDER BY id DESC"
    ).fetchone()[0]
    assert json.loads(changes)["resolutions_moved"] == [decision]

    undone = undo_last(Project.for_user(db, "anna"))
    assert undone["action"] == "codebook.merge"
    assert {t: _table(db, t) for t in before} == before


def test_two_decisions_on_one_unit_become_one_and_both_stay_recorded(db, project):
    """isolement was decided absent on a unit, schaamte present: present stays (the merged
    code is where either was), with both notes; the other is in the log and comes back."""
    s = disagreeing(db, project)
    sanne = Project.for_user(db, "sanne")
    absent = cons.resolve(
        sanne, unit="segment", unit_id=s[2], code="isolement", decision="absent", note="Alleen."
    )
    present = cons.resolve(
        sanne, unit="segment", unit_id=s[2], code="schaamte", decision="present", note="Verborgen."
    )
    before = {t: _table(db, t) for t in ("resolutions", "codings")}
    _merge(db)
    isolement = db.execute("SELECT id FROM codes WHERE slug = 'isolement'").fetchone()[0]
    left = db.execute(
        "SELECT id, code_id, decision, note FROM resolutions WHERE unit_id = ?", [s[2]]
    ).fetchall()
    assert left == [(present, isolement, "present", "Verborgen.\n\nisolement (absent): Alleen.")]
    gone = db.execute(
        "SELECT before FROM events WHERE action = 'consistency.remove_with_code' AND entity_id = ?",
        [str(absent)],
    ).fetchone()
    assert json.loads(gone[0])["decision"] == "absent"
    assert _decided(db)[(s[2], "isolement")] == "present"

    undo_last(Project.for_user(db, "anna"))
    assert {t: _table(db, t) for t in before} == before


def test_a_decision_keeps_its_consensus_coding_when_that_goes_as_a_duplicate(db, project):
    """Both codes decided present on one unit: their consensus codings are twins and one
    goes; the decision that stays names the coding that stays, and the undo puts back the
    other decision with its own consensus coding (not an emptied link)."""
    s = disagreeing(db, project)
    sanne = Project.for_user(db, "sanne")
    target = cons.resolve(sanne, unit="segment", unit_id=s[3], code="isolement", decision="present")
    source = cons.resolve(sanne, unit="segment", unit_id=s[3], code="schaamte", decision="present")
    before = {t: _table(db, t) for t in ("resolutions", "codings")}
    _merge(db)
    left = db.execute(
        "SELECT r.id, c.coder FROM resolutions r JOIN codings c ON c.id = r.coding_id"
    ).fetchall()
    assert left == [(target, "consensus")]
    assert db.execute("SELECT count(*) FROM resolutions").fetchone()[0] == 1

    undo_last(Project.for_user(db, "anna"))
    assert {t: _table(db, t) for t in before} == before
    kept = db.execute(
        "SELECT c.coder FROM resolutions r JOIN codings c ON c.id = r.coding_id WHERE r.id = ?",
        [source],
    ).fetchone()
    assert kept == ("consensus",)


def sentence_sample(db, project):
    """A seeded half of the sentences for anna and bram. anna codes verlies on each sampled
    sentence and isolement on every other one; bram, given only the sample, codes verlies on
    each sampled sentence. On what bram was given they agree everywhere."""
    sample = cons.create_sample(
        Project.for_user(db, "sanne"), name="zinnen", coders=["anna", "bram"], share=0.5, seed=3
    )
    given = {
        r[0]
        for r in db.execute("SELECT segment_id FROM sample_units WHERE sample_id = ?", [sample])
    }
    for segs in project.values():
        for seg in segs:
            code(db, "anna", "verlies" if seg in given else "isolement", seg)
            if seg in given:
                code(db, "bram", "verlies", seg)
    turns = {}
    for turn, seg in db.execute("SELECT turn_id, id FROM segments"):
        turns.setdefault(turn, set()).add(seg)
    whole = [t for t, segs in turns.items() if segs <= given]
    partly = [t for t, segs in turns.items() if segs & given and not segs <= given]
    assert whole and partly  # the seed gives both kinds of turns
    return sample, given, whole


def test_coding_the_sentences_of_a_sample_is_no_reading_of_the_whole_document(db, project):
    """A code on a sampled sentence does not make the document seen: bram's silence on the
    sentences he was never given is no judgement "absent" (the old scope compared all 12
    sentences and counted 6 differences where the two agree on every one bram was given)."""
    _, given, _ = sentence_sample(db, project)
    report = cons.agreement_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=50
    )
    assert report["n_units"] == len(given) == 6
    assert report["overall"]["n_differ"] == 0 and report["overall"]["alpha"] is None
    assert report["codes"]["Verlies"]["percent"] == 1.0
    assert report["scope"]["seen_documents"]["bram"]["coded"] == 0
    assert report["scope"]["not_seen"]["bram"] == 12 - 6


def test_a_span_into_a_sentence_not_given_reads_the_document_and_the_check_is_one_query(
    db, project
):
    """Which documents a coding beyond the sample's sentences makes seen, and that the check
    is one query for all codings (it was one per coding: 54,142 queries on a large sample)."""
    _, given, _ = sentence_sample(db, project)
    rows = db.execute("SELECT id, document_id, start_char, end_char FROM segments ORDER BY id")
    segments = {r[0]: r[1:] for r in rows}
    by_doc: dict[int, list[int]] = {}
    for seg, (doc, _, _) in segments.items():
        by_doc.setdefault(doc, []).append(seg)
    # a document with two given sentences next to each other, one with a given sentence
    # followed by one not given
    pair = next(
        (a, b) for segs in by_doc.values() for a, b in zip(segs, segs[1:]) if {a, b} <= given
    )
    spill = next(
        (a, b)
        for segs in by_doc.values()
        for a, b in zip(segs, segs[1:])
        if a in given and b not in given and segments[a][0] != segments[pair[0]][0]
    )
    cor = Project.for_user(db, "cor")
    with transaction(db):
        db.execute("INSERT INTO sample_coders (sample_id, coder) SELECT id, 'cor' FROM samples")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        counts = []
        for first, second, end in ((pair[0], pair[1], 0), (spill[0], spill[1], 1)):
            doc, start, _ = segments[first]
            add_coding(  # over both given sentences and the line break between them, or one
                cor,  # character into the sentence after the given one
                code="schaamte",
                document_id=doc,
                start_char=start,
                end_char=segments[second][1] if end == 0 else segments[second][1] + 1,
            )
            for seg in given:  # many more codings on given sentences only
                code(db, "cor", "verlies", seg)
            codings = cons._codings_of(db, "cor")
            statements.clear()
            seen = cons._seen(db, "cor", "segment", codings)
            counts.append((len(codings), sum("segments" in q for q in statements)))
    finally:
        db.conn.set_trace_callback(None)
    assert seen.because["coded"] == 1 and seen.documents == {segments[spill[0]][0]}
    # the sentences given, then one query for every coding, however many
    assert counts == [(len(given) + 1, 2), (len(given) + 2, 2)]


def test_a_turn_or_document_is_in_a_sentence_sample_only_when_all_its_sentences_are(db, project):
    sample, _, whole = sentence_sample(db, project)
    sanne = Project.for_user(db, "sanne")
    turns = cons.agreement_report(sanne, sample_id=sample, unit="turn", n_samples=50)
    assert sorted(
        u["unit_id"] for u in cons.unit_matrix(sanne, sample_id=sample, unit="turn").units
    ) == sorted(whole)
    assert turns["n_units"] == len(whole) and turns["overall"]["n_differ"] == 0
    assert turns["scope"]["outside_sample"] == 6 - len(whole)
    assert cons.disagreements(sanne, sample_id=sample, unit="turn") == []
    documents = cons.agreement_report(sanne, sample_id=sample, unit="document", n_samples=50)
    assert documents["n_units"] == 0 and documents["scope"]["outside_sample"] == 3


def seen_but_not_coded(db, project):
    """anna and bram both marked document 1 done and coded nothing in it; each coded a
    document the other has not seen. The units compared: document 1's four, no code on them."""
    d1, d2, d3 = project
    code(db, "anna", "verlies", project[d2][0])
    code(db, "bram", "verlies", project[d3][0])
    for coder in ("anna", "bram"):
        done_marks.mark_done(Project.for_user(db, coder), [d1], coder=coder)


def test_cli_says_units_seen_without_any_code_hold_nothing_to_compare(
    db, project, project_path, capsys
):
    seen_but_not_coded(db, project)
    run = ["--lang", "en", "agreement", "--project", str(project_path), "--coders", "anna,bram"]
    assert main([*run, "--user", "sanne"]) == 0
    out = capsys.readouterr().out
    assert "Units: 4." in out and "Compared: 4 of 12 segments" in out
    assert "None of the chosen coders applied a code to these 4 segments" in out
    assert "All codes together" not in out  # a table of one empty row said "0" units
