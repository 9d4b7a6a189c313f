"""TensorFlow Lite MobileNets (uint8, quantization-aware trained) to float safetensors.

Reads the flatbuffer with the pure-Python ``tflite`` package (no interpreter needed): every
CONV_2D / DEPTHWISE_CONV_2D op in graph order, its weights dequantized as
``scale * (q - zero_point)`` (per tensor or per channel), its int32 bias as ``scale * q``, its
stride, padding and fused activation. Batch norm is already folded into these convolutions. The
layers are assigned in order to the registry architecture's convolutions (``weight_layers``), after
checking that shapes, strides, "SAME" padding and ReLU6 / linear activations agree. The classifier
(a 1x1 convolution with 1001 outputs, index 0 = background) becomes the 1000-way linear head.

Run by the data build ``imagenet-mobilenets`` (``scoring/data/builds/imagenet_models.py``) and by
``scripts/convert_tflite_mobilenets.py``; never at import time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

# The TFLite files of each architecture, chained in order (v1 1.0 ships as body + classifier).
TFLITE_FILES: dict[str, tuple[str, ...]] = {
    "mobilenet_v1_1.0_224": (
        "mobilenet_v1_1.0_224_quant_embedding_extractor.tflite",
        "mobilenet_quant_v1_224_head_layers.tflite",
    ),
    "mobilenet_v1_0.75_192": ("mobilenet_v1_0.75_192_quant.tflite",),
    "mobilenet_v1_0.5_160": ("mobilenet_v1_0.5_160_quant.tflite",),
    "mobilenet_v1_0.25_128": ("mobilenet_v1_0.25_128_quant.tflite",),
    "mobilenet_v2_1.0_224": ("mobilenet_v2_1.0_224_quant.tflite",),
}
BACKGROUND_CLASSES = 1  # TF-slim heads: 1001 outputs, index 0 = background


class ConversionError(ValueError):
    """The TFLite graph does not fit the architecture."""


@dataclass(frozen=True)
class TFLiteLayer:
    name: str
    depthwise: bool
    weight: np.ndarray  # torch layout (out, in/groups, kh, kw), float32
    bias: np.ndarray
    stride: int
    same_padding: bool
    activation: str  # "relu6", "relu" or "none"


def read_layers(path: str | Path) -> list[TFLiteLayer]:
    """The convolutions of a TFLite file, in graph order, dequantized."""
    import tflite
    from tflite.ActivationFunctionType import ActivationFunctionType
    from tflite.BuiltinOperator import BuiltinOperator
    from tflite.Conv2DOptions import Conv2DOptions
    from tflite.DepthwiseConv2DOptions import DepthwiseConv2DOptions
    from tflite.Padding import Padding

    activations = {
        ActivationFunctionType.NONE: "none",
        ActivationFunctionType.RELU: "relu",
        ActivationFunctionType.RELU6: "relu6",
    }
    buffer = Path(path).read_bytes()
    model = tflite.Model.GetRootAsModel(buffer, 0)
    graph = model.Subgraphs(0)
    layers = []
    for index in range(graph.OperatorsLength()):
        op = graph.Operators(index)
        code = model.OperatorCodes(op.OpcodeIndex())
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        if builtin not in (BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D):
            continue
        depthwise = builtin == BuiltinOperator.DEPTHWISE_CONV_2D
        options_table = op.BuiltinOptions()
        options = DepthwiseConv2DOptions() if depthwise else Conv2DOptions()
        options.Init(options_table.Bytes, options_table.Pos)
        if options.StrideH() != options.StrideW():
            raise ConversionError(f"{path}: op {index} has unequal strides")
        inputs = op.InputsAsNumpy()
        weight = _dequantize(model, graph, int(inputs[1]))
        bias = _dequantize(model, graph, int(inputs[2]))
        # TFLite: conv OHWI, depthwise 1HW(C*multiplier); torch: OIHW, depthwise (C, 1, H, W).
        weight = weight.transpose(3, 0, 1, 2) if depthwise else weight.transpose(0, 3, 1, 2)
        layers.append(
            TFLiteLayer(
                name=graph.Tensors(int(inputs[1])).Name().decode(),
                depthwise=depthwise,
                weight=np.ascontiguousarray(weight, dtype=np.float32),
                bias=bias.astype(np.float32),
                stride=int(options.StrideH()),
                same_padding=options.Padding() == Padding.SAME,
                activation=activations.get(options.FusedActivationFunction(), "other"),
            )
        )
    return layers


def _dequantize(model: object, graph: object, tensor_index: int) -> np.ndarray:
    from tflite.TensorType import TensorType

    tensor = graph.Tensors(tensor_index)  # type: ignore[attr-defined]
    data = model.Buffers(tensor.Buffer()).DataAsNumpy()  # type: ignore[attr-defined]
    dtype: dict[int, type[np.generic]] = {
        TensorType.UINT8: np.uint8,
        TensorType.INT8: np.int8,
        TensorType.INT32: np.int32,
        TensorType.FLOAT32: np.float32,
    }
    raw = np.frombuffer(data.tobytes(), dtype=dtype[tensor.Type()])
    shape = tuple(int(n) for n in tensor.ShapeAsNumpy())
    values = raw.reshape(shape).astype(np.float64)
    if tensor.Type() == TensorType.FLOAT32:
        return values
    quantization = tensor.Quantization()
    scale = quantization.ScaleAsNumpy().astype(np.float64)
    zero = quantization.ZeroPointAsNumpy().astype(np.float64)
    if scale.size > 1:  # per-channel along quantized_dimension
        axis = quantization.QuantizedDimension()
        view = [1] * values.ndim
        view[axis] = scale.size
        scale, zero = scale.reshape(view), zero.reshape(view)
    return scale * (values - zero)


def state_dict_from_tflite(
    model: nn.Module, paths: Sequence[str | Path]
) -> dict[str, torch.Tensor]:
    """The architecture's state dict filled from the TFLite files (chained in order)."""
    layers = [layer for path in paths for layer in read_layers(path)]
    from scoring.models.mobile import weight_layers

    targets = weight_layers(model)
    if len(layers) != len(targets):
        raise ConversionError(
            f"{len(layers)} convolutions in the TFLite graph, {len(targets)} in the architecture"
        )
    state = {}
    for (name, module), layer in zip(targets, layers, strict=True):
        weight, bias = layer.weight, layer.bias
        if isinstance(module, nn.Linear):
            weight = weight[BACKGROUND_CLASSES:, :, 0, 0]
            bias = bias[BACKGROUND_CLASSES:]
        else:
            _check_conv(name, module, layer)
        if tuple(weight.shape) != tuple(module.weight.shape):
            raise ConversionError(
                f"{name}: TFLite {layer.name} has shape {weight.shape}, "
                f"the architecture {tuple(module.weight.shape)}"
            )
        state[f"{name}.weight"] = torch.from_numpy(weight.copy())
        state[f"{name}.bias"] = torch.from_numpy(bias.copy())
    return state


