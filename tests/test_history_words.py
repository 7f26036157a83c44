"""The history speaks of anyone's actions in neutral words; only the undo toast says "je"."""

from __future__ import annotations

import re

import pytest

from workbench import events, history
from workbench.i18n import t

ACTIONS = sorted({kind.action for kind in events.KINDS.values()})


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_kind_of_event_has_its_own_neutral_words(lang):
    other = t("app.event.other", lang)
    for action in ACTIONS:
        words = t(history.event_words(action).key, lang)
        assert words != other, action  # its own words, not "a change"
        assert not re.search(r"\b(je|jij|jouw|you|your)\b", words, re.I), (action, words)


def test_the_undo_toast_still_speaks_to_the_user():
    assert t(history.action_words("coding.add").key, "nl") == "de code die je toevoegde"
    assert t(history.event_words("coding.add").key, "nl") == "code toegevoegd"
    assert t(history.event_words("no.such.action").key, "en") == "change"
