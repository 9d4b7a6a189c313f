"""What a training run reports while it runs and when it ends."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TrainingProgress:
    """One report from rank 0. Loss and accuracy are running means over the epoch so far,
    aggregated over all processes; ``images_per_second`` counts all processes' images since
    the previous report. ``phase`` is ``train`` during an epoch and ``epoch`` once it is done
    (then ``val_accuracy`` is set when there is a validation split)."""

    phase: str
    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    loss: float
    accuracy: float
    images_per_second: float
    lr: float
    val_accuracy: float | None = None

    @property
    def fraction_done(self) -> float:
        total = self.epochs * self.steps_per_epoch
        return min(1.0, self.step / total) if total else 1.0


ProgressCallback = Callable[[TrainingProgress], None]


@dataclass(frozen=True)
class TrainingResult:
    """The finished (or ``max_steps``-stopped) run; ``weights_path`` is the model's artifact."""

    weights_path: Path
    sha256: str
    epochs_done: int
    global_step: int
    resumed_from_epoch: int
    finished: bool
    num_classes: int
    classes: list[str]
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    profile: str
    history: list[dict[str, float]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "weights_path": str(self.weights_path)}

    @classmethod
    def from_json_file(cls, path: Path) -> TrainingResult:
        payload = json.loads(Path(path).read_text())
        payload["weights_path"] = Path(payload["weights_path"])
        payload["mean"] = tuple(payload["mean"])
        payload["std"] = tuple(payload["std"])
        return cls(**payload)
