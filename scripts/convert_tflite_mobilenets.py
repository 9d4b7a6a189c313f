"""Convert the TFLite MobileNets to float safetensors, once (the ``imagenet-mobilenets`` data build
runs the same converter, ``scoring.models.tflite_convert``).

    PYTHONPATH=. python scripts/convert_tflite_mobilenets.py --out var/data/imagenet-mobilenets

The TFLite files come from the data step (source ``imagenet-mobilenets-tflite``: pinned,
checksummed, from VENTRAL_DATA_MIRROR when set).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from foundation.config import get_settings
from scoring.data.sources import fetch_source
from scoring.models.tflite_convert import TFLITE_FILES, convert_tflite
from scoring.models.weights import file_sha256


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("archs", nargs="*", default=list(TFLITE_FILES))
    args = parser.parse_args()
    settings = get_settings()
    source = fetch_source(
        "imagenet-mobilenets-tflite", settings.data_cache_dir, settings.data_mirror or None
    )
    for arch in args.archs:
        out = convert_tflite(arch, source, args.out / f"{arch}.safetensors")
        print(f"{arch}: {out} sha256={file_sha256(out)}")


if __name__ == "__main__":
    main()
