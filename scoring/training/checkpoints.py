"""Epoch checkpoints written atomically, and the final weights artifact.

Layout under ``out_dir``::

    checkpoints/epoch-0003/model.safetensors   weights (safetensors, no ``module.`` prefix)
    checkpoints/epoch-0003/optimizer.pt        optimizer state_dict (tensors + numbers only,
                                               read back with ``torch.load(weights_only=True)``)
    checkpoints/epoch-0003/state.json          epochs done, global step, history, weights sha256
    model.safetensors, result.json             the finished artifact

A checkpoint is assembled in a temporary sibling folder and renamed into place, so a process
killed while writing leaves either the previous checkpoint or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch import nn

CHECKPOINT_NAME = re.compile(r"^epoch-(\d{4})$")


@dataclass
class TrainingState:
    """What survives a restart besides the tensors."""

    epochs_done: int = 0
    global_step: int = 0
    history: list[dict[str, float]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plain_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """CPU copies of every tensor; copying also breaks weight sharing, which safetensors refuses."""
    return {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}


def save_weights(model: nn.Module, path: Path) -> str:
    """Write safetensors via a temp file + rename; return the file's sha256."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    save_file(plain_state_dict(model), str(temporary))
    _fsync(temporary)
    os.replace(temporary, path)
    return sha256_of(path)


def write_json_atomic(payload: object, path: Path) -> None:
    temporary = Path(path).with_name(f".{Path(path).name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps(payload, indent=2, sort_keys=True))
    _fsync(temporary)
    os.replace(temporary, path)


def _fsync(path: Path) -> None:
    with Path(path).open("rb") as handle:
        os.fsync(handle.fileno())


def checkpoint_root(out_dir: Path) -> Path:
    return Path(out_dir) / "checkpoints"


def save_checkpoint(
    out_dir: Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    state: TrainingState,
    keep: int = 2,
) -> Path:
    root = checkpoint_root(out_dir)
    final = root / f"epoch-{state.epochs_done:04d}"
    staging = root / f".{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    sha256 = save_weights(model, staging / "model.safetensors")
    torch.save(optimizer.state_dict(), staging / "optimizer.pt")
    payload = {**state.__dict__, "weights_sha256": sha256}
    write_json_atomic(payload, staging / "state.json")
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    _prune(root, keep)
    return final


def _prune(root: Path, keep: int) -> None:
    for stale in list_checkpoints(root)[:-keep]:
        shutil.rmtree(stale, ignore_errors=True)


def list_checkpoints(root: Path) -> list[Path]:
    """Complete checkpoint folders, oldest first."""
    if not root.is_dir():
        return []
    found = [path for path in root.iterdir() if CHECKPOINT_NAME.match(path.name)]
    return sorted(path for path in found if (path / "state.json").is_file())


def latest_checkpoint(out_dir: Path) -> Path | None:
    checkpoints = list_checkpoints(checkpoint_root(out_dir))
    return checkpoints[-1] if checkpoints else None


def load_checkpoint(
    checkpoint: Path, model: nn.Module, optimizer: torch.optim.Optimizer | None = None
) -> TrainingState:
    """Restore weights (+ optimizer) in place, after checking the weights' sha256."""
    payload = json.loads((checkpoint / "state.json").read_text())
    weights = checkpoint / "model.safetensors"
    if sha256_of(weights) != payload.pop("weights_sha256"):
        raise ValueError(f"{weights} does not match the sha256 recorded in its state.json")
    model.load_state_dict(load_file(str(weights)))
    if optimizer is not None:
        optimizer_state = torch.load(checkpoint / "optimizer.pt", weights_only=True)
        optimizer.load_state_dict(optimizer_state)
    return TrainingState(**payload)
