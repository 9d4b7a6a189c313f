"""Kar2019 object solution times (spec §3.3): per-bin linear decoders, I1, interpolated OST.

For each time bin a 10-way softmax classifier (the TF-1 reference rebuilt in torch) is trained
on the train images' features; the test images' I1 per bin gives, per image, the first bin
reaching the primate threshold and the interpolated crossing time. Score = Spearman r with the
primate OSTs, mean over ShuffleSplits, ceiled by a fixed 0.79.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
import xarray as xr
from scipy.stats import spearmanr
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import StandardScaler

from scoring.metrics.behavior import i1, two_way_rates
from scoring.score import Score, mean_and_sem

OST_CEILING = 0.79


@dataclass(frozen=True)
class DecoderConfig:
    """The reference decoder's training settings (0.463 ≈ 1 / (C·2160) with C = 1e-3)."""

    max_epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 1e-4
    weight_decay: float = 0.463
    stop_loss: float = 1e-4
    seed: int = 0


def _glorot_linear(n_features: int, n_classes: int, seed: int) -> torch.nn.Linear:
    layer = torch.nn.Linear(n_features, n_classes)
    limit = math.sqrt(6 / (n_features + n_classes))
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        layer.weight.copy_((torch.rand(n_classes, n_features, generator=generator) * 2 - 1) * limit)
        layer.bias.fill_(1.0)
    return layer


def _penalised_loss(
    layer: torch.nn.Linear, logits: torch.Tensor, labels: torch.Tensor, decay: float
) -> tuple[torch.Tensor, torch.Tensor]:
    cross_entropy = torch.nn.functional.cross_entropy(logits, labels)
    penalty = (layer.weight.square().sum() + layer.bias.square().sum()) / 2
    return cross_entropy + decay * penalty, cross_entropy


@contextmanager
def _single_thread() -> Iterator[None]:
    """Batches of 64 are too small for intra-op threads; on a busy machine they thrash."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def train_decoder(
    features: np.ndarray, labels: np.ndarray, n_classes: int, config: DecoderConfig
) -> torch.nn.Linear:
    """Adam on mean CE + decay·(‖W‖²/2 + ‖b‖²/2); stops when the last batch's CE < stop_loss."""
    with _single_thread():
        return _train_decoder(features, labels, n_classes, config)


