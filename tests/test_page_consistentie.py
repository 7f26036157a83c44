"""The Consistentie page on a real project built to known answers (AppTest)."""

from __future__ import annotations


import pytest

from test_agreement_speakers import headed, interviews  # noqa: F401  (fixtures)
from test_consistency import build_project, code
from workbench import consistency as cons
from workbench.handle import Project
from workbench.store import get_setting, set_setting
from page_runner import run_page, switch_language


@pytest.fixture
def coded(db):
    project = build_project(db)
    d1 = next(iter(project))
    s = project[d1]
    code(db, "anna", "verlies", s[0])
    code(db, "anna", "verlies", s[1])
    code(db, "bram", "verlies", s[0])
    return s


def page(project_path, user="anna", lang="nl"):
    return run_page("consistentie", project_path, user=user, lang=lang)


def test_shows_agreement_per_code_with_verdict(db, coded, project_path):
    at = page(project_path)
    table = at.dataframe[0].value
    assert list(table["Code"]) == ["Verlies"]
    assert table["alpha"][0] == f"{1 - 7 / 15:.3f}".replace(".", ",")  # as its percentages
    assert table["Oordeel"][0] == "niet op bouwen"
    assert at.metric[0].value == f"{1 - 7 / 15:.3f}".replace(".", ",")  # Dutch: a comma
    assert any("Alpha laat zien" in c.value for c in at.caption)
    # always said out loud: how many units of how many, and why the others were not
    scope = at.warning[0].value
    assert "Vergeleken: 4 van de 12 fragmenten (in 1 van de 3 documenten)" in scope
    assert "Niet vergeleken: 8 fragmenten" in scope
    assert "8 heeft anna niet gezien" in scope and "8 heeft bram niet gezien" in scope
    # the count large, the total under it ("2068 van 2…" was cut off in one metric)
    assert at.metric[1].value == "4"
    assert any(c.value == "van de 12 in totaal" for c in at.caption)


def test_review_resolves_a_disagreement_with_a_consensus_coding(db, coded, project_path):
    at = page(project_path)
    form = f"resolve_segment_{coded[1]}_"
    apply = [
        b
        for b in at.button
        if b.key and b.key.startswith("FormSubmitter:" + form) and "Wel" in b.label
    ]
    assert len(apply) == 1
    apply[0].click().run()
    assert not at.exception
    found = db.execute("SELECT segment_id FROM codings WHERE coder = 'consensus'").fetchall()
    assert found == [(coded[1],)]


def test_reliability_off_shows_only_side_by_side(db, coded, project_path):
    set_setting(db, "reliability", False, actor="anna")
    at = page(project_path, lang="en")
    assert not at.metric and not at.get("vega_lite_chart")
    assert any("side by side" in i.value for i in at.info)
    assert any("Verlies: yes by anna, no by bram" in e.label for e in at.expander)


def test_blind_switch_is_stored(db, coded, project_path):
    at = page(project_path, user="sanne")
    at.toggle(key="consistency_blind").set_value(True).run()
    assert not at.exception
    assert get_setting(db, "blind_coding") is True


def test_supervisor_may_not_switch_reliability_off(db, coded, project_path):
    at = page(project_path, user="sanne")
    at.toggle(key="consistency_reliability").set_value(False).run()
    assert get_setting(db, "reliability") is True
    assert at.error and at.toggle(key="consistency_reliability").value is True


def test_sample_is_created_from_the_form(db, coded, project_path):
    at = page(project_path, user="sanne")
    at.text_input(key="sample_name").input("ronde 1")
    at.multiselect(key="sample_coders").select("anna").select("bram")
    at.radio(key="sample_kind").set_value("share")
    at.slider(key="sample_share").set_value(50)
    at.button(key="FormSubmitter:new_sample-Steekproef maken").click().run()
    assert not at.exception, [e.message for e in at.exception]
    samples = cons.list_samples(Project.for_user(db, "sanne"))
    assert [(s["name"], s["n_units"], s["coders"]) for s in samples] == [
        ("ronde 1", 6, ["anna", "bram"])
    ]


def test_co_researcher_is_refused(db, coded, project_path):
    at = page(project_path, user="wijk")
    assert at.error and not at.dataframe


def test_drift_chart_is_drawn(db, coded, project_path):
    at = page(project_path)
    assert at.get("vega_lite_chart")


def test_unitized_alpha_on_request(db, coded, project_path):
    at = page(project_path, lang="en")
    at.toggle(key="consistency_unitized").set_value(True).run()
    assert not at.exception
    assert any(m.label == "u-alpha, all codes" for m in at.metric)


