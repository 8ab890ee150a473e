"""Agreement statistics for rating sheets: Cohen's kappa, Fleiss' kappa and ICC(2,1).

Each returns a frozen result with the value (None when it is undefined, never a division
error), the counts it rests on and a one-sentence plain reading. Bands: Landis & Koch (1977)
for kappa, Koo & Li (2016) for the ICC.

>>> k = cohen_kappa([1, 1, 0, 0, 1, 0], [1, 0, 0, 0, 1, 0])
>>> round(k.kappa, 3), round(k.percent_agreement, 1)
(0.667, 83.3)
>>> k.reading
'Substantial agreement beyond chance (kappa 0.67, 95% CI 0.10 to 1.00) over 6 items.'
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


@dataclass(frozen=True)
class CohenKappa:
    kappa: float | None  # None: undefined (chance agreement is complete, or no items)
    se: float | None  # asymptotic standard error (Fleiss, Cohen & Everitt 1969)
    ci_low: float | None
    ci_high: float | None
    percent_agreement: float | None  # 0-100
    items: int
    reading: str


@dataclass(frozen=True)
class FleissKappa:
    kappa: float | None
    subjects: int
    raters: int
    reading: str


@dataclass(frozen=True)
class ICC:
    """ICC(2,1): two-way random effects, absolute agreement, single rater (Shrout & Fleiss)."""

    icc: float | None
    subjects: int
    raters: int
    reading: str
    form: str = "ICC(2,1)"


def kappa_band(kappa: float) -> str:
    """Landis & Koch's words for a kappa.

    >>> kappa_band(-0.1), kappa_band(0.2), kappa_band(0.55), kappa_band(0.95)
    ('Less than chance', 'Slight', 'Moderate', 'Almost perfect')
    """
    if kappa < 0:
        return "Less than chance"
    for limit, word in (
        (0.20, "Slight"),
        (0.40, "Fair"),
        (0.60, "Moderate"),
        (0.80, "Substantial"),
    ):
        if kappa <= limit:
            return word
    return "Almost perfect"


def cohen_kappa(rater_a: Sequence[Hashable], rater_b: Sequence[Hashable]) -> CohenKappa:
    """Cohen's kappa of two raters over the same items, with an analytic 95% CI."""
    if len(rater_a) != len(rater_b):
        raise ValueError(
            f"the raters rated {len(rater_a)} and {len(rater_b)} items; expected equal"
        )
    n = len(rater_a)
    if n == 0:
        return CohenKappa(None, None, None, None, None, 0, "No items were rated by both.")
    categories = sorted(set(rater_a) | set(rater_b), key=repr)
    index = {c: i for i, c in enumerate(categories)}
    size = len(categories)
    counts = [[0] * size for _ in range(size)]
    for a, b in zip(rater_a, rater_b, strict=True):
        counts[index[a]][index[b]] += 1
    p = [[c / n for c in row] for row in counts]
    row = [sum(p[i]) for i in range(size)]
    col = [sum(p[i][j] for i in range(size)) for j in range(size)]
    observed = sum(p[i][i] for i in range(size))
    expected = sum(row[i] * col[i] for i in range(size))
    percent = 100 * sum(counts[i][i] for i in range(size)) / n  # exact: from whole counts
    if math.isclose(expected, 1.0):
        # Both raters used one and the same category throughout: chance explains everything.
        reading = (
            f"Kappa is undefined: both raters gave all {n} items the same answer, so agreement "
            f"cannot be told apart from chance (percent agreement {percent:.0f}%)."
        )
        return CohenKappa(None, None, None, None, percent, n, reading)
    kappa = (observed - expected) / (1 - expected)
    term_a = sum(p[i][i] * (1 - (row[i] + col[i]) * (1 - kappa)) ** 2 for i in range(size))
    term_b = (1 - kappa) ** 2 * sum(
        p[i][j] * (col[i] + row[j]) ** 2 for i in range(size) for j in range(size) if i != j
    )
    term_c = (kappa - expected * (1 - kappa)) ** 2
    variance = max((term_a + term_b - term_c) / (1 - expected) ** 2 / n, 0.0)
    se = math.sqrt(variance)
    low, high = max(kappa - Z_95 * se, -1.0), min(kappa + Z_95 * se, 1.0)
    reading = (
        f"{kappa_band(kappa)} agreement beyond chance (kappa {kappa:.2f}, "
        f"95% CI {low:.2f} to {high:.2f}) over {n} items."
    )
    return CohenKappa(kappa, se, low, high, percent, n, reading)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> FleissKappa:
    """Fleiss' kappa from a subjects x categories table of how many raters chose each.

    Every subject must have the same number of raters.
    """
    subjects = len(counts)
    totals = {sum(row) for row in counts}
    if len(totals) > 1:
        raise ValueError(f"every subject needs the same number of raters; found {sorted(totals)}")
    raters = totals.pop() if totals else 0
    if subjects == 0:
        return FleissKappa(None, 0, raters, "No segments were rated.")
    if raters < 2:
        return FleissKappa(None, subjects, raters, _too_few_raters(raters))
    categories = len(counts[0])
    pj = [sum(row[j] for row in counts) / (subjects * raters) for j in range(categories)]
    p_i = [(sum(c * c for c in row) - raters) / (raters * (raters - 1)) for row in counts]
    p_bar = sum(p_i) / subjects
    p_e = sum(x * x for x in pj)
    if math.isclose(p_e, 1.0):
        return FleissKappa(
            None,
            subjects,
            raters,
            f"Kappa is undefined: all {raters} raters gave every segment the same answer, so "
            "agreement cannot be told apart from chance.",
        )
    kappa = (p_bar - p_e) / (1 - p_e)
    reading = (
        f"{kappa_band(kappa)} agreement among the {raters} raters beyond chance "
        f"(Fleiss' kappa {kappa:.2f}) over {subjects} items."
    )
    return FleissKappa(kappa, subjects, raters, reading)


