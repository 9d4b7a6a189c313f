"""Scoring one model on one benchmark locally: what ``ventral score`` and the worker call.

Generic models commit no layer to a region; for neural benchmarks the layer is chosen first
(spec §2.4): every candidate layer is scored on the selection benchmark (the public HvM split
for MajajHong2015; the synthetic benchmark itself for Synthetic-*, which has no public split)
and the argmax of the ceiled score wins, ties to the first layer. On the public HvM split the
candidates' features are PCA-1000 (spec §2.3/§2.4), fitted on the 1,000 ImageNet sample images
(one per class; stimulus set ``imagenet-sample`` from the data step), never on benchmark images.
The final score uses the chosen layer's own features, without PCA. [decision] Synthetic
selection stays without PCA: its benchmark has no real images and tests must run offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.benchmarks import data
from scoring.benchmarks.base import (
    Benchmark,
    DataDirs,
    DataFile,
    DataNotInstalled,
    NotApplicable,
    Progress,
    data_folders,
    stimulus_files,
)
from scoring.benchmarks.neural import NeuralPredictivityBenchmark
from scoring.benchmarks.registry import benchmark_info, load_benchmark
from scoring.data.stimuli import StimulusSet
from scoring.score import Score

if TYPE_CHECKING:
    from scoring.activations.pca import LayerPCA
    from scoring.brain_model import BrainModel

SELECTION_BENCHMARKS = {
    "MajajHong2015.V4-pls": "MajajHong2015public.V4-pls",
    "MajajHong2015.IT-pls": "MajajHong2015public.IT-pls",
}

HELD_OUT_SELECTION: dict[str, tuple[str, ...]] = {
    "MajajHong2015-subset25.V4": ("Coggan2024.V4-rsa",),
    "Coggan2024.V4-rsa": ("MajajHong2015-subset25.V4",),
    "MajajHong2015-subset25.IT": (
        "Kriegeskorte2008.IT-monkey-rsa",
        "Kriegeskorte2008.IT-human-rsa",
        "Coggan2024.IT-rsa",
    ),
    "Kriegeskorte2008.IT-monkey-rsa": ("MajajHong2015-subset25.IT", "Coggan2024.IT-rsa"),
    "Kriegeskorte2008.IT-human-rsa": ("MajajHong2015-subset25.IT", "Coggan2024.IT-rsa"),
    "Coggan2024.IT-rsa": (
        "MajajHong2015-subset25.IT",
        "Kriegeskorte2008.IT-monkey-rsa",
        "Kriegeskorte2008.IT-human-rsa",
    ),
}
"""Real-data benchmarks that do no layer selection on their own images: a model committing no
layer to the region gets the layer chosen (spec §2.4: argmax over its candidate layers of the
mean ceiled score, ties to the first) on the *other* real data sets of the same region, whose
images and recordings are never those of the scored benchmark (Kriegeskorte2008's monkey and
human benchmarks share their 92 images, so neither selects on the other). Coggan2024's V1 and V2
are absent: no other V1/V2 recordings exist offline, so a generic model stays not applicable
there (docs/models.md)."""

PCA_COMPONENTS = 1000
PCA_FIT_IMAGES = stimulus_files("imagenet-sample")


@dataclass(frozen=True)
class LayerChoice:
    """The chosen layer for a region and the selection score of every candidate."""

    region: str
    layer: str
    scores: Mapping[str, float]
    pca_components: int | None = None


def score_model(
    model_name: str,
    benchmark_id: str,
    weights: str | Path | None = None,
    device: str = "cpu",
    data_dir: DataDirs | None = None,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    **params: Any,
) -> Score:
    """Score registered ``model_name`` (with ``weights``) on ``benchmark_id``; raises
    ``DataNotInstalled`` before building anything when the benchmark's data are missing, and
    ``ChecksumError`` when a neural benchmark's files are not the published ones.
    ``cache_dir`` keeps activations on disk (keyed by weights, stimuli, layer, region, bins)."""
    benchmark = load_benchmark(benchmark_id, data_dir=data_dir, **params)
    benchmark.require_data()
    if isinstance(benchmark, NeuralPredictivityBenchmark):
        benchmark.trials()  # wrong files fail now, not after the model (and layer selection) ran
    from scoring.brain_model import load_brain_model
    from scoring.models import model_info

    weights = weights or built_weights(model_name, data_dir)
    region_layers = dict(model_info(model_name).region_layers)
    choice, selected_on = None, None
    region = benchmark_region(benchmark)
    if region is not None and region not in region_layers and _held_out(benchmark.identifier):
        selectors = held_out_selectors(benchmark.identifier, data_dir)
        choice = select_layer_on(model_name, region, selectors, weights, device, cache_dir)
        selected_on = ", ".join(selector.identifier for selector in selectors)
        region_layers[region] = choice.layer
    elif region is not None and region not in region_layers and is_rsa(benchmark):
        raise NotApplicable(
            f"{model_name} commits no layer to {region}, and no {region} recordings other "
            f"than the images {benchmark.identifier} scores are available to choose one on"
        )
    elif (
        isinstance(benchmark, NeuralPredictivityBenchmark) and benchmark.region not in region_layers
    ):
        if not benchmark.selects_layers:
            raise NotApplicable(
                f"{model_name} commits no layer to {benchmark.region}, and "
                f"{benchmark.identifier} does no layer selection on the images it scores"
            )
        selector = _selection_benchmark(benchmark, data_dir, params)
        selected_on = selector.identifier
        pca_images = _pca_images(selector) if selector is not benchmark else None
        choice = select_layer(
            model_name, benchmark.region, selector, weights, device, cache_dir, pca_images
        )
        region_layers[benchmark.region] = choice.layer
    brain_model = load_brain_model(
        model_name,
        weights=weights,
        device=device,
        region_layers=region_layers,
        cache_dir=cache_dir,
    )
    score = benchmark(brain_model, progress=progress)
    details = {**score.details, "model": model_name}
    if region is not None and region in region_layers:
        details["layer_choice"] = layer_choice(
            model_name, region, region_layers[region], choice, selected_on, benchmark.identifier
        )
    if choice is not None:
        details["layer_selection"] = _selection_record(choice, selected_on)
    return replace(score, details=details)


def benchmark_region(benchmark: Benchmark) -> str | None:
    """The brain region a neural benchmark records (None for behaviour and engineering)."""
    if isinstance(benchmark, NeuralPredictivityBenchmark):
        return benchmark.region
    spec = getattr(benchmark, "spec", None)
    return getattr(spec, "region", None) if is_rsa(benchmark) else None


def is_rsa(benchmark: Benchmark) -> bool:
    from scoring.benchmarks.rsa import RSABenchmark

    return isinstance(benchmark, RSABenchmark)


def _held_out(benchmark_id: str) -> bool:
    return benchmark_id in HELD_OUT_SELECTION


def held_out_selectors(benchmark_id: str, data_dir: DataDirs | None) -> list[Benchmark]:
    """The installed benchmarks a generic model's layer for ``benchmark_id`` is chosen on;
    ``NotApplicable`` when none of them has its data here."""
    selectors = [
        load_benchmark(name, data_dir=data_dir) for name in HELD_OUT_SELECTION[benchmark_id]
    ]
    installed = [selector for selector in selectors if selector.data_installed()]
    if not installed:
        names = ", ".join(HELD_OUT_SELECTION[benchmark_id])
        raise NotApplicable(
            f"the layer for {benchmark_id} is chosen on other data ({names}), none installed"
        )
    return installed


def select_layer_on(
    model_name: str,
    region: str,
    selectors: list[Benchmark],
    weights: str | Path | None = None,
    device: str = "cpu",
    cache_dir: Path | None = None,
) -> LayerChoice:
    """Spec §2.4 on held-out data: every candidate layer committed to ``region`` and scored on
    each selector; argmax of the mean ceiled score (ties: the first candidate). The layers' own
    features, no PCA [decision]: the RSA and leave-one-image-out metrics need no reduction, and
    the chosen layer is scored without PCA."""
    from scoring.brain_model import load_brain_model
    from scoring.models import model_info

    layers = list(model_info(model_name).candidate_layers)
    if not layers:
        raise NotApplicable(f"{model_name} commits no layer to {region} and lists no candidates")
    scores: dict[str, float] = {}
    for layer in layers:
        candidate = load_brain_model(
            model_name,
            weights=weights,
            device=device,
            region_layers={region: layer},
            cache_dir=cache_dir,
        )
        values = [_selection_value(selector, candidate) for selector in selectors]
        finite = [value for value in values if value is not None]
        scores[layer] = sum(finite) / len(finite) if finite else float("-inf")
    best = max(scores, key=lambda layer: scores[layer])
    return LayerChoice(region, best, scores)


def _selection_value(selector: Benchmark, candidate: BrainModel) -> float | None:
    """The selector's ceiled score of one candidate layer; None when there is none (NaN, or
    not applicable there, e.g. a layer whose features are constant on the selector's images)."""
    try:
        value = selector(candidate).ceiled
    except NotApplicable:
        return None
    return None if value is None or value != value else float(value)


