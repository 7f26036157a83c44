"""Every worked example of ../shared/reference/agreement_examples.md, to the digits given."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import agreement as ag

nan = math.nan

# Krippendorff (2011) / Content Analysis (2004) p. 230: 4 coders x 12 units.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]

WIKIPEDIA = [
    [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
    [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
    [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
]

HAYES_2007 = """
1,1,2,.,2 | 1,1,0,1,. | 2,3,3,3,. | .,0,0,.,0 | 0,0,0,.,0 | 0,0,0,.,0 | 1,0,2,.,1 | 1,.,2,0,. | 2,2,2,.,2 | 2,1,1,1,.
.,1,0,0,. | 0,0,0,0,. | 1,2,2,2,. | 3,3,2,2,3 | 1,1,1,.,1 | 1,1,1,.,1 | 2,1,2,.,2 | 1,2,3,3,. | 1,1,0,1,. | 0,0,0,.,0
0,0,1,1,. | 0,0,.,0,0 | 2,3,3,3,. | 0,0,0,0,. | 1,2,.,2,2 | 0,1,1,1,. | 0,0,0,1,0 | 1,2,1,2,. | 1,1,2,2,. | 1,1,2,.,2
1,1,0,.,0 | 2,1,2,1,. | 2,2,.,2,2 | 3,2,2,2,. | 2,2,2,.,2 | 2,2,3,.,2 | 2,2,2,.,2 | 2,2,.,1,2 | 2,2,2,2,. | 1,1,1,.,1
"""


def hayes_matrix():
    units = [u.strip() for line in HAYES_2007.strip().splitlines() for u in line.split("|")]
    rows = [[nan if v == "." else float(v) for v in u.split(",")] for u in units]
    assert len(rows) == 40
    return np.array(rows).T  # coders x units


@pytest.mark.parametrize(
    "level, expected",
    [
        ("nominal", 0.7434210526),
        ("ordinal", 0.8153875),
        ("interval", 0.8491071),
        ("ratio", 0.7974028),
    ],
)
def test_krippendorff_2011_alpha_at_every_level(level, expected):
    assert ag.krippendorff_alpha(K2011, level=level) == pytest.approx(expected, abs=1e-7)


def test_krippendorff_2011_nominal_parts_and_percent_agreement():
    details = ag.alpha_details(K2011)
    assert round(details.observed, 3) == 0.200
    assert round(details.expected, 3) == 0.779
    assert round(ag.percent_agreement(K2011), 3) == 0.800


def test_binary_two_coders_p224():
    c1 = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    c2 = [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    details = ag.alpha_details([c1, c2])
    assert details.alpha == pytest.approx(0.0952381, abs=1e-7)
    assert round(details.observed, 3) == 0.400
    assert round(details.expected, 3) == 0.442
    assert round(ag.percent_agreement([c1, c2]), 3) == 0.600
    assert round(ag.cohen_kappa(c1, c2), 4) == 0.0909


def test_nominal_letters_p227():
    pairs = [("a", "a"), ("a", "b")] + [("b", "b")] * 4 + [("b", "c")] + [("c", "c")] * 5
    data = [[a for a, _ in pairs], [b for _, b in pairs]]
    assert round(ag.percent_agreement(data), 3) == 0.833
    assert ag.krippendorff_alpha(data) == pytest.approx(0.7341040, abs=1e-7)


def test_wikipedia_example_nominal_and_interval():
    assert ag.krippendorff_alpha(WIKIPEDIA) == pytest.approx(0.691358, abs=1e-6)
    assert ag.krippendorff_alpha(WIKIPEDIA, level="interval") == pytest.approx(0.810845, abs=1e-6)


def test_hayes_krippendorff_2007_table1():
    data = hayes_matrix()
    assert round(ag.krippendorff_alpha(data, level="ordinal"), 4) == 0.7598
    assert round(ag.krippendorff_alpha(data, level="nominal"), 4) == 0.4765
    assert round(ag.krippendorff_alpha(data, level="interval"), 4) == 0.7574


def test_artstein_poesio_table1_kappa_and_pi():
    c1 = [0] * 40 + [1] * 60
    c2 = [0] * 20 + [1] * 20 + [0] * 10 + [1] * 50
    assert ag.cohen_kappa(c1, c2) == pytest.approx(0.347826, abs=1e-6)
    assert round(ag.scott_pi(c1, c2), 3) == 0.341
    assert round(ag.percent_agreement([c1, c2]), 2) == 0.70


def test_artstein_poesio_table4_kappa_and_alpha():
    c1 = [0] * 46 + [1] * 44 + [2] * 10
    c2 = [0] * 52 + [1] * 32 + [2] * 16
    assert round(ag.cohen_kappa(c1, c2), 4) == 0.8013
    assert round(ag.krippendorff_alpha([c1, c2]), 4) == 0.8005


def kappa_paradox():
    # both yes 80, yes/no 7, no/yes 8, both no 5
    a = [1] * 80 + [1] * 7 + [0] * 8 + [0] * 5
    b = [1] * 80 + [0] * 7 + [1] * 8 + [0] * 5
    return a, b


def test_gwet_ac1_stays_high_where_kappa_collapses():
    a, b = kappa_paradox()
    assert round(ag.percent_agreement([a, b]), 2) == 0.85
    assert round(ag.gwet_ac1([a, b]), 3) == 0.808
    assert round(ag.cohen_kappa(a, b), 4) == 0.3144
    assert round(ag.krippendorff_alpha([a, b]), 4) == 0.3177


SPANS_P254 = [  # (coder, value, start, length)
    (0, "c", 225, 70),
    (0, "c", 370, 30),
    (0, "k", 180, 60),
    (0, "k", 300, 50),
    (1, "c", 220, 80),
    (1, "c", 355, 20),
    (1, "c", 400, 20),
    (1, "k", 180, 60),
    (1, "k", 300, 50),
]


def test_unitized_alpha_p254():
    units = [(coder, value, start, start + length) for coder, value, start, length in SPANS_P254]
    result = ag.unitized_alpha(units, begin=150, end=450)
    assert result.alpha == pytest.approx(0.8591, abs=0.0005)
    c = result.values["c"]
    assert round(c.alpha, 4) == 0.7286
    assert round(c.observed, 4) == 0.0144
    assert round(c.expected, 4) == 0.0532
    assert result.values["k"].alpha == 1.0


def test_unitized_alpha_counts_a_coder_who_marked_nothing():
    units = [("a", "x", 10, 20), ("b", "x", 10, 20)]
    assert ag.unitized_alpha(units, begin=0, end=100).alpha == 1.0
    silent = ag.unitized_alpha(units, begin=0, end=100, coders=["a", "b", "c"])
    assert silent.alpha < 1.0


@pytest.mark.parametrize(
    "alpha, expected",
    [
        (0.8, "reliable"),
        (0.95, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6669, "unreliable"),
        (None, None),
    ],
)
def test_verdict_thresholds(alpha, expected):
    assert ag.verdict(alpha) == expected


def test_alpha_is_undefined_without_variation():
    assert ag.krippendorff_alpha([[0, 0, 0], [0, 0, 0]]) is None
    assert ag.gwet_ac1([[0, 0, 0], [0, 0, 0]], categories=(0, 1)) == 1.0


def test_bootstrap_interval_is_seeded_and_contains_alpha():
    data = hayes_matrix()
    first = ag.bootstrap_alpha(data, level="ordinal", n_samples=1000, seed=7)
    again = ag.bootstrap_alpha(data, level="ordinal", n_samples=1000, seed=7)
    assert first == again
    lo, hi = first
    assert lo < 0.7598 < hi
    assert hi - lo < 0.3


def random_presence(seed=1, codes=6, units=120, coders=3):
    rng = np.random.default_rng(seed)
    truth = rng.random((codes, units, 1)) < 0.3
    noise = rng.random((codes, units, coders)) < 0.15
    p = (truth ^ noise).astype(float)
    p[:, rng.random(units) < 0.1, 0] = nan  # coder 0 skipped some units
    return p


def test_presence_agreement_matches_the_general_functions():
    p = random_presence()
    result = ag.presence_agreement(p, n_samples=200, seed=3)
    for k in range(p.shape[0]):
        data = p[k].T
        assert result.alpha[k] == pytest.approx(ag.krippendorff_alpha(data))
        assert result.percent[k] == pytest.approx(ag.percent_agreement(data))
        assert result.ac1[k] == pytest.approx(ag.gwet_ac1(data, categories=(0, 1)))
    pooled = np.concatenate([p[k].T for k in range(p.shape[0])], axis=1)
    assert result.overall["alpha"] == pytest.approx(ag.krippendorff_alpha(pooled))
    assert result.kappa == [None] * p.shape[0]


def test_presence_agreement_kappa_for_two_coders_and_bootstrap_matches_generic():
    p = random_presence(coders=2)
    result = ag.presence_agreement(p, n_samples=300, seed=5)
    for k in range(p.shape[0]):
        assert result.kappa[k] == pytest.approx(ag.cohen_kappa(p[k, :, 0], p[k, :, 1]))
        assert result.alpha_ci[k] == pytest.approx(
            ag.bootstrap_alpha(p[k].T, n_samples=300, seed=5)
        )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5), st.integers(3, 30))
def test_alpha_ignores_the_order_of_coders_and_units(seed, coders, units):
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 4, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < 0.2] = nan
    shuffled = data[rng.permutation(coders)][:, rng.permutation(units)]
    for level in ag.LEVELS:
        a = ag.krippendorff_alpha(data, level=level)
        b = ag.krippendorff_alpha(shuffled, level=level)
        assert (a is None and b is None) or a == pytest.approx(b)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_presence_fast_path_equals_the_general_alpha(seed):
    p = random_presence(seed=seed, codes=3, units=25, coders=int(seed % 3) + 2)
    result = ag.presence_agreement(p, n_samples=10, seed=0)
    for k in range(3):
        expected = ag.krippendorff_alpha(p[k].T)
        assert (result.alpha[k] is None and expected is None) or result.alpha[k] == pytest.approx(
            expected
        )


# --- issue 13 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "alpha, lower, expected",
    [
        (0.857, 0.0, "unreliable"),  # "reliable" at 0.857 with interval [0.000, 1.000] was wrong
        (0.857, 0.70, "tentative"),
        (0.857, 0.81, "reliable"),
        (0.857, None, "reliable"),
        (0.79956, 0.70, "tentative"),
        (None, 0.5, None),
    ],
)
def test_the_verdict_reads_the_lower_bound_of_the_interval(alpha, lower, expected):
    assert ag.verdict(alpha, lower) == expected


@pytest.mark.parametrize(
    "value, text",
    [
        (0.79956, "0.7996"),  # not "0.800" next to "tentative"
        (0.80004, "0.800"),
        (0.6669999, "0.666999"),
        (0.66698, "0.66698"),
        (0.8571, "0.857"),
        (0.123456, "0.123"),
        (-0.25, "-0.250"),
        (None, "-"),
    ],
)
def test_shown_figures_are_never_rounded_across_a_threshold(value, text):
    shown = ag.shown(value)
    assert shown == text
    if value is not None:
        for threshold in ag.THRESHOLDS:
            assert (value < threshold) == (float(shown) < threshold)


def test_shown_keeps_the_verdict_side_on_random_values():
    rng = np.random.default_rng(0)
    for value in np.concatenate(
        [rng.uniform(-1, 1, 2000), 0.8 + rng.normal(0, 1e-4, 500), 0.667 + rng.normal(0, 1e-4, 500)]
    ):
        shown = float(ag.shown(float(value)))
        assert all((value < t) == (shown < t) for t in ag.THRESHOLDS)
        assert abs(shown - value) < 1e-3


def long_codings_presence(seed=0, passages=60, sentences=6):
    """Two coders; each passage is one judgement covering all its sentences.

    Coder 0 says yes on a random 40% of passages; coder 1 copies coder 0 but disagrees on a
    random 15%. Every sentence of a passage carries the passage's judgement, as when one
    coding covers a whole answer.
    """
    rng = np.random.default_rng(seed)
    first = rng.random(passages) < 0.4
    second = first ^ (rng.random(passages) < 0.15)
    per_sentence = np.stack([np.repeat(first, sentences), np.repeat(second, sentences)], axis=1)
    clusters = np.repeat(np.arange(passages), sentences)
    return per_sentence[None, :, :].astype(float), clusters


def test_resampling_the_judged_passages_widens_the_interval():
    presence, clusters = long_codings_presence()
    by_sentence = ag.presence_agreement(presence, n_samples=1000, seed=0)
    by_passage = ag.presence_agreement(presence, n_samples=1000, seed=0, clusters=clusters)
    assert by_sentence.alpha == by_passage.alpha  # the point value does not change
    lo_s, hi_s = by_sentence.alpha_ci[0]
    lo_p, hi_p = by_passage.alpha_ci[0]
    assert hi_p - lo_p > 1.8 * (hi_s - lo_s)
    assert by_sentence.overall["n_resampled"] == 360
    assert by_passage.overall["n_resampled"] == 60
    # the same draws as on the passage-level data itself (up to alpha's small-n correction)
    passage_level = ag.presence_agreement(presence[:, ::6, :], n_samples=1000, seed=0)
    assert by_passage.alpha_ci[0] == pytest.approx(passage_level.alpha_ci[0], abs=0.01)


def test_single_unit_clusters_are_the_plain_bootstrap():
    p = random_presence(coders=2)
    plain = ag.presence_agreement(p, n_samples=200, seed=4)
    clustered = ag.presence_agreement(p, n_samples=200, seed=4, clusters=np.arange(p.shape[1]))
    assert plain.alpha_ci == clustered.alpha_ci
    data = p[0].T
    assert ag.bootstrap_alpha(
        data, n_samples=200, seed=4, clusters=list(range(data.shape[1]))
    ) == ag.bootstrap_alpha(data, n_samples=200, seed=4)


THREE_DOCUMENTS = [
    ("a", "x", 0, 100),
    ("a", "x", 100, 200),
    ("a", "x", 200, 300),
    ("b", "x", 0, 100),
    ("b", "x", 200, 300),
]


def shifted(units, gap):
    """The same judgements with ``gap`` characters between the 100-character documents."""
    return [(c, v, s + (s // 100) * gap, e + ((e - 1) // 100) * gap) for c, v, s, e in units]


def test_unitized_alpha_keeps_touching_spans_apart():
    """Issue 13: coder a codes three 100-character documents, coder b the first and third.

    Merging a's touching spans into one 300-character unit gave 0.134; with one character
    between the documents 0.608. The figure must not depend on that gap character.
    """
    one_continuum = ag.unitized_alpha(THREE_DOCUMENTS, begin=0, end=300).alpha
    with_gap = ag.unitized_alpha(shifted(THREE_DOCUMENTS, 1), begin=0, end=302).alpha
    assert round(with_gap, 3) == 0.608
    assert round(one_continuum, 3) == 0.608
    assert one_continuum != pytest.approx(0.134, abs=0.01)


@pytest.mark.parametrize("gap", [0, 1, 57])
def test_documents_are_separate_continua(gap):
    pieces = [(d * (100 + gap), d * (100 + gap) + 100) for d in range(3)]
    result = ag.unitized_alpha(shifted(THREE_DOCUMENTS, gap), continua=pieces)
    reference = ag.unitized_alpha(THREE_DOCUMENTS, continua=[(0, 100), (100, 200), (200, 300)])
    assert result.alpha == pytest.approx(reference.alpha, abs=1e-12)
    assert round(result.alpha, 3) == 0.608


def test_a_span_is_cut_at_the_edge_of_its_continuum():
    """One span over two documents counts as two units, one in each."""
    across = ag.unitized_alpha(
        [("a", "x", 0, 200), ("b", "x", 0, 100), ("b", "x", 100, 200)],
        continua=[(0, 100), (100, 200)],
    )
    assert across.alpha == 1.0


def test_overlapping_spans_of_one_coder_are_still_merged():
    units = [("a", "x", 10, 30), ("a", "x", 20, 40), ("b", "x", 10, 40)]
    assert ag.unitized_alpha(units, begin=0, end=100).alpha == 1.0


def test_continua_must_not_overlap():
    with pytest.raises(ValueError, match="overlap"):
        ag.unitized_alpha(THREE_DOCUMENTS, continua=[(0, 150), (100, 300)])


# --- unitized alpha: bootstrap over documents (issue 13) ---------------------------------------


def span_documents(n_documents, seed=3, length=100):
    """Fictional free-span coding: per 100-character document coder a marks a stretch of
    "x" (and sometimes "y"); coder b marks nearly the same stretch, now and then misses it
    or marks an extra one. Returns (units, continua)."""
    rng = np.random.default_rng(seed)
    units, continua = [], []
    for d in range(n_documents):
        base = d * length
        continua.append((base, base + length))
        start = int(rng.integers(0, 60))
        units.append(("a", "x", base + start, base + start + 30))
        roll = rng.random()
        if roll < 0.7:
            shift = int(rng.integers(-4, 5))
            units.append(("b", "x", base + max(0, start + shift), base + start + 30 + shift))
        elif roll < 0.85:
            units.append(("b", "x", base + 70, base + 95))
        if rng.random() < 0.3:
            units.append(("a", "y", base + 5, base + 15))
            if rng.random() < 0.6:
                units.append(("b", "y", base + 6, base + 15))
    return units, continua


def test_unitized_interval_contains_the_point_and_is_seeded():
    units, continua = span_documents(40)
    point = ag.unitized_alpha(units, continua=continua)
    first = ag.bootstrap_unitized_alpha(units, continua=continua, n_samples=1000, seed=7)
    assert first == ag.bootstrap_unitized_alpha(units, continua=continua, n_samples=1000, seed=7)
    assert first != ag.bootstrap_unitized_alpha(units, continua=continua, n_samples=1000, seed=8)
    assert first.n_resampled == 40
    lo, hi = first.overall
    assert lo < point.alpha < hi
    for value, (v_lo, v_hi) in first.values.items():
        assert v_lo <= point.values[value].alpha <= v_hi


def test_unitized_bootstrap_is_u_alpha_on_the_drawn_documents():
    """Each sample equals u-alpha computed from scratch on the drawn documents laid side by
    side, a document drawn twice counting as two documents."""
    units, continua = span_documents(12)
    weights = ag._resample_weights(np.random.default_rng(5), len(continua), 40)
    alphas = []
    for row in weights:
        drawn, pieces, offset = [], [], 0
        for d, times in enumerate(row.astype(int)):
            begin, end = continua[d]
            for _ in range(times):
                shift = offset - begin
                drawn += [(c, v, s + shift, e + shift) for c, v, s, e in units if begin <= s < end]
                pieces.append((offset, offset + end - begin))
                offset += end - begin + 7  # documents need not touch
        alphas.append(ag.unitized_alpha(drawn, continua=pieces, coders=["a", "b"]).alpha)
    expected = tuple(np.percentile(alphas, [2.5, 97.5]))
    found = ag.bootstrap_unitized_alpha(units, continua=continua, n_samples=40, seed=5)
    assert found.overall == pytest.approx(expected, abs=1e-12)


def test_unitized_interval_widens_with_fewer_documents():
    units, continua = span_documents(80)
    many = ag.bootstrap_unitized_alpha(units, continua=continua, n_samples=1000, seed=0)
    few_units, few_continua = units, continua
    few_continua = few_continua[:10]
    few_units = [u for u in few_units if u[2] < few_continua[-1][1]]
    few = ag.bootstrap_unitized_alpha(few_units, continua=few_continua, n_samples=1000, seed=0)
    assert few.overall[1] - few.overall[0] > 2 * (many.overall[1] - many.overall[0])


def test_unitized_interval_on_the_p254_example():
    """Krippendorff (2004) p. 254 is one continuum: one document, nothing to resample, so
    the interval is the published figure itself (0.8591; c 0.7286, k 1.0)."""
    units = [(coder, value, start, start + length) for coder, value, start, length in SPANS_P254]
    found = ag.bootstrap_unitized_alpha(units, continua=[(150, 450)], n_samples=200, seed=0)
    assert found.n_resampled == 1
    assert found.overall[0] == pytest.approx(0.8591, abs=0.0005)
    assert found.overall[0] == pytest.approx(found.overall[1], abs=1e-12)
    assert round(found.values["c"][0], 4) == round(found.values["c"][1], 4) == 0.7286
    assert found.values["k"] == (1.0, 1.0)
