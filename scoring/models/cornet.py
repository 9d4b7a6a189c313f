"""CORnet-Z, CORnet-RT and CORnet-S (Kubilius et al. 2018/2019), key-compatible with
github.com/dicarlolab/CORnet, plus the CORnet-S circuitry variants of the paper's Figure 4.

Module names, parameter shapes, registration order and initialization follow the reference,
so its released checkpoints load after the DataParallel ``module.`` prefix is stripped.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn

from scoring.models.layers import Flatten, Identity, StridedConv2d

CORNET_BIBTEX = """@inproceedings{kubilius2019brain,
  title={Brain-Like Object Recognition with High-Performing Shallow Recurrent ANNs},
  author={Kubilius, Jonas and Schrimpf, Martin and Kar, Kohitij and Rajalingham, Rishi and
          Hong, Ha and Majaj, Najib J. and Issa, Elias B. and Bashivan, Pouya and
          Prescott-Roy, Jonathan and Schmidt, Kailyn and Nayebi, Aran and Bear, Daniel and
          Yamins, Daniel L. K. and DiCarlo, James J.},
  booktitle={Advances in Neural Information Processing Systems 32},
  pages={12805--12816},
  year={2019}
}"""
CORNET_REFERENCE = "Kubilius, Schrimpf et al., NeurIPS 2019 (arXiv:1909.06161)"


def _v1_stem() -> nn.Sequential:
    return nn.Sequential(
        OrderedDict(
            [
                ("conv1", nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)),
                ("norm1", nn.BatchNorm2d(64)),
                ("nonlin1", nn.ReLU(inplace=True)),
                ("pool", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
                ("conv2", nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1, bias=False)),
                ("norm2", nn.BatchNorm2d(64)),
                ("nonlin2", nn.ReLU(inplace=True)),
                ("output", Identity()),
            ]
        )
    )


def _decoder(in_features: int, with_output: bool = True) -> nn.Sequential:
    layers: list[tuple[str, nn.Module]] = [
        ("avgpool", nn.AdaptiveAvgPool2d(1)),
        ("flatten", Flatten()),
        ("linear", nn.Linear(in_features, 1000)),
    ]
    if with_output:
        layers.append(("output", Identity()))
    return nn.Sequential(OrderedDict(layers))


# ----------------------------------------------------------------------------- CORnet-Z


class CORblockZ(nn.Module):
    """conv -> ReLU -> 3x3/2 max-pool."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(
            in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2
        )
        self.nonlin = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.output = Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.pool(self.nonlin(self.conv(x))))


def build_cornet_z() -> nn.Sequential:
    model = nn.Sequential(
        OrderedDict(
            [
                ("V1", CORblockZ(3, 64, kernel_size=7, stride=2)),
                ("V2", CORblockZ(64, 128)),
                ("V4", CORblockZ(128, 256)),
                ("IT", CORblockZ(256, 512)),
                ("decoder", _decoder(512)),
            ]
        )
    )
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model


# ----------------------------------------------------------------------------- CORnet-RT


