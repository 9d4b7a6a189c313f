"""Registers the reference models as computed ``Model`` rows, with their shipped weights.

[decision] The CORnets and CIFAR ResNets keep their registry ids as names. The ImageNet
baselines are named ``<id>--computed``: the published tables already hold rows such as
``alexnet``, and a computed model must never share a row with a published one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from foundation.models import Model, Source, Visibility, WeightArtifact
from foundation.runs import repository

CORNETS = ("cornet_z", "cornet_rt", "cornet_s")
CIFAR_RESNETS = ("resnet20_cifar10", "resnet56_cifar10")
IMAGENET_BASELINES = ("alexnet", "vgg16", "resnet18", "resnet50", "densenet169", "mobilenet_v2")
BASELINE_SUFFIX = "--computed"


def reference_names() -> dict[str, str]:
    """Model name → registry architecture."""
    names = {arch: arch for arch in (*CORNETS, *CIFAR_RESNETS)}
    names.update({f"{arch}{BASELINE_SUFFIX}": arch for arch in IMAGENET_BASELINES})
    return names


def seed_reference_models(session: Session) -> list[Model]:
    """Create the missing reference rows; existing rows (and their trained weights) stay."""
    created = []
    for name, architecture in reference_names().items():
        if repository.model_by_name(session, name) is None:
            created.append(repository.add(session, reference_model(session, name, architecture)))
    return created


def reference_model(session: Session, name: str, architecture: str) -> Model:
    from scoring.models import model_info

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
    if info.default_weights is not None:
        model.weights_artifact = shipped_artifact(session, Path(info.default_weights))
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
        "training_data": "CIFAR-10" if info.num_classes == 10 else "ImageNet",
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
