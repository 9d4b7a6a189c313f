from __future__ import annotations

import json

import pytest

from scoring.models.inspection import InspectionLimits, ManifestError, parse_manifest


def test_valid_manifest_is_parsed(manifest_json: str) -> None:
    manifest = parse_manifest(manifest_json, InspectionLimits())
    assert manifest.region_outputs["IT"] == "it"
    assert manifest.output_names() == ["v1", "v2", "v4", "it", "logits"]
    assert manifest.time_steps == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"std": [0.2, 0.0, 0.2]}, r"std\.1"),
        ({"region_outputs": {"LGN": "x"}}, r"region_outputs\.LGN"),
        ({"region_outputs": {}}, r"region_outputs"),
        ({"input_size": 100_000}, r"input_size"),
        ({"behavioral_readout": "it"}, r"their own output"),
        ({"python_code": "import os"}, r"python_code: Extra inputs are not permitted"),
    ],
)
def test_invalid_manifests_are_explained(
    manifest_json: str, change: dict[str, object], message: str
) -> None:
    manifest = {**json.loads(manifest_json), **change}
    with pytest.raises(ManifestError, match=message):
        parse_manifest(json.dumps(manifest), InspectionLimits())


def test_oversized_manifest_is_refused(manifest_json: str) -> None:
    with pytest.raises(ManifestError, match=r"larger than"):
        parse_manifest(manifest_json, InspectionLimits(max_manifest_bytes=10))
