"""``ventral train MODEL --data DIR [--profile paper|cpu-quick] [--nproc N]``.

The service's CLI calls ``register(cli)``; the command runs ``scoring.training.train`` in this
process (plus ``nproc - 1`` spawned ranks) with a progress bar, and prints the result as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from scoring.training.cifar10 import training_folder
from scoring.training.launch import train
from scoring.training.profiles import get_profile
from scoring.training.progress import TrainingProgress


def register(cli: typer.Typer) -> None:
    cli.command("train")(train_command)


def train_command(
    model: Annotated[str, typer.Argument(help="registry name, e.g. cornet_s")],
    data: Annotated[Path, typer.Option(help="ImageFolder tree or the CIFAR-10 zips")],
    profile: Annotated[str, typer.Option(help="paper | cpu-quick")] = "paper",
    nproc: Annotated[int, typer.Option(help="processes (one per GPU with --device cuda)")] = 1,
    device: Annotated[str, typer.Option(help="cpu | cuda")] = "cpu",
    out: Annotated[Path | None, typer.Option(help="checkpoints + weights")] = None,
    resume: Annotated[bool, typer.Option(help="continue from the last checkpoint")] = True,
    max_steps: Annotated[int | None, typer.Option(help="stop after this many steps")] = None,
    per_class: Annotated[int, typer.Option(help="CIFAR-10 train images per class")] = 500,
) -> None:
    """Train MODEL from scratch with a training profile; resumes an interrupted run."""
    out_dir = out or Path("runs") / f"{model}-{profile}"
    folder = training_folder(data, out_dir, per_class)
    with tqdm(total=get_profile(profile).epochs, unit="epoch", dynamic_ncols=True) as bar:
        result = train(
            model,
            folder,
            profile,
            out_dir,
            nproc=nproc,
            device=device,
            resume=resume,
            max_steps=max_steps,
            progress=lambda report: _show(bar, report),
        )
    typer.echo(json.dumps(result.to_json(), indent=2))


def _show(bar: tqdm, report: TrainingProgress) -> None:
    bar.n = report.step / max(report.steps_per_epoch, 1)
    bar.set_postfix(
        loss=f"{report.loss:.3f}",
        acc=f"{report.accuracy:.3f}",
        img_s=f"{report.images_per_second:.0f}",
        lr=f"{report.lr:g}",
    )
    bar.refresh()
