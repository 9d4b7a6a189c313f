"""Convert the akamaster CIFAR-10 ResNet-20/56 checkpoints (.th) to safetensors, once.

The .th files (the data step's source ``akamaster-resnet-cifar10-weights``, pinned and checksummed)
are pickled dicts {'best_prec1': float, 'state_dict': tensors}; they load with
torch.load(weights_only=True), no arbitrary unpickling.

    PYTHONPATH=. python scripts/convert_cifar_resnets.py
"""

from __future__ import annotations

import shutil

from foundation.config import get_settings
from scoring.data.sources import fetch_source
from scoring.models.baselines_zoo import WEIGHTS_DIR
from scoring.models.convert import convert_checkpoint
from scoring.models.weights import file_sha256

CHECKPOINTS = {
    "resnet20_cifar10": "resnet20-12fca82f.th",
    "resnet56_cifar10": "resnet56-4bfd9763.th",
}


def main() -> None:
    settings = get_settings()
    source = fetch_source(
        "akamaster-resnet-cifar10-weights", settings.data_cache_dir, settings.data_mirror or None
    )
    for arch, filename in CHECKPOINTS.items():
        out = convert_checkpoint(source / filename, arch, WEIGHTS_DIR / f"{arch}.safetensors")
        print(f"{arch}: {out} sha256={file_sha256(out)}")
    shutil.copyfile(source / "LICENSE", WEIGHTS_DIR / "LICENSE.akamaster-resnet-cifar10")


if __name__ == "__main__":
    main()
