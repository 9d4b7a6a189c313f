"""Commands that the science library contributes to the ``ventral`` CLI (they need no server)."""

from __future__ import annotations

import typer

from scoring.models import cli as model_commands
from scoring.training import cli as training_commands


def register_library_commands(cli: typer.Typer) -> None:
    """``ventral models list``, ``convert``, ``train``, ... straight from ``scoring``."""
    for module in (model_commands, training_commands):
        module.register(cli)
