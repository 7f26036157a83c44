"""Shipped codebooks: they load strictly, hold the contracted ids, and are grounded in the seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import simplemma

from workbench.codebook.model import source_problems
from workbench.codebook.yaml_io import (
    DEFAULT_CODEBOOK,
    SHIPPED_CODEBOOKS,
    SOCIAL_QUALITY_CODEBOOK,
    load_codebook,
)

REPO = Path(__file__).resolve().parent.parent

REQUIRED_DEFAULT = {
    "verlies": None,
    "verlies-dierbare": "verlies",
    "verlies-woning": "verlies",
    "verlies-werk": "verlies",
    "verlies-gezondheid": "verlies",
    "verlies-relatie": "verlies",
    "verlies-netwerk": "verlies",
    "verliescascade": "verlies",
    "schaamte": None,
    "energiebalans": None,
    "zingeving": None,
    "zingeving-mensen": "zingeving",
    "zingeving-geloof": "zingeving",
    "zingeving-natuur": "zingeving",
    "zingeving-dieren": "zingeving",
    "zingeving-hobby": "zingeving",
    "zingeving-betekenis": "zingeving",
    "zingeving-hoop": "zingeving",
    "isolement": None,
    "bestaansonzekerheid": None,
    "machteloosheid": None,
    "neerwaartse-spiraal": None,
    "herstel": None,
    "omgevingsfactoren": None,
    "persoonskenmerken": None,
    "drempels": None,
    "lichte-contacten": None,
    "brugfiguren": None,
}
REQUIRED_SOCIAL_QUALITY = (
    "sociale-empowerment",
    "sociale-cohesie",
    "sociale-inclusie",
    "sociaaleconomische-zekerheid",
)


@pytest.fixture(scope="module", params=SHIPPED_CODEBOOKS, ids=lambda p: p.name)
def shipped(request):
    return load_codebook(request.param, strict=True)


def test_default_codebook_has_contracted_ids_and_parents():
    book = load_codebook(DEFAULT_CODEBOOK, strict=True)
    parents = {c.id: c.parent for c in book.codes}
    for code_id, parent in REQUIRED_DEFAULT.items():
        assert code_id in parents, code_id
        assert parents[code_id] == parent, code_id


def test_social_quality_codebook_has_four_conditions_with_children():
    book = load_codebook(SOCIAL_QUALITY_CODEBOOK, strict=True)
    for condition in REQUIRED_SOCIAL_QUALITY:
        assert book.code(condition).parent is None
        assert any(c.parent == condition for c in book.codes), condition


def test_shipped_codebooks_have_name_version_and_changelog(shipped):
    assert shipped.name and shipped.version == "1.0" and shipped.language == "nl"
    assert shipped.description and shipped.changelog
    assert shipped.changelog[0]["version"] == shipped.version


def test_every_code_is_filled_in_as_macqueen_asks(shipped):
    for code in shipped.codes:
        for name in ("name", "name_en", "brief", "definition", "use_when", "dont_use_when"):
            assert len(getattr(code, name) or "") >= 10 or name in ("name", "name_en"), (
                code.id,
                name,
            )
        assert len(code.examples) >= 3, code.id
        assert len(code.counterexamples) >= 2, code.id
        assert len(code.indicators) >= 6, code.id
        assert len(set(code.indicators)) == len(code.indicators), code.id


def test_dont_use_when_names_a_neighbouring_code(shipped):
    ids = set(shipped.ids)
    for code in shipped.codes:
        named = set(re.findall(r"[a-z][a-z-]+[a-z]", code.dont_use_when)) & ids
        assert named - {code.id}, code.id


def test_every_source_quote_occurs_verbatim_in_its_seed_file(shipped, seeds):
    assert source_problems(shipped, seeds) == []


def test_single_word_indicators_are_simplemma_lemmas(shipped):
    for code in shipped.codes:
        for indicator in code.indicators:
            assert indicator == indicator.strip() and indicator, code.id
            if " " not in indicator:
                lemma = simplemma.lemmatize(indicator.lower(), lang="nl").lower()
                assert lemma == indicator.lower(), (code.id, indicator, lemma)


def test_sensitive_themes_are_marked(shipped):
    sensitive = {c.id for c in shipped.codes if c.sensitive}
    expected = {"schaamte", "verslaving", "bestaansonzekerheid", "psychische-kwetsbaarheid"}
    assert expected & set(shipped.ids) <= sensitive


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_colours_are_readable_behind_black_text(shipped):
    for code in shipped.codes:
        contrast = (_luminance(code.color) + 0.05) / 0.05
        assert contrast >= 7, (code.id, code.color, round(contrast, 1))


def test_ids_are_unique_across_shipped_codebooks():
    ids = [c.id for path in SHIPPED_CODEBOOKS for c in load_codebook(path).codes]
    assert len(ids) == len(set(ids))


def test_examples_are_not_copied_from_the_seeds(shipped, seeds):
    corpus = " ".join(p.read_text(encoding="utf-8") for p in seeds.glob("*.txt"))
    for code in shipped.codes:
        for example in code.examples + code.counterexamples:
            assert example.split(" (")[0] not in corpus, (code.id, example)
