"""Loading and converting weights safely: safetensors, or our own ``.pth`` files through
``torch.load(weights_only=True)`` (never a full unpickle)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

StateDict = dict[str, torch.Tensor]
SAFETENSORS_SUFFIX = ".safetensors"
OPTIONAL_BUFFER = "num_batches_tracked"  # absent from checkpoints saved by old PyTorch


class WeightsMismatchError(ValueError):
    """The weights do not fit the architecture (missing/unexpected keys or wrong shapes)."""


def strip_module_prefix(state: Mapping[str, torch.Tensor]) -> StateDict:
    """Remove the ``module.`` prefix that DataParallel adds to every key."""
    return {key.removeprefix("module."): value for key, value in state.items()}


def read_state_dict(path: str | Path) -> StateDict:
    """Tensors of a safetensors file or of a (possibly wrapped) torch state-dict file."""
    path = Path(path)
    if path.suffix == SAFETENSORS_SUFFIX:
        return strip_module_prefix(load_file(str(path)))
    loaded = torch.load(path, map_location="cpu", weights_only=True)
    return strip_module_prefix(_unwrap(loaded, path))


def _unwrap(loaded: object, path: Path) -> Mapping[str, torch.Tensor]:
    if isinstance(loaded, Mapping):
        for wrapper in ("state_dict", "model", "model_state_dict"):
            if isinstance(loaded.get(wrapper), Mapping):
                loaded = loaded[wrapper]
                break
    if not isinstance(loaded, Mapping):
        raise WeightsMismatchError(f"{path} does not hold a state dict")
    tensors = {key: value for key, value in loaded.items() if isinstance(value, torch.Tensor)}
    if not tensors:
        raise WeightsMismatchError(f"{path} holds no tensors")
    return tensors


def state_dict_problems(model: nn.Module, state: Mapping[str, torch.Tensor]) -> list[str]:
    """Human-readable reasons why ``state`` does not fit ``model`` (empty when it fits)."""
    expected = model.state_dict()
    problems = [
        f"missing key {key}"
        for key in expected
        if key not in state and not key.endswith(OPTIONAL_BUFFER)
    ]
    problems += [f"unexpected key {key}" for key in state if key not in expected]
    problems += [
        f"shape of {key}: file {tuple(value.shape)}, architecture {tuple(expected[key].shape)}"
        for key, value in state.items()
        if key in expected and value.shape != expected[key].shape
    ]
    return problems


def load_state_dict_checked(model: nn.Module, state: Mapping[str, torch.Tensor]) -> nn.Module:
    """Load ``state`` (``module.`` prefix allowed) or raise with every mismatch listed."""
    state = strip_module_prefix(state)
    problems = state_dict_problems(model, state)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise WeightsMismatchError(f"weights do not match the architecture: {shown}{more}")
    completed = {**model.state_dict(), **state}
    model.load_state_dict(completed, strict=True)
    return model


def load_weights(model: nn.Module, path: str | Path) -> nn.Module:
    return load_state_dict_checked(model, read_state_dict(path))


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def state_dict_sha256(model: nn.Module) -> str:
    """A content hash of a model's parameters and buffers (names, shapes and bytes)."""
    digest = hashlib.sha256()
    for key, value in sorted(model.state_dict().items()):
        digest.update(key.encode())
        digest.update(str(tuple(value.shape)).encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()