def test_default_coders_are_the_researchers_not_the_workshop_group(db, project_path):
    import two_coders
    from test_agreement_scope import workshop_group

    passages = two_coders.build(db)
    workshop_group(db, passages)
    at = page(project_path, user="sanne")
    assert at.multiselect(key="consistency_coders_None").value == ["anna", "bram"]


def test_a_coder_marks_every_passage_done_and_the_scope_follows(db, project_path):
    import two_coders
    from workbench.done_marks import done_documents

    passages = two_coders.build(db)
    at = page(project_path, user="bram", lang="en")
    at.selectbox(key="consistency_unit").set_value("document").run()
    assert "Compared: 16 of 40 documents" in at.warning[0].value
    at.checkbox(key="done_all_bram").check()
    at.button(key="FormSubmitter:done_bram-Save done marks").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert done_documents(db, "bram") == set(passages)
    # now every passage anna coded counts (19); the 21 she coded nothing in wait for her mark
    assert "Compared: 19 of 40 documents" in at.warning[0].value
    assert "- 21 were not seen by anna." in at.warning[0].value
    assert not any("not seen by bram" in w.value for w in at.warning)


def test_unitized_alpha_shows_its_interval_and_reads_its_lower_bound(db, project_path):
    import two_coders

    two_coders.build(db)
    at = page(project_path, user="sanne", lang="en")
    at.toggle(key="consistency_unitized").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    metric = next(m for m in at.metric if m.label == "u-alpha, all codes")
    assert metric.value == "0.835" and "0.408 to 1.000" in metric.help
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges[-1] == "Verdict  \n:red-badge[do not rely on it]"  # 0.835, but from 0.408
    assert any(
        "A document is drawn whole" in c.value and "between 0.408 and 1.000" in c.value
        for c in at.caption
    )
    table = next(d.value for d in at.dataframe if "u-alpha" in d.value.columns)
    assert list(table["u-alpha"]) == ["0.869", "1.000", "0.510"]
    # -1.878, not -1.736: the few draws without Isolement rank lowest (no evidence)
    assert list(table["95% interval alpha"]) == ["0.316 – 1.000", "1.000 – 1.000", "-1.878 – 1.000"]
    assert list(table["Verdict"]) == ["do not rely on it", "reliable", "do not rely on it"]


def test_figures_in_the_text_follow_the_language(db, coded, project_path):
    """Dutch writes a decimal comma (0,800), English a point (0.800); tables keep theirs."""
    import re

    dutch = page(project_path)
    text = " ".join(c.value for c in dutch.caption) + dutch.metric[0].value
    assert "0,800 of hoger" in text and "Van 0,667 tot 0,800" in text
    assert re.search(r"tussen (-?\d,\d+|—) en (-?\d,\d+|—)", text)
    assert not re.search(r"\d\.\d", text)
    assert "95%-interval: " in dutch.metric[0].help and "." not in dutch.metric[0].help[14:-1]
    english = page(project_path, lang="en")
    text = " ".join(c.value for c in english.caption) + english.metric[0].value
    assert "At 0.800 or higher" in text and english.metric[0].value == f"{1 - 7 / 15:.3f}"
    assert not re.search(r"\d,\d", text)


def test_the_sample_table_says_what_each_sample_covers(db, coded, project_path):
    sanne = Project.for_user(db, "sanne")
    made = cons.create_sample(sanne, name="ronde 1", coders=["anna", "bram"], share=0.5)
    n_documents = cons.get_sample(sanne, made)["n_documents"]
    at = page(project_path, user="sanne")
    table = next(d.value for d in at.dataframe if "Omvang" in d.value.columns)
    assert list(table["Omvang"]) == [
        f"50% van 12 zinnen van de respondenten (6 zinnen in {n_documents} documenten)"
    ]


def test_interviewer_questions_count_only_when_asked(interviews, project_path):
    from test_agreement_speakers import code_answers

    code_answers(interviews)
    at = page(project_path, user="sanne")
    scope = " ".join(box.value for box in [*at.warning, *at.info])
    assert (
        "Alleen wat respondenten zeggen telt mee" in scope and "Zo vallen 9 fragmenten af" in scope
    )
    assert at.metric[1].value == "8"  # the answers of the two interviews both coded in
    at.toggle(key="consistency_all_speakers").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.metric[1].value == "14"  # and their six questions
    assert any("Alle sprekers tellen mee" in box.value for box in [*at.warning, *at.info])


