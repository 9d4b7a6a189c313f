"""What the engineering benchmarks (ImageNet and CIFAR-10 top-1, linear transfer) share: they
use the model's own head where they need one, and their scores have ceiling 1, not applied."""

from __future__ import annotations

from typing import Any

import numpy as np

from scoring.benchmarks.base import BrainModel, NotApplicable
from scoring.score import Score, bootstrap_sem


def start_own_head_task(
    brain_model: BrainModel, task: str, head: Any, *, benchmark: str, needs: str
) -> None:
    """Starts ``task`` on the model's own ``head``; a model without one is not applicable to
    ``benchmark`` (the reason says it ``needs`` that head, and why the model refused)."""
    try:
        brain_model.start_task(task, head)
    except (NotImplementedError, ValueError) as refusal:
        raise NotApplicable(f"{benchmark} needs {needs}: {refusal}") from None


def unit_ceiling_score(raw: float, error: float, details: dict[str, Any]) -> Score:
    """Ceiling 1, no ceiling applied: the ceiled score is the raw one."""
    return Score(raw=raw, error=error, ceiling=1.0, ceiled=raw, details=details)


def share_correct(correct: np.ndarray, **details: Any) -> Score:
    """The share of images answered correctly (``correct``: one boolean an image); error =
    bootstrap standard error over images; ``details`` follow the image counts."""
    return unit_ceiling_score(
        float(correct.mean()),
        bootstrap_sem(correct),
        {"n_images": int(correct.size), "n_correct": int(correct.sum()), **details},
    )
