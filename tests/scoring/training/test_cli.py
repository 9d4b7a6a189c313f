from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from scoring.training import cli
from scoring.training.progress import TrainingProgress, TrainingResult
from tests.data import DataSource


def _fake_result(out_dir: Path) -> TrainingResult:
    return TrainingResult(
        weights_path=out_dir / "model.safetensors",
        sha256="ab" * 32,
        epochs_done=4,
        global_step=8,
        resumed_from_epoch=0,
        finished=True,
        num_classes=10,
        classes=["a"],
        input_size=32,
        mean=(0.5, 0.5, 0.5),
        std=(0.2, 0.2, 0.2),
        profile="cpu-quick",
    )


def test_train_command_passes_options_and_extracts_the_cifar_zips(
    data_source: DataSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []

    def fake_train(*args: object, **kwargs: object) -> TrainingResult:
        calls.append((args, kwargs))
        progress = kwargs["progress"]
        assert callable(progress)
        progress(TrainingProgress("train", 0, 4, 2, 2, 2.3, 0.1, 100.0, 0.05))
        return _fake_result(tmp_path)

    monkeypatch.setattr(cli, "train", fake_train)
    app = typer.Typer()
    cli.register(app)
    app.command("noop")(lambda: None)  # typer runs a lone command without its name
    outcome = CliRunner().invoke(
        app,
        [
            "train",
            "cornet_z",
            "--data",
            str(data_source("cifar10")),
            "--profile",
            "cpu-quick",
            "--nproc",
            "2",
            "--out",
            str(tmp_path),
            "--per-class",
            "3",
            "--max-steps",
            "8",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    (model, folder, profile, out_dir), options = calls[0]
    assert (model, profile, out_dir) == ("cornet_z", "cpu-quick", tmp_path)
    assert folder == tmp_path / "cifar10-3x10"
    assert len(list((tmp_path / "cifar10-3x10" / "train").rglob("*.jpg"))) == 30
    assert (options["nproc"], options["max_steps"], options["resume"]) == (2, 8, True)
    assert '"sha256": "' + "ab" * 32 in outcome.output
