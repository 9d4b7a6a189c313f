"""The committed table of expected state dicts: up to date with the registry, and fast: checking
an upload's header against a large architecture never builds the model."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import pytest

from scoring.models import create_model, list_models
from scoring.models.inspection import (
    StateDictMismatchError,
    expected_for_architecture,
    expected_from_state_dict,
    inspect_upload,
)
from scoring.models.inspection import weights as weights_module

REWRITE = "python -m scoring.models.inspection"


@pytest.mark.parametrize("arch", list_models())
def test_table_matches_the_registered_architecture(arch: str) -> None:
    table = weights_module._expected_table()
    assert arch in table, f"{arch} is missing from the table; run `{REWRITE}`"
    assert table[arch] == weights_module.built_on_meta(arch), f"out of date; run `{REWRITE}`"


def test_meta_construction_gives_the_real_state_dict() -> None:
    real = expected_from_state_dict(create_model("resnet20_cifar10").state_dict())
    assert weights_module.built_on_meta("resnet20_cifar10") == real


def test_table_file_is_what_the_rewrite_command_writes() -> None:
    assert weights_module.EXPECTED_TABLE.read_text() == weights_module.expected_table_text()


def tiny_safetensors(path: Path) -> Path:
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0\0\0\0")
    return path


def test_header_check_against_a_large_architecture_never_builds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check reads the committed table: building the model (even on the meta device) fails
    the test. Its time is printed beside the build's (pytest -s), not asserted: timings on a
    shared 2-core machine are not a test (39 ms vs 3.9 s measured, docs/security.md)."""
    upload = tiny_safetensors(tmp_path / "weights.safetensors")
    assert upload.stat().st_size < 100
    weights_module._expected_table.cache_clear()  # include reading the table

    def no_building(arch: str) -> None:
        raise AssertionError(f"the header check built {arch}")

    monkeypatch.setattr(weights_module, "built_on_meta", no_building)
    started = time.perf_counter()
    with pytest.raises(StateDictMismatchError, match="missing key"):
        inspect_upload(
            upload, "weights.safetensors", expected_weights=expected_for_architecture("cornet_s")
        )
    checked = time.perf_counter() - started
    started = time.perf_counter()
    create_model("cornet_s", pretrained=False)
    built = time.perf_counter() - started
    print(f"header check {checked * 1000:.1f} ms, building cornet_s {built * 1000:.0f} ms")
