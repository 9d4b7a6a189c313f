"""Every registered model builds, runs, and declares commitments that exist in the network."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from scoring.models import create_model, list_models, model_info
from scoring.models.registry import REGIONS

SMALL_INPUT = 64  # enough for every architecture's pooling; keeps CPU time low


def _firings(model: nn.Module, names: set[str], size: int) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    handles = [
        model.get_submodule(name).register_forward_hook(
            lambda *_, name=name: counts.__setitem__(name, counts[name] + 1)
        )
        for name in names
    ]
    with torch.no_grad():
        output = model(torch.rand(2, 3, size, size))
    for handle in handles:
        handle.remove()
    counts["__output__"] = output.shape[-1]
    return counts


@pytest.mark.parametrize("name", list_models())
def test_registered_model_builds_runs_and_commits_to_real_layers(name: str) -> None:
    info = model_info(name)
    model = create_model(name).eval()
    declared = {*info.region_layers.values(), info.behavioral_readout, *info.candidate_layers}
    modules = dict(model.named_modules())
    assert all(layer in modules for layer in declared), declared - set(modules)
    assert set(info.region_layers) <= set(REGIONS)
    counts = _firings(model, declared, min(info.input_size, SMALL_INPUT))
    assert counts.pop("__output__") == info.num_classes
    assert all(count >= 1 for count in counts.values()), counts
    assert info.depth > 0 and info.visual_degrees == 8.0
    assert len(info.mean) == len(info.std) == 3
    if info.recurrent:
        assert info.time_mapping is not None
        for region, (_, step, n_steps) in info.time_mapping.items():
            assert step > 0 and 1 <= n_steps <= counts[info.region_layers[region]]
    else:
        assert info.time_mapping is None
        assert counts[info.behavioral_readout] == 1


def test_list_models_filters_by_pattern() -> None:
    assert list_models("cornet_s_*") == sorted(
        n for n in list_models() if n.startswith("cornet_s_")
    )
    assert {"cornet_z", "cornet_rt", "cornet_s", "resnet20_cifar10", "alexnet"} <= set(
        list_models()
    )


def test_create_model_pretrained_without_shipped_weights_says_so() -> None:
    with pytest.raises(ValueError, match="ships no pretrained weights"):
        create_model("cornet_z", pretrained=True)
