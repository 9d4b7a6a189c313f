"""The BrainModel interface (scoring spec §2.1) over a registered architecture.

Benchmarks call ``start_task`` / ``start_recording`` and then ``look_at(stimuli)``; everything
model-specific (layers, time steps, preprocessing, readouts, caching) stays behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from torch import nn

from scoring.activations.cache import ActivationsCache, CacheKey, stimulus_set_sha1, time_bins_key
from scoring.activations.extractor import (
    LOGITS,
    Extractor,
    presentation_coords,
    time_step_name,
    to_assembly,
)
from scoring.activations.pca import LayerPCA
from scoring.activations.preprocess import DEFAULT_STIMULUS_DEGREES, Preprocessing, place_on_screen
from scoring.activations.temporal import TimeBin, stack_time_bins, steps_for_bins
from scoring.data.stimuli import StimulusSet
from scoring.models import create_model, model_info
from scoring.models.registry import ModelInfo
from scoring.models.weights import file_sha256, load_weights, state_dict_sha256

TASKS = ("passive", "label", "probabilities")
IMAGENET = "imagenet"
IMAGENET_CLASSES = 1000


class BrainModel:
    """A model committed to regions, time steps and readouts, seen through the §2.1 calls."""

    def __init__(
        self,
        model: nn.Module,
        info: ModelInfo,
        weights_sha256: str,
        region_layers: Mapping[str, str] | None = None,
        pca: LayerPCA | None = None,
        cache: ActivationsCache | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        autocast: bool = False,
    ):
        self.info, self.weights_sha256, self.pca, self.cache = info, weights_sha256, pca, cache
        self.region_layers = dict(
            region_layers if region_layers is not None else info.region_layers
        )
        self.extractor = Extractor(
            model, self.identifier, Preprocessing.for_model(info), temporal=info.recurrent,
            batch_size=batch_size, device=device, autocast=autocast,
            batch_hooks=[pca] if pca is not None else [],
        )  # fmt: skip
        self.task = "passive"
        self.recording: tuple[str, list[TimeBin]] | None = None
        self._readout: tuple[StandardScaler, LogisticRegression, list[str]] | None = None
        self._label_names: list[str] | None = None
        self._own_head_probabilities = False
        self.imagenet_synsets: list[str] | None = None

    @property
    def identifier(self) -> str:
        suffix = f"-pca_{self.pca.n_components}" if self.pca is not None else ""
        return f"{self.info.name}{suffix}"

    def visual_degrees(self) -> float:
        return self.info.visual_degrees

    # ------------------------------------------------------------------ tasks and recordings

    def start_task(self, task: str, fitting_stimuli: object = None) -> None:
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; one of {TASKS}")
        self.task, self.recording = task, None
        self._own_head_probabilities = False
        if task == "probabilities" and fitting_stimuli == IMAGENET:
            self._require_imagenet_head()
            self._own_head_probabilities = True
        elif task == "probabilities":
            if not isinstance(fitting_stimuli, StimulusSet):
                raise TypeError(
                    "the probabilities task needs 'imagenet' or a StimulusSet with image_label"
                )
            placed = place_on_screen(
                fitting_stimuli,
                self.visual_degrees(),
                DEFAULT_STIMULUS_DEGREES,
                self._placement_dir(),
            )
            self._readout = self._fit_readout(placed)
        elif task == "label":
            self._label_names = self._labels_for(fitting_stimuli)

    def _labels_for(self, fitting_stimuli: object) -> list[str]:
        """Names for the model's own head: a list of ``num_classes`` labels, or 'imagenet'
        (the synsets given as ``imagenet_synsets``, in the standard sorted order)."""
        if fitting_stimuli == IMAGENET:
            self._require_imagenet_head()
            if self.imagenet_synsets is None:
                raise ValueError("no ImageNet synset list: pass the 1000 synsets as labels")
            fitting_stimuli = self.imagenet_synsets
        if isinstance(fitting_stimuli, str) or fitting_stimuli is None:
            raise ValueError("the label task needs 'imagenet' or a list of class labels")
        labels = [str(label) for label in fitting_stimuli]  # type: ignore[attr-defined]
        if len(labels) != self.info.num_classes:
            raise ValueError(f"{len(labels)} labels for a {self.info.num_classes}-way head")
        return labels

    def _require_imagenet_head(self) -> None:
        if self.info.num_classes != IMAGENET_CLASSES:
            raise ValueError(f"{self.identifier} has a {self.info.num_classes}-way head")

    def start_recording(self, region: str, time_bins: Sequence[TimeBin] | None = None) -> None:
        """Record ``region`` in ``time_bins`` (default: the 70-170 ms bin of MajajHong2015)."""
        time_bins = time_bins or [(70, 170)]
        if region not in self.region_layers:
            raise ValueError(f"{self.identifier} has no layer for region {region!r}")
        self.task = "passive"
        self.recording = (region, [(int(a), int(b)) for a, b in time_bins])

    def look_at(
        self,
        stimuli: StimulusSet,
        number_of_trials: int = 1,
        stimulus_degrees: float = DEFAULT_STIMULUS_DEGREES,
    ) -> xr.DataArray:
        """Deterministic model: each image is computed once, whatever ``number_of_trials``."""
        placed = place_on_screen(
            stimuli, self.visual_degrees(), stimulus_degrees, self._placement_dir()
        )
        if self.task == "probabilities":
            return self._probabilities(placed)
        if self.task == "label":
            return self._labels(placed)
        if self.recording is None:
            raise RuntimeError("call start_recording(region, time_bins) or start_task first")
        return self._record(placed, *self.recording)

    def _placement_dir(self) -> Path | None:
        return None if self.cache is None else self.cache.root

    # ------------------------------------------------------------------ neural recordings

    def _record(self, stimuli: StimulusSet, region: str, time_bins: list[TimeBin]) -> xr.DataArray:
        layer = self.region_layers[region]
        if self.cache is None:
            return self._compute_recording(stimuli, region, layer, time_bins)
        key = self._cache_key(stimuli, layer, region, time_bins)
        cached = self.cache.get_or_compute(
            key, lambda: self._compute_recording(stimuli, region, layer, time_bins)
        )
        return _restore_presentation(cached, stimuli)

    def _steps(self, region: str, time_bins: list[TimeBin]) -> list[int]:
        """The model time step serving each bin (spec §2.5; 0 for feed-forward models)."""
        mapping = (self.info.time_mapping or {}).get(region) if self.info.recurrent else None
        if self.info.recurrent and mapping is None:
            raise ValueError(f"{self.identifier} has no time mapping for region {region!r}")
        return steps_for_bins(mapping, time_bins, self.info.onset_steps.get(region, 0))

    def _compute_recording(
        self, stimuli: StimulusSet, region: str, layer: str, time_bins: list[TimeBin]
    ) -> xr.DataArray:
        steps = self._steps(region, time_bins)
        arrays, shapes = self.extractor.raw(stimuli, [layer])
        names = [time_step_name(layer, s) if self.info.recurrent else layer for s in steps]
        per_bin = [
            to_assembly(arrays[n], shapes[n], stimuli, self.identifier, n, id_layer=region)
            for n in names
        ]
        recording = stack_time_bins(per_bin, time_bins)
        recording = recording.assign_coords(
            region=("neuroid", [region] * recording.sizes["neuroid"])
        )
        return recording.assign_coords(layer=("neuroid", [layer] * recording.sizes["neuroid"]))

    def _cache_key(
        self, stimuli: StimulusSet, layer: str, region: str, time_bins: list[TimeBin]
    ) -> CacheKey:
        return CacheKey(
            model=self.identifier, weights_sha256=self.weights_sha256,
            preprocessing=self.extractor.preprocessing.as_dict(),
            stimulus_set=stimuli.identifier, stimulus_sha1=stimulus_set_sha1(stimuli),
            layer=layer, region=region, time_bins=time_bins_key(time_bins),
            pca=None if self.pca is None else self.pca.settings(), kind="recording",
            time_steps=tuple(self._steps(region, time_bins)) if self.info.recurrent else None,
        )  # fmt: skip

    # ------------------------------------------------------------------ behaviour

    def readout_features(self, stimuli: StimulusSet) -> np.ndarray:
        """The behavioral readout layer's features (its last time step for recurrent models),
        rows in the order of ``stimuli``. Cached like recordings: the similarity RSA and a
        readout fitted on the same images extract them once per model."""
        if self.cache is None:
            return self._compute_readout_features(stimuli)
        key = CacheKey(
            model=self.identifier, weights_sha256=self.weights_sha256,
            preprocessing=self.extractor.preprocessing.as_dict(),
            stimulus_set=stimuli.identifier, stimulus_sha1=stimulus_set_sha1(stimuli),
            layer=self.info.behavioral_readout,
            pca=None if self.pca is None else self.pca.settings(), kind="readout",
        )  # fmt: skip
        cached = self.cache.get_or_compute(
            key,
            lambda: xr.DataArray(
                self._compute_readout_features(stimuli),
                dims=("presentation", "feature"),
                coords={"stimulus_id": ("presentation", stimuli.stimulus_ids)},
            ),
        )
        return np.asarray(_restore_presentation(cached, stimuli).values)

    def _compute_readout_features(self, stimuli: StimulusSet) -> np.ndarray:
        layer = self.info.behavioral_readout
        arrays, _ = self.extractor.raw(stimuli, [layer])
        names = sorted(n for n in arrays if n == layer or n.startswith(f"{layer}-t"))
        return arrays[names[-1]]

    def _fit_readout(
        self, stimuli: StimulusSet
    ) -> tuple[StandardScaler, LogisticRegression, list[str]]:
        labels = [str(label) for label in stimuli.metadata["image_label"]]
        order = list(dict.fromkeys(labels))  # first appearance
        targets = np.array([order.index(label) for label in labels])
        scaler = StandardScaler().fit(features := self.readout_features(stimuli))
        classifier = LogisticRegression(C=1e-3, solver="newton-cg")  # multinomial by default
        classifier.fit(scaler.transform(features), targets)
        return scaler, classifier, order

    def _probabilities(self, stimuli: StimulusSet) -> xr.DataArray:
        if self._own_head_probabilities:
            return self._imagenet_probabilities(stimuli)
        if self._readout is None:
            raise RuntimeError("start_task('probabilities', fitting_stimuli) first")
        scaler, classifier, order = self._readout
        probabilities = classifier.predict_proba(scaler.transform(self.readout_features(stimuli)))
        coords: dict[str, object] = dict(presentation_coords(stimuli))
        coords["choice"] = ("choice", np.array(order, dtype=object))
        return xr.DataArray(probabilities, dims=("presentation", "choice"), coords=coords)

    def _logits(self, stimuli: StimulusSet) -> np.ndarray:
        """The head's outputs (its last time step for recurrent models)."""
        arrays, _ = self.extractor.raw(stimuli, [LOGITS])
        return np.asarray(arrays[sorted(arrays)[-1]], dtype=np.float64)

    def _imagenet_probabilities(self, stimuli: StimulusSet) -> xr.DataArray:
        """Softmax over the 1000-way head; ``choice`` = class index in the standard order.
        Cached: several benchmarks ask for the same images (e.g. Geirhos cue-conflict)."""
        if self.cache is None:
            return self._compute_imagenet_probabilities(stimuli)
        key = CacheKey(
            model=self.identifier, weights_sha256=self.weights_sha256,
            preprocessing=self.extractor.preprocessing.as_dict(),
            stimulus_set=stimuli.identifier, stimulus_sha1=stimulus_set_sha1(stimuli),
            layer=LOGITS, kind="imagenet_probabilities",
        )  # fmt: skip
        cached = self.cache.get_or_compute(
            key, lambda: self._compute_imagenet_probabilities(stimuli)
        )
        return _restore_presentation(cached, stimuli)

    def _compute_imagenet_probabilities(self, stimuli: StimulusSet) -> xr.DataArray:
        logits = self._logits(stimuli)
        probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        coords: dict[str, object] = dict(presentation_coords(stimuli))
        coords["choice"] = ("choice", np.arange(IMAGENET_CLASSES))
        return xr.DataArray(probabilities, dims=("presentation", "choice"), coords=coords)

    def _labels(self, stimuli: StimulusSet) -> xr.DataArray:
        indices = self._logits(stimuli).argmax(axis=1)
        if self._label_names is None:
            raise RuntimeError("start_task('label', labels) first")
        names = self._label_names
        labels = np.array([names[i] for i in indices], dtype=object)
        return xr.DataArray(labels, dims=("presentation",), coords=presentation_coords(stimuli))


