"""Compare the converted MobileNets with the TFLite interpreter (LiteRT) on sample images:
top-1 agreement and the largest |logit difference| (docs/models.md).

    PYTHONPATH=. python scripts/check_tflite_conversion.py --built var/data \\
        --tflite var/cache/sources/imagenet-mobilenets-tflite \\
        --images var/cache/sources/imagenet-sample-images --step 10
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from scoring.models import create_model, model_info
from scoring.models.tflite_convert import TFLITE_FILES
from scoring.models.weights import load_weights


def tflite_logits(files: list[Path], image: np.ndarray) -> np.ndarray:
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
    logits = [t for t in interpreter.get_tensor_details() if list(t["shape"]) == [1, 1, 1, 1001]]
    scale, zero = logits[-1]["quantization"]
    values = interpreter.get_tensor(logits[-1]["index"]).astype(np.float64).reshape(-1)
    return (scale * (values - zero))[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--built", type=Path, required=True)
    parser.add_argument("--tflite", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--step", type=int, default=10)
    args = parser.parse_args()
    files = sorted((args.images / "images").glob("*.JPEG"))[:: args.step]
    for arch, names in TFLITE_FILES.items():
        size = model_info(arch).input_size
        pixels = np.stack(
            [
                np.asarray(
                    Image.open(f).convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
                )
                for f in files
            ]
        )
        model = create_model(arch)
        load_weights(model, args.built / "imagenet-mobilenets" / f"{arch}.safetensors")
        inputs = torch.from_numpy((pixels.astype(np.float32) - 128) / 128).permute(0, 3, 1, 2)
        with torch.no_grad():
            ours = model.eval()(inputs).numpy()
        theirs = np.stack([tflite_logits([args.tflite / n for n in names], p) for p in pixels])
        agree = int((ours.argmax(1) == theirs.argmax(1)).sum())
        diff = float(np.abs(ours - theirs).max())
        print(f"| {arch} | {agree}/{len(files)} | {diff:.2f} |", flush=True)


if __name__ == "__main__":
    main()
