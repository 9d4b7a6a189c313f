from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from scoring.training.checkpoints import (
    TrainingState,
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
)


def _model_and_stepped_optimizer(seed: int) -> tuple[nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(5, 4)).sum().backward()
    optimizer.step()
    return model, optimizer


def test_checkpoint_round_trip_restores_weights_optimizer_and_state(tmp_path: Path):
    model, optimizer = _model_and_stepped_optimizer(0)
    state = TrainingState(epochs_done=3, global_step=30, history=[{"epoch": 2.0, "loss": 1.5}])
    save_checkpoint(tmp_path, model, optimizer, state)
    fresh, fresh_optimizer = _model_and_stepped_optimizer(1)
    restored = load_checkpoint(latest_checkpoint(tmp_path), fresh, fresh_optimizer)
    assert restored == state
    for name, tensor in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[name], tensor)
    momentum = optimizer.state_dict()["state"][0]["momentum_buffer"]
    assert torch.equal(fresh_optimizer.state_dict()["state"][0]["momentum_buffer"], momentum)


def test_only_the_last_checkpoints_are_kept_and_partial_ones_ignored(tmp_path: Path):
    model, optimizer = _model_and_stepped_optimizer(0)
    for epoch in range(1, 5):
        save_checkpoint(tmp_path, model, optimizer, TrainingState(epochs_done=epoch), keep=2)
    (tmp_path / "checkpoints" / ".epoch-0005.tmp-123").mkdir()
    (tmp_path / "checkpoints" / "epoch-0006").mkdir()
    names = [path.name for path in list_checkpoints(tmp_path / "checkpoints")]
    assert names == ["epoch-0003", "epoch-0004"]


def test_a_checkpoint_whose_weights_changed_is_refused(tmp_path: Path):
    model, optimizer = _model_and_stepped_optimizer(0)
    path = save_checkpoint(tmp_path, model, optimizer, TrainingState(epochs_done=1))
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    with pytest.raises(ValueError, match="sha256"):
        load_checkpoint(path, model, optimizer)
