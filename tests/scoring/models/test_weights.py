"""Weights: safe loading, checked conversion to safetensors and the ``ventral convert`` command."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import typer
from typer.testing import CliRunner

from scoring.models import create_model
from scoring.models.cli import register
from scoring.models.convert import convert_checkpoint
from scoring.models.weights import WeightsMismatchError, load_weights, read_state_dict


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_convert_round_trips_a_data_parallel_checkpoint(tmp_path: Path) -> None:
    source = create_model("resnet20_cifar10").eval()
    pth = tmp_path / "mine.pth"
    state = {f"module.{k}": v for k, v in source.state_dict().items()}
    torch.save({"state_dict": state, "epoch": 3}, pth)
    out = convert_checkpoint(pth, "resnet20_cifar10", tmp_path / "mine.safetensors")
    loaded = load_weights(create_model("resnet20_cifar10"), out).eval()
    image = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(source(image), loaded(image))


def test_convert_refuses_wrong_shapes_and_keys(tmp_path: Path) -> None:
    state = create_model("resnet20_cifar10").state_dict()
    state["linear.weight"] = torch.zeros(100, 64)
    state["extra.weight"] = torch.zeros(1)
    pth = tmp_path / "bad.pth"
    torch.save(state, pth)
    with pytest.raises(
        WeightsMismatchError, match=r"unexpected key extra.weight; shape of linear.weight"
    ):
        convert_checkpoint(pth, "resnet20_cifar10", tmp_path / "bad.safetensors")
    assert not (tmp_path / "bad.safetensors").exists()


def test_pickled_objects_are_not_unpickled(tmp_path: Path) -> None:
    pth = tmp_path / "evil.pth"
    torch.save({"state_dict": {}, "payload": Path("/etc/passwd")}, pth)
    with pytest.raises(Exception, match=r"Weights only load failed|weights_only"):
        read_state_dict(pth)


def test_convert_command_writes_safetensors_and_rejects_other_arch(tmp_path: Path) -> None:
    pth = tmp_path / "cornet.pth"
    torch.save(create_model("cornet_z").state_dict(), pth)
    ok = CliRunner().invoke(_cli(), ["convert", str(pth), "--arch", "cornet_z"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "cornet.safetensors").is_file()
    wrong = CliRunner().invoke(_cli(), ["convert", str(pth), "--arch", "resnet20_cifar10"])
    assert wrong.exit_code == 2 and "do not match the architecture" in wrong.output


def test_models_list_command() -> None:
    result = CliRunner().invoke(_cli(), ["models", "list", "cornet_s"])
    assert result.exit_code == 0 and "depth  15" in result.output
