"""The engineering benchmarks' shared pieces: ImageNet-sample-top1's score (top-1, top-5 in the
details, ceiling 1 not applied) and the refusal of a model without the head a benchmark needs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from scoring.benchmarks import NotApplicable
from scoring.benchmarks.base import BrainModel
from scoring.benchmarks.engineering import start_own_head_task
from scoring.benchmarks.imagenet_sample import top_k_score
from scoring.score import bootstrap_sem


def test_top_k_score_has_top1_as_the_score_and_top5_in_the_details() -> None:
    probabilities = np.tile(np.arange(7.0, 0.0, -1.0), (4, 1))  # every image ranks 0, 1, ..., 6
    score = top_k_score(probabilities, np.array([0, 3, 5, 6]))
    assert (score.raw, score.ceiling, score.ceiled) == (0.25, 1.0, 0.25)
    assert score.error == bootstrap_sem(np.array([1.0, 0.0, 0.0, 0.0]))
    assert score.details == {
        "n_images": 4,
        "n_correct": 1,
        "top5": 0.5,
        "top5_error": bootstrap_sem(np.array([1.0, 1.0, 0.0, 0.0])),
        "sample": "one image per ImageNet-1k class, not the validation set",
    }


class HeadlessModel:
    identifier = "headless"

    def start_task(self, task: str, fitting_stimuli: Any = None) -> None:
        raise ValueError(f"no {fitting_stimuli} head for {task}")


def test_a_model_without_the_head_is_not_applicable_and_says_why() -> None:
    model: BrainModel = HeadlessModel()  # type: ignore[assignment]
    with pytest.raises(NotApplicable) as refusal:
        start_own_head_task(
            model, "label", "imagenet", benchmark="B", needs="a 1000-way ImageNet head"
        )
    assert str(refusal.value) == "B needs a 1000-way ImageNet head: no imagenet head for label"
