"""The learning suggester: learns from decisions, thresholds, silencing, sklearn rules."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from workbench.codebook.yaml_io import DEFAULT_CODEBOOK
from workbench.suggest import RuleScorer, Suggester, analyse, codes_from_file
from workbench.suggest.passages import build_suggester, label_matrix

PIGEONS = [  # fictional: a pigeon fancier, a meaning the codebook does not name
    "Mijn duiven zijn mijn lust en mijn leven.",
    "Elke zaterdag lossen we de duiven bij de club.",
    "Als de duiven thuiskomen sta ik op het dak te kijken.",
    "Ik praat tegen mijn duiven, ze kennen me.",
    "De duivensport heeft me erdoor gesleept.",
    "Zonder mijn duiven was ik er niet meer geweest.",
    "Ik heb een hok met veertig duiven achter het huis.",
    "Mijn beste duif won vorig jaar een prijs.",
    "Bij de duiven vergeet ik al het andere.",
    "Met de duiven heb ik weer iets om voor op te staan.",
    "De duiven hebben me na de scheiding op de been gehouden.",
    "Op de duivenclub ken ik iedereen.",
    "Mijn kleinzoon helpt me met de duiven voeren.",
]
OTHER = [
    "We woonden in een rijtjeshuis aan de rand van het dorp.",
    "Mijn broer werkte bij de post.",
    "De school was twee straten verderop.",
    "In de zomer gingen we naar de camping.",
    "Mijn vader had een garage met twee pompen.",
    "We aten altijd om zes uur.",
    "De bus naar de stad ging elk uur.",
    "Mijn moeder naaide onze kleren zelf.",
    "Op zondag kwam de familie op bezoek voor koffie.",
    "Het dorp had een bakker en een slager.",
    "Later ben ik gaan werken op kantoor.",
    "Mijn zus woont nu in Groningen.",
]


@pytest.fixture(scope="module")
def codes():
    return codes_from_file(DEFAULT_CODEBOOK)


@pytest.fixture(scope="module")
def rules(codes, nlp):
    return RuleScorer().fit(codes, nlp=nlp)


def suggested(suggester, nlp, text):
    return [s.code for s in suggester.suggest(analyse(nlp, suggester.rules, [text]))[0]]


def test_learning_changes_suggestions(codes, nlp, rules):
    new = "Gisteren kwamen mijn duiven allemaal veilig thuis."
    cold = build_suggester(codes, nlp, rules=rules)
    train = [{"text": t, "codes": ["zingeving"]} for t in PIGEONS]
    train += [{"text": t, "codes": []} for t in OTHER]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "zingeving" not in suggested(cold, nlp, new)
    assert "zingeving" in suggested(trained, nlp, new)


def test_evidence_names_the_weightiest_lemmas(codes, nlp, rules):
    train = [{"text": t, "codes": ["zingeving"]} for t in PIGEONS]
    train += [{"text": t, "codes": []} for t in OTHER]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    passage = analyse(nlp, rules, ["Mijn duiven vlogen over."])[0]
    found = trained.suggest([passage])[0]
    assert any("duif" in e for s in found for e in s.evidence)


DECLINED_LOSSES = [  # the rules propose verlies; these coders never code it
    "De buurman van de overkant is overleden.",
    "Na de scheiding van de buren stond het huis leeg.",
    "Het oude café is failliet gegaan.",
    "De hond van de bakker is gestorven.",
    "Op de begrafenis van de burgemeester was het druk.",
    "De fabriek is gesloten en iedereen werd ontslagen.",
]


def test_a_code_the_coders_declined_where_the_rules_proposed_it_is_silenced(codes, nlp, rules):
    train = [{"text": t, "codes": []} for t in DECLINED_LOSSES + OTHER * 3]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" not in suggested(trained, nlp, "Mijn vrouw is overleden.")
    status = {s["code"]: s["source"] for s in trained.status()}
    assert status["verlies"] == "silenced"


def test_a_code_that_did_not_occur_in_the_training_set_is_not_silenced(codes, nlp, rules):
    # A rare theme can be absent from a few dozen passages by chance: that says nothing
    # against the rules, who were never asked about it.
    train = [{"text": t, "codes": []} for t in OTHER * 3]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" in suggested(trained, nlp, "Mijn vrouw is overleden.")
    status = {s["code"]: s["source"] for s in trained.status()}
    assert status["verlies"] == "rules"


def test_codes_with_few_examples_stay_on_rules(codes, nlp, rules):
    train = [{"text": t, "codes": ["zingeving"]} for t in PIGEONS[:3]]
    train += [{"text": t, "codes": ["zingeving"] if i == 0 else []} for i, t in enumerate(OTHER)]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    status = {s["code"]: s["source"] for s in trained.status()}
    assert status["zingeving"] == "rules"


def test_scores_are_probabilities_and_thresholds_bounded(codes, nlp, rules):
    train = [{"text": t, "codes": ["zingeving"]} for t in PIGEONS]
    train += [{"text": t, "codes": []} for t in OTHER]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    scores = trained.predict_proba(analyse(nlp, rules, PIGEONS + OTHER))
    assert np.all((scores >= 0) & (scores <= 1))
    assert np.all((trained.thresholds_ >= 0.2) & (trained.thresholds_ <= 0.8))


def test_child_label_counts_for_parent(rules):
    Y = label_matrix(rules.codes_, [["verlies-dierbare"]])
    with_parents = Suggester(rules)._with_parents(Y)
    assert with_parents[0, rules.codes_.index("verlies")] == 1


def test_unfitted_suggester_refuses_to_predict(rules):
    with pytest.raises(NotFittedError):
        Suggester(rules).predict_proba([])


def test_label_matrix_shape_is_checked(rules):
    with pytest.raises(ValueError, match="shape"):
        Suggester(rules).fit([], np.zeros((2, 3)))


LOSSES = [  # fictional: what the loss rules already find well
    "Mijn vrouw is vorig jaar overleden.",
    "Na de dood van mijn moeder was alles anders.",
    "Mijn man stierf plotseling aan een hartaanval.",
    "Toen mijn zoon overleed, stortte mijn wereld in.",
    "Ik verloor mijn baan na dertig jaar.",
    "Na de scheiding moest ik het huis verkopen.",
    "Mijn beste vriend is overleden aan kanker.",
    "We moesten verhuizen toen mijn vader stierf.",
    "Na het overlijden van mijn zus ben ik gestopt met werken.",
    "Mijn vrouw is gestorven in het ziekenhuis.",
    "Ik ben mijn werk kwijtgeraakt door de reorganisatie.",
    "De dood van mijn broer heeft me veranderd.",
]


def test_a_model_no_better_than_the_rules_out_of_fold_leaves_them_in_place(codes, nlp, rules):
    # Coders who agree with the loss rules on every passage: no model can do better on
    # held-out decisions than rules that are right every time, so the rules keep the code.
    texts = LOSSES + OTHER + PIGEONS
    j = rules.codes_.index("verlies")
    agree = [p.rule_scores[j] >= 0.5 for p in analyse(nlp, rules, texts)]
    assert 8 <= sum(agree) < len(texts)
    train = [{"text": t, "codes": ["verlies"] if a else []} for t, a in zip(texts, agree)]
    guarded = build_suggester(codes, nlp, train=train, rules=rules)
    assert {s["code"]: s["source"] for s in guarded.status()}["verlies"] == "rules"
    unguarded = build_suggester(codes, nlp, train=train, rules=rules, guard=False)
    assert {s["code"]: s["source"] for s in unguarded.status()}["verlies"] == "model"


def test_a_model_that_learned_something_takes_over(codes, nlp, rules):
    train = [{"text": t, "codes": ["zingeving"]} for t in PIGEONS]
    train += [{"text": t, "codes": []} for t in OTHER]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert {s["code"]: s["source"] for s in trained.status()}["zingeving"] == "model"


def test_the_model_takes_over_only_when_it_wins_on_resamples_too():
    from workbench.suggest.model import _clearly_better

    y = np.array([1] * 10 + [0] * 90)
    rules = np.zeros(100, dtype=bool)
    rules[:5] = True  # half the positives
    lucky = rules.copy()
    lucky[5] = True  # one more right: better on these rows, by luck
    clear = np.zeros(100, dtype=bool)
    clear[:10] = True  # every positive, nothing else
    assert not _clearly_better(lucky, rules, y)
    assert _clearly_better(clear, rules, y)


def test_the_out_of_fold_check_keeps_a_documents_sentences_together(rules):
    # Coders who coded every sentence of six documents and none of six others: only the
    # place names tell them apart. Scored by a model that saw other sentences of the same
    # document, the place name gives every answer away; scored as a new interview would be,
    # by a model that never saw the document, it gives nothing away.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import roc_auc_score

    places = [
        "zandvoorde",
        "kruisdonk",
        "merelbeek",
        "ooststeeg",
        "velderhoven",
        "bramkamp",
        "heidebroek",
        "lindewaard",
        "moerhuizen",
        "ravensloot",
        "dijkveen",
        "wolderkamp",
    ]
    frames = ["wonen {}", "markt {}", "bus {}", "kerk {}", "school {}", "straat {}"]
    texts = [frame.format(place) for place in places for frame in frames]
    documents = np.repeat(np.arange(len(places)), len(frames))
    y = (documents % 2).astype(int)
    X = TfidfVectorizer(token_pattern=r"[^ ]+").fit_transform(texts)
    mixed = Suggester(rules)._out_of_fold(X, y, None)
    kept = Suggester(rules)._out_of_fold(X, y, documents)
    assert roc_auc_score(y, mixed) > 0.99
    assert roc_auc_score(y, kept) < 0.8


def test_document_folds_without_a_positive_to_learn_from_score_nothing(rules):
    # One document holds every example; the others were read in full and hold none. A fold
    # that trains on those others has nothing to learn from: its model finds nothing (the
    # base rate of its training rows), and the check goes on instead of failing.
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"zin {i} over {'verdriet' if i % 3 == 0 else 'het weer'}" for i in range(40)]
    documents = np.repeat([0, 1, 2, 3], 10)
    y = np.array([int(d == 0 and i % 3 == 0) for i, d in enumerate(documents)])
    X = TfidfVectorizer(token_pattern=r"[^ ]+").fit_transform(texts)
    scores = Suggester(rules)._out_of_fold(X, y, documents)
    assert scores is not None and scores.shape == (40,)
    assert (scores[documents == 0] == 0.0).all()  # tested on the fold no example was left in


def test_a_rare_code_with_calibrated_scores_gets_a_low_enough_cut_off(rules):
    # Over every sentence of an interview a rare code's calibrated probability stays low:
    # three in a hundred sentences carry it, and they score about 0.25. The cut-off (shrunk
    # towards 0.5) must still reach them: from a range starting at 0.2 it ended at 0.29.
    y = np.array([1] * 3 + [0] * 97)
    scores = np.r_[[0.26, 0.24, 0.25], np.full(97, 0.02)]
    threshold = Suggester(rules)._best_threshold(scores, y)
    assert ((scores >= threshold) == (y == 1)).all()


STRANGERS_FUNERALS = [  # fictional: funerals of people the speaker did not lose
    "Op de begrafenis van de burgemeester was het druk.",
    "Na de begrafenis van de buurman dronken we koffie.",
    "De begrafenis van de oude dominee trok het hele dorp.",
]


def test_a_word_whose_proposals_were_rejected_no_longer_proposes_alone(codes, nlp, rules):
    """Learning from the first decisions: two rejections, far below the 12 a model needs."""
    new = "Morgen is de begrafenis van een oud-collega."
    own_loss = "Na de begrafenis van mijn vrouw at ik niet meer."
    cold = build_suggester(codes, nlp, rules=rules)
    assert "verlies" in suggested(cold, nlp, new)
    train = [{"text": t, "codes": []} for t in STRANGERS_FUNERALS[:2]] + [
        {"text": t, "codes": []} for t in OTHER
    ]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" not in suggested(trained, nlp, new)
    # By its lemma: the plural is the same word.
    plural = "Morgen zijn er twee begrafenissen in het dorp."
    assert "verlies" in suggested(cold, nlp, plural)
    assert "verlies" not in suggested(trained, nlp, plural)
    # The word still counts next to other evidence: a funeral of one's own wife is a loss.
    assert "verlies" in suggested(trained, nlp, own_loss)
    status = {s["code"]: s for s in trained.status()}
    assert status["verlies"]["distrusted"] == ["begrafenis"]
    assert status["verlies"]["source"] == "rules"  # no model: this is not the 12-example path


def test_a_word_that_also_led_to_accepted_proposals_keeps_its_trust(codes, nlp, rules):
    new = "Morgen is de begrafenis van een oud-collega."
    train = [{"text": t, "codes": []} for t in STRANGERS_FUNERALS[:2]]
    train.append({"text": STRANGERS_FUNERALS[2], "codes": ["verlies"]})
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" in suggested(trained, nlp, new)  # (1 + 1) / (1 + 2 + 2) = 0.4 > 0.25
    # Three to one against: no longer alone.
    train += [{"text": t, "codes": []} for t in STRANGERS_FUNERALS[:2] * 2]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" not in suggested(trained, nlp, new)


def test_one_rejection_is_not_enough_to_distrust_a_word(codes, nlp, rules):
    train = [{"text": STRANGERS_FUNERALS[0], "codes": []}]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" in suggested(trained, nlp, "Morgen is de begrafenis van een oud-collega.")
    assert all(s["distrusted"] == [] for s in trained.status())


def test_status_says_whether_a_words_no_came_from_rejections_or_from_silence(rules, nlp):
    """A word stops counting alone both ways; only a rejection may be called one."""
    passages = analyse(nlp, rules, STRANGERS_FUNERALS[:2] + OTHER)
    Y = np.zeros((len(passages), len(rules.codes_)), dtype=int)  # coded: nothing, anywhere
    j = rules.codes_.index("verlies")
    fitted = Suggester(rules).fit(passages, Y)
    assert fitted.status()[j]["distrusted_detail"] is None  # not known yet
    silent = np.zeros_like(Y, dtype=bool)
    detail = fitted.explain_distrust(passages, Y, silent).status()[j]["distrusted_detail"]
    assert detail == [{"word": "begrafenis", "rejected": 0, "not_coded": 2, "accepted": 0}]
    rejected = silent.copy()
    rejected[0, j] = True
    detail = fitted.explain_distrust(passages, Y, rejected).status()[j]["distrusted_detail"]
    assert detail == [{"word": "begrafenis", "rejected": 1, "not_coded": 1, "accepted": 0}]
    assert fitted.rejected_words(passages[0], j) == ["begrafenis"]
