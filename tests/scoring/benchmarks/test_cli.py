"""``ventral score`` and ``ventral benchmarks list`` through typer."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from scoring.benchmarks.cli import register


def _cli() -> typer.Typer:
    cli = typer.Typer()
    register(cli)
    return cli


def test_benchmarks_list_shows_status_and_synthetic_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), ["benchmarks", "list", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "data not installed" in lines["MajajHong2015.IT-pls"]
    assert "SYNTHETIC" in lines["Synthetic-IT-pls"]
    assert "SYNTHETIC" not in lines["CIFAR10H-i2n"]


def test_score_refuses_a_benchmark_without_data(tmp_path: Path) -> None:
    args = ["score", "resnet20_cifar10", "MajajHong2015.IT-pls", "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 2
    assert "data not installed" in result.output
    assert "assy_dicarlo_MajajHong2015_private.nc" in result.output
