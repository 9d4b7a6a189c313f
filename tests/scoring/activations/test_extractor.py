"""Extraction: batching with padding, hooks that copy, C-order flattening, time steps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from scoring.activations.extractor import Extractor, padded_batches, to_assembly, unit_coords
from scoring.activations.pca import LayerPCA
from scoring.activations.preprocess import Preprocessing, load_batch
from scoring.data.stimuli import StimulusSet
from scoring.models import create_model

SMALL = Preprocessing(input_size=64)


def test_last_batch_is_padded_by_repeating_its_last_image() -> None:
    batches = list(padded_batches(["a", "b", "c", "d", "e"], 2))
    assert batches[-1] == (["e", "e"], 1)
    assert [n for _, n in batches] == [2, 2, 1]
    assert list(padded_batches(["a", "b"], 64)) == [(["a", "b"], 2)]


def test_logits_equal_a_plain_forward_pass_and_coords_follow_c_order(stimuli: StimulusSet) -> None:
    model = create_model("cornet_z").eval()
    extractor = Extractor(model, "cornet_z", SMALL, batch_size=2)
    result = extractor(stimuli, ["logits", "IT.output"])
    images = load_batch([stimuli.path(i) for i in stimuli.stimulus_ids], SMALL)
    with torch.no_grad():
        expected = model(images).numpy()
    assert np.allclose(result["logits"].values, expected, atol=1e-5)
    it = result["IT.output"]
    assert it.dims == ("presentation", "neuroid") and it.shape == (5, 512 * 2 * 2)
    assert list(it["stimulus_id"].values) == stimuli.stimulus_ids
    assert list(it["image_label"].values) == list(stimuli.metadata["image_label"])
    unit = it.isel(neuroid=1234)
    assert int(unit["channel"]) * 4 + int(unit["channel_x"]) * 2 + int(unit["channel_y"]) == 1234
    assert str(unit["neuroid_id"].values) == "cornet_z.IT.output.1234"


def test_hooks_keep_copies_not_views_of_outputs(stimuli: StimulusSet) -> None:
    # V1.conv is followed by ReLU(inplace=True): a view would have lost its negative values.
    extractor = Extractor(create_model("cornet_z"), "cornet_z", SMALL, batch_size=5)
    conv = extractor(stimuli, ["V1.conv"])["V1.conv"].values
    assert (conv < 0).any()


def test_recurrent_model_returns_distinct_time_steps(stimuli: StimulusSet) -> None:
    extractor = Extractor(create_model("cornet_s"), "cornet_s", SMALL, temporal=True)
    result = extractor(stimuli.subset(stimuli.stimulus_ids[:2]), ["V4.output", "IT.output"])
    assert set(result) == {f"V4.output-t{t}" for t in range(4)} | {"IT.output-t0", "IT.output-t1"}
    v4 = [result[f"V4.output-t{t}"].values for t in range(4)]
    assert all(not np.allclose(v4[t], v4[t + 1]) for t in range(3))


def test_unknown_layer_is_reported(stimuli: StimulusSet) -> None:
    with pytest.raises(AttributeError, match="V9"):
        Extractor(create_model("cornet_z"), "cornet_z", SMALL).raw(stimuli, ["V9.output"])


def test_pca_hook_projects_wide_layers_and_passes_narrow_ones(stimuli: StimulusSet) -> None:
    extractor = Extractor(create_model("cornet_z"), "cornet_z", SMALL)
    raw, _ = extractor.raw(stimuli, ["IT.output", "decoder.avgpool"])
    pca = LayerPCA(n_components=3).fit({"IT.output": raw["IT.output"]})
    extractor.batch_hooks = [pca]
    projected = extractor(stimuli, ["IT.output"])["IT.output"]
    assert projected.shape == (5, 3)
    mean, components = pca.components["IT.output"]
    assert np.allclose(projected.values, (raw["IT.output"] - mean) @ components.T, atol=1e-4)
    assert pca({"narrow": raw["decoder.avgpool"][:, :3]})["narrow"].shape == (5, 3)


def test_unit_coords_for_vectors() -> None:
    coords = unit_coords((512,), 512)
    assert coords["channel"][7] == 7 and coords["channel_x"].max() == 0


def test_autocast_inference_stays_close_and_returns_float32(stimuli: StimulusSet) -> None:
    model = create_model("resnet20_cifar10", pretrained=True)
    cifar = Preprocessing(input_size=32)
    exact = Extractor(model, "r20", cifar).raw(stimuli, ["logits"])[0]["logits"]
    mixed = Extractor(model, "r20", cifar, autocast=True).raw(stimuli, ["logits"])[0]["logits"]
    assert mixed.dtype == np.float32
    assert np.array_equal(mixed.argmax(1), exact.argmax(1))
    assert np.abs(mixed - exact).max() < 0.1 * np.abs(exact).max()


def test_unit_names_are_fixed_width_strings_so_xarray_copies_are_one_memcpy(tmp_path: Path) -> None:
    import pandas as pd

    paths = {name: tmp_path / f"{name}.png" for name in "ab"}
    stimuli = StimulusSet("two", pd.DataFrame({"stimulus_id": list(paths)}), paths)
    assembly = to_assembly(np.zeros((2, 2 * 3 * 4)), (2, 3, 4), stimuli, "net", "V1.output-t0")
    # object arrays are deep-copied element by element each time a DataArray is built
    assert assembly["neuroid_id"].dtype.kind == "U" and assembly["layer"].dtype.kind == "U"
    assert list(assembly["neuroid_id"].values[[0, 23]]) == [
        "net.V1.output-t0.0",
        "net.V1.output-t0.23",
    ]
    assert set(assembly["layer"].values) == {"V1.output-t0"}


def _copy_every_firing(model: torch.nn.Module, images: torch.Tensor, layers: list[str]) -> dict:
    """The extraction before hooks kept outputs without copies: a clone of every firing."""
    firings: dict[str, list[np.ndarray]] = {layer: [] for layer in layers}
    handles = [
        model.get_submodule(layer).register_forward_hook(
            lambda _m, _i, out, layer=layer: firings[layer].append(out.detach().clone().numpy())
        )
        for layer in layers
    ]
    with torch.no_grad():
        model(images)
    for handle in handles:
        handle.remove()
    return firings


@pytest.mark.parametrize(
    ("name", "temporal", "layers"),
    [
        ("cornet_s", True, ["V1.output", "V2.output", "V4.output", "IT.output"]),
        ("cornet_z", False, ["V1.conv", "V1.output", "V2.output", "IT.output"]),
    ],
)
def test_activations_equal_copies_of_every_firing_bit_for_bit(
    stimuli: StimulusSet, name: str, temporal: bool, layers: list[str]
) -> None:
    model = create_model(name).eval()
    extractor = Extractor(model, name, SMALL, temporal=temporal, batch_size=2)
    result, _ = extractor.raw(stimuli, layers)  # 3 batches, the last one padded
    batches = [
        _copy_every_firing(model, load_batch([stimuli.path(i) for i in ids], SMALL), layers)
        for ids, _ in padded_batches(stimuli.stimulus_ids, 2)
    ]
    for layer in layers:
        firings = len(batches[0][layer])
        for step in range(firings if temporal else 1):
            key = f"{layer}-t{step}" if temporal else layer
            index = step if temporal else -1
            expected = np.concatenate([b[layer][index].reshape(2, -1) for b in batches])[:5]
            assert np.array_equal(result[key], expected), key


class _ChangedAfterTheHook(torch.nn.Module):
    """``kept`` fires, then its output is changed in place; ``untouched`` is left alone."""

    def __init__(self) -> None:
        super().__init__()
        self.kept, self.untouched = torch.nn.Identity(), torch.nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.kept(x * 1.0)
        z = self.untouched(y + 1.0)
        return y.mul_(-1.0) + z


def test_an_output_changed_in_place_after_the_hook_is_copied_and_the_batch_rerun(
    stimuli: StimulusSet,
) -> None:
    extractor = Extractor(_ChangedAfterTheHook(), "changed", SMALL, batch_size=2)
    images = load_batch([stimuli.path(i) for i in stimuli.stimulus_ids], SMALL).reshape(5, -1)
    for _ in range(2):  # the first call detects the change; the second copies from the start
        result, _ = extractor.raw(stimuli, ["kept", "untouched"])
        assert np.array_equal(result["kept"], images.numpy())
        assert np.array_equal(result["untouched"], images.numpy() + 1.0)
        assert extractor.copied_layers == {"kept"}


class _ChangesItsLastOutputNextCall(torch.nn.Module):
    """Keeps its previous output and scales it in place at the next call (state across calls)."""

    def __init__(self) -> None:
        super().__init__()
        self.out = torch.nn.Identity()
        self.previous: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.previous is not None:
            self.previous.mul_(0.0)
        self.previous = self.out(x * 1.0)
        return self.previous


def test_an_output_changed_by_a_later_batch_is_extracted_again_with_copies(
    stimuli: StimulusSet,
) -> None:
    extractor = Extractor(_ChangesItsLastOutputNextCall(), "stateful", SMALL, batch_size=2)
    result, _ = extractor.raw(stimuli, ["out"])
    images = load_batch([stimuli.path(i) for i in stimuli.stimulus_ids], SMALL).reshape(5, -1)
    assert np.array_equal(result["out"], images.numpy())
    assert extractor.copied_layers == {"out"}
