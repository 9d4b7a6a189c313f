"""Typer commands: ``ventral score MODEL BENCHMARK`` and ``ventral benchmarks list``.

The lead wires them into the ``ventral`` console script with ``register(cli)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import typer
from tqdm import tqdm

from scoring.benchmarks.base import DataNotInstalled, NotApplicable
from scoring.benchmarks.registry import benchmark_info, list_benchmarks, load_benchmark
from scoring.benchmarks.run import benchmark_status, score_model, summary

# The data folders searched when ``--data-dir`` is not given (set by ``register``): the
# repository's data/ alone, or also this installation's built data (``ventral data fetch``).
_default_data_dirs: Callable[[], Sequence[Path]] | None = None


def score_command(
    model: str = typer.Argument(..., help="registered model id, see `ventral models list`"),
    benchmark: str = typer.Argument(..., help="benchmark id, see `ventral benchmarks list`"),
    weights: Path | None = typer.Option(None, "--weights", help="safetensors weights file"),
    device: str = typer.Option("cpu", "--device", help="cpu or cuda"),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="BrainIO data folder"),
    n_per_class: int | None = typer.Option(
        None, "--n-per-class", help="CIFAR10H-i2n / CIFAR10-top1: stratified subset size"
    ),
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", help="keep activations here and reuse them on the next run"
    ),
) -> None:
    """Score MODEL on BENCHMARK here (no server) and print the score as JSON."""
    params = {"n_per_class": n_per_class} if n_per_class is not None else {}
    folders: Path | Sequence[Path] | None = data_dir
    if folders is None and _default_data_dirs is not None:
        folders = tuple(_default_data_dirs())
    with tqdm(total=100, desc=benchmark, unit="%") as bar:

        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message[-60:])
            bar.update(round(100 * fraction) - bar.n)

        try:
            score = score_model(
                model, benchmark, weights, device, folders, progress, cache_dir=cache_dir, **params
            )
        except (DataNotInstalled, NotApplicable) as reason:
            bar.close()
            typer.echo(f"error: {reason}", err=True)
            raise typer.Exit(code=2) from None
    typer.echo(json.dumps(summary(score), indent=2))


def list_command(
    data_dir: Path | None = typer.Option(None, "--data-dir", help="BrainIO data folder"),
) -> None:
    """List registered benchmarks with their parent, flags and data status."""
    for identifier in list_benchmarks():
        info = benchmark_info(identifier)
        status = benchmark_status(load_benchmark(identifier, data_dir=data_dir))
        flag = "  SYNTHETIC" if info.synthetic else ""
        typer.echo(f"{identifier:28} v{info.version}  {info.parent:20} {status}{flag}")


def register(
    cli: typer.Typer, default_data_dirs: Callable[[], Sequence[Path]] | None = None
) -> None:
    global _default_data_dirs
    _default_data_dirs = default_data_dirs
    cli.command("score")(score_command)
    benchmarks = typer.Typer(help="Benchmarks in the registry.")
    benchmarks.command("list")(list_command)
    cli.add_typer(benchmarks, name="benchmarks")
