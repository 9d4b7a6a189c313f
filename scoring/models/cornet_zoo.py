"""Registry entries for the CORnet family and the CORnet-S circuitry variants."""

from __future__ import annotations

from dataclasses import replace

from torch import nn

from scoring.models.cornet import (
    CORNET_BIBTEX,
    CORNET_REFERENCE,
    CORnetRT,
    CORnetSCircuit,
    build_cornet_rt,
    build_cornet_s,
    build_cornet_z,
)
from scoring.models.registry import ModelInfo, register_model

AREA_OUTPUTS = {region: f"{region}.output" for region in ("V1", "V2", "V4", "IT")}
AREA_CANDIDATES = (*AREA_OUTPUTS.values(), "decoder.avgpool")
AREA_RULE = "anatomical: the model's own area of that name (CORnet's one-to-one commitment)"
# Onsets of the reference CORnet-S mapping (scoring spec §2.5); each recurrent area spans 200 ms.
S_ONSETS = {"V1": 50, "V2": 70, "V4": 90, "IT": 100}
S_WINDOW_MS = 200
# CORnet-RT is unrolled biologically: all areas step on one clock and the image reaches the k-th
# area at step k (earlier, its response is the same for every image). One 20 ms step, the
# latency between successive areas in the CORnet-S mapping (V1 50, V2 70, V4 90 ms), from 50 ms:
# the areas' first image-driven steps start at V1 50, V2 70, V4 90 and IT 110 ms.
RT_CLOCK = (50, 20, 5)


def cornet_s_time_mapping(circuit: CORnetSCircuit) -> dict[str, tuple[int, int, int]]:
    """V1 (50, 100, 1); every recurrent area splits its 200 ms window over its steps."""
    mapping = {"V1": (S_ONSETS["V1"], 100, 1)}
    for area, times in zip(circuit.areas, circuit.times, strict=True):
        if area in S_ONSETS:
            mapping[area] = (S_ONSETS[area], S_WINDOW_MS // times, times)
    return mapping


CORNET_Z = ModelInfo(
    name="cornet_z",
    family="cornet",
    input_size=224,
    num_classes=1000,
    depth=5,
    region_layers=AREA_OUTPUTS,
    commitment_rule=AREA_RULE,
    behavioral_readout="decoder.avgpool",
    candidate_layers=AREA_CANDIDATES,
    reference=CORNET_REFERENCE,
    bibtex=CORNET_BIBTEX,
    description="CORnet-Z: four feed-forward conv-ReLU-pool areas (V1, V2, V4, IT) and a decoder.",
)

CORNET_RT = ModelInfo(
    name="cornet_rt",
    family="cornet",
    input_size=224,
    num_classes=1000,
    depth=9,
    region_layers=AREA_OUTPUTS,
    commitment_rule=AREA_RULE,
    behavioral_readout="decoder.avgpool",
    candidate_layers=AREA_CANDIDATES,
    time_mapping=dict.fromkeys(CORnetRT.areas, RT_CLOCK),
    onset_steps={area: step for step, area in enumerate(CORnetRT.areas)},
    recurrent=True,
    reference=CORNET_REFERENCE,
    bibtex=CORNET_BIBTEX,
    description="CORnet-RT: four areas unrolled over 5 time steps with biological-style "
    "delays (each area reads the area below's previous step).",
)

CORNET_S = ModelInfo(
    name="cornet_s",
    family="cornet",
    input_size=224,
    num_classes=1000,
    depth=15,
    region_layers=AREA_OUTPUTS,
    commitment_rule=AREA_RULE,
    behavioral_readout="decoder.avgpool",
    candidate_layers=AREA_CANDIDATES,
    time_mapping=cornet_s_time_mapping(CORnetSCircuit()),
    recurrent=True,
    reference=CORNET_REFERENCE,
    bibtex=CORNET_BIBTEX,
    description="CORnet-S: V1 stem, then V2/V4/IT recurrent bottleneck blocks (2/4/2 steps, "
    "weights shared over time, batch norm per step) and a decoder. 53,416,616 parameters.",
)


@register_model("cornet_z", info=CORNET_Z)
def cornet_z() -> nn.Module:
    return build_cornet_z()


@register_model("cornet_rt", info=CORNET_RT)
def cornet_rt(times: int = 5) -> nn.Module:
    return build_cornet_rt(times=times)


@register_model("cornet_s", info=CORNET_S)
def cornet_s() -> nn.Module:
    return build_cornet_s()


# (id, circuit, depth, what changes) — depth counts conv/FC layers once per area circuit.
S_VARIANTS: list[tuple[str, CORnetSCircuit, int, str]] = [
    ("cornet_s_times111", CORnetSCircuit(times=(1, 1, 1)), 15, "one step per area (no recurrence)"),
    (
        "cornet_s_times444",
        CORnetSCircuit(times=(4, 4, 4)),
        15,
        "four recurrent steps in every area",
    ),
    ("cornet_s_scale1", CORnetSCircuit(scale=1), 15, "bottleneck expansion 1 instead of 4"),
    ("cornet_s_noskip", CORnetSCircuit(skip=False), 15, "no skip (residual) connections"),
    ("cornet_s_convs2", CORnetSCircuit(n_convs=2), 12, "two convolutions per area (3x3, 1x1)"),
    ("cornet_s_groupnorm", CORnetSCircuit(norm="group"), 15, "one GroupNorm shared over time"),
    ("cornet_s_gated", CORnetSCircuit(gate=True), 15, "sigmoid gate between new state and skip"),
    (
        "cornet_s_fiveareas",
        CORnetSCircuit(
            areas=("V2", "V4", "pIT", "IT"), channels=(128, 256, 512, 512), times=(2, 4, 2, 2)
        ),
        19,
        "five areas (V1, V2, V4, pIT, IT)",
    ),
]


def _variant_info(name: str, circuit: CORnetSCircuit, depth: int, change: str) -> ModelInfo:
    recurrent = max(circuit.times) > 1
    candidates = (*(f"{area}.output" for area in ("V1", *circuit.areas)), "decoder.avgpool")
    return replace(
        CORNET_S,
        name=name,
        depth=depth,
        candidate_layers=candidates,
        time_mapping=cornet_s_time_mapping(circuit) if recurrent else None,
        recurrent=recurrent,
        variant_of="cornet_s",
        builder_kwargs={"circuit": circuit},
        description=f"CORnet-S circuitry variant (paper Fig. 4): {change}.",
    )


def _register_variant(name: str, circuit: CORnetSCircuit, depth: int, change: str) -> None:
    @register_model(name, info=_variant_info(name, circuit, depth, change))
    def factory() -> nn.Module:
        return build_cornet_s(circuit)


for _variant in S_VARIANTS:
    _register_variant(*_variant)