def _restore_presentation(cached: xr.DataArray, stimuli: StimulusSet) -> xr.DataArray:
    """In the order of ``stimuli``, with the stimulus metadata in its own dtypes (cached
    files store strings)."""
    position = {str(sid): index for index, sid in enumerate(cached["stimulus_id"].values)}
    cached = cached.isel(presentation=[position[sid] for sid in stimuli.stimulus_ids])
    return cached.assign_coords(presentation_coords(stimuli))


def load_brain_model(
    name: str,
    weights: str | Path | None = None,
    device: str = "cpu",
    region_layers: Mapping[str, str] | None = None,
    pca: int | LayerPCA | None = None,
    cache_dir: str | Path | None = None,
    pca_stimuli: StimulusSet | None = None,
    batch_size: int = 64,
    autocast: bool = False,
    imagenet_synsets: Sequence[str] | None = None,
) -> BrainModel:
    """Build ``name`` with ``weights`` (else its shipped weights, else random init).

    ``pca`` = number of components (fitted on ``pca_stimuli``, never the benchmark images) or
    a fitted ``LayerPCA``. ``region_layers`` overrides the registry's commitments (e.g. after
    layer selection for a generic model).
    """
    info = model_info(name)
    model, weights_sha256 = _model_with_weights(name, info, weights)
    layer_pca = _layer_pca(pca, pca_stimuli)
    cache = ActivationsCache(cache_dir) if cache_dir is not None else None
    brain_model = BrainModel(
        model, info, weights_sha256, region_layers, layer_pca, cache, device, batch_size, autocast
    )
    brain_model.imagenet_synsets = list(imagenet_synsets) if imagenet_synsets else None
    if layer_pca is not None and not layer_pca.components:
        _fit_pca(brain_model, layer_pca)
    return brain_model


