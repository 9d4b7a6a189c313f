from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import xarray as xr
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import ShuffleSplit
from threadpoolctl import ThreadpoolController

from scoring.metrics.neural import (
    average_repetitions,
    ceil_score,
    internal_consistency_ceiling,
    leave_one_image_out_predictivity,
    neural_predictivity,
    pearson_columns,
    row_space_coordinates,
    spearman_brown,
    split_half_consistency,
)
from scoring.metrics.pls import fit_pls, one_blas_thread
from scoring.score import Score


def test_even_odd_split_half_of_real_site_matches_its_readme(it_site: xr.DataArray) -> None:
    even = it_site["repetition"].values % 2 == 0
    assert split_half_consistency(it_site, even)[0] == pytest.approx(0.728, abs=0.0005)


def test_ceiling_of_real_site_is_consistent_with_spearman_brown(it_site: xr.DataArray) -> None:
    ceiling = internal_consistency_ceiling(it_site)
    expected = spearman_brown(np.array(0.728))
    assert len(ceiling.details["split_ceilings"]) == 10
    assert abs(ceiling.raw - expected) < 3 * ceiling.error + 0.005
    assert 0 < ceiling.error < 0.01


def test_ceiling_splits_are_shuffled_halves_of_repetitions(it_site: xr.DataArray) -> None:
    first = internal_consistency_ceiling(it_site, n_splits=3)
    again = internal_consistency_ceiling(it_site, n_splits=3)
    other_seed = internal_consistency_ceiling(it_site, n_splits=3, random_state=2)
    assert first.details["split_ceilings"] == again.details["split_ceilings"]
    assert first.details["split_ceilings"] != other_seed.details["split_ceilings"]
    assert len(set(first.details["split_ceilings"])) == 3


def test_ceiling_from_repetition_sums_equals_each_split_half_recomputed(
    it_site: xr.DataArray,
) -> None:
    ceiling = internal_consistency_ceiling(it_site, n_splits=3)
    repetitions = np.asarray(it_site["repetition"].values)
    unique = np.unique(repetitions)
    splitter = ShuffleSplit(n_splits=3, train_size=0.5, random_state=1)
    for k, (half, _) in enumerate(splitter.split(unique)):
        direct = spearman_brown(split_half_consistency(it_site, np.isin(repetitions, unique[half])))
        np.testing.assert_allclose(ceiling.details["neuroid_ceilings"][k], direct, rtol=1e-10)


def test_average_repetitions_is_the_per_image_mean(it_site: xr.DataArray) -> None:
    averaged = average_repetitions(it_site)
    by_image = it_site.values[:, 0].reshape(640, 63).mean(axis=1)
    np.testing.assert_allclose(averaged.values[:, 0], by_image)
    assert "repetition" not in averaged.coords


def test_self_regression_is_near_the_ceiling(synthetic_population: xr.DataArray) -> None:
    target = average_repetitions(synthetic_population)
    score = neural_predictivity(target, target, n_splits=3)
    ceiling = internal_consistency_ceiling(synthetic_population, n_splits=3)
    assert 0.8 < ceiling.raw < 0.95
    assert abs(score.raw - ceiling.raw) < 0.05


def test_predictivity_ignores_presentation_order(synthetic_population: xr.DataArray) -> None:
    target = average_repetitions(synthetic_population)
    shuffled = target.isel(presentation=np.random.default_rng(0).permutation(160))
    first = neural_predictivity(target, target, n_splits=2, n_components=5)
    second = neural_predictivity(shuffled, target, n_splits=2, n_components=5)
    assert first.details["split_medians"].tolist() == second.details["split_medians"].tolist()


def test_noise_source_scores_near_zero(synthetic_population: xr.DataArray) -> None:
    target = average_repetitions(synthetic_population)
    noise = xr.DataArray(
        np.random.default_rng(1).normal(size=(160, 300)),
        dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", target["stimulus_id"].values)},
    )
    assert abs(neural_predictivity(noise, target, n_splits=3).raw) < 0.15


def _sklearn_fit_predict(
    train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray
) -> np.ndarray:
    return PLSRegression(n_components=25, scale=False).fit(train_x, train_y).predict(test_x)


