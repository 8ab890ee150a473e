"""Cohen's kappa (with CI), Fleiss' kappa and ICC(2,1) against reference implementations
(scikit-learn, statsmodels, Shrout & Fleiss 1979), including the degenerate cases."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from alliance_lens.practice.agreement import cohen_kappa, fleiss_kappa, icc_2_1

# The references warn (and return nan) on the degenerate cases this file checks on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")

sklearn_metrics = pytest.importorskip("sklearn.metrics")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

CASES = {
    "moderate": ([1, 1, 0, 0, 1, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 1, 1, 0, 0, 0]),
    "opposite": ([1, 0, 1, 0], [0, 1, 0, 1]),
    "one-sided": ([1, 1, 1, 1, 0], [1, 1, 1, 1, 1]),
    "perfect": ([1, 0, 1, 0, 0], [1, 0, 1, 0, 0]),
    "three categories": ([0, 1, 2, 2, 1, 0, 2], [0, 1, 2, 1, 1, 2, 2]),
}


def _table(a: list[int], b: list[int]) -> np.ndarray:
    cats = sorted(set(a) | set(b))
    table = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b, strict=True):
        table[cats.index(x), cats.index(y)] += 1
    return table


@pytest.mark.parametrize("name", CASES)
def test_cohen_kappa_matches_sklearn_and_statsmodels(name: str) -> None:
    a, b = CASES[name]
    ours = cohen_kappa(a, b)
    assert ours.kappa == pytest.approx(sklearn_metrics.cohen_kappa_score(a, b), abs=1e-12)
    ref = inter_rater.cohens_kappa(_table(a, b))
    assert ours.se == pytest.approx(ref.std_kappa, abs=1e-12)
    assert ours.ci_low == pytest.approx(max(ref.kappa_low, -1.0), abs=1e-9)
    assert ours.ci_high == pytest.approx(min(ref.kappa_upp, 1.0), abs=1e-9)
    assert ours.percent_agreement == pytest.approx(100 * np.mean(np.equal(a, b)))
    assert ours.reading.endswith(f"over {len(a)} items.")


def test_cohen_kappa_on_random_cases_matches_sklearn() -> None:
    rng = random.Random(12)
    for _ in range(50):
        n = rng.randint(2, 40)
        a = [rng.random() < 0.3 for _ in range(n)]
        b = [x if rng.random() < 0.7 else not x for x in a]
        ref = sklearn_metrics.cohen_kappa_score(a, b)
        ours = cohen_kappa(a, b).kappa
        assert (ours is None and math.isnan(ref)) or ours == pytest.approx(ref, abs=1e-12)


def test_perfect_agreement_is_kappa_one_with_a_zero_width_interval() -> None:
    result = cohen_kappa(*CASES["perfect"])
    assert (result.kappa, result.ci_low, result.ci_high) == (
        pytest.approx(1.0),
        pytest.approx(1.0),
        pytest.approx(1.0),
    )
    assert result.reading.startswith("Almost perfect agreement")


@pytest.mark.filterwarnings("ignore")
def test_all_absent_is_undefined_not_a_division_error() -> None:
    a = b = [False] * 6
    assert math.isnan(sklearn_metrics.cohen_kappa_score(a, b))  # the reference agrees
    result = cohen_kappa(a, b)
    assert (result.kappa, result.se, result.ci_low) == (None, None, None)
    assert result.percent_agreement == 100.0
    assert "undefined" in result.reading and "100%" in result.reading


def test_no_items_and_unequal_lengths() -> None:
    assert cohen_kappa([], []).kappa is None
    with pytest.raises(ValueError, match="3 and 2 items"):
        cohen_kappa([1, 0, 1], [1, 0])


FLEISS = {
    # Fleiss (1971)-style small tables: subjects x (absent, present) counts.
    "mixed": [[3, 1], [0, 4], [2, 2], [4, 0], [1, 3], [4, 0]],
    "good": [[5, 0], [0, 5], [1, 4], [5, 0], [0, 5]],
    "five categories": [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0]],
}


@pytest.mark.parametrize("name", FLEISS)
def test_fleiss_kappa_matches_statsmodels(name: str) -> None:
    table = FLEISS[name]
    ours = fleiss_kappa(table)
    assert ours.kappa == pytest.approx(inter_rater.fleiss_kappa(np.array(table)), abs=1e-12)
    assert ours.raters == sum(table[0]) and ours.subjects == len(table)
    assert "Fleiss' kappa" in ours.reading


@pytest.mark.filterwarnings("ignore")
def test_fleiss_degenerate_cases_read_honestly() -> None:
    all_absent = [[4, 0], [4, 0], [4, 0]]
    assert math.isnan(inter_rater.fleiss_kappa(np.array(all_absent)))
    result = fleiss_kappa(all_absent)
    assert result.kappa is None and "undefined" in result.reading
    perfect = fleiss_kappa([[4, 0], [0, 4], [4, 0]])
    assert perfect.kappa == pytest.approx(1.0)
    one = fleiss_kappa([[1, 0], [0, 1]])
    assert one.kappa is None and "only one" in one.reading
    assert fleiss_kappa([]).kappa is None
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([[1, 1], [1, 0]])


SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def _icc21_reference(x: np.ndarray) -> float:
    """ICC(2,1) from a two-way ANOVA written out with numpy (Shrout & Fleiss, 1979)."""
    n, k = x.shape
    grand = x.mean()
    msr = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    resid = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    mse = (resid**2).sum() / ((n - 1) * (k - 1))
    return float((msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n))


def test_icc_matches_the_published_shrout_fleiss_value() -> None:
    result = icc_2_1(SHROUT_FLEISS)
    assert round(result.icc, 2) == 0.29  # type: ignore[arg-type]
    assert result.icc == pytest.approx(_icc21_reference(np.array(SHROUT_FLEISS, float)))
    assert result.form == "ICC(2,1)" and "Poor" in result.reading


def test_icc_on_random_tables_matches_the_anova_reference() -> None:
    rng = np.random.default_rng(12)
    for _ in range(20):
        x = rng.integers(0, 6, size=(rng.integers(2, 12), rng.integers(2, 6))).astype(float)
        if np.ptp(x) == 0:
            continue
        assert icc_2_1(x.tolist()).icc == pytest.approx(_icc21_reference(x), abs=1e-12)


def test_icc_degenerate_cases_read_honestly() -> None:
    same = icc_2_1([[3, 3], [3, 3], [3, 3]])
    assert same.icc is None and "same value" in same.reading
    assert icc_2_1([[1, 2]]).icc is None  # one item
    one = icc_2_1([[1], [2], [3]])
    assert one.icc is None and "only one" in one.reading
    assert icc_2_1([[1, 1], [5, 5], [3, 3]]).icc == pytest.approx(1.0)
    with pytest.raises(ValueError, match="every rater"):
        icc_2_1([[1, 2], [3]])