def icc_band(icc: float) -> str:
    """Koo & Li's words for an ICC.

    >>> icc_band(0.3), icc_band(0.6), icc_band(0.8), icc_band(0.95)
    ('Poor', 'Moderate', 'Good', 'Excellent')
    """
    if icc < 0.5:
        return "Poor"
    if icc < 0.75:
        return "Moderate"
    return "Good" if icc <= 0.9 else "Excellent"


def icc_2_1(ratings: Sequence[Sequence[float]]) -> ICC:
    """ICC(2,1) of a subjects x raters table (two-way random, absolute agreement, single).

    >>> shrout_fleiss = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...                  [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(icc_2_1(shrout_fleiss).icc, 2)  # Shrout & Fleiss (1979), Table 4
    0.29
    """
    n = len(ratings)
    widths = {len(row) for row in ratings}
    if len(widths) > 1:
        raise ValueError(f"every segment needs a rating from every rater; found {sorted(widths)}")
    k = widths.pop() if widths else 0
    if k < 2:
        return ICC(None, n, k, _too_few_raters(k))
    if n < 2:
        return ICC(None, n, k, "The ICC needs at least two rated items; there is one or none.")
    grand = sum(map(sum, ratings)) / (n * k)
    row_means = [sum(row) / k for row in ratings]
    col_means = [sum(row[j] for row in ratings) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((x - grand) ** 2 for row in ratings for x in row)
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    if denominator <= 1e-12:
        if ss_total <= 1e-12:
            return ICC(
                None, n, k, f"The ICC is undefined: all {k} raters gave every item the same value."
            )
        return ICC(None, n, k, "The ICC is undefined: the items do not vary.")
    icc = (ms_rows - ms_error) / denominator
    reading = (
        f"{icc_band(icc)} agreement on significance among the {k} raters "
        f"(ICC(2,1) {icc:.2f}) over {n} items."
    )
    return ICC(icc, n, k, reading)


def _too_few_raters(raters: int) -> str:
    found = "there is only one" if raters == 1 else "there are none"
    return f"Agreement across raters needs at least two raters; {found}."
