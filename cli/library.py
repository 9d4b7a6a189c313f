"""Commands that the science library contributes to the ``ventral`` CLI (they need no server)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from foundation.config import get_settings
from scoring.benchmarks import cli as benchmark_commands
from scoring.models import cli as model_commands
from scoring.training import cli as training_commands


def register_library_commands(cli: typer.Typer) -> None:
    """``ventral models list``, ``convert``, ``score``, ``benchmarks list``, ``train``."""
    model_commands.register(cli)
    benchmark_commands.register(cli, default_data_dirs=_data_dirs)
    training_commands.register(cli)


def _data_dirs() -> Sequence[Path]:
    """``ventral score`` without ``--data-dir``: the repository's data/, then the data step's
    built files (``settings.data_dir``: BrainIO files and the ImageNet-trained weights)."""
    from scoring.benchmarks.base import REPO_DATA_DIR

    return (REPO_DATA_DIR, get_settings().data_dir)
