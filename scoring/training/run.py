"""Everything one training process does: build, resume, train epochs, checkpoint, finish.

With several processes this runs once per rank inside a ``torch.distributed`` group; rank 0
alone writes checkpoints, the final weights and progress reports.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler, Subset

from scoring.training.checkpoints import (
    TrainingState,
    checkpoint_root,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
    save_weights,
    write_json_atomic,
)
from scoring.training.datasets import ImageFolder, split_dirs
from scoring.training.loop import Emit, EpochMetrics, StepCounter, evaluate, train_epoch
from scoring.training.models import ModelSpec, Preprocessing, build_model, normalisation
from scoring.training.profiles import TrainingProfile
from scoring.training.progress import TrainingProgress, TrainingResult
from scoring.training.transforms import eval_transform, train_transform

FINAL_WEIGHTS = "model.safetensors"
RESULT_FILE = "result.json"


@dataclass(frozen=True)
class TrainingJob:
    """A run's full description; picklable so each spawned rank receives it."""

    model: ModelSpec
    data_dir: Path
    profile: TrainingProfile
    out_dir: Path
    device: str = "cpu"
    resume: bool = True
    max_steps: int | None = None


@dataclass(frozen=True)
class Rank:
    index: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.index == 0


@dataclass
class Loaders:
    train: DataLoader[tuple[torch.Tensor, int]]
    sampler: DistributedSampler[int]
    val: DataLoader[tuple[torch.Tensor, int]] | None
    classes: list[str] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rank_device(device: str, rank: Rank) -> torch.device:
    if device.startswith("cuda") and rank.world_size > 1:
        return torch.device("cuda", rank.index)
    return torch.device(device)


