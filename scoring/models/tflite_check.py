"""Our float conversions of the TFLite MobileNets against the TFLite interpreter (LiteRT, the
dev dependency ``ai-edge-litert``) on ImageNet sample images: how many top-1 classes agree and
the largest |logit difference|. Used by ``tests/scoring/models/test_imagenet_trained.py`` and
``scripts/check_tflite_conversion.py`` (docs/models.md); never at import time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from scoring.models import create_model
from scoring.models.tflite_convert import BACKGROUND_CLASSES, TFLITE_FILES
from scoring.models.weights import load_weights

TFLITE_LOGITS_SHAPE = [1, 1, 1, 1000 + BACKGROUND_CLASSES]


@dataclass(frozen=True)
class Agreement:
    top1: int  # images whose top-1 class is the same
    images: int
    max_logit_difference: float


def sample_pixels(folder: Path, size: int, step: int) -> np.ndarray:
    """Every ``step``-th image of an ImageNet sample folder (by file name), resized bilinearly
    to ``size`` x ``size``: uint8, (images, height, width, RGB)."""
    files = sorted((folder / "images").glob("*.JPEG"))[::step]  # not the cache's .sha256 stamps
    return np.stack(
        [
            np.asarray(Image.open(f).convert("RGB").resize((size, size), Image.Resampling.BILINEAR))
            for f in files
        ]
    )


def interpreter_logits(files: Sequence[Path], image: np.ndarray) -> np.ndarray:
    """The 1000 class logits (background dropped) the interpreter computes, dequantized; the
    files are chained, each one's output the next one's input."""
    from ai_edge_litert.interpreter import Interpreter

    data = image[None]
    for position, path in enumerate(files):
        interpreter = Interpreter(str(path), experimental_preserve_all_tensors=True)
        interpreter.allocate_tensors()
        entry = interpreter.get_input_details()[0]
        interpreter.set_tensor(entry["index"], data.astype(entry["dtype"]))
        interpreter.invoke()
        if position < len(files) - 1:
            data = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    details = interpreter.get_tensor_details()
    logits = [t for t in details if list(t["shape"]) == TFLITE_LOGITS_SHAPE][-1]
    scale, zero = logits["quantization"]
    values = interpreter.get_tensor(logits["index"]).astype(np.float64).reshape(-1)
    return (scale * (values - zero))[BACKGROUND_CLASSES:]


def compare_with_tflite(
    arch: str, weights: Path, tflite_folder: Path, pixels: np.ndarray
) -> Agreement:
    """Our network ``arch`` with its converted ``weights`` against the interpreter running the
    original files (from ``tflite_folder``) on the same uint8 ``pixels``."""
    model = create_model(arch)
    load_weights(model, weights)
    inputs = torch.from_numpy((pixels.astype(np.float32) - 128) / 128).permute(0, 3, 1, 2)
    with torch.no_grad():
        ours = model.eval()(inputs).numpy()
    files = [tflite_folder / name for name in TFLITE_FILES[arch]]
    theirs = np.stack([interpreter_logits(files, image) for image in pixels])
    return Agreement(
        top1=int((ours.argmax(1) == theirs.argmax(1)).sum()),
        images=len(pixels),
        max_logit_difference=float(np.abs(ours - theirs).max()),
    )
