"""Convert the akamaster CIFAR-10 ResNet-20/56 checkpoints (.th) to safetensors, once.

The .th files are pickled dicts {'best_prec1': float, 'state_dict': tensors} shipped with the
project's data; they load with torch.load(weights_only=True), no arbitrary unpickling.

    PYTHONPATH=. python scripts/convert_cifar_resnets.py [SOURCE_DIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from scoring.models.baselines_zoo import WEIGHTS_DIR
from scoring.models.convert import convert_checkpoint
from scoring.models.weights import file_sha256

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "akamaster-resnet-cifar10-weights"
CHECKPOINTS = {
    "resnet20_cifar10": "resnet20-12fca82f.th",
    "resnet56_cifar10": "resnet56-4bfd9763.th",
}


def main(source: Path = DEFAULT_SOURCE) -> None:
    for arch, filename in CHECKPOINTS.items():
        out = convert_checkpoint(source / filename, arch, WEIGHTS_DIR / f"{arch}.safetensors")
        print(f"{arch}: {out} sha256={file_sha256(out)}")
    shutil.copyfile(source / "LICENSE", WEIGHTS_DIR / "LICENSE.akamaster-resnet-cifar10")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