def test_header_lines_are_named_apart_from_the_questions(headed, project_path):
    from test_agreement_speakers import code_answers

    code_answers(headed)
    at = page(project_path, user="sanne")
    scope = " ".join(box.value for box in [*at.warning, *at.info])
    assert (
        "Zo vallen 12 fragmenten af: 10 van de interviewer of andere sprekers en 2 boven het "
        "interview (titel, gegevens)." in scope
    )
    english = page(project_path, user="sanne", lang="en")
    scope = " ".join(box.value for box in [*english.warning, *english.info])
    assert "12 segments: 10 by the interviewer or other speakers and 2 above the" in scope


def test_percent_agreement_is_a_percentage_in_the_readers_language(db, coded, project_path):
    """Three of four segments agree: 75,0% in Dutch and 75.0% in English, not 0.750."""
    dutch = page(project_path)
    assert dutch.metric[2].label == "Procent eens" and dutch.metric[2].value == "75,0%"
    assert dutch.dataframe[0].value["Procent eens"].tolist() == ["75,0%"]
    english = page(project_path, lang="en")
    assert english.metric[2].value == "75.0%"
    assert english.dataframe[0].value["Percent agreement"].tolist() == ["75.0%"]


def test_unitized_alpha_says_why_documents_were_left_out_as_the_cli_does(db, project_path):
    """ "Compared: 16 of 40 documents" alone did not say why the other 24 were not."""
    import two_coders

    two_coders.build(db)
    at = page(project_path, user="sanne", lang="en")
    at.toggle(key="consistency_unitized").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    spans = cons.unitized_report(
        Project.for_user(db, "sanne"), coders=["anna", "bram"], n_samples=10
    )
    lines = cons.scope_lines(spans, "en")  # what `workbench agreement --unitized` prints
    assert "Not compared: 24 documents. Why:" in lines and "- 21 were not seen by anna." in lines
    caption = next(c.value for c in at.caption if "Not compared: 24 documents" in c.value)
    assert caption.split("  \n")[: len(lines)] == lines


def test_the_review_says_how_many_differences_blind_coding_leaves_out(db, project_path):
    """anna still codes interview 1 blind: the review hides its three differences (the table
    counts them: 3 + 2 = 5), and says so; sanne, who codes nothing blind, sees all five."""
    project = build_project(db)
    d1, d2, _ = project
    for coder, slug, k in [
        ("anna", "verlies", 0),
        ("anna", "schaamte", 3),
        ("bram", "isolement", 2),
    ]:
        code(db, coder, slug, project[d1][k])
    code(db, "anna", "verlies", project[d2][1])
    code(db, "bram", "verlies", project[d2][2])
    sanne = Project.for_user(db, "sanne")
    cons.create_sample(sanne, name="blind", coders=["anna", "bram"], documents=[d1])
    cons.set_blind_coding(sanne, True)
    at = page(project_path, user="anna")
    assert list(at.dataframe[0].value["Verschillen"]) == [3, 1, 1]  # 5 differences in all
    note = (
        "Je codeert 3 fragmenten met verschillen nog blind: de bespreking van verschillen laat "
        "die 3 fragmenten (3 verschillen) weg"
    )
    assert any(note in i.value for i in at.info)  # in the review tab
    listed = "fragmenten waar de codeurs verschillen, met samen"
    assert any(c.value.startswith(f"2 {listed} 2 verschillen") for c in at.caption)
    sanne = page(project_path, user="sanne")
    assert not any("blind" in i.value for i in sanne.info)
    assert any(c.value.startswith(f"5 {listed} 5 verschillen") for c in sanne.caption)


def test_the_mark_done_hint_only_when_a_human_coder_has_not_marked(db, project_path):
    """Only the model left documents out, yet the page said "Markeer het dan als klaar": the
    model cannot mark documents done, and anna had seen them all. The model judges the
    documents someone coded in or marked done; anna saw the 18 without any code through a
    double-coding sample, which nobody has opened yet."""
    import two_coders
    from workbench import done_marks

    passages = two_coders.build(db)
    anna = Project.for_user(db, "anna")
    done_marks.mark_done(anna, passages[18:], coder="anna")
    cons.create_sample(anna, name="ronde 1", coders=["anna", "bram"], documents=passages[:18])
    at = page(project_path)
    at.selectbox(key="consistency_unit").set_value("document").run()
    at.multiselect(key="consistency_coders_None").set_value(["anna", "model"]).run()
    assert not at.exception, [e.message for e in at.exception]
    scope = at.warning[0].value
    assert "18 heeft model niet gezien" in scope
    assert "Het model kan geen documenten als klaar markeren." in scope
    assert "Markeer het dan als klaar" not in scope
    assert any("Het model telt hier als codeur" in c.value for c in at.caption)
    done_marks.mark_done(anna, None, coder="anna", done=False)  # now anna's marks are missing
    at.run()
    assert "Markeer het dan als klaar" in at.warning[0].value


