"""The fragment under review as Markdown: one background for the segment, evidence in bold."""

from workbench.suggest.display import fragment_markdown

TURN = "Ik wandel met de hond. Dat geeft me rust. Echt waar."  # fictional


def test_the_segment_is_one_marked_piece_with_its_evidence_in_bold():
    start = TURN.index("Dat")
    end = TURN.index("Echt") - 1
    assert fragment_markdown(TURN, (start, end), ["geeft me rust"]) == (
        r"Ik wandel met de hond\. :orange-background[Dat **geeft me rust**\.] Echt waar\."
    )


def test_a_lemma_marks_the_word_it_starts_and_markdown_in_the_text_stays_text():
    turn = "*Ik* schaamde me [toen]."  # fictional
    assert fragment_markdown(turn, (0, len(turn)), ["schamen"]) == (
        r":orange-background[\*Ik\* **schaamde** me \[toen\]\.]"
    )


def test_without_evidence_the_segment_is_still_marked():
    assert fragment_markdown(TURN, (0, 22), []) == (
        r":orange-background[Ik wandel met de hond\.] Dat geeft me rust\. Echt waar\."
    )


def test_an_alpha_just_below_zero_is_shown_as_zero_not_minus_zero():
    from workbench.suggest.display import figure_with_interval

    assert figure_with_interval(-0.001, None) == "0.00"
    assert figure_with_interval(-0.004, (-0.002, 0.3)) == "0.00 [0.00-0.30]"
    assert figure_with_interval(-0.2, None) == "-0.20"


def test_each_word_that_no_longer_counts_alone_says_why_in_the_chosen_language():
    from workbench.suggest.display import distrusted_text

    detail = [
        {"word": "begrafenis", "rejected": 2, "not_coded": 0, "accepted": 0},
        {"word": "bijstand", "rejected": 0, "not_coded": 1, "accepted": 0},
        {"word": "krap", "rejected": 1, "not_coded": 3, "accepted": 1},
    ]
    words = [d["word"] for d in detail]
    assert distrusted_text(words, detail, "nl") == (
        "begrafenis (2 keer afgewezen), bijstand (1 zin zonder deze code), "
        "krap (1 keer afgewezen, 3 zinnen zonder deze code)"
    )
    assert distrusted_text(words, detail, "en") == (
        "begrafenis (rejected 2 times), bijstand (1 sentence without this code), "
        "krap (rejected 1 time, 3 sentences without this code)"
    )
    assert distrusted_text(words, None, "nl") == "begrafenis, bijstand, krap"  # why unknown


def test_source_names_the_sub_codes_engine_only_when_it_differs():
    from workbench.suggest.display import source_text

    assert source_text("rules", {"rules": 5}, "nl", "suggest", ["rules"]) == "regels"
    assert source_text("rules", {"rules": 5}, "en", "suggest", ["model"]) == (
        "rules; sub-codes: model"
    )
    assert source_text("rules", {"model": 2, "rules": 3}, "nl", "suggesties", ["model"]) == (
        "woordregels; gemeten: 2× geleerd model, 3× woordregels; subcodes: geleerd model"
    )
