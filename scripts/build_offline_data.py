"""Build the offline data in ``data/`` from the real CIFAR-10 and CIFAR-10H files (spec §8),
obtained through the data step (their pinned origins or VENTRAL_DATA_MIRROR; docs/data.md).

    PYTHONPATH=. python scripts/build_offline_data.py [--out data] [--only cifar|synthetic]

CIFAR-10 stimulus sets and the CIFAR-10H assembly are copies of real data; the synthetic neural
suite is generated deterministically (fixed seeds) from a registered generator model.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from foundation.config import get_settings
from scoring.data.sources import fetch_source
from scoring.offline_data import build_cifar_data

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "data")
    parser.add_argument("--only", choices=("cifar", "synthetic"), default=None)
    args = parser.parse_args()
    if args.only in (None, "cifar"):
        build_cifar_data(fetched_sources("cifar10", "cifar10h"), args.out)
        print(f"wrote CIFAR-10 / CIFAR-10H BrainIO files under {args.out}")
    if args.only in (None, "synthetic"):
        from scoring.synthetic_data import build_synthetic_data

        build_synthetic_data(args.out)
        print(f"wrote the synthetic neural suite under {args.out / 'synthetic'}")
    print(subprocess.run(["du", "-sh", str(args.out)], capture_output=True, text=True).stdout)


def fetched_sources(*names: str) -> Path:
    """The data step's cache folder, holding each named source as <name>/."""
    settings = get_settings()
    for name in names:
        fetch_source(name, settings.data_cache_dir, settings.data_mirror or None)
    return settings.data_cache_dir


if __name__ == "__main__":
    main()