def test_units_seen_without_any_code_are_not_called_unseen(db, project_path):
    """Both coders read document 1 and gave it no code: the page compared its 4 segments
    and must not say that no units were seen by all coders."""
    from test_consistency import seen_but_not_coded

    seen_but_not_coded(db, build_project(db))
    for lang, said, wrong in (
        (
            "nl",
            "Niemand van de gekozen codeurs gaf een code aan deze 4 fragmenten",
            "nog geen eenheden",
        ),
        ("en", "None of the chosen coders applied a code to these 4 segments", "no units yet"),
    ):
        at = page(project_path, user="sanne", lang=lang)
        assert at.metric[1].value == "4"
        text = " ".join(box.value for box in at.info)
        assert said in text and wrong not in text


def test_the_choices_and_the_open_tab_stay_when_the_language_changes(db, coded, project_path):
    """The tabs had no key: the browser keeps the open tab by its label and, finding no tab
    of that label after a switch to English, opened the first one."""
    from workbench.i18n import t

    sanne = Project.for_user(db, "sanne")
    sample = cons.create_sample(sanne, name="ronde 1", coders=["anna", "bram"], share=0.5)
    at = page(project_path, user="sanne")
    at.session_state["consistency_tab"] = t("consistentie.tab_drift", "nl")
    at.selectbox(key="consistency_sample").set_value(sample).run()
    at.selectbox(key="consistency_unit").set_value("turn").run()
    at.selectbox(key="consistency_resample").set_value("documents").run()
    at.multiselect(key=f"consistency_coders_{sample}").set_value(["bram", "anna"]).run()
    at.radio(key="drift_by").set_value("sample").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["consistency_tab"] == t("consistentie.tab_drift", "en")
    assert at.selectbox(key="consistency_sample").value == sample
    assert at.selectbox(key="consistency_unit").value == "turn"
    assert at.selectbox(key="consistency_unit").options == ["segment", "turn", "document"]
    assert at.selectbox(key="consistency_resample").value == "documents"
    assert at.multiselect(key=f"consistency_coders_{sample}").value == ["bram", "anna"]
    assert at.radio(key="drift_by").value == "sample"


def test_english_option_words_can_be_clicked(db, coded, project_path):
    """Each option word is looked up in the run, so a click on an English page finds it."""
    at = page(project_path, user="sanne", lang="en")
    at.selectbox(key="consistency_unit").set_value("document").run()
    at.selectbox(key="consistency_resample").set_value("documents").run()
    at.radio(key="drift_by").set_value("sample").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="consistency_unit").value == "document"
    at.text_input(key="sample_name").input("round 1")
    at.multiselect(key="sample_coders").select("anna").select("bram")
    at.radio(key="sample_kind").set_value("share")
    next(b for b in at.button if b.key.startswith("FormSubmitter:new_sample")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s["name"] for s in cons.list_samples(Project.for_user(db, "sanne"))] == ["round 1"]


def test_the_settings_tab_choices_stay_when_the_language_changes(db, coded, project_path):
    """A guard: the sample to close and the coder whose documents are done keep their pick,
    the pickers in the forms (kind, documents, done documents) stay the same widgets, and
    the kinds are named in English."""
    sanne = Project.for_user(db, "sanne")
    for name in ("ronde 1", "ronde 2"):
        cons.create_sample(sanne, name=name, coders=["anna", "bram"], share=0.5)
    second = cons.list_samples(sanne)[-1]["id"]
    at = page(project_path)  # anna, a researcher: she marks documents done for others too
    at.selectbox(key="close_sample").set_value(second).run()
    at.selectbox(key="done_coder").set_value("bram").run()
    switch_language(at)
    assert at.selectbox(key="close_sample").value == second
    assert at.selectbox(key="done_coder").value == "bram"
    assert at.radio(key="sample_kind").options == ["Whole documents", "A share of the sentences"]
    at.button(key="close_sample_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s["status"] for s in cons.list_samples(sanne)] == ["open", "closed"]
