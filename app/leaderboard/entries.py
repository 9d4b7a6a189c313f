"""A model as the leaderboard sees it: name, source and the metadata its filters use."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from foundation.models import Source, Visibility


@dataclass(frozen=True)
class ModelEntry:
    id: int
    name: str
    display_name: str
    source: Source
    published_source: str | None
    visibility: Visibility
    owner_id: int | None
    family: str | None
    depth: float | None
    parameters: float | None
    training_data: str | None
    recurrent: bool
    architecture: str | None = None
    variant_of: str | None = None
    extras: Mapping[str, float] = field(default_factory=dict, compare=False)
    has_weights: bool = True
    """False for a computed model with no weights at all (nothing to score yet)."""
    origin: str = field(init=False, compare=False)
    """``computed`` or the published source's key (``neurips2019-table``, ...)."""
    identity: str = field(init=False, compare=False)
    """The display name without case or punctuation: ``CORnet-S`` (paper), ``CORnet-S``
    (website) and ``cornet_s`` name the same network."""

    def __post_init__(self) -> None:
        # Computed once, not as properties: a rebuild of the board reads both for every model
        # (an enum's .value alone was a third of a 10,000-model rebuild).
        object.__setattr__(self, "origin", self.published_source or str(self.source))
        object.__setattr__(self, "identity", _NOT_ALPHANUMERIC.sub("", self.display_name.lower()))


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def model_entry(row: Any) -> ModelEntry:
    metadata: dict[str, Any] = row.model_metadata or {}
    info = _registry_facts(row.architecture)
    return ModelEntry(
        id=row.id,
        name=row.name,
        display_name=metadata.get("display_name") or row.name,
        source=row.source,
        published_source=metadata.get("published_source"),
        visibility=row.visibility,
        owner_id=row.owner_id,
        family=metadata.get("family") or info.get("family"),
        depth=_number(metadata.get("depth", info.get("depth"))),
        parameters=_number(metadata.get("parameter_count")),
        training_data=training_data_of(metadata),
        recurrent=bool(metadata.get("recurrent", info.get("recurrent", False))),
        architecture=row.architecture,
        variant_of=metadata.get("variant_of") or info.get("variant_of"),
        extras=metadata.get("paper_extras") or {},
        has_weights=row.source is not Source.computed or row.weights_artifact_id is not None,
    )


def training_data_of(metadata: Mapping[str, Any]) -> str | None:
    """What the model's current weights were trained on: weights trained here say so (and how
    well they did), whatever the row was registered with."""
    weights = metadata.get("weights")
    if not isinstance(weights, Mapping) or not weights.get("trained_at"):
        return metadata.get("training_data")
    classes = weights.get("num_classes")
    dataset = "CIFAR-10" if classes == 10 else f"{classes} classes"
    text = f"{dataset} subset, trained here (profile {weights.get('profile')}"
    text += f", {weights.get('epochs_done')} epochs"
    accuracy = weights.get("val_accuracy")
    if isinstance(accuracy, int | float) and isinstance(classes, int) and classes > 0:
        chance = " — at chance" if accuracy <= 1.5 / classes else ""
        text += f", validation accuracy {accuracy:.1%}{chance}"
    return text + ")"


@functools.cache
def _registry_facts(architecture: str | None) -> dict[str, Any]:
    """Family, depth and recurrence from the model registry, for computed models whose rows
    do not say (imported lazily: the registry pulls in torch)."""
    if not architecture:
        return {}
    from scoring.models import registry

    try:
        info = registry.model_info(architecture)
    except KeyError:
        return {}
    return {
        "family": info.family,
        "depth": info.depth,
        "recurrent": info.recurrent,
        "variant_of": info.variant_of,
    }


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
