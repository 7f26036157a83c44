"""The learning suggester: learns from decisions, thresholds, silencing, sklearn rules."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from workbench.codebook import DEFAULT_CODEBOOK
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


def test_codes_never_used_in_full_training_set_are_silenced(codes, nlp, rules):
    train = [{"text": t, "codes": []} for t in OTHER * 3]
    trained = build_suggester(codes, nlp, train=train, rules=rules)
    assert "verlies" not in suggested(trained, nlp, "Mijn vrouw is overleden.")
    status = {s["code"]: s["source"] for s in trained.status()}
    assert status["verlies"] == "silenced"


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
