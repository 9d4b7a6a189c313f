"""Score registered models on the RSA benchmarks and print one JSON line per score.

    python scripts/rsa_scores.py DATA_DIR MODEL [MODEL ...]

Models without shipped weights are scored at a fixed random initialisation (torch seed 0).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

from scoring.benchmarks import NotApplicable, list_benchmarks
from scoring.benchmarks.run import score_model

BENCHMARKS = [*list_benchmarks("Kriegeskorte2008.*"), *list_benchmarks("Coggan2024.*")]


def main() -> None:
    data_dir, models = Path(sys.argv[1]), sys.argv[2:]
    cache = data_dir / "activations-cache"
    for model in models:
        for benchmark in BENCHMARKS:
            torch.manual_seed(0)
            started = time.perf_counter()
            try:
                score = score_model(model, benchmark, data_dir=data_dir, cache_dir=cache)
            except NotApplicable as reason:
                print(json.dumps({"model": model, "benchmark": benchmark, "na": str(reason)}))
                continue
            print(
                json.dumps(
                    {
                        "model": model,
                        "benchmark": benchmark,
                        "raw": round(score.raw, 4),
                        "error": round(score.error, 4),
                        "ceiling": None if score.ceiling is None else round(score.ceiling, 4),
                        "ceiled": None if score.ceiled is None else round(score.ceiled, 4),
                        "layer": score.details.get("layer"),
                        "seconds": round(time.perf_counter() - started, 1),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