def _check_conv(name: str, module: nn.Module, layer: TFLiteLayer) -> None:
    assert isinstance(module, nn.Conv2d)
    depthwise = module.groups > 1
    if depthwise != layer.depthwise or module.stride[0] != layer.stride or not layer.same_padding:
        raise ConversionError(f"{name}: TFLite {layer.name} is another kind of convolution")
    expected = "relu6" if _followed_by_relu6(name) else "none"
    if layer.activation != expected:
        raise ConversionError(f"{name}: TFLite {layer.name} has activation {layer.activation}")


def _followed_by_relu6(name: str) -> bool:
    return not name.endswith("project.conv")


def convert_tflite(arch: str, folder: Path, out_path: Path) -> Path:
    """Write ``out_path`` (safetensors) for registry architecture ``arch`` from the TFLite files
    in ``folder``; the state dict is checked against the architecture before it is written."""
    from scoring.models.registry import create_model
    from scoring.models.weights import load_state_dict_checked

    model = create_model(arch)
    state = state_dict_from_tflite(model, [folder / name for name in TFLITE_FILES[arch]])
    model = load_state_dict_checked(model, state)
    tensors = {key: value.detach().contiguous() for key, value in model.state_dict().items()}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    save_file(
        tensors, str(out_path), metadata={"arch": arch, "source": ",".join(TFLITE_FILES[arch])}
    )
    return out_path
