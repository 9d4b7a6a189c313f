"""The per-process training loop: one epoch of SGD steps and a distributed evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
import torch.distributed as dist
from torch import nn

from scoring.training.profiles import TrainingProfile
from scoring.training.progress import TrainingProgress

Emit = Callable[[TrainingProgress], None]
EpochMetrics = tuple[float, float, float]  # loss, accuracy, images/s


@dataclass
class EpochMeter:
    """Running sums kept on the device (no host sync per step), summed over ranks on read.

    The image count is known on the host and stays there: building it as a device tensor each
    step would be a host-to-device copy, which on CUDA waits for the stream (a sync per step).
    """

    device: torch.device
    sums: torch.Tensor = field(init=False)  # loss * images, correct
    images: int = 0
    images_at_last_report: float = 0.0
    time_at_last_report: float = field(default_factory=time.perf_counter)
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self.sums = torch.zeros(2, dtype=torch.float64, device=self.device)

    def add(self, loss: torch.Tensor, logits: torch.Tensor, labels: torch.Tensor) -> None:
        count = labels.numel()
        correct = (logits.argmax(dim=1) == labels).sum()
        self.sums += torch.stack([loss.detach().double() * count, correct.double()])
        self.images += count

    def epoch_rate(self) -> float:
        """Images/s of all ranks since the epoch began, as of the latest ``read``."""
        return self.images_at_last_report / max(self.time_at_last_report - self.started, 1e-9)

    def read(self) -> tuple[float, float, float]:
        """(mean loss, accuracy, images/s since the previous read), all ranks together."""
        images_here = torch.tensor([float(self.images)], dtype=torch.float64, device=self.device)
        totals = all_reduce_sum(torch.cat([self.sums, images_here]))
        loss_sum, correct, images = (float(value) for value in totals)
        now = time.perf_counter()
        rate = (images - self.images_at_last_report) / max(now - self.time_at_last_report, 1e-9)
        self.images_at_last_report, self.time_at_last_report = images, now
        return loss_sum / max(images, 1.0), correct / max(images, 1.0), rate


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(tensor)
    return tensor


@dataclass
class StepCounter:
    global_step: int
    max_steps: int | None

    @property
    def exhausted(self) -> bool:
        return self.max_steps is not None and self.global_step >= self.max_steps


def train_epoch(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    steps_per_epoch: int,
    optimizer: torch.optim.Optimizer,
    profile: TrainingProfile,
    epoch: int,
    counter: StepCounter,
    emit: Emit | None,
) -> EpochMetrics | None:
    """Run one epoch; return (loss, accuracy, images/s), or ``None`` if ``max_steps`` cut it."""
    model.train()
    device = next(model.parameters()).device
    meter = EpochMeter(device)
    criterion = nn.CrossEntropyLoss()
    if counter.exhausted:
        return None
    for index, (images, labels) in enumerate(loader):
        lr = set_learning_rate(optimizer, profile.learning_rate(epoch + index / steps_per_epoch))
        images = images.to(device, non_blocking=True)
        labels = labels.to(device, non_blocking=True)
        logits = model(images)
        loss = criterion(logits, labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        meter.add(loss, logits, labels)
        counter.global_step += 1
        if counter.global_step % profile.log_every_steps == 0 or index + 1 == steps_per_epoch:
            report = _report("train", meter, profile, epoch, counter, steps_per_epoch, lr)
            if emit is not None:
                emit(report)
        if counter.exhausted and index + 1 < steps_per_epoch:
            return None  # here, not before the next fetch: that batch would be read for nothing
    loss_mean, accuracy, _rate = meter.read()
    return loss_mean, accuracy, meter.epoch_rate()


def _report(
    phase: str,
    meter: EpochMeter,
    profile: TrainingProfile,
    epoch: int,
    counter: StepCounter,
    steps_per_epoch: int,
    lr: float,
) -> TrainingProgress:
    loss_mean, accuracy, rate = meter.read()
    return TrainingProgress(
        phase,
        epoch,
        profile.epochs,
        counter.global_step,
        steps_per_epoch,
        loss_mean,
        accuracy,
        rate,
        lr,
    )


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float) -> float:
    for group in optimizer.param_groups:
        group["lr"] = lr
    return lr


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable[tuple[torch.Tensor, torch.Tensor]]) -> float:
    """Top-1 accuracy over this rank's share, summed over all ranks."""
    model.eval()
    device = next(model.parameters()).device
    counts = torch.zeros(2, dtype=torch.float64, device=device)
    for images, labels in loader:
        logits = model(images.to(device, non_blocking=True))
        correct = (logits.argmax(dim=1).cpu() == labels).sum()
        counts += torch.tensor(
            [float(correct), float(labels.numel())], device=device, dtype=torch.float64
        )
    correct_total, seen = (float(value) for value in all_reduce_sum(counts))
    return correct_total / max(seen, 1.0)
