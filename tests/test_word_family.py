"""The word lists behind lemma search: which words are forms of two words, which are verbs."""

from workbench.word_family import is_verb, other_verbs


def test_a_past_form_filed_under_another_word_is_a_form_of_its_verb_too():
    """The lemmatiser reads "vroeg" as early, "dronken" as drunk, "gebeten" under
    "verbijten": each is also a past form of a strong verb of the table."""
    assert other_verbs("vroeg") == {"vragen"}
    assert other_verbs("dronken") == {"drinken"}
    assert other_verbs("gebeten") == {"bijten"}
    assert other_verbs("gevaren") == {"varen"}  # not "ge" + "varen" as a verb of its own


def test_a_form_the_lemmatiser_files_under_its_verb_or_whose_other_word_comes_first():
    assert other_verbs("zat") == set()  # "zitten": found by the lemma already
    assert other_verbs("vertrok") == set()
    assert other_verbs("vragen") == set()  # an infinitive, no past form
    assert other_verbs("geleden") == set()  # "twee jaar geleden", not suffering
    assert other_verbs("rook") == set()  # smoke


def test_a_verb_is_known_by_its_strong_or_regular_past():
    assert is_verb("lopen") and is_verb("zitten") and is_verb("zorgen")
    assert not is_verb("loop") and not is_verb("zit") and not is_verb("zorg")
