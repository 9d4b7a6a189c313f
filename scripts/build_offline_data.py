"""Build the offline data in ``data/`` from the real files in ``../shared/data`` (spec §8).

    PYTHONPATH=. python scripts/build_offline_data.py [--shared ../shared/data] [--out data]
        [--only cifar|synthetic]

CIFAR-10 stimulus sets and the CIFAR-10H assembly are copies of real data; the synthetic neural
suite is generated deterministically (fixed seeds) from a registered generator model.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from scoring.offline_data import build_cifar_data

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "data")
    parser.add_argument("--only", choices=("cifar", "synthetic"), default=None)
    args = parser.parse_args()
    if args.only in (None, "cifar"):
        build_cifar_data(args.shared, args.out)
        print(f"wrote CIFAR-10 / CIFAR-10H BrainIO files under {args.out}")
    if args.only in (None, "synthetic"):
        from scoring.synthetic_data import build_synthetic_data

        build_synthetic_data(args.out)
        print(f"wrote the synthetic neural suite under {args.out / 'synthetic'}")
    print(subprocess.run(["du", "-sh", str(args.out)], capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