def _train_decoder(
    features: np.ndarray, labels: np.ndarray, n_classes: int, config: DecoderConfig
) -> torch.nn.Linear:
    x = torch.from_numpy(np.asarray(features, dtype=np.float32))
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    layer = _glorot_linear(x.shape[1], n_classes, config.seed)
    optimizer = torch.optim.Adam(
        layer.parameters(), lr=config.learning_rate, betas=(0.9, 0.999), eps=1e-8
    )
    shuffler = np.random.RandomState(config.seed)
    for _ in range(config.max_epochs):
        order = torch.from_numpy(shuffler.permutation(len(y)))
        for batch in order.split(config.batch_size):
            loss, cross_entropy = _penalised_loss(
                layer, layer(x[batch]), y[batch], config.weight_decay
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if cross_entropy.item() < config.stop_loss:
            break
    return layer


def decoder_probabilities(
    train: np.ndarray, labels: np.ndarray, test: np.ndarray, n_classes: int, config: DecoderConfig
) -> np.ndarray:
    """Softmax probabilities (test × classes) of a decoder fit on z-scored train features."""
    scaler = StandardScaler().fit(train)
    layer = train_decoder(scaler.transform(train), labels, n_classes, config)
    with torch.no_grad():
        logits = layer(torch.from_numpy(scaler.transform(test).astype(np.float32)))
    return torch.softmax(logits, dim=1).numpy().astype(np.float64)


# --- threshold crossing --------------------------------------------------------------------


@dataclass
class CrossingTracker:
    """Per image: the first bin at or above threshold (hit) and the best bin before it (last)."""

    thresholds: np.ndarray
    hit_time: np.ndarray
    hit_value: np.ndarray
    last_time: np.ndarray
    last_value: np.ndarray

    @classmethod
    def start(cls, thresholds: np.ndarray) -> CrossingTracker:
        empty = np.full(len(thresholds), np.nan)
        return cls(np.asarray(thresholds, float), *(empty.copy() for _ in range(4)))

    def update(self, time: float, values: np.ndarray) -> None:
        open_ = np.isnan(self.hit_time)
        with np.errstate(invalid="ignore"):
            reached = open_ & (values >= self.thresholds)
            better = open_ & ~reached & np.isfinite(values)
            better &= np.isnan(self.last_value) | (values > self.last_value)
        self.hit_time[reached], self.hit_value[reached] = time, values[reached]
        self.last_time[better], self.last_value[better] = time, values[better]

    @property
    def done(self) -> bool:
        return bool(np.isfinite(self.hit_time).all())

    def solution_times(self) -> np.ndarray:
        """NaN without a hit; the hit time without a last; else the interpolated crossing."""
        slope = (self.hit_time - self.last_time) / (self.hit_value - self.last_value)
        interpolated = self.last_time + (self.thresholds - self.last_value) * slope
        return np.where(np.isnan(self.last_time), self.hit_time, interpolated)


def predicted_solution_times(
    i1_per_bin: np.ndarray, thresholds: np.ndarray, bin_starts: np.ndarray
) -> np.ndarray:
    """OST per image from I1 values (bins × images), bins in ascending start order."""
    tracker = CrossingTracker.start(thresholds)
    for start, values in zip(bin_starts, i1_per_bin, strict=True):
        tracker.update(float(start), values)
        if tracker.done:
            break
    return tracker.solution_times()


# --- the benchmark metric ------------------------------------------------------------------


def _unique_sorted_target(target: xr.DataArray) -> xr.DataArray:
    ids = np.asarray(target["stimulus_id"].values).astype(str)
    _, first = np.unique(ids, return_index=True)
    return target.isel(presentation=first)


def _source_cube(source: xr.DataArray, stimulus_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Features as presentation × time_bin × neuroid in target order, and the bin starts."""
    ids = np.asarray(source["stimulus_id"].values).astype(str)
    position = {sid: row for row, sid in enumerate(ids)}
    ordered = source.isel(presentation=[position[sid] for sid in stimulus_ids])
    starts = np.asarray(ordered["time_bin_start"].values)
    order = np.argsort(starts, kind="stable")
    cube = ordered.transpose("presentation", "time_bin", "neuroid").values[:, order]
    return np.asarray(cube), starts[order]


def is_static(cube: np.ndarray) -> bool:
    """Whether the first image's responses are identical in every time bin."""
    return bool(np.all(cube[0] == cube[0, :1]))


def _split_ost(
    cube: np.ndarray,
    starts: np.ndarray,
    truth: np.ndarray,
    thresholds: Mapping[str, np.ndarray],
    train: np.ndarray,
    test: np.ndarray,
    config: DecoderConfig,
) -> dict[str, np.ndarray]:
    """Predicted OSTs of the test images against each set of primate thresholds; the per-bin
    decoders do not depend on the thresholds, so they are trained once for all."""
    n_classes = int(truth.max()) + 1
    trackers = {name: CrossingTracker.start(t[test]) for name, t in thresholds.items()}
    for bin_index, start in enumerate(starts):
        features = cube[:, bin_index]
        probabilities = decoder_probabilities(
            features[train], truth[train], features[test], n_classes, config
        )
        values = i1(two_way_rates(probabilities, truth[test]), truth[test])
        for tracker in trackers.values():
            tracker.update(float(start), values)
        if all(tracker.done for tracker in trackers.values()):
            break
    return {name: tracker.solution_times() for name, tracker in trackers.items()}


def _spearman(predicted: np.ndarray, measured: np.ndarray) -> float:
    both = np.isfinite(predicted) & np.isfinite(measured)
    if both.sum() < 2:
        return math.nan
    return float(spearmanr(predicted[both], measured[both]).statistic)


def object_solution_times(
    source: xr.DataArray,
    target: xr.DataArray,
    *,
    label_coord: str = "image_label",
    threshold_coord: str = "i1",
    n_splits: int = 10,
    test_size: float = 0.1,
    random_state: int = 1,
    config: DecoderConfig | None = None,
) -> Score:
    """Kar2019 OST consistency of model ``source`` (presentation × neuroid × time_bin).

    ``target`` holds the primate OST per presentation (ms, NaN = unsolved) with coords
    ``stimulus_id``, ``image_label`` and the threshold ``i1``. Static models give NaN.
    """
    scores = object_solution_times_by_target(
        source,
        {"": target},
        label_coord=label_coord,
        threshold_coord=threshold_coord,
        n_splits=n_splits,
        test_size=test_size,
        random_state=random_state,
        config=config,
    )
    return scores[""]


def object_solution_times_by_target(
    source: xr.DataArray,
    targets: Mapping[str, xr.DataArray],
    *,
    label_coord: str = "image_label",
    threshold_coord: str = "i1",
    n_splits: int = 10,
    test_size: float = 0.1,
    random_state: int = 1,
    config: DecoderConfig | None = None,
) -> dict[str, Score]:
    """``object_solution_times`` against several primate targets of the same images (e.g. the
    svm- and the logistic-decoded OSTs of Kar2019), sharing the model's decoders."""
    config = config or DecoderConfig()
    sorted_targets = {name: _unique_sorted_target(t) for name, t in targets.items()}
    first = next(iter(sorted_targets.values()))
    ids = np.asarray(first["stimulus_id"].values).astype(str)
    for name, target in sorted_targets.items():
        if not np.array_equal(np.asarray(target["stimulus_id"].values).astype(str), ids):
            raise ValueError(f"target {name!r} holds other images than the first target")
    cube, starts = _source_cube(source, ids)
    if is_static(cube):
        reason = "responses do not change across time bins (feed-forward model)"
        return {name: _nan_score(reason) for name in targets}
    _, truth = np.unique(np.asarray(first[label_coord].values).astype(str), return_inverse=True)
    thresholds = {
        name: np.asarray(t[threshold_coord].values, dtype=float)
        for name, t in sorted_targets.items()
    }
    splitter = ShuffleSplit(n_splits=n_splits, test_size=test_size, random_state=random_state)
    correlations: dict[str, list[float]] = {name: [] for name in targets}
    for train, test in splitter.split(ids):
        predicted = _split_ost(cube, starts, truth, thresholds, train, test, config)
        for name, target in sorted_targets.items():
            measured = np.asarray(target.values, dtype=float)[test]
            correlations[name].append(_spearman(predicted[name], measured))
    return {name: _split_score(values) for name, values in correlations.items()}


def _split_score(correlations: list[float]) -> Score:
    raw, error = mean_and_sem(np.array(correlations))
    return Score(
        raw=raw,
        error=error,
        ceiling=OST_CEILING,
        ceiled=raw / OST_CEILING,
        details={"split_correlations": correlations},
    )


def _nan_score(reason: str) -> Score:
    return Score(
        raw=math.nan,
        error=math.nan,
        ceiling=OST_CEILING,
        ceiled=math.nan,
        details={"reason": reason},
    )
