"""Activation extraction (scoring spec §2.3): batches of preprocessed images through a model,
forward hooks on named modules keep their outputs (copied where the model later changes them
in place), flattened into xarray DataArrays.

For recurrent models every firing of a hooked module is one time step: ``IT.output-t0``,
``IT.output-t1``... Feed-forward models keep the plain name (the last firing, as Brain-Score).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import xarray as xr
from torch import nn

from scoring.activations.preprocess import Preprocessing, load_batch
from scoring.data.stimuli import StimulusSet

LOGITS = "logits"
BatchHook = Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]


def last_leaf_name(model: nn.Module) -> str:
    leaves = [name for name, module in model.named_modules() if not list(module.children())]
    return leaves[-1]


def time_step_name(layer: str, step: int) -> str:
    return f"{layer}-t{step}"


def padded_batches(ids: Sequence[str], batch_size: int) -> Iterator[tuple[list[str], int]]:
    """Batches of ids; the last one padded by repeating its last id. Yields (ids, n_real).

    A set smaller than one batch runs as one unpadded batch of its own size (in eval mode the
    outputs do not depend on the batch composition; padding 3 images to 64 only costs time).
    """
    batch_size = min(batch_size, len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = list(ids[start : start + batch_size])
        real = len(chunk)
        yield chunk + [chunk[-1]] * (batch_size - real), real


@dataclass
class _Firing:
    """One hooked output. ``version`` is its in-place version counter when it was kept without
    a copy (``None``: a copy), so a later in-place change can be detected instead of missed."""

    tensor: torch.Tensor
    version: int | None

    def modified(self) -> bool:
        return self.version is not None and _version(self.tensor) != self.version


def _version(tensor: torch.Tensor) -> int | None:
    try:
        return int(tensor._version)
    except RuntimeError:  # inference-mode tensors have no version counter
        return None


class _Recorder:
    """Forward hooks that keep every firing of the requested modules (only the last one when
    ``every_firing`` is false).

    An output already on the CPU as float32 is kept as it is, with its version counter: most
    hooked outputs are never changed after the hook (copying CORnet-S's every time step costs
    ~42 MB per batch of 16). One changed in place later (``ReLU(inplace=True)`` after the hooked
    module) shows a new version: the extractor then adds its layer to ``copied`` (copied in
    the hook from then on) and runs again what it returned.
    """

    def __init__(
        self, model: nn.Module, layers: Sequence[str], every_firing: bool, copied: set[str]
    ):
        self.firings: dict[str, list[_Firing]] = {layer: [] for layer in layers}
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.every_firing, self.copied = every_firing, copied
        self._taken: list[tuple[str, _Firing]] = []  # returned without a copy: checked at the end
        self._handles = [
            model.get_submodule(self._module_name(model, layer)).register_forward_hook(
                self._hook(layer)
            )
            for layer in layers
        ]

    @staticmethod
    def _module_name(model: nn.Module, layer: str) -> str:
        return last_leaf_name(model) if layer == LOGITS else layer

    def _hook(self, layer: str) -> Callable[..., None]:
        def keep(_module: nn.Module, _inputs: object, output: torch.Tensor) -> None:
            firings = self.firings[layer]
            if not self.every_firing:
                firings.clear()
            firings.append(self._kept(layer, output.detach()))

        return keep

    def _kept(self, layer: str, output: torch.Tensor) -> _Firing:
        version = _version(output)
        as_is = output.device.type == "cpu" and output.dtype == torch.float32
        if as_is and version is not None and layer not in self.copied:
            return _Firing(output, version)
        return _Firing(output.to("cpu", torch.float32, copy=True), None)

    def modified_in_batch(self) -> set[str]:
        """Layers of this batch with an output kept without a copy and changed in place since."""
        return {
            layer
            for layer, firings in self.firings.items()
            if any(firing.modified() for firing in firings)
        }

    def modified_after_take(self) -> set[str]:
        """Layers with an output returned without a copy and changed since (a model that keeps
        state between calls and changes it in place)."""
        return {layer for layer, firing in self._taken if firing.modified()}

    def discard(self) -> None:
        for firings in self.firings.values():
            firings.clear()

    def take(self, n_real: int) -> dict[str, np.ndarray]:
        batch: dict[str, np.ndarray] = {}
        for layer, firings in self.firings.items():
            if not firings:
                raise RuntimeError(f"layer {layer!r} did not fire during the forward pass")
            steps = enumerate(firings) if self.every_firing else [(None, firings[-1])]
            for step, firing in steps:
                name = layer if step is None else time_step_name(layer, step)
                batch[name] = firing.tensor[:n_real].numpy().reshape(n_real, -1)
                self.shapes[name] = tuple(firing.tensor.shape[1:])
                if firing.version is not None:
                    self._taken.append((layer, firing))
            firings.clear()
        return batch

    def close(self) -> None:
        for handle in self._handles:
            handle.remove()


@dataclass
class Extractor:
    """Runs ``model`` over stimuli and returns per-layer (time-step) activations."""

    model: nn.Module
    identifier: str
    preprocessing: Preprocessing = field(default_factory=Preprocessing)
    temporal: bool = False
    batch_size: int = 64
    device: str = "cpu"
    autocast: bool = False
    batch_hooks: list[BatchHook] = field(default_factory=list)
    # layers whose outputs the model changes in place after the hook: copied in the hook
    copied_layers: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.model = self.model.to(self.device).eval()

    def raw(
        self, stimuli: StimulusSet, layers: Sequence[str]
    ) -> tuple[dict[str, np.ndarray], dict[str, tuple[int, ...]]]:
        """(layer -> (n_images, n_features) array, layer -> per-image output shape)."""
        recorder = _Recorder(self.model, layers, self.temporal, self.copied_layers)
        chunks: dict[str, list[np.ndarray]] = {}
        try:
            for ids, n_real in padded_batches(stimuli.stimulus_ids, self.batch_size):
                batch = self._run(recorder, [stimuli.path(i) for i in ids], n_real)
                for name, array in batch.items():
                    chunks.setdefault(name, []).append(array)
        finally:
            recorder.close()
        if modified := recorder.modified_after_take():
            self.copied_layers |= modified
            return self.raw(stimuli, layers)
        return {name: _joined(parts) for name, parts in chunks.items()}, recorder.shapes

    def _run(self, recorder: _Recorder, paths: list[Path], n_real: int) -> dict[str, np.ndarray]:
        images = load_batch(paths, self.preprocessing).to(self.device)
        self._forward(images)
        if modified := recorder.modified_in_batch():
            # kept without a copy, then changed in place: copy those layers from now on and
            # run the batch again (once per layer in the extractor's lifetime)
            self.copied_layers |= modified
            recorder.discard()
            self._forward(images)
        batch = recorder.take(n_real)
        for hook in self.batch_hooks:
            batch = hook(batch)
        return batch

    def _forward(self, images: torch.Tensor) -> None:
        with torch.no_grad(), self._autocast():
            self.model(images)

    def _autocast(self) -> contextlib.AbstractContextManager[object]:
        if not self.autocast:
            return contextlib.nullcontext()
        device_type = torch.device(self.device).type
        dtype = torch.bfloat16 if device_type == "cpu" else torch.float16
        return torch.autocast(device_type=device_type, dtype=dtype)

    def __call__(self, stimuli: StimulusSet, layers: Sequence[str]) -> dict[str, xr.DataArray]:
        arrays, shapes = self.raw(stimuli, layers)
        return {
            name: to_assembly(
                array, shapes.get(name, (array.shape[1],)), stimuli, self.identifier, name
            )
            for name, array in arrays.items()
        }


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


@functools.lru_cache(maxsize=16)
def _unit_numbers_as_text(n_features: int) -> np.ndarray:
    """Unit numbers 0 to n - 1 as fixed-width strings, read-only; int-to-text cost more than
    the rest of an assembly, and every call on a model asks for the same few lengths."""
    text = np.arange(n_features).astype(str)
    text.flags.writeable = False
    return text


def unit_coords(shape: tuple[int, ...], n_features: int) -> dict[str, np.ndarray]:
    """channel / channel_x (H index) / channel_y (W index) of C-order flattened units."""
    nums = np.arange(n_features)
    if len(shape) == 3 and int(np.prod(shape)) == n_features:
        _, height, width = shape
        return {"channel": nums // (height * width), "channel_x": (nums // width) % height,
                "channel_y": nums % width, "neuroid_num": nums}  # fmt: skip
    zeros = np.zeros(n_features, dtype=int)  # no spatial layout (vectors, PCA components)
    return {"channel": nums, "channel_x": zeros, "channel_y": zeros, "neuroid_num": nums}


def presentation_coords(stimuli: StimulusSet) -> dict[str, tuple[str, np.ndarray]]:
    metadata = stimuli.metadata.reset_index(drop=True)
    coords = {column: ("presentation", metadata[column].to_numpy()) for column in metadata.columns}
    coords["stimulus_id"] = ("presentation", np.asarray(stimuli.stimulus_ids, dtype=object))
    return coords


def to_assembly(
    array: np.ndarray,
    shape: tuple[int, ...],
    stimuli: StimulusSet,
    model_id: str,
    layer: str,
    id_layer: str | None = None,
) -> xr.DataArray:
    """A presentation x neuroid DataArray; ``neuroid_id = f"{model}.{id_layer or layer}.{num}"``."""
    units = unit_coords(shape, array.shape[1])
    prefix = f"{model_id}.{id_layer or layer}."
    coords: dict[str, object] = {name: ("neuroid", values) for name, values in units.items()}
    # fixed-width strings, not objects: xarray deep-copies every coordinate it is given, element
    # by element for object arrays (~1 s per 650k units, more than CORnet-S's forward on 16 images)
    numbers = _unit_numbers_as_text(array.shape[1])
    coords["neuroid_id"] = ("neuroid", np.strings.add(prefix, numbers))
    coords["layer"] = ("neuroid", np.full(array.shape[1], layer))
    coords.update(presentation_coords(stimuli))
    return xr.DataArray(array, dims=("presentation", "neuroid"), coords=coords)
