"""Commands that the science library contributes to the ``ventral`` CLI (they need no server)."""

from __future__ import annotations

import typer

from scoring.benchmarks import cli as benchmark_commands
from scoring.models import cli as model_commands
from scoring.training import cli as training_commands


def register_library_commands(cli: typer.Typer) -> None:
    """``ventral models list``, ``convert``, ``score``, ``benchmarks list``, ``train``."""
    for module in (model_commands, benchmark_commands, training_commands):
        module.register(cli)