def _rt_conv_out(size: int, kernel: int, stride: int) -> int:
    return (size + 2 * (kernel // 2) - kernel) // stride + 1


class CORblockRT(nn.Module):
    """Input conv + GroupNorm, added to the block's previous state, then conv + GroupNorm."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        out_shape: int = 56,
    ):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.out_shape = kernel_size, stride, out_shape
        self.conv_input = nn.Conv2d(
            in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2
        )
        self.norm_input = nn.GroupNorm(32, out_channels)
        self.nonlin_input = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.norm1 = nn.GroupNorm(32, out_channels)
        self.nonlin1 = nn.ReLU(inplace=True)
        self.output = Identity()

    def forward(
        self, inp: torch.Tensor | None, state: torch.Tensor | None, silent_shape: tuple[int, ...]
    ) -> torch.Tensor:
        """``inp`` is None for an area the signal has not reached yet (zeros of silent_shape)."""
        if inp is None:
            drive = self.conv1.weight.new_zeros(silent_shape)
        else:
            drive = self.nonlin_input(self.norm_input(self.conv_input(inp)))
        total = drive if state is None else drive + state
        return self.output(self.nonlin1(self.norm1(self.conv1(total))))


class CORnetRT(nn.Module):
    """Areas unrolled in time: at step t each area reads the area below's output of step t-1."""

    areas = ("V1", "V2", "V4", "IT")

    def __init__(self, times: int = 5):
        super().__init__()
        self.times = times
        self.V1 = CORblockRT(3, 64, kernel_size=7, stride=4, out_shape=56)
        self.V2 = CORblockRT(64, 128, stride=2, out_shape=28)
        self.V4 = CORblockRT(128, 256, stride=2, out_shape=14)
        self.IT = CORblockRT(256, 512, stride=2, out_shape=7)
        self.decoder = _decoder(512, with_output=False)

    def _silent_shapes(self, image: torch.Tensor) -> dict[str, tuple[int, ...]]:
        # The reference hard-codes 56/28/14/7 (224-px input); derive them from the image size.
        height = image.shape[-1]
        shapes: dict[str, tuple[int, ...]] = {}
        for name in self.areas:
            block: CORblockRT = getattr(self, name)
            height = _rt_conv_out(height, block.kernel_size, block.stride)
            shapes[name] = (image.shape[0], block.out_channels, height, height)
        return shapes

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        silent = self._silent_shapes(image)
        outputs: dict[str, torch.Tensor | None] = {"inp": image}
        states: dict[str, torch.Tensor | None] = dict.fromkeys(self.areas)
        for _ in range(self.times):
            below = ("inp", *self.areas[:-1])
            new_outputs: dict[str, torch.Tensor | None] = {"inp": image}
            for name, source in zip(self.areas, below, strict=True):
                block: CORblockRT = getattr(self, name)
                new_outputs[name] = states[name] = block(
                    outputs.get(source), states[name], silent[name]
                )
            outputs = new_outputs
        return self.decoder(outputs["IT"])


def build_cornet_rt(times: int = 5) -> CORnetRT:
    return CORnetRT(times=times)


# ----------------------------------------------------------------------------- CORnet-S


@dataclass(frozen=True)
class CORnetSCircuit:
    """The knobs of the paper's circuitry analysis (Fig. 4); defaults give CORnet-S itself."""

    areas: tuple[str, ...] = ("V2", "V4", "IT")
    channels: tuple[int, ...] = (128, 256, 512)
    times: tuple[int, ...] = (2, 4, 2)
    scale: int = 4
    skip: bool = True
    n_convs: int = 3
    norm: str = "batch_per_step"
    gate: bool = False

    def __post_init__(self) -> None:
        if not len(self.areas) == len(self.channels) == len(self.times):
            raise ValueError("areas, channels and times must have the same length")
        if self.n_convs not in (2, 3):
            raise ValueError("n_convs must be 2 (3x3 + 1x1) or 3 (1x1 + 3x3 + 1x1)")
        if self.norm not in ("batch_per_step", "group"):
            raise ValueError("norm must be 'batch_per_step' or 'group'")


class CORblockS(nn.Module):
    """A recurrent bottleneck block: weights shared over time, normalization per step.

    Step 0 downsamples (stride-2 3x3 conv and a stride-2 projection skip); later steps keep
    the resolution and add the block's own previous output.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        times: int = 1,
        circuit: CORnetSCircuit = CORnetSCircuit(),
    ):
        super().__init__()
        self.times, self.circuit = times, circuit
        wide = out_channels * circuit.scale
        self.conv_input = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
        if circuit.skip:
            self.skip = nn.Conv2d(out_channels, out_channels, kernel_size=1, stride=2, bias=False)
            self.norm_skip = nn.BatchNorm2d(out_channels)
        if circuit.n_convs == 3:
            self.conv1 = nn.Conv2d(out_channels, wide, kernel_size=1, bias=False)
            self.nonlin1 = nn.ReLU(inplace=True)
        conv2_in = wide if circuit.n_convs == 3 else out_channels
        self.conv2 = StridedConv2d(conv2_in, wide, kernel_size=3, stride=2, padding=1, bias=False)
        self.nonlin2 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(wide, out_channels, kernel_size=1, bias=False)
        self.nonlin3 = nn.ReLU(inplace=True)
        if circuit.gate:
            self.gate = nn.Conv2d(out_channels, out_channels, kernel_size=1)
        self.output = Identity()
        self._add_norms(out_channels, wide)

    def _add_norms(self, out_channels: int, wide: int) -> None:
        widths = {1: wide, 2: wide, 3: out_channels}
        if self.circuit.n_convs == 2:
            del widths[1]
        if self.circuit.norm == "group":
            for index, width in widths.items():
                self.add_module(f"norm{index}", nn.GroupNorm(32, width))
            return
        for t in range(self.times):
            for index, width in widths.items():
                self.add_module(f"norm{index}_{t}", nn.BatchNorm2d(width))

    def _norm(self, index: int, t: int) -> nn.Module:
        name = f"norm{index}" if self.circuit.norm == "group" else f"norm{index}_{t}"
        return self.get_submodule(name)

    def _skip_path(self, x: torch.Tensor, t: int) -> torch.Tensor | None:
        if not self.circuit.skip:
            return None
        return self.norm_skip(self.skip(x)) if t == 0 else x

    def _step(self, x: torch.Tensor, t: int) -> torch.Tensor:
        skip = self._skip_path(x, t)
        if self.circuit.n_convs == 3:
            x = self.nonlin1(self._norm(1, t)(self.conv1(x)))
        x = self.nonlin2(self._norm(2, t)(self.conv2(x, stride=2 if t == 0 else 1)))
        x = self._norm(3, t)(self.conv3(x))
        if skip is not None and self.circuit.gate:
            opened = torch.sigmoid(self.gate(skip))
            x = opened * x + (1 - opened) * skip
        elif skip is not None:
            x = x + skip
        return self.output(self.nonlin3(x))

    def forward(self, inp: torch.Tensor) -> torch.Tensor:
        x = self.conv_input(inp)
        for t in range(self.times):
            x = self._step(x, t)
        return x


def _init_cornet_s(model: nn.Module) -> None:
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            fan = module.kernel_size[0] * module.kernel_size[1] * module.out_channels
            nn.init.normal_(module.weight, 0.0, math.sqrt(2.0 / fan))
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    # nn.Linear keeps PyTorch's default init, as in the reference (never changed there).


def build_cornet_s(circuit: CORnetSCircuit | None = None) -> nn.Sequential:
    circuit = circuit or CORnetSCircuit()
    blocks: list[tuple[str, nn.Module]] = [("V1", _v1_stem())]
    in_channels = 64
    for area, channels, times in zip(circuit.areas, circuit.channels, circuit.times, strict=True):
        blocks.append((area, CORblockS(in_channels, channels, times=times, circuit=circuit)))
        in_channels = channels
    blocks.append(("decoder", _decoder(in_channels)))
    model = nn.Sequential(OrderedDict(blocks))
    _init_cornet_s(model)
    return model