def built_weights(model_name: str, data_dir: DataDirs | None) -> Path | None:
    """The data step's weights of ``model_name`` (ImageNet-trained reference models) in the data
    folders; ``None`` for a model without such weights. Never falls back to random weights."""
    from scoring.models import model_info
    from scoring.models.registry import built_weights_path

    info = model_info(model_name)
    if info.built_weights is None:
        return None
    folders = data_folders(data_dir)
    path = built_weights_path(info, folders)
    if path is None:
        build, filename = info.built_weights
        raise DataNotInstalled(
            model_name, [f"{build}/{filename} (ventral data fetch {build})"], folders
        )
    return path


def scoring_data_files(benchmark_id: str) -> tuple[DataFile, ...]:
    """Every file scoring ``benchmark_id`` may read: its own and its layer-selection benchmarks'
    (read only for models that commit no layer to the region)."""
    identifiers = [benchmark_id, *HELD_OUT_SELECTION.get(benchmark_id, ())]
    if benchmark_id in SELECTION_BENCHMARKS:
        identifiers.append(SELECTION_BENCHMARKS[benchmark_id])
    files = tuple(file for name in identifiers for file in benchmark_info(name).data_files)
    return (*files, *PCA_FIT_IMAGES) if benchmark_id in SELECTION_BENCHMARKS else files


