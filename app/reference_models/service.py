"""Registers the reference models as computed ``Model`` rows, with their weights.

[decision] The reference models keep their registry ids as names: the CORnets, the CIFAR
ResNets (shipped weights) and the ImageNet-trained MobileNets and EfficientNet-Lites, whose
weights the data step builds (``ventral data fetch``): such a model is registered once its weights
are in one of the data folders, never without them. The six weightless ImageNet baselines
(``alexnet--computed`` ...) left the reference list (issue 14): they had no trained weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from foundation.models import Model, Source, Visibility, WeightArtifact
from foundation.runs import repository

CORNETS = ("cornet_z", "cornet_rt", "cornet_s")
CIFAR_RESNETS = ("resnet20_cifar10", "resnet56_cifar10")
IMAGENET_TRAINED = (
    "mobilenet_v1_1.0_224",
    "mobilenet_v1_0.75_192",
    "mobilenet_v1_0.5_160",
    "mobilenet_v1_0.25_128",
    "mobilenet_v2_1.0_224",
    "efficientnet_lite0",
    "efficientnet_lite1",
    "efficientnet_lite2",
)


def reference_names() -> dict[str, str]:
    """Model name → registry architecture."""
    return {arch: arch for arch in (*CORNETS, *CIFAR_RESNETS, *IMAGENET_TRAINED)}


def seed_reference_models(session: Session, data_dirs: Sequence[Path] = ()) -> list[Model]:
    """Create the missing reference rows; existing rows (and their trained weights) stay. A model
    whose weights the data step builds is created once they are in ``data_dirs``."""
    from scoring.models import model_info
    from scoring.models.registry import built_weights_path

    created = []
    for name, architecture in reference_names().items():
        if repository.model_by_name(session, name) is not None:
            continue
        info = model_info(architecture)
        if info.built_weights is not None and built_weights_path(info, data_dirs) is None:
            continue
        model = reference_model(session, name, architecture, data_dirs)
        created.append(repository.add(session, model))
    return created


def reference_model(
    session: Session, name: str, architecture: str, data_dirs: Sequence[Path] = ()
) -> Model:
    from scoring.models import model_info
    from scoring.models.registry import built_weights_path

    info = model_info(architecture)
    model = Model(
        name=name,
        architecture=architecture,
        format="builtin",
        source=Source.computed,
        visibility=Visibility.public,
        region_commitments=commitments(info),
        model_metadata=metadata(info),
    )
    weights = info.default_weights or built_weights_path(info, data_dirs)
    if weights is not None:
        model.weights_artifact = shipped_artifact(session, Path(weights).resolve())
    return model


def commitments(info: Any) -> dict[str, Any]:
    """Region → layer, and region → (start ms, step ms, steps) for recurrent models."""
    return {
        region: {"layer": layer, "time": list((info.time_mapping or {}).get(region, [])) or None}
        for region, layer in info.region_layers.items()
    }


def metadata(info: Any) -> dict[str, Any]:
    return {
        "reference": info.reference,
        "bibtex": info.bibtex,
        "depth": info.depth,
        "family": info.family,
        "description": info.description,
        "training_data": "CIFAR-10" if info.num_classes == 10 else "ImageNet-1k",
        "input_size": info.input_size,
        "reference_model": True,
        "layer_selection": not info.precommitted,
    }


def shipped_artifact(session: Session, path: Path) -> WeightArtifact:
    from scoring.models.weights import file_sha256

    return repository.add(
        session,
        WeightArtifact(
            sha256=file_sha256(path), size=path.stat().st_size, path=str(path), format="safetensors"
        ),
    )
