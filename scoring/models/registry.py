"""The model registry: architectures by name, each with its brain commitments (``ModelInfo``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from torch import nn

from scoring.models.weights import load_weights
from scoring.registry import Registry

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
REGIONS = ("V1", "V2", "V4", "IT")

TimeMapping = Mapping[str, tuple[int, int, int]]
Factory = TypeVar("Factory", bound=Callable[..., nn.Module])


@dataclass(frozen=True)
class ModelInfo:
    """What a model commits to, beside its weights.

    ``depth`` follows the CORnet paper (Kubilius et al. 2019, Fig. 3): the number of
    convolutional and fully-connected layers on the longest path from input to output, a
    weight-shared (recurrent) layer counted once. ``region_layers`` maps a brain region to a
    dotted module name, committed as ``commitment_rule`` says (shown with every score);
    ``time_mapping`` maps a region to ``(start_ms, step_ms, n_steps)`` (step t covers
    [start + t*step, start + (t+1)*step)), ``None`` for feed-forward models. ``onset_steps``
    gives, per region, the first step at which the image has reached it (a biologically
    unrolled network's areas are silent before): earlier steps never serve a time bin.
    """

    name: str
    family: str
    input_size: int
    num_classes: int
    depth: int
    region_layers: Mapping[str, str]
    behavioral_readout: str
    candidate_layers: tuple[str, ...] = ()
    time_mapping: TimeMapping | None = None
    onset_steps: Mapping[str, int] = field(default_factory=dict)
    commitment_rule: str = "the model's registered commitment"
    recurrent: bool = False
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    visual_degrees: float = 8.0
    reference: str = ""
    bibtex: str = ""
    default_weights: Path | None = None
    # Weights made by the data step instead of shipped: (data build, file name), found in the
    # data folders as ``<build>/<file>`` (``built_weights_path``).
    built_weights: tuple[str, str] | None = None
    description: str = ""
    variant_of: str | None = None
    builder_kwargs: Mapping[str, object] = field(default_factory=dict)

    @property
    def precommitted(self) -> bool:
        """True when every region has a layer, so no layer selection is needed."""
        return all(region in self.region_layers for region in ("V4", "IT"))


MODELS: Registry[ModelInfo] = Registry("model")


def register_model(name: str, info: ModelInfo) -> Callable[[Factory], Factory]:
    """Decorator registering ``factory(**kw) -> nn.Module`` under ``name``."""
    if info.name != name:
        raise ValueError(f"ModelInfo.name {info.name!r} differs from registry name {name!r}")
    return MODELS.register(name, info)


def list_models(pattern: str = "*") -> list[str]:
    return MODELS.names(pattern)


def model_info(name: str) -> ModelInfo:
    return MODELS.metadata(name)


def create_model(name: str, pretrained: bool = False, **kwargs: object) -> nn.Module:
    """Build ``name``; ``pretrained`` loads its shipped default weights."""
    model = MODELS.factory(name)(**kwargs)
    assert isinstance(model, nn.Module)
    if pretrained:
        weights = model_info(name).default_weights
        if weights is None:
            raise ValueError(f"model {name!r} ships no pretrained weights; pass a weights file")
        load_weights(model, weights)
    return model


def built_weights_path(info: ModelInfo, folders: Sequence[Path]) -> Path | None:
    """The data step's weights file of ``info`` in the first of ``folders`` holding it."""
    if info.built_weights is None:
        return None
    build, filename = info.built_weights
    for folder in folders:
        for candidate in (Path(folder) / build / filename, Path(folder) / filename):
            if candidate.is_file():
                return candidate
    return None


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