def select_layer(
    model_name: str,
    region: str,
    selector: NeuralPredictivityBenchmark,
    weights: str | Path | None = None,
    device: str = "cpu",
    cache_dir: Path | None = None,
    pca_images: StimulusSet | None = None,
) -> LayerChoice:
    """Argmax over the model's candidate layers of the ceiled selection score (ties: first);
    with ``pca_images``, on each layer's PCA-1000 features fitted on those images."""
    from scoring.brain_model import fit_layer_pca, load_brain_model
    from scoring.models import model_info

    layers = list(model_info(model_name).candidate_layers)

    def candidate(layer: str, pca: LayerPCA | None = None) -> BrainModel:
        return load_brain_model(
            model_name,
            weights=weights,
            device=device,
            region_layers={region: layer},
            pca=pca,
            cache_dir=cache_dir,
        )

    pca = None
    if pca_images is not None:
        pca = fit_layer_pca(candidate(layers[0]), pca_images, layers, PCA_COMPONENTS)
    scores = {layer: selector(candidate(layer, pca)).center for layer in layers}
    best = max(scores, key=lambda layer: scores[layer])
    return LayerChoice(region, best, scores, PCA_COMPONENTS if pca is not None else None)


def _pca_images(selector: NeuralPredictivityBenchmark) -> StimulusSet:
    """The PCA fit images, from the selector's data folders (``DataNotInstalled`` if absent)."""
    return data.stimulus_set(selector, *PCA_FIT_IMAGES)


def _selection_benchmark(
    benchmark: NeuralPredictivityBenchmark, data_dir: DataDirs | None, params: dict[str, Any]
) -> NeuralPredictivityBenchmark:
    identifier = SELECTION_BENCHMARKS.get(benchmark.identifier)
    if identifier is None:
        return benchmark
    selector = load_benchmark(identifier, data_dir=data_dir, **params)
    assert isinstance(selector, NeuralPredictivityBenchmark)
    selector.require_data()
    return selector


def layer_choice(
    model_name: str,
    region: str,
    layer: str,
    choice: LayerChoice | None,
    selected_on: str | None,
    benchmark_id: str,
) -> dict[str, str]:
    """How the scored layer was chosen: the model's commitment rule (no data), or the §2.4
    argmax on held-out data (or, for the synthetic benchmarks, on the scored data themselves);
    the candidates' selection scores are in ``layer_selection``."""
    from scoring.models import model_info

    record = {"region": region, "layer": layer}
    if choice is None:
        return {**record, "method": "rule", "rule": model_info(model_name).commitment_rule}
    method = "selection on the scored data" if selected_on == benchmark_id else "held-out selection"
    return {**record, "method": method, "selected_on": str(selected_on)}


def _selection_record(choice: LayerChoice, selected_on: str | None) -> dict[str, Any]:
    return {
        "region": choice.region,
        "scores": dict(choice.scores),
        "selected_on": selected_on,
        "pca_components": choice.pca_components,
    }


def summary(score: Score) -> dict[str, Any]:
    """The JSON ``ventral score`` prints: the headline values and the layer used."""
    return {
        "raw": score.raw,
        "ceiling": score.ceiling,
        "ceiled": score.ceiled,
        "error": score.error,
        "layer": score.details.get("layer"),
        "details": score.to_json()["details"],
    }


def benchmark_status(benchmark: Benchmark) -> str:
    return "installed" if benchmark.data_installed() else "data not installed"
