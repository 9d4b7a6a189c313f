"""The CORnet family matches github.com/dicarlolab/CORnet: parameter counts, key names,
time steps; and a DataParallel (``module.``-prefixed) state dict loads into a fresh model."""

from __future__ import annotations

import torch

from scoring.models import create_model, model_info, parameter_count
from scoring.models.weights import load_state_dict_checked

BN = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def _bn(prefix: str) -> list[str]:
    return [f"{prefix}.{suffix}" for suffix in BN]


def expected_cornet_s_keys() -> list[str]:
    keys = ["V1.conv1.weight", *_bn("V1.norm1"), "V1.conv2.weight", *_bn("V1.norm2")]
    for area, times in (("V2", 2), ("V4", 4), ("IT", 2)):
        keys += [f"{area}.conv_input.weight", f"{area}.skip.weight", *_bn(f"{area}.norm_skip")]
        keys += [f"{area}.conv{i}.weight" for i in (1, 2, 3)]
        for t in range(times):
            keys += [
                *_bn(f"{area}.norm1_{t}"),
                *_bn(f"{area}.norm2_{t}"),
                *_bn(f"{area}.norm3_{t}"),
            ]
    return [*keys, "decoder.linear.weight", "decoder.linear.bias"]


def test_cornet_s_has_the_reference_parameter_count_and_keys() -> None:
    model = create_model("cornet_s")
    assert parameter_count(model) == 53_416_616
    assert list(model.state_dict()) == expected_cornet_s_keys()


def test_cornet_z_parameter_count_and_keys() -> None:
    model = create_model("cornet_z")
    convs = [(3, 64, 7), (64, 128, 3), (128, 256, 3), (256, 512, 3)]
    expected = sum(i * o * k * k + o for i, o, k in convs) + 512 * 1000 + 1000
    assert parameter_count(model) == expected == 2_071_656
    areas = ("V1", "V2", "V4", "IT")
    keys = [f"{a}.conv.{p}" for a in areas for p in ("weight", "bias")]
    assert list(model.state_dict()) == [*keys, "decoder.linear.weight", "decoder.linear.bias"]


def test_cornet_rt_parameter_count_and_keys() -> None:
    model = create_model("cornet_rt")
    blocks = [(3, 64, 7), (64, 128, 3), (128, 256, 3), (256, 512, 3)]
    expected = sum(i * o * k * k + o + 2 * o + o * o * 9 + 2 * o for i, o, k in blocks)
    assert parameter_count(model) == expected + 512 * 1000 + 1000
    per_block = ["conv_input.weight", "conv_input.bias", "norm_input.weight", "norm_input.bias",
                 "conv1.weight", "norm1.weight", "norm1.bias"]  # fmt: skip
    keys = [f"{a}.{k}" for a in ("V1", "V2", "V4", "IT") for k in per_block]
    assert list(model.state_dict()) == [*keys, "decoder.linear.weight", "decoder.linear.bias"]


def test_module_prefixed_state_dict_loads_and_gives_identical_outputs() -> None:
    torch.manual_seed(0)
    source = create_model("cornet_s").eval()
    with torch.no_grad():  # non-trivial running statistics, so BN buffers matter
        for module in source.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
    saved = {f"module.{key}": value.clone() for key, value in source.state_dict().items()}
    target = load_state_dict_checked(create_model("cornet_s"), saved).eval()
    image = torch.rand(2, 3, 96, 96)
    with torch.no_grad():
        assert torch.equal(source(image), target(image))


def test_cornet_s_forward_does_not_mutate_modules() -> None:
    model = create_model("cornet_s").eval()
    strides = {name: m.stride for name, m in model.named_modules() if hasattr(m, "stride")}
    with torch.no_grad():
        model(torch.rand(1, 3, 64, 64))
    assert strides == {name: m.stride for name, m in model.named_modules() if hasattr(m, "stride")}


def test_cornet_rt_runs_below_224_pixels() -> None:
    model = create_model("cornet_rt").eval()
    with torch.no_grad():
        assert model(torch.rand(1, 3, 96, 96)).shape == (1, 1000)


def test_cornet_rt_areas_answer_every_image_alike_until_their_onset_step() -> None:
    """Biological unrolling: the image reaches V1 at step 0, V2 at 1, V4 at 2, IT at 3; before
    that an area's response is the same for every image (no bin may be served from it)."""
    info = model_info("cornet_rt")
    model = create_model("cornet_rt").eval()
    firings: dict[str, list[torch.Tensor]] = {area: [] for area in info.onset_steps}
    for area, outputs in firings.items():
        model.get_submodule(f"{area}.output").register_forward_hook(
            lambda _m, _i, out, outputs=outputs: outputs.append(out.clone())
        )
    with torch.no_grad():
        model(torch.rand(3, 3, 96, 96))
    for area, outputs in firings.items():
        varies = [not torch.equal(out, out[:1].expand_as(out)) for out in outputs]
        onset = info.onset_steps[area]
        assert varies == [False] * onset + [True] * (len(outputs) - onset), area


def test_variants_carry_their_own_metadata() -> None:
    assert model_info("cornet_s").time_mapping == {
        "V1": (50, 100, 1), "V2": (70, 100, 2), "V4": (90, 50, 4), "IT": (100, 100, 2)
    }  # fmt: skip
    assert model_info("cornet_s_times444").time_mapping["IT"] == (100, 50, 4)
    assert model_info("cornet_s_times111").recurrent is False
    assert model_info("cornet_s_noskip").variant_of == "cornet_s"
    assert "skip" not in dict(create_model("cornet_s_noskip").V2.named_children())
    groupnorm_keys = create_model("cornet_s_groupnorm").state_dict()
    assert "V4.norm2.weight" in groupnorm_keys and "V4.norm2_0.weight" not in groupnorm_keys
