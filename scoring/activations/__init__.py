"""Activation extraction: preprocessing, hooks, time steps, PCA and a disk cache (spec §2)."""

from scoring.activations.cache import ActivationsCache, CacheKey, stimulus_set_sha1
from scoring.activations.extractor import Extractor, to_assembly
from scoring.activations.pca import LayerPCA
from scoring.activations.preprocess import Preprocessing, place_on_screen
from scoring.activations.temporal import step_for_bin, steps_for_bins

__all__ = [
    "ActivationsCache",
    "CacheKey",
    "Extractor",
    "LayerPCA",
    "Preprocessing",
    "place_on_screen",
    "step_for_bin",
    "steps_for_bins",
    "stimulus_set_sha1",
    "to_assembly",
]
