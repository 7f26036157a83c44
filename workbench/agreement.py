"""Agreement between coders: pure functions over plain data, usable without the app.

Why these measures (issue 7): percent agreement is what people understand, but it rewards
chance; Cohen's kappa and Scott's pi correct for chance for two coders; Krippendorff's alpha
works for any number of coders, missing values and four levels of measurement; Gwet's AC1
stays sensible for rare codes where kappa and alpha collapse (the "kappa paradox"); the
bootstrap interval shows how much an alpha can be trusted; unitized alpha compares free
character spans without first cutting the text into units.

Data convention (as in Krippendorff's papers and the ``krippendorff`` package): a
*reliability matrix* has one row per coder and one column per unit; ``None`` or ``nan`` means
the coder did not code that unit. Values may be numbers or (for nominal data) any hashable.

Alpha is computed from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
Alpha-Reliability"), vectorised with numpy: per unit the value counts ``N[u, c]``; the
coincidences ``o[c, k] = sum_u (N[u,c] N[u,k] - [c == k] N[u,c]) / (m_u - 1)`` over units with
at least two values; ``alpha = 1 - D_o / D_e``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench import i18n
from workbench.i18n import t

LEVELS = ("nominal", "ordinal", "interval", "ratio")
RELIABLE = 0.800  # Krippendorff (2004): rely on the code
TENTATIVE = 0.667  # tentative conclusions only; below: do not rely on it
_BOOTSTRAP_CELLS = 4_000_000  # resampling weights held in memory at once (samples x units)


# ---------------------------------------------------------------------------------------------
# Reading the reliability matrix


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_counts(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, how many coders gave each value: ``(counts[units, values], values)``.

    ``values`` is sorted (numerically when every value is a number), which the ordinal,
    interval and ratio distances need.
    """
    array = data if isinstance(data, np.ndarray) else np.asarray(data, dtype=object)
    if array.ndim != 2:
        raise ValueError(f"data must be a 2-D coders x units matrix. Got shape {array.shape}.")
    if array.dtype.kind in "fiub":
        numeric = array.astype(float)
        present = ~np.isnan(numeric)
        found = numeric[present]
    else:
        present = np.vectorize(lambda v: not _is_missing(v), otypes=[bool])(array)
        found = array[present]
        if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in found):
            found = found.astype(float)
    if found.dtype == object:
        unique = sorted(set(found.tolist()), key=lambda v: (type(v).__name__, str(v)))
        lookup = {v: i for i, v in enumerate(unique)}
        values = np.asarray(unique, dtype=object)
        index = np.asarray([lookup[v] for v in found.tolist()], dtype=int)
    else:
        values = np.unique(found)
        index = np.searchsorted(values, found)
    # Boolean indexing and np.nonzero both walk row-major, so units line up with ``index``.
    units = np.nonzero(present)[1]
    counts = np.zeros((array.shape[1], len(values)), dtype=float)
    np.add.at(counts, (units, index), 1.0)
    return counts, values


def _unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Each pairable unit's contribution to the coincidence matrix: ``[units, c, k]``."""
    m = counts.sum(axis=1)
    pairable = counts[m >= 2]
    m = m[m >= 2]
    outer = pairable[:, :, None] * pairable[:, None, :]
    idx = np.arange(counts.shape[1])
    outer[:, idx, idx] -= pairable
    return outer / (m - 1)[:, None, None]


