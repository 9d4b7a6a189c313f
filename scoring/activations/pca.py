"""The LayerPCA batch hook (scoring spec §2.3): per layer, PCA fitted on a designated image set
(never the benchmark images), applied to every batch as (x - mean) @ components.T.

Layers with at most ``n_components`` features pass through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.decomposition import PCA

from scoring.data.stimuli import StimulusSet


@dataclass
class LayerPCA:
    n_components: int = 1000
    fit_stimuli: StimulusSet | None = None
    random_state: int = 0
    components: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def fit(self, activations: dict[str, np.ndarray]) -> LayerPCA:
        """Fit one PCA per wide layer; ``activations`` come from ``fit_stimuli``."""
        for layer, features in activations.items():
            if features.shape[1] <= self.n_components:
                continue
            if features.shape[0] < self.n_components:
                raise ValueError(
                    f"PCA with {self.n_components} components needs at least as many fit "
                    f"images; got {features.shape[0]} for layer {layer!r}"
                )
            pca = PCA(n_components=self.n_components, random_state=self.random_state)
            pca.fit(features)
            self.components[layer] = (
                pca.mean_.astype(np.float32),
                pca.components_.astype(np.float32),
            )
        return self

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {layer: self.transform(layer, features) for layer, features in batch.items()}

    def transform(self, layer: str, features: np.ndarray) -> np.ndarray:
        if features.shape[1] <= self.n_components:
            return features
        if layer not in self.components:
            raise KeyError(f"no PCA fitted for layer {layer!r}")
        mean, components = self.components[layer]
        return (features - mean) @ components.T

    def settings(self) -> dict[str, object]:
        """What the PCA depends on, for cache keys."""
        stimuli = self.fit_stimuli
        return {
            "n_components": self.n_components,
            "random_state": self.random_state,
            "fit_stimuli": None if stimuli is None else stimuli.identifier,
            "fit_stimuli_sha1": None if stimuli is None else stimuli.sha1,
        }
