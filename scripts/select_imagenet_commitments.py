"""Choose the V4 and IT layers of the ImageNet-trained reference models by the spec §2.4
procedure (argmax over the candidate layers of the ceiled score, ties to the first layer), run on
MajajHong2015-subset25.V4 / .IT: the only HvM recordings an installation builds. The candidates
for V4 and IT are the model's candidate layers at 1/8 of the input resolution or coarser (the
V1 and V2 layers are committed by that resolution rule, without data). Those two
benchmarks would therefore no longer be held out for these models. The registry's current
commitments are a data-free resolution rule instead (docs/models.md); this script is the check
of that rule against §2.4 (and the way to switch, by writing its choices into
``scoring/models/mobile_zoo.py``).

    PYTHONPATH=. python scripts/select_imagenet_commitments.py --data-dir var/data [MODEL ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scoring.benchmarks.neural import NeuralPredictivityBenchmark
from scoring.benchmarks.registry import load_benchmark
from scoring.benchmarks.run import built_weights
from scoring.brain_model import load_brain_model
from scoring.models import model_info
from scoring.models.mobile_zoo import IMAGENET_TRAINED, V4_IT_CANDIDATES

SELECTORS = {"V4": "MajajHong2015-subset25.V4", "IT": "MajajHong2015-subset25.IT"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=list(IMAGENET_TRAINED))
    parser.add_argument("--data-dir", type=Path, action="append", required=True)
    args = parser.parse_args()
    table = {}
    for model in args.models:
        weights = built_weights(model, args.data_dir)
        table[model] = {}
        for region, identifier in SELECTORS.items():
            selector = load_benchmark(identifier, data_dir=args.data_dir)
            assert isinstance(selector, NeuralPredictivityBenchmark)
            scores = {}
            for layer in V4_IT_CANDIDATES[model]:
                assert layer in model_info(model).candidate_layers
                brain_model = load_brain_model(model, weights, region_layers={region: layer})
                scores[layer] = float(selector(brain_model).center)
            best = max(scores, key=lambda layer: scores[layer])  # ties: the first layer
            rounded = {k: round(v, 4) for k, v in scores.items()}
            table[model][region] = {"layer": best, "scores": rounded}
            print(model, region, best, table[model][region]["scores"], flush=True)
    print(json.dumps(table, indent=1))


if __name__ == "__main__":
    main()
