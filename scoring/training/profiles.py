"""Training profiles as data: the CORnet-S ``paper`` recipe, a ``cpu-quick`` smoke profile and
the first run's ``cpu-cifar10``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from scoring.registry import Registry

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class TrainingProfile:
    """Everything a training run needs besides the model, the data and the output folder.

    ``batch_size`` is global: each of N processes gets ``batch_size // N`` images per step.
    ``mean``/``std`` of ``None`` mean "the model's own normalisation" (its ``model_info``).
    """

    name: str
    epochs: int
    batch_size: int
    lr: float
    lr_step_epochs: float
    lr_gamma: float
    momentum: float
    weight_decay: float
    input_size: int
    resize_size: int
    crop_scale: tuple[float, float] = (0.08, 1.0)
    mean: tuple[float, float, float] | None = None
    std: tuple[float, float, float] | None = None
    seed: int = 0
    workers_per_process: int = 0
    log_every_steps: int = 10
    keep_checkpoints: int = 2
    description: str = ""

    def learning_rate(self, epoch: float) -> float:
        return step_learning_rate(epoch, self.lr, self.lr_step_epochs, self.lr_gamma)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def step_learning_rate(epoch: float, base_lr: float, step_epochs: float, gamma: float) -> float:
    """StepLR evaluated at a fractional epoch: ``base_lr * gamma ** floor(epoch / step_epochs)``.

    Computed explicitly (CORnet ``run.py`` calls ``scheduler.step(epoch=...)`` each iteration,
    which PyTorch deprecated).
    """
    return base_lr * gamma ** math.floor(epoch / step_epochs)


PROFILES: Registry[TrainingProfile] = Registry("training profile")


def register_profile(profile: TrainingProfile) -> TrainingProfile:
    PROFILES.register(profile.name, profile)(lambda: profile)
    return profile


def get_profile(name: str) -> TrainingProfile:
    return PROFILES.metadata(name)


def list_profiles() -> list[str]:
    return PROFILES.names()


PAPER = register_profile(
    TrainingProfile(
        name="paper",
        epochs=43,
        batch_size=256,
        lr=0.1,
        lr_step_epochs=20,
        lr_gamma=0.1,
        momentum=0.9,
        weight_decay=1e-4,
        input_size=224,
        resize_size=256,
        crop_scale=(0.08, 1.0),
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        workers_per_process=8,
        log_every_steps=50,
        description="CORnet-S recipe (Kubilius et al. 2019, run.py): ImageNet-1k, 43 epochs, "
        "SGD 0.9 / 1e-4, lr 0.1 divided by 10 every 20 epochs, global batch 256.",
    )
)


def cifar10_on_cpu(
    *, name: str, epochs: int, lr_step_epochs: float, log_every_steps: int, description: str
) -> TrainingProfile:
    """The CPU recipe for the shipped CIFAR-10 JPEGs at their native 32 px (SGD 0.05 / 0.9 /
    5e-4, global batch 64, lr divided by 10 once, crops of 35-100 %), run for ``epochs``."""
    return TrainingProfile(
        name=name,
        epochs=epochs,
        batch_size=64,
        lr=0.05,
        lr_gamma=0.1,
        momentum=0.9,
        weight_decay=5e-4,
        input_size=32,
        resize_size=32,
        crop_scale=(0.35, 1.0),
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        lr_step_epochs=lr_step_epochs,
        log_every_steps=log_every_steps,
        description=description,
    )


CPU_QUICK = register_profile(
    cifar10_on_cpu(
        name="cpu-quick",
        epochs=4,
        lr_step_epochs=3,
        log_every_steps=5,
        description="Shipped CIFAR-10 JPEGs at their native 32 px on a few CPU cores: "
        "4 epochs over a stratified subset (size chosen when the subset is extracted).",
    )
)

CPU_CIFAR10 = register_profile(
    cifar10_on_cpu(
        name="cpu-cifar10",
        epochs=8,
        lr_step_epochs=6,
        log_every_steps=20,
        description="The first run's CORnet-Z recipe: the full CIFAR-10 training set at its "
        "native 32 px on CPU, 8 epochs, lr divided by 10 after 6. Target: 60% validation "
        "accuracy (scripts/measure_first_run_training.py measures it).",
    )
)
