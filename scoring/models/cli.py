"""Typer commands for models: ``ventral convert`` and ``ventral models list``.

The lead wires them into the ``ventral`` console script with ``register(cli)``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from scoring.models.convert import convert_checkpoint
from scoring.models.registry import create_model, list_models, model_info, parameter_count
from scoring.models.weights import WeightsMismatchError, file_sha256


def convert(
    checkpoint: Path = typer.Argument(..., exists=True, dir_okay=False, help="MODEL.pth"),
    arch: str = typer.Option(..., "--arch", help="registry id, see `ventral models list`"),
    out: Path | None = typer.Option(None, "--out", help="default: MODEL.safetensors"),
) -> None:
    """Convert your own .pth state dict into safetensors (the only upload format)."""
    if arch not in list_models():
        raise typer.BadParameter(f"unknown architecture {arch!r}", param_hint="--arch")
    target = out or checkpoint.with_suffix(".safetensors")
    try:
        convert_checkpoint(checkpoint, arch, target)
    except WeightsMismatchError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"wrote {target} (sha256 {file_sha256(target)})")


def list_command(
    pattern: str = typer.Argument("*", help="glob over model ids"),
    params: bool = typer.Option(False, "--params", help="build each model to count parameters"),
) -> None:
    """List registered architectures with their family, depth and commitments."""
    for name in list_models(pattern):
        info = model_info(name)
        regions = ",".join(info.region_layers) or "layer selection"
        count = f"  {parameter_count(create_model(name)):,} params" if params else ""
        typer.echo(f"{name:22} {info.family:14} depth {info.depth:3}  regions {regions}{count}")


def register(cli: typer.Typer) -> None:
    cli.command("convert")(convert)
    models = typer.Typer(help="Model architectures in the registry.")
    models.command("list")(list_command)
    cli.add_typer(models, name="models")