def _model_with_weights(
    name: str, info: ModelInfo, weights: str | Path | None
) -> tuple[nn.Module, str]:
    model = create_model(name)
    source = weights or info.default_weights
    if source is None:
        return model, f"random-init:{state_dict_sha256(model)}"
    load_weights(model, source)
    return model, file_sha256(source)


def _layer_pca(pca: int | LayerPCA | None, stimuli: StimulusSet | None) -> LayerPCA | None:
    if pca is None or isinstance(pca, LayerPCA):
        return pca
    if stimuli is None:
        raise ValueError("PCA needs pca_stimuli: a designated image set, not the benchmark's")
    return LayerPCA(n_components=pca, fit_stimuli=stimuli)


def _fit_pca(brain_model: BrainModel, pca: LayerPCA) -> None:
    assert pca.fit_stimuli is not None
    layers = sorted(set(brain_model.region_layers.values()))
    if layers:
        fit_layer_pca(brain_model, pca.fit_stimuli, layers, pca)


def fit_layer_pca(
    brain_model: BrainModel,
    fit_stimuli: StimulusSet,
    layers: Sequence[str],
    pca: LayerPCA | int = 1000,
) -> LayerPCA:
    """Fit a LayerPCA on ``fit_stimuli`` (a designated set, never the benchmark images) for
    ``layers`` (every time step of recurrent layers). Used by layer selection (§2.4)."""
    if isinstance(pca, int):
        pca = LayerPCA(n_components=pca, fit_stimuli=fit_stimuli)
    extractor = brain_model.extractor
    hooks, extractor.batch_hooks = extractor.batch_hooks, []
    try:
        arrays, _ = extractor.raw(fit_stimuli, layers)
    finally:
        extractor.batch_hooks = hooks
    return pca.fit(arrays)


def extract_activations(
    model_or_name: str | BrainModel,
    stimuli: StimulusSet,
    layers: Sequence[str],
    weights: str | Path | None = None,
    device: str = "cpu",
    pca: LayerPCA | None = None,
) -> dict[str, xr.DataArray]:
    """Per-layer presentation x neuroid activations (time steps as ``layer-tK`` names).

    For layer selection: pass a fitted ``LayerPCA`` (see ``fit_layer_pca``) to get the
    transformed features. Pass a ``BrainModel`` rather than a name to keep one set of weights
    across calls (a name without weights builds a fresh, randomly initialized model each time
    unless the registry ships weights).
    """
    if isinstance(model_or_name, BrainModel):
        extractor = model_or_name.extractor
    else:
        info = model_info(model_or_name)
        model, _ = _model_with_weights(model_or_name, info, weights)
        extractor = Extractor(model, info.name, Preprocessing.for_model(info),
                              temporal=info.recurrent, device=device)  # fmt: skip
    previous = extractor.batch_hooks
    extractor.batch_hooks = [pca] if pca is not None else []
    try:
        return extractor(stimuli, layers)
    finally:
        extractor.batch_hooks = previous
