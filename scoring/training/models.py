"""Which network to train: a registry name (``scoring.models``) or a ready ``nn.Module``."""

from __future__ import annotations

from torch import nn

from scoring.training.profiles import IMAGENET_MEAN, IMAGENET_STD, TrainingProfile

ModelSpec = str | nn.Module
Preprocessing = tuple[int, tuple[float, float, float], tuple[float, float, float]]


def build_model(spec: ModelSpec, num_classes: int) -> nn.Module:
    """A fresh registry model (random init) with a ``num_classes`` head, or ``spec`` itself."""
    if isinstance(spec, nn.Module):
        return spec
    from scoring.models import create_model, model_info

    model = create_model(spec, pretrained=False)
    if model_info(spec).num_classes != num_classes:
        replace_classifier(model, num_classes)
    return model


def replace_classifier(model: nn.Module, num_classes: int) -> None:
    """Swap the last ``nn.Linear`` (the decoder of every registered architecture) for a new one."""
    linears = [
        (name, module) for name, module in model.named_modules() if isinstance(module, nn.Linear)
    ]
    if not linears:
        raise ValueError(f"{type(model).__name__} has no nn.Linear classifier to resize")
    name, last = linears[-1]
    parent = model.get_submodule(name.rpartition(".")[0]) if "." in name else model
    setattr(parent, name.rpartition(".")[2], nn.Linear(last.in_features, num_classes))


def normalisation(spec: ModelSpec, profile: TrainingProfile) -> Preprocessing:
    """(input size, mean, std): the profile's values, falling back to the model's own."""
    mean, std = profile.mean, profile.std
    if (mean is None or std is None) and isinstance(spec, str):
        from scoring.models import model_info

        info = model_info(spec)
        mean, std = mean or info.mean, std or info.std
    return profile.input_size, mean or IMAGENET_MEAN, std or IMAGENET_STD