def test_fast_pls_agrees_with_sklearn(synthetic_population: xr.DataArray) -> None:
    target = average_repetitions(synthetic_population)
    rng = np.random.default_rng(3)
    features = target.values @ rng.normal(size=(168, 600)) + rng.normal(size=(160, 600)) * 5
    source = xr.DataArray(
        features,
        dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", target["stimulus_id"].values)},
    )
    ours = neural_predictivity(source, target, n_splits=3)
    theirs = neural_predictivity(source, target, n_splits=3, fit_predict=_sklearn_fit_predict)
    difference = np.abs(ours.details["split_medians"] - theirs.details["split_medians"])
    assert difference.max() < 0.005


def test_pearson_columns_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    expected = [np.corrcoef(a[:, k], b[:, k])[0, 1] for k in range(3)]
    np.testing.assert_allclose(pearson_columns(a, b), expected)
    assert np.isnan(pearson_columns(np.ones((5, 1)), b[:5, :1]))[0]


def test_ceiling_conventions_give_the_papers_ratios() -> None:
    raw = Score(raw=0.600, error=0.02)
    a = ceil_score(raw, 0.8218, 0.001, "a")
    b = ceil_score(raw, 0.8218, 0.001, "b")
    c = ceil_score(raw, 0.8218, 0.001, "c")
    assert (round(a.center, 3), round(b.center, 3), round(c.center, 3)) == (0.730, 0.533, 0.438)
    assert a.error == b.error == c.error == 0.02
    with pytest.raises(ValueError):
        ceil_score(raw, 0.8, None, "d")  # type: ignore[arg-type]


def _images_assembly(values: np.ndarray, prefix: str = "unit") -> xr.DataArray:
    return xr.DataArray(
        values,
        dims=("presentation", "neuroid"),
        coords={
            "stimulus_id": ("presentation", [f"img{i:02d}" for i in range(len(values))]),
            "neuroid_id": ("neuroid", [f"{prefix}{k}" for k in range(values.shape[1])]),
        },
    )


def test_row_space_coordinates_give_the_same_pls_predictions() -> None:
    rng = np.random.default_rng(0)
    features, responses = rng.standard_normal((25, 3000)), rng.standard_normal((25, 7))
    reduced = row_space_coordinates(features)
    assert reduced.shape == (25, 25)
    full = fit_pls(features[:24], responses[:24], 5).predict(features[24:])
    small = fit_pls(reduced[:24], responses[:24], 5).predict(reduced[24:])
    np.testing.assert_allclose(small, full, rtol=1e-3, atol=1e-4)


def test_leave_one_image_out_finds_a_linear_code_and_gives_noise_about_zero() -> None:
    rng = np.random.default_rng(1)
    latent = rng.standard_normal((25, 4))
    responses = _images_assembly(latent @ rng.standard_normal((4, 60)), "site")
    code = _images_assembly(latent @ rng.standard_normal((4, 500)))
    found = leave_one_image_out_predictivity(code, responses, n_bootstrap=50)
    assert found.raw > 0.95 and found.details["n_images"] == 25
    noise = _images_assembly(rng.standard_normal((25, 500)))
    # the plain held-out predictions (training mean included) give −0.13 on these features
    unrelated = leave_one_image_out_predictivity(noise, responses, n_bootstrap=50)
    assert abs(unrelated.raw) < 0.2
    assert 0 < unrelated.error < 0.3


def _blas_threads(controller: ThreadpoolController) -> list[int]:
    return [info["num_threads"] for info in controller.select(user_api="blas").info()]


@pytest.mark.parametrize("last_out", ["first in", "second in"])
def test_concurrent_fits_share_one_blas_limit_and_the_last_restores_it(last_out: str) -> None:
    fit_pls(np.ones((4, 3)) + np.eye(4, 3), np.eye(4, 2), 1)  # the main thread limited before
    controller = ThreadpoolController()
    before = _blas_threads(controller)
    both_in, one_out = threading.Barrier(2), threading.Event()
    seen: list[list[int]] = []

    def fit(leaves_last: bool) -> None:
        with one_blas_thread():
            both_in.wait(10)
            if leaves_last:
                one_out.wait(10)
                seen.append(_blas_threads(controller))
        if not leaves_last:
            one_out.set()

    first = threading.Thread(target=fit, args=(last_out == "first in",))
    first.start()
    while one_blas_thread._active == 0:  # the first is in before the second starts
        time.sleep(0.001)
    second = threading.Thread(target=fit, args=(last_out == "second in",))
    second.start()
    for thread in (first, second):
        thread.join(20)
    assert seen == [[1] * len(before)]
    assert _blas_threads(controller) == before
    with one_blas_thread():  # and the main thread can limit again
        assert _blas_threads(controller) == [1] * len(before)