def coincidence_matrix(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """The coincidence matrix ``o[c, k]`` of a reliability matrix, and its sorted values."""
    counts, values = value_counts(data)
    m = counts.sum(axis=1)
    keep = m >= 2
    weighted = counts[keep] / (m[keep] - 1)[:, None]
    o = weighted.T @ counts[keep] - np.diag(weighted.sum(axis=0))
    return o, values


def distance_matrix(values: np.ndarray, marginals: np.ndarray, level: str) -> np.ndarray:
    """Squared differences ``delta^2[c, k]`` between values at the given level.

    ``marginals`` (the values' totals ``n_c`` in the coincidence matrix) matter only for the
    ordinal level, where the distance between two ranks grows with how many values lie
    between them. A leading batch axis on ``marginals`` gives one matrix per batch.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}. Got {level!r} instead.")
    size = len(values)
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "ordinal":
        n = np.asarray(marginals, dtype=float)
        cum = np.cumsum(n, axis=-1)
        lo = np.minimum.outer(np.arange(size), np.arange(size))
        hi = np.maximum.outer(np.arange(size), np.arange(size))
        between = cum[..., hi] - cum[..., lo] + n[..., lo]
        return (between - (n[..., :, None] + n[..., None, :]) / 2.0) ** 2
    v = np.asarray(values, dtype=float)
    diff = np.subtract.outer(v, v)
    if level == "interval":
        return diff**2
    total = np.add.outer(v, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
    return ratio**2


# ---------------------------------------------------------------------------------------------
# Krippendorff's alpha


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha with the parts it is made of.

    ``alpha`` is None when it is undefined: fewer than two pairable values, or no variation
    at all (every coder gave every unit the same value, so chance cannot be estimated).
    """

    alpha: float | None
    observed: float  # D_o, observed disagreement
    expected: float  # D_e, disagreement expected by chance
    n_pairable: int  # n, the number of pairable values
    percent: float | None  # share of pairable values matched by the same value (1 - nominal D_o)


def _alpha_from_coincidences(
    o: np.ndarray, values: np.ndarray, level: str
) -> tuple[float | None, float, float, float]:
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n < 2:
        return None, math.nan, math.nan, n
    delta = distance_matrix(values, n_c, level)
    d_o = float((o * delta).sum() / n)
    d_e = float((np.outer(n_c, n_c) * delta).sum() / (n * (n - 1)))
    alpha = None if d_e == 0 else 1.0 - d_o / d_e
    return alpha, d_o, d_e, n


def alpha_details(data: Any, *, level: str = "nominal") -> Alpha:
    """Krippendorff's alpha of a coders x units matrix, with D_o, D_e and n."""
    o, values = coincidence_matrix(data)
    alpha, d_o, d_e, n = _alpha_from_coincidences(o, values, level)
    percent = float(np.trace(o) / n) if n > 0 else None
    return Alpha(alpha, d_o, d_e, int(round(n)), percent)


def krippendorff_alpha(data: Any, *, level: str = "nominal") -> float | None:
    """Krippendorff's alpha for any number of coders, with missing values.

    ``level`` is ``nominal`` (codes: the default, unlike the ``krippendorff`` package),
    ``ordinal``, ``interval`` or ``ratio``. None when alpha is undefined.
    """
    return alpha_details(data, level=level).alpha


def percent_agreement(data: Any) -> float | None:
    """Share of pairable values that another coder matched on the same unit.

    With two coders and no missing values this is the share of units they agree on; with
    more coders each unit's pairs are weighted as in the coincidence matrix (1 - nominal D_o),
    so it is the agreement that alpha corrects for chance.
    """
    return alpha_details(data, level="nominal").percent


# ---------------------------------------------------------------------------------------------
# Bootstrap interval


def _resample_weights(rng: np.random.Generator, n_units: int, n_samples: int) -> np.ndarray:
    """How often each unit is drawn in each bootstrap sample: ``[samples, units]``."""
    draws = rng.integers(0, n_units, size=(n_samples, n_units))
    draws += (np.arange(n_samples) * n_units)[:, None]
    return (
        np.bincount(draws.ravel(), minlength=n_samples * n_units)
        .reshape(n_samples, n_units)
        .astype(float)
    )


def _weight_blocks(rng: np.random.Generator, n_units: int, n_samples: int):
    block = max(1, min(n_samples, _BOOTSTRAP_CELLS // max(n_units, 1)))
    done = 0
    while done < n_samples:
        size = min(block, n_samples - done)
        yield _resample_weights(rng, n_units, size)
        done += size


def _by_cluster(rows: np.ndarray, clusters: Any | None) -> np.ndarray:
    """Sum the rows (one per unit) per cluster: what one bootstrap draw picks up.

    Units one coder judged in one go (the sentences under one long coding, the segments of
    one document) are not independent; resampling them one by one makes the interval too
    narrow (issue 13). ``clusters`` gives each row's cluster label; None: every unit alone.
    """
    if clusters is None:
        return rows
    labels = list(clusters)
    if len(labels) != rows.shape[0]:
        raise ValueError(
            f"clusters must give one label per unit. Got {len(labels)} for {rows.shape[0]}."
        )
    lookup: dict[Hashable, int] = {}  # clusters in order of first appearance
    inverse = np.array([lookup.setdefault(label, len(lookup)) for label in labels], dtype=int)
    out = np.zeros((len(lookup), rows.shape[1]))
    np.add.at(out, inverse, rows)
    return out


def _interval(samples: np.ndarray, confidence: float) -> tuple[float | None, float | None]:
    """Percentile interval of bootstrap draws; a bound is None where the data cannot set it.

    A draw where alpha is undefined (no drawn unit carried the code: nothing was judged)
    ranks below every value, as a draw that did not show agreement. Leaving such draws out
    gave a code both coders applied to one sentence of 1,810 the interval [1.000, 1.000]
    and the verdict "reliable", from one agreement. A bound whose rank falls among them is
    None: more than 2.5% of the draws held no evidence for a 95% interval.
    """
    n = samples.size
    defined = np.isfinite(samples)
    undefined = int(n - defined.sum())
    if undefined == n:
        return None, None
    tail = (1.0 - confidence) / 2.0 * 100.0
    ranked = np.where(defined, samples, samples[defined].min())  # stand-ins, ranked first
    lo, hi = (
        None if q / 100.0 * (n - 1) < undefined else float(bound)
        for q, bound in zip((tail, 100.0 - tail), np.percentile(ranked, [tail, 100.0 - tail]))
    )
    return lo, hi


def bootstrap_alpha(
    data: Any,
    *,
    level: str = "nominal",
    n_samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    clusters: Sequence[Hashable] | None = None,
) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval for alpha, resampling units with replacement.

    Each unit's contribution to the coincidence matrix is computed once; a bootstrap sample
    is then a weighted sum of them (weights = how often a unit was drawn), so 1,000 samples
    cost a few matrix products. Samples where alpha is undefined rank lowest (see
    :func:`_interval`). ``clusters`` (one label per unit, e.g. its document) resamples whole clusters instead.
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1. Got {n_samples} instead.")
    counts, values = value_counts(data)
    pairable = counts.sum(axis=1) >= 2
    contributions = _unit_coincidences(counts)
    size = len(values)
    flat = contributions.reshape(contributions.shape[0], size * size)
    if clusters is not None:
        flat = _by_cluster(flat, [c for c, keep in zip(clusters, pairable) if keep])
    n_units = flat.shape[0]
    if n_units == 0:
        return None, None
    rng = np.random.default_rng(seed)
    alphas = []
    for weights in _weight_blocks(rng, n_units, n_samples):
        o = (weights @ flat).reshape(-1, size, size)
        n_c = o.sum(axis=2)
        n = n_c.sum(axis=1)
        delta = distance_matrix(values, n_c, level)
        if delta.ndim == 2:
            delta = np.broadcast_to(delta, o.shape)
        d_o = (o * delta).sum(axis=(1, 2))
        d_e = (n_c[:, :, None] * n_c[:, None, :] * delta).sum(axis=(1, 2)) / (n - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            alphas.append(np.where(d_e > 0, 1.0 - d_o / d_e, np.nan))
    return _interval(np.concatenate(alphas), confidence)


# ---------------------------------------------------------------------------------------------
# Two-coder measures and Gwet's AC1


def _paired(coder1: Sequence[Any], coder2: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    if len(coder1) != len(coder2):
        raise ValueError(
            f"Both coders must rate the same units. Got {len(coder1)} and {len(coder2)} values."
        )
    pairs = [(a, b) for a, b in zip(coder1, coder2) if not _is_missing(a) and not _is_missing(b)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def _two_coder_table(coder1: Sequence[Any], coder2: Sequence[Any]) -> tuple[np.ndarray, int]:
    a, b = _paired(coder1, coder2)
    categories = sorted(set(a) | set(b), key=lambda v: (type(v).__name__, str(v)))
    lookup = {v: i for i, v in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for x, y in zip(a, b):
        table[lookup[x], lookup[y]] += 1
    return table, len(a)


def cohen_kappa(coder1: Sequence[Any], coder2: Sequence[Any]) -> float | None:
    """Cohen's kappa: chance from each coder's own distribution of values.

    Units either coder left empty are skipped. None when chance agreement is 1.
    """
    table, n = _two_coder_table(coder1, coder2)
    if n == 0:
        return None
    p = table / n
    p_o = float(np.trace(p))
    p_e = float(p.sum(axis=1) @ p.sum(axis=0))
    return None if p_e == 1 else (p_o - p_e) / (1 - p_e)


def scott_pi(coder1: Sequence[Any], coder2: Sequence[Any]) -> float | None:
    """Scott's pi: like kappa, but chance from the two coders' pooled distribution."""
    table, n = _two_coder_table(coder1, coder2)
    if n == 0:
        return None
    p = table / n
    p_o = float(np.trace(p))
    pooled = (p.sum(axis=1) + p.sum(axis=0)) / 2
    p_e = float((pooled**2).sum())
    return None if p_e == 1 else (p_o - p_e) / (1 - p_e)


def gwet_ac1(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Gwet's AC1 for any number of coders with missing values (Gwet 2014).

    Chance agreement is ``sum_q pi_q (1 - pi_q) / (Q - 1)``, which stays small when a code
    is rare, so AC1 does not collapse the way kappa and alpha do. ``categories`` fixes Q (the
    number of possible values, e.g. ``(0, 1)`` for presence/absence); default: the values seen.
    """
    counts, values = value_counts(data)
    if categories is not None:
        q = len(set(categories))
    else:
        q = len(values)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return None
    r = counts[pairable]
    p_o = float(np.mean((r * (r - 1)).sum(axis=1) / (m[pairable] * (m[pairable] - 1))))
    rated = m >= 1
    pi = (counts[rated] / m[rated][:, None]).mean(axis=0)
    p_e = float((pi * (1 - pi)).sum() / (q - 1)) if q > 1 else 0.0
    return None if p_e == 1 else (p_o - p_e) / (1 - p_e)


def _undefined(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def verdict(alpha: float | None, lower: float | None = None, *, drawn: bool = False) -> str | None:
    """``reliable`` (>= 0.800), ``tentative`` (0.667-0.800), ``unreliable``; None: undefined.

    Read on ``lower``, the lower bound of alpha's confidence interval, when there is one
    (issue 13): a code at 0.857 with interval [0.000, 1.000] has not shown it is reliable.
    Without an interval the point value is read. ``drawn``: an interval was drawn, so a
    missing lower bound means too few draws held the code (see :func:`_interval`), and too
    little evidence is no ground to rely on it.
    """
    if _undefined(alpha):
        return None
    if drawn and _undefined(lower):
        return "unreliable"
    basis = alpha if _undefined(lower) else lower
    if basis >= RELIABLE:
        return "reliable"
    if basis >= TENTATIVE:
        return "tentative"
    return "unreliable"


THRESHOLDS = (RELIABLE, TENTATIVE)
_MAX_DIGITS = 6


def percent_text(share: float | None, lang: str, *, empty: str = "-") -> str:
    """Percent agreement (a fraction in reports and JSON) as a percentage in ``lang``:
    "99,9%" in Dutch, "99.9%" in English; one decimal, more when one would read as 100 %
    or 0 % while it is not."""
    if _undefined(share):
        return empty
    value = round(float(share) * 100, 9)  # 1 - D_o may miss 1 by a rounding error
    digits = 1
    text = f"{value:.{digits}f}"
    while digits < 6 and float(text) in (0, 100) and float(text) != value:
        digits += 1
        text = f"{value:.{digits}f}"
    shown = i18n.percent(text)
    return t(shown.key, lang, **shown.params)


def shown(x: float | None, digits: int = 3, *, empty: str = "-") -> str:
    """A figure as text that is never rounded across a verdict threshold.

    0.79956 printed with three decimals reads "0.800" next to "tentative"; here it gets as
    many decimals as it needs to stay on its own side ("0.7996"), and is cut off (floored)
    after six.
    """
    if _undefined(x):
        return empty
    x = float(x)
    for d in range(digits, _MAX_DIGITS + 1):
        text = f"{x:.{d}f}".replace("-0." + "0" * d, "0." + "0" * d)  # no "-0.000"
        if all((x < cut) == (float(text) < cut) for cut in THRESHOLDS):
            return text
    return f"{math.floor(x * 10**_MAX_DIGITS) / 10**_MAX_DIGITS:.{_MAX_DIGITS}f}"


# ---------------------------------------------------------------------------------------------
# Many codes at once: presence/absence per code, vectorised


@dataclass
class PresenceAgreement:
    """Per-code and overall figures for presence/absence data (arrays follow the codes axis).

    ``None`` entries mean undefined (see :class:`Alpha`). ``overall_*`` pool every code's
    coincidences: alpha across codes, with each (unit, code) pair a binary judgement.
    """

    alpha: list[float | None]
    alpha_ci: list[tuple[float | None, float | None]]
    kappa: list[float | None]
    ac1: list[float | None]
    percent: list[float | None]
    n_units: list[int]
    overall: dict[str, Any] = field(default_factory=dict)


def _none_if_nan(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _binary_parts(ones: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit (last axis) contributions o01, o11, o00 of pairable units (0 elsewhere)."""
    pairable = m >= 2
    denom = np.where(pairable, m - 1, 1.0)
    zeros = m - ones
    o01 = np.where(pairable, ones * zeros / denom, 0.0)
    o11 = np.where(pairable, ones * (ones - 1) / denom, 0.0)
    o00 = np.where(pairable, zeros * (zeros - 1) / denom, 0.0)
    return o01, o11, o00


def _binary_alpha(o01: np.ndarray, o11: np.ndarray, o00: np.ndarray) -> np.ndarray:
    n1 = o11 + o01
    n0 = o00 + o01
    n = n0 + n1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n0 * n1 > 0) & (n >= 2), 1.0 - (n - 1) * o01 / (n0 * n1), np.nan)


def _binary_ac1(ones: np.ndarray, m: np.ndarray) -> np.ndarray:
    pairable = m >= 2
    rated = m >= 1
    agree = np.where(
        pairable,
        (ones * (ones - 1) + (m - ones) * (m - ones - 1)) / np.where(pairable, m * (m - 1), 1),
        0.0,
    )
    n_pairable = pairable.sum(axis=-1)
    n_rated = rated.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = agree.sum(axis=-1) / n_pairable
        pi = np.where(rated, ones / np.where(rated, m, 1), 0.0).sum(axis=-1) / n_rated
        p_e = 2 * pi * (1 - pi)
        return np.where(n_pairable > 0, (p_o - p_e) / (1 - p_e), np.nan)


def _binary_kappa(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Cohen's kappa per row of two presence matrices (nan = not coded)."""
    both = ~np.isnan(first) & ~np.isnan(second)
    n = both.sum(axis=-1)
    a = np.where(both, first, 0.0)
    b = np.where(both, second, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = np.where(both, a == b, False).sum(axis=-1) / n
        p1 = a.sum(axis=-1) / n
        p2 = b.sum(axis=-1) / n
        p_e = p1 * p2 + (1 - p1) * (1 - p2)
        return np.where((n > 0) & (p_e < 1), (p_o - p_e) / (1 - p_e), np.nan)


def presence_agreement(
    presence: Any,
    *,
    n_samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    clusters: Sequence[Hashable] | None = None,
) -> PresenceAgreement:
    """Agreement per code and overall on presence/absence data.

    ``presence[code, unit, coder]`` is 1 (the coder applied the code to the unit), 0 (the
    coder judged the unit and did not apply it) or nan (the coder did not judge the unit).
    Alpha is nominal; kappa only when there are exactly two coders. One set of bootstrap
    draws serves every code and the overall figure; it resamples units, or with
    ``clusters`` (one label per unit) whole clusters of units that were judged together.
    ``overall["n_resampled"]`` says how many units or clusters the draws were taken from.
    """
    p = np.asarray(presence, dtype=float)
    if p.ndim != 3:
        raise ValueError(f"presence must be codes x units x coders. Got shape {p.shape}.")
    n_codes, n_units, n_coders = p.shape
    judged = ~np.isnan(p)
    m = judged.sum(axis=2).astype(float)  # [codes, units]
    ones = np.where(judged, p, 0.0).sum(axis=2)  # [codes, units]
    o01, o11, o00 = _binary_parts(ones, m)
    parts = (o01.sum(axis=1), o11.sum(axis=1), o00.sum(axis=1))
    alpha = _binary_alpha(*parts)
    n = parts[0] * 2 + parts[1] + parts[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(n > 0, (parts[1] + parts[2]) / n, np.nan)
    ac1 = _binary_ac1(ones, m)
    kappa = _binary_kappa(p[:, :, 0], p[:, :, 1]) if n_coders == 2 else np.full(n_codes, np.nan)
    total = tuple(x.sum() for x in parts)
    overall_alpha = float(_binary_alpha(*(np.asarray(x) for x in total)))
    n_all = total[0] * 2 + total[1] + total[2]
    overall = {
        "alpha": _none_if_nan(overall_alpha),
        "kappa": _none_if_nan(float(_binary_kappa(p[:, :, 0].ravel(), p[:, :, 1].ravel())))
        if n_coders == 2
        else None,
        "ac1": _none_if_nan(float(_binary_ac1(ones.ravel(), m.ravel()))),
        "percent": _none_if_nan((total[1] + total[2]) / n_all) if n_all > 0 else None,
        "n_units": int((m >= 2).any(axis=0).sum()),
    }
    # Bootstrap: resample units (the same draws for every code and for the overall figure).
    # Only units with two or more judgements carry information; draw from those.
    pairable_units = (m >= 2).any(axis=0)
    stacked = np.concatenate([o01, o11, o00], axis=0).T[pairable_units]  # [units, 3 * codes]
    if clusters is not None:
        labels = list(clusters)
        if len(labels) != n_units:
            raise ValueError(
                f"clusters must give one label per unit. Got {len(labels)} for {n_units} units."
            )
        stacked = _by_cluster(stacked, [c for c, keep in zip(labels, pairable_units) if keep])
    n_pairable = stacked.shape[0]
    overall["n_resampled"] = n_pairable
    if n_pairable and n_samples:
        rng = np.random.default_rng(seed)
        per_code, pooled = [], []
        for weights in _weight_blocks(rng, n_pairable, n_samples):
            sums = weights @ stacked
            b01, b11, b00 = (
                sums[:, :n_codes],
                sums[:, n_codes : 2 * n_codes],
                sums[:, 2 * n_codes :],
            )
            per_code.append(_binary_alpha(b01, b11, b00))
            pooled.append(_binary_alpha(b01.sum(1), b11.sum(1), b00.sum(1)))
        per_code_samples = np.concatenate(per_code, axis=0)
        cis = [_interval(per_code_samples[:, k], confidence) for k in range(n_codes)]
        overall_ci = _interval(np.concatenate(pooled), confidence)
    else:
        cis = [(None, None)] * n_codes
        overall_ci = (None, None)
    overall["alpha_ci"] = [overall_ci[0], overall_ci[1]]
    return PresenceAgreement(
        alpha=[_none_if_nan(x) for x in alpha],
        alpha_ci=cis,
        kappa=[_none_if_nan(x) for x in kappa],
        ac1=[_none_if_nan(x) for x in ac1],
        percent=[_none_if_nan(x) for x in percent],
        n_units=[int(x) for x in (m >= 2).sum(axis=1)],
        overall=overall,
    )


# ---------------------------------------------------------------------------------------------
# Unitized alpha (Krippendorff 2004, section 12.4): free spans on a continuum


@dataclass(frozen=True)
class UnitizedValue:
    alpha: float | None
    observed: float
    expected: float


@dataclass(frozen=True)
class UnitizedAlpha:
    """Overall u-alpha and its parts per value (``alpha`` None when undefined)."""

    alpha: float | None
    observed: float
    expected: float
    values: dict[Hashable, UnitizedValue]


def _sections(spans: list[tuple[int, int]], begin: int, end: int) -> np.ndarray:
    """The continuum cut by one coder for one value: rows (start, length, marked).

    Spans that overlap are merged into one unit; spans that only touch ([0, 10) and
    [10, 20)) stay two units, as the coder marked them (issue 13).
    """
    merged: list[list[int]] = []
    for start, stop in sorted(spans):
        start, stop = max(start, begin), min(stop, end)
        if stop <= start:
            continue
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    rows, pos = [], begin
    for start, stop in merged:
        if start > pos:
            rows.append((pos, start - pos, 0))
        rows.append((start, stop - start, 1))
        pos = stop
    if pos < end:
        rows.append((pos, end - pos, 0))
    return np.asarray(rows, dtype=float).reshape(-1, 3)


def _pair_disagreement(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of delta^2 between coder a's and coder b's sections (Krippendorff 2004, p. 252)."""
    bi, li, wi = (a[:, k][:, None] for k in range(3))
    bj, lj, wj = (b[:, k][None, :] for k in range(3))
    diff = bi - bj
    both = (wi == 1) & (wj == 1) & (-li < diff) & (diff < lj)
    inside_gap = (wi == 1) & (wj == 0) & (lj - li >= diff) & (diff >= 0)
    covers = (wi == 0) & (wj == 1) & (li - lj >= -diff) & (-diff >= 0)
    d = np.where(both, diff**2 + (bi + li - bj - lj) ** 2, 0.0)
    d = np.where(inside_gap, li**2, d)
    d = np.where(covers, lj**2, d)
    return float(d.sum())


def _continua(
    begin: int | None, end: int | None, continua: Sequence[tuple[int, int]] | None
) -> list[tuple[int, int]]:
    if continua is None:
        if begin is None or end is None:
            raise ValueError("Give begin and end, or continua.")
        continua = [(begin, end)]
    elif begin is not None or end is not None:
        raise ValueError("Give begin and end, or continua, not both.")
    out = sorted((int(b), int(e)) for b, e in continua)
    if not out:
        raise ValueError("continua must hold at least one (begin, end).")
    for (b, e), following in zip(out, out[1:] + [None]):
        if e <= b:
            raise ValueError(f"end must be after begin. Got begin={b}, end={e}.")
        if following is not None and following[0] < e:
            raise ValueError(f"continua overlap: ({b}, {e}) and {following}.")
    return out


@dataclass(frozen=True)
class _ValueParts:
    """One value's u-alpha ingredients per continuum (axis: continua), so that a bootstrap
    sample, which takes each continuum a whole number of times, is a few weighted sums."""

    observed: np.ndarray  # [D] sum of delta^2 over ordered coder pairs within the continuum
    n_marked: np.ndarray  # [D] marked sections (all coders)
    cubic: np.ndarray  # [D] sum of (2l^3 - 3l^2 + l) / 3 over marked sections
    square: np.ndarray  # [D] sum of l (l - 1) over marked sections
    room: np.ndarray  # [D, D] sum over marked sections in d of l^2 * (g - l + 1) over
    #                        the gaps g >= l in d'


def _gather_spans(
    units: Iterable[tuple[Hashable, Hashable, int, int]], coders: Sequence[Hashable] | None
) -> tuple[list[Hashable], dict[Hashable, dict[Hashable, list[tuple[int, int]]]]]:
    spans: dict[Hashable, dict[Hashable, list[tuple[int, int]]]] = {}
    seen_coders: list[Hashable] = list(coders) if coders is not None else []
    for coder, value, start, stop in units:
        if coder not in seen_coders:
            if coders is not None:
                raise ValueError(f"coder {coder!r} is not in coders={list(coders)!r}.")
            seen_coders.append(coder)
        spans.setdefault(value, {}).setdefault(coder, []).append((int(start), int(stop)))
    if len(seen_coders) < 2:
        raise ValueError(f"u-alpha needs at least two coders. Got {len(seen_coders)}.")
    return seen_coders, spans


def _value_parts(
    by_coder: dict[Hashable, list[tuple[int, int]]],
    coders: list[Hashable],
    pieces: list[tuple[int, int]],
) -> _ValueParts:
    m, n_pieces = len(coders), len(pieces)
    observed = np.zeros(n_pieces)
    marked, marked_at, gaps, gaps_at = [], [], [], []
    for d, (b, e) in enumerate(pieces):
        sections = [_sections(by_coder.get(c, []), b, e) for c in coders]
        observed[d] = sum(
            _pair_disagreement(sections[i], sections[j])
            for i in range(m)
            for j in range(m)
            if i != j
        )
        every = np.concatenate(sections)
        on = every[:, 2] == 1
        marked.append(every[on, 1])
        gaps.append(every[~on, 1])
        marked_at.append(np.full(int(on.sum()), d))
        gaps_at.append(np.full(int((~on).sum()), d))
    lengths, where = np.concatenate(marked), np.concatenate(marked_at).astype(int)
    gap_lengths, gap_where = np.concatenate(gaps), np.concatenate(gaps_at).astype(int)
    fits = gap_lengths[None, :] >= lengths[:, None]
    room = np.where(fits, gap_lengths[None, :] - lengths[:, None] + 1, 0.0)  # [marked, gaps]
    per_piece = np.zeros((len(lengths), n_pieces))  # [marked, D]
    np.add.at(per_piece.T, gap_where, room.T)
    weighted = lengths[:, None] ** 2 * per_piece
    room_dd = np.zeros((n_pieces, n_pieces))
    np.add.at(room_dd, where, weighted)
    return _ValueParts(
        observed=observed,
        n_marked=np.bincount(where, minlength=n_pieces).astype(float),
        cubic=np.bincount(
            where, (2 * lengths**3 - 3 * lengths**2 + lengths) / 3, minlength=n_pieces
        ),
        square=np.bincount(where, lengths * (lengths - 1), minlength=n_pieces),
        room=room_dd,
    )


def _value_disagreements(
    parts: _ValueParts, weights: np.ndarray, piece_lengths: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """D_o and D_e of one value for each row of ``weights`` ([samples, continua]): how
    often each continuum is taken (all ones: the data as they are)."""
    length = weights @ piece_lengths
    n_c = weights @ parts.n_marked
    numerator = (n_c - 1) * (weights @ parts.cubic) + ((weights @ parts.room) * weights).sum(1)
    denominator = m * length * (m * length - 1) - weights @ parts.square
    with np.errstate(divide="ignore", invalid="ignore"):
        d_e = np.where(denominator > 0, 2 / length * numerator / denominator, 0.0)
    d_o = (weights @ parts.observed) / (m * (m - 1) * length**2)
    return d_o, d_e


def _unitized_parts(
    units: Iterable[tuple[Hashable, Hashable, int, int]],
    pieces: list[tuple[int, int]],
    coders: Sequence[Hashable] | None,
) -> tuple[int, np.ndarray, dict[Hashable, _ValueParts]]:
    seen_coders, spans = _gather_spans(units, coders)
    lengths = np.asarray([e - b for b, e in pieces], dtype=float)
    return (
        len(seen_coders),
        lengths,
        {value: _value_parts(by_coder, seen_coders, pieces) for value, by_coder in spans.items()},
    )


def unitized_alpha(
    units: Iterable[tuple[Hashable, Hashable, int, int]],
    *,
    begin: int | None = None,
    end: int | None = None,
    continua: Sequence[tuple[int, int]] | None = None,
    coders: Sequence[Hashable] | None = None,
) -> UnitizedAlpha:
    """Krippendorff's u-alpha for spans that coders marked freely on one or more continua.

    ``units`` are ``(coder, value, start, end)`` with ``end`` exclusive (character offsets);
    the continuum is ``[begin, end)``, or several separate ones given as ``continua``
    (``[(begin, end), ...]``, e.g. one per document). A span is cut at the edges of its
    continuum, so nothing is merged across documents and the result does not depend on
    where the continua lie relative to each other. ``coders`` lists every coder, also one
    who marked nothing (default: the coders seen). Overlapping spans of one value by one
    coder are merged; spans that only touch are not. Per value c, each continuum is cut into
    c-sections and gaps; D_o and D_e are computed over all sections of all continua with
    the total length as L, and the overall D_o and D_e are the sums over values
    (Krippendorff 2004, pp. 251-256).
    """
    pieces = _continua(begin, end, continua)
    m, lengths, parts = _unitized_parts(units, pieces, coders)
    once = np.ones((1, len(pieces)))
    per_value: dict[Hashable, UnitizedValue] = {}
    total_o = total_e = 0.0
    for value, value_parts in parts.items():
        d_o, d_e = (float(x[0]) for x in _value_disagreements(value_parts, once, lengths, m))
        per_value[value] = UnitizedValue(None if d_e == 0 else 1 - d_o / d_e, d_o, d_e)
        total_o += d_o
        total_e += d_e
    overall = None if total_e == 0 else 1 - total_o / total_e
    return UnitizedAlpha(overall, total_o, total_e, per_value)


@dataclass(frozen=True)
class UnitizedInterval:
    """Bootstrap intervals for u-alpha: overall and per value; ``n_resampled`` continua."""

    overall: tuple[float | None, float | None]
    values: dict[Hashable, tuple[float | None, float | None]]
    n_resampled: int


def bootstrap_unitized_alpha(
    units: Iterable[tuple[Hashable, Hashable, int, int]],
    *,
    continua: Sequence[tuple[int, int]],
    coders: Sequence[Hashable] | None = None,
    n_samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> UnitizedInterval:
    """Percentile bootstrap interval for u-alpha, resampling whole continua (documents).

    A coder marks spans in a document in one reading, so the document is what was judged
    independently: each bootstrap sample draws as many documents as there are, with
    replacement, and recomputes u-alpha on them as separate continua (a document drawn twice
    counts twice), as :func:`presence_agreement` does with ``clusters`` (issue 13). Each
    document's share of D_o and D_e is computed once, so a sample costs a few matrix
    products. Samples where u-alpha is undefined rank lowest (see :func:`_interval`).
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1. Got {n_samples} instead.")
    pieces = _continua(None, None, continua)
    m, lengths, parts = _unitized_parts(units, pieces, coders)
    rng = np.random.default_rng(seed)
    per_value: dict[Hashable, list[np.ndarray]] = {value: [] for value in parts}
    pooled = []
    for weights in _weight_blocks(rng, len(pieces), n_samples):
        total_o = np.zeros(len(weights))
        total_e = np.zeros(len(weights))
        for value, value_parts in parts.items():
            d_o, d_e = _value_disagreements(value_parts, weights, lengths, m)
            with np.errstate(divide="ignore", invalid="ignore"):
                per_value[value].append(np.where(d_e > 0, 1 - d_o / d_e, np.nan))
            total_o += d_o
            total_e += d_e
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled.append(np.where(total_e > 0, 1 - total_o / total_e, np.nan))
    return UnitizedInterval(
        overall=_interval(np.concatenate(pooled), confidence) if pooled else (None, None),
        values={v: _interval(np.concatenate(s), confidence) for v, s in per_value.items()},
        n_resampled=len(pieces),
    )
