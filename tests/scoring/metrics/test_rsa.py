"""RSA on cases small enough to work by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata, spearmanr

from scoring.benchmarks.rsa import coggan_rsm
from scoring.metrics.rsa import (
    bootstrap_over_images,
    compare,
    kendall_tau_a,
    noise_ceiling,
    rank_rows,
    rdm,
    rsa_score,
    vectorize,
)

# Four images, three features. Centred: A = (-1, 0, 1), B = 2A, C = -A, D = (-1, 1, 0).
# r(A,B) = 1, r(A,C) = r(B,C) = -1, r(A,D) = r(B,D) = 1/2, r(C,D) = -1/2.
FEATURES = np.array([[1, 2, 3], [2, 4, 6], [3, 2, 1], [1, 3, 2]], dtype=float)
HAND_RDM = np.array(
    [
        [0.0, 0.0, 2.0, 0.5],
        [0.0, 0.0, 2.0, 0.5],
        [2.0, 2.0, 0.0, 1.5],
        [0.5, 0.5, 1.5, 0.0],
    ]
)


def symmetric(upper: list[float], n: int) -> np.ndarray:
    """An n × n symmetric matrix with zero diagonal from its upper triangle (row order)."""
    matrix = np.zeros((n, n))
    rows, cols = np.triu_indices(n, k=1)
    matrix[rows, cols] = upper
    return matrix + matrix.T


def test_model_rdm_is_one_minus_pearson_worked_by_hand() -> None:
    result = rdm(FEATURES)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, HAND_RDM, atol=1e-12)


def test_model_rdm_matches_corrcoef_on_many_features() -> None:
    features = np.random.default_rng(0).normal(size=(30, 500)).astype(np.float32)
    np.testing.assert_allclose(rdm(features), 1 - np.corrcoef(features.astype(float)), atol=1e-9)


def test_upper_triangle_in_row_order() -> None:
    # AB, AC, AD, BC, BD, CD
    np.testing.assert_array_equal(vectorize(HAND_RDM), [0, 2, 0.5, 2, 0.5, 1.5])


def test_spearman_worked_by_hand() -> None:
    # Model ranks (ties averaged): (1, 5.5, 2.5, 5.5, 2.5, 4); data ranks (1, 6, 2, 5, 3, 4).
    # Centred: (-2.5, 2, -1, 2, -1, .5) and (-2.5, 2.5, -1.5, 1.5, -.5, .5);
    # dot 16.5, squared norms 16.5 and 17.5 → ρ = sqrt(16.5 / 17.5).
    data = symmetric([1, 6, 2, 5, 3, 4], 4)
    assert compare(HAND_RDM, data)[0] == pytest.approx(np.sqrt(16.5 / 17.5), abs=1e-12)


def test_kendall_tau_a_worked_by_hand() -> None:
    # 15 pairs of cells: the two tied model pairs (BC=AC, BD=AD) count 0, the other 13 are
    # concordant → τ_a = 13/15 (τ_b would divide by fewer pairs).
    data = symmetric([1, 6, 2, 5, 3, 4], 4)
    assert compare(HAND_RDM, data, "kendall_a")[0] == pytest.approx(13 / 15, abs=1e-12)
    assert kendall_tau_a(np.array([1.0, 2, 3]), np.array([3.0, 2, 1])) == pytest.approx(-1.0)


def test_off_diagonal_cells_use_both_triangles() -> None:
    # Model (symmetric): off-diagonal cells in row order (1, 2, 1, 3, 2, 3); data upper (1, 2, 3)
    # as the model, lower (3, 1, 2): cells (1, 2, 3, 3, 1, 2). Centred: (-1, 0, -1, 1, 0, 1) and
    # (-1, 0, 1, 1, -1, 0): dot 1, squared norms 4 and 4 → r = 1/4.
    model = symmetric([1, 2, 3], 3)
    data = np.array([[0, 1, 2], [3, 0, 3], [1, 2, 0]], dtype=float)
    assert compare(model, data, "pearson", "upper")[0] == pytest.approx(1.0)
    assert compare(model, data, "pearson", "off_diagonal")[0] == pytest.approx(0.25)


@pytest.mark.parametrize("comparison", ["spearman", "pearson"])
def test_noise_ceiling_bounds_on_three_subjects(comparison: str) -> None:
    # Upper triangles s1 = (1, 2, 3), s2 = (1, 3, 2), s3 = (2, 1, 3).
    # Upper: mean of all = (4/3, 2, 8/3) ∝ (-1, 0, 1) centred → r = 1, 1/2, 1/2 → 2/3.
    # Lower: s1 vs (1.5, 2, 2.5) → 1; s2 vs (1.5, 1.5, 3) → 0; s3 vs (1, 2.5, 2.5) → 0 → 1/3.
    subjects = np.stack([symmetric(u, 3) for u in ([1, 2, 3], [1, 3, 2], [2, 1, 3])])
    ceiling = noise_ceiling(subjects, comparison)  # type: ignore[arg-type]
    np.testing.assert_allclose(ceiling.upper_per_subject, [1, 0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(ceiling.lower_per_subject, [1, 0, 0], atol=1e-12)
    assert ceiling.upper == pytest.approx(2 / 3)
    assert ceiling.lower == pytest.approx(1 / 3)


def test_spearman_ceiling_averages_ranks_not_values() -> None:
    # s2's value 100 dominates a plain mean (1, 104/3, 8/3), whose ranks (1, 3, 2) give s1
    # ρ = 1/2; the mean of ranks (1, 7/3, 8/3) keeps s1's and s3's order: ρ = 1.
    subjects = np.stack([symmetric(u, 3) for u in ([1, 2, 3], [1, 100, 2], [1, 2, 3])])
    plain_mean = vectorize(subjects).mean(axis=0)
    assert compare(symmetric(list(plain_mean), 3), subjects[0])[0] == pytest.approx(0.5)
    assert noise_ceiling(subjects, "spearman").upper_per_subject[0] == pytest.approx(1.0)


def test_ceiling_needs_two_subjects() -> None:
    with pytest.raises(ValueError, match="two subjects"):
        noise_ceiling(HAND_RDM[None])


def test_bootstrap_drops_cells_pairing_an_image_with_its_copy() -> None:
    # A NaN diagonal would poison every resampling that draws an image twice.
    data = np.random.default_rng(1).normal(size=(8, 8))
    np.fill_diagonal(data, np.nan)
    model = rdm(np.random.default_rng(2).normal(size=(8, 5)))
    values = bootstrap_over_images(model, data[None], "pearson", "off_diagonal", 50, seed=3)
    assert np.all(np.isfinite(values))
    assert np.all(np.abs(values) <= 1 + 1e-12)


def test_bootstrap_is_zero_for_a_perfect_model_and_positive_otherwise() -> None:
    features = np.random.default_rng(4).normal(size=(20, 30))
    data = rdm(features)
    perfect = rsa_score(data, np.stack([data, data]), n_bootstraps=30)
    assert perfect.raw == pytest.approx(1.0)
    assert perfect.error == pytest.approx(0.0, abs=1e-12)
    noisy = rsa_score(rdm(features + np.random.default_rng(5).normal(size=(20, 30))), data)
    assert 0 < noisy.raw < 1
    assert noisy.error > 0
    assert noisy.ceiling is None  # one subject: no ceiling


def test_coggan_rsm_keeps_only_strong_units() -> None:
    # 30 weak units (mean 0) and 3 strong ones (mean 200): the unit means have SD
    # sqrt(3·200²/33 − (600/33)²) ≈ 57.5, so the threshold 3.1·57.5 ≈ 178 keeps exactly the
    # strong units. A constant unit (which would pass and cannot be z-scored) is dropped first.
    rng = np.random.default_rng(6)
    weak = rng.normal(size=(6, 30))
    weak -= weak.mean(axis=0)
    strong = 200 + rng.normal(size=(6, 3))
    constant = np.full((6, 1), 1000.0)
    z = (strong - strong.mean(axis=0)) / strong.std(axis=0)
    result = coggan_rsm(np.hstack([weak, strong, constant]))
    np.testing.assert_allclose(result, np.corrcoef(z), atol=1e-9)


def test_row_ranks_match_scipy_with_ties_and_nan() -> None:
    values = np.random.default_rng(7).integers(0, 30, size=(5, 400)).astype(float)
    np.testing.assert_allclose(rank_rows(values), rankdata(values, axis=1))
    values[3, 5] = np.nan
    ranks = rank_rows(values)
    assert np.isnan(ranks[3]).all() and np.isfinite(ranks[4]).all()


def test_one_bootstrap_equals_scipy_on_the_resampled_cells() -> None:
    n = 30
    model = rdm(np.random.default_rng(8).normal(size=(n, 40)))
    subjects = np.stack([rdm(np.random.default_rng(s).normal(size=(n, 10))) for s in range(3)])
    sample = np.random.default_rng(0).integers(0, n, size=n)  # the draw of seed 0
    rows, cols = np.triu_indices(n, 1)
    left, right = sample[rows], sample[cols]
    keep = left != right
    expected = np.mean(
        [spearmanr(model[left, right][keep], s[left, right][keep]).statistic for s in subjects]
    )
    got = bootstrap_over_images(model, subjects, n_bootstraps=1, seed=0)[0]
    assert got == pytest.approx(expected, abs=1e-12)
