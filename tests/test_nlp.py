import pytest
import spacy

from workbench.nlp import FALLBACK_PIPELINE, lemmas, lemmatize_text, pipe, pipeline_info


def test_fallback_pipeline_is_reported_when_nl_core_news_sm_is_absent(nlp):
    info = pipeline_info(nlp)
    assert info["name"] in (FALLBACK_PIPELINE, "nl_core_news_sm")
    assert info["components"]


def test_lemmas_join_inflections(nlp):
    assert lemmatize_text(nlp, "schaamde schaam verhuisde overleden") == [
        "schamen",
        "schamen",
        "verhuizen",
        "overlijden",
    ]


def test_everyday_words_end_sentences_instead_of_being_abbreviations(nlp):
    doc = next(pipe(nlp, ["Ik schaamde me. Die schaamte bleef. Dat is best. Zo gaat dat."]))
    assert [s.text for s in doc.sents] == [
        "Ik schaamde me.",
        "Die schaamte bleef.",
        "Dat is best.",
        "Zo gaat dat.",
    ]


def test_real_abbreviations_still_hold_a_sentence_together(nlp):
    doc = next(pipe(nlp, ["Ik sprak mevr. Jansen bijv. op dinsdag."]))
    assert len(list(doc.sents)) == 1


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Ja. *zucht* Het was een moeilijke tijd. _Zo_ ging dat.",
            ["Ja.", "*zucht* Het was een moeilijke tijd.", "_Zo_ ging dat."],
        ),
        ("Nee! **nooit** meer. *lacht*", ["Nee!", "**nooit** meer.", "*lacht*"]),
        ('Ja. "Weg," zei ze. {stilte} En toen?', ["Ja.", '"Weg," zei ze.', "{stilte} En toen?"]),
        ("Ja. 'k Weet het niet.", ["Ja.", "'k Weet het niet."]),
        # a closing mark is written against the full stop and stays with its sentence
        ("*Zo ging dat.* Daarna niet.", ["*Zo ging dat.*", "Daarna niet."]),
        ('Hij zei: "Ja." "Nee," zei ik.', ['Hij zei: "Ja."', '"Nee," zei ik.']),
    ],
)
def test_a_mark_that_opens_a_word_after_a_sentence_end_starts_the_next_sentence(
    nlp, text, sentences
):
    """The sentencizer cut '*zucht*' in half: 'Ja. *' | 'zucht* Het was ...'."""
    assert [s.text for s in next(pipe(nlp, [text])).sents] == sentences


def test_content_only_drops_stop_words(nlp):
    doc = next(pipe(nlp, ["Ik voel me zo alleen in dit huis."]))
    assert "ik" not in lemmas(doc, content_only=True)
    assert "huis" in lemmas(doc, content_only=True)


def test_pipe_refuses_a_parser_pipeline_without_sentencizer():
    # pipe() switches the parser off; without a sentencizer no sentence would be found, so it
    # says so instead of failing later on doc.sents.
    nlp = spacy.blank("nl")
    nlp.add_pipe("parser")
    with pytest.raises(ValueError, match="sentencizer"):
        list(pipe(nlp, ["Ik woon alleen. Dat is stil."]))
    nlp.add_pipe("sentencizer", first=True)
    nlp.initialize()
    docs = list(pipe(nlp, ["Ik woon alleen. Dat is stil."]))
    assert [s.text for s in docs[0].sents] == ["Ik woon alleen.", "Dat is stil."]
