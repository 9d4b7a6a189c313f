"""Compare the converted MobileNets with the TFLite interpreter (LiteRT) on sample images:
top-1 agreement and the largest |logit difference| (docs/models.md).

    PYTHONPATH=. python scripts/check_tflite_conversion.py --built var/data \\
        --tflite var/cache/sources/imagenet-mobilenets-tflite \\
        --images var/cache/sources/imagenet-sample-images --step 10
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scoring.models import model_info
from scoring.models.tflite_check import compare_with_tflite, sample_pixels
from scoring.models.tflite_convert import TFLITE_FILES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--built", type=Path, required=True)
    parser.add_argument("--tflite", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--step", type=int, default=10)
    args = parser.parse_args()
    for arch in TFLITE_FILES:
        pixels = sample_pixels(args.images, model_info(arch).input_size, args.step)
        weights = args.built / "imagenet-mobilenets" / f"{arch}.safetensors"
        found = compare_with_tflite(arch, weights, args.tflite, pixels)
        print(
            f"| {arch} | {found.top1}/{found.images} | {found.max_logit_difference:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