def build_loaders(job: TrainingJob, rank: Rank, mean: tuple, std: tuple) -> Loaders:
    train_dir, val_dir = split_dirs(job.data_dir)
    profile, pin = job.profile, job.device.startswith("cuda")
    train_set = ImageFolder(train_dir, train_transform(profile, mean, std))
    # A sampler even for one process: its (seed, epoch) shuffle makes a resumed epoch
    # see the same order as the interrupted one.
    sampler: DistributedSampler[int] = DistributedSampler(
        train_set, num_replicas=rank.world_size, rank=rank.index, seed=profile.seed
    )
    batch = max(1, profile.batch_size // rank.world_size)
    train = DataLoader(
        train_set,
        batch_size=batch,
        sampler=sampler,
        num_workers=profile.workers_per_process,
        pin_memory=pin,
    )
    val = None
    if val_dir is not None:
        val_set: Dataset[tuple[torch.Tensor, int]] = ImageFolder(
            val_dir, eval_transform(profile, mean, std)
        )
        val_set = Subset(val_set, range(rank.index, len(val_set), rank.world_size))  # type: ignore[arg-type]
        val = DataLoader(
            val_set, batch_size=batch, num_workers=profile.workers_per_process, pin_memory=pin
        )
    return Loaders(train, sampler, val, train_set.classes)


@dataclass
class Session:
    """The live objects of one process's run."""

    job: TrainingJob
    rank: Rank
    model: nn.Module
    wrapped: nn.Module
    optimizer: torch.optim.Optimizer
    loaders: Loaders
    state: TrainingState
    counter: StepCounter
    emit: Emit | None


def run_training(job: TrainingJob, rank: Rank, emit: Emit | None) -> TrainingResult | None:
    """Train to the profile's last epoch (or ``max_steps``); rank 0 returns the result."""
    session = _start(job, rank, emit)
    resumed_from = session.state.epochs_done
    for epoch in range(session.state.epochs_done, job.profile.epochs):
        if not _run_epoch(session, epoch):
            break
    if not rank.is_main:
        return None
    preprocessing = normalisation(job.model, job.profile)
    return _finish(session, resumed_from, preprocessing)


def _start(job: TrainingJob, rank: Rank, emit: Emit | None) -> Session:
    profile = job.profile
    seed_everything(profile.seed)
    device = rank_device(job.device, rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
        torch.backends.cudnn.benchmark = True
    _input_size, mean, std = normalisation(job.model, profile)
    loaders = build_loaders(job, rank, mean, std)
    model = build_model(job.model, len(loaders.classes)).to(device)
    optimizer = torch.optim.SGD(
        model.parameters(),
        lr=profile.lr,
        momentum=profile.momentum,
        weight_decay=profile.weight_decay,
    )
    state = _resume(job, rank, model, optimizer)
    counter = StepCounter(state.global_step, job.max_steps)
    wrapped = _wrap(model, device, rank)
    return Session(job, rank, model, wrapped, optimizer, loaders, state, counter, emit)


def _resume(
    job: TrainingJob, rank: Rank, model: nn.Module, optimizer: torch.optim.Optimizer
) -> TrainingState:
    if not job.resume:
        if rank.is_main:  # an older run's later epochs must not win a future resume
            shutil.rmtree(checkpoint_root(job.out_dir), ignore_errors=True)
        return TrainingState()
    checkpoint = latest_checkpoint(job.out_dir)
    if checkpoint is None:
        return TrainingState()
    return load_checkpoint(checkpoint, model, optimizer)


def _wrap(model: nn.Module, device: torch.device, rank: Rank) -> nn.Module:
    if rank.world_size == 1:
        return model
    device_ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=device_ids)


def _run_epoch(session: Session, epoch: int) -> bool:
    """One epoch + validation + checkpoint; False when ``max_steps`` stopped it."""
    profile, rank, loaders = session.job.profile, session.rank, session.loaders
    # Augmentation draws depend on (seed, epoch, rank) only, so a resumed epoch repeats them.
    torch.manual_seed(profile.seed + 1000 * epoch + rank.index)
    loaders.sampler.set_epoch(epoch)
    steps = len(loaders.train)
    train_metrics = train_epoch(
        session.wrapped,
        loaders.train,
        steps,
        session.optimizer,
        profile,
        epoch,
        session.counter,
        session.emit,
    )
    if train_metrics is None:
        return False
    val_accuracy = evaluate(session.wrapped, loaders.val) if loaders.val is not None else None
    _record_epoch(session, epoch, train_metrics, val_accuracy)
    if rank.is_main:
        save_checkpoint(
            session.job.out_dir,
            session.model,
            session.optimizer,
            session.state,
            keep=profile.keep_checkpoints,
        )
        if session.emit is not None:
            session.emit(_epoch_report(session, steps, train_metrics, val_accuracy))
    _barrier(rank)
    return True


def _record_epoch(
    session: Session, epoch: int, train_metrics: EpochMetrics, val_accuracy: float | None
) -> None:
    loss, accuracy, rate = train_metrics
    record = {"epoch": epoch, "loss": loss, "accuracy": accuracy, "images_per_second": rate}
    if val_accuracy is not None:
        record["val_accuracy"] = val_accuracy
    session.state.epochs_done = epoch + 1
    session.state.global_step = session.counter.global_step
    session.state.history.append(record)


def _epoch_report(
    session: Session, steps: int, train_metrics: EpochMetrics, val_accuracy: float | None
) -> TrainingProgress:
    state = session.state
    lr = float(session.optimizer.param_groups[0]["lr"])
    return TrainingProgress(
        "epoch",
        state.epochs_done - 1,
        session.job.profile.epochs,
        state.global_step,
        steps,
        train_metrics[0],
        train_metrics[1],
        train_metrics[2],
        lr,
        val_accuracy,
    )


def _barrier(rank: Rank) -> None:
    if rank.world_size > 1:
        dist.barrier()


def _finish(session: Session, resumed_from: int, preprocessing: Preprocessing) -> TrainingResult:
    job, state = session.job, session.state
    weights = Path(job.out_dir) / FINAL_WEIGHTS
    sha256 = save_weights(session.model, weights)
    input_size, mean, std = preprocessing
    classes = session.loaders.classes
    result = TrainingResult(
        weights_path=weights,
        sha256=sha256,
        epochs_done=state.epochs_done,
        global_step=session.counter.global_step,
        resumed_from_epoch=resumed_from,
        finished=state.epochs_done >= job.profile.epochs,
        num_classes=len(classes),
        classes=classes,
        input_size=input_size,
        mean=mean,
        std=std,
        profile=job.profile.name,
        history=state.history,
    )
    write_json_atomic(result.to_json(), Path(job.out_dir) / RESULT_FILE)
    return result
