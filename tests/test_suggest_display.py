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
