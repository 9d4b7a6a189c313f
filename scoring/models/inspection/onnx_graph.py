"""Static checks of an uploaded ONNX graph: size, checker, external data, operator domains."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import onnx
from onnx import GraphProto, ModelProto, NodeProto, TensorProto

from scoring.models.inspection.errors import ManifestError, OnnxModelError
from scoring.models.inspection.limits import InspectionLimits
from scoring.models.inspection.manifest import OnnxManifest

DEFAULT_DOMAINS = frozenset({"", "ai.onnx"})


def inspect_onnx(path: Path, manifest: OnnxManifest, limits: InspectionLimits) -> ModelProto:
    """Refuse graphs that are too big, malformed, reach outside the file or use custom ops."""
    model = _load_without_external_data(path, limits)
    _refuse_external_data(model)
    _refuse_custom_domains(model)
    _check_node_count(model, limits)
    _run_checker(model)
    check_manifest_against_graph(model, manifest)
    return model


def _load_without_external_data(path: Path, limits: InspectionLimits) -> ModelProto:
    if path.stat().st_size > limits.max_file_bytes:
        raise OnnxModelError(f"the ONNX file is larger than {limits.max_file_bytes:,} bytes")
    try:
        return onnx.load(str(path), load_external_data=False)
    except Exception as error:  # protobuf raises several unrelated types for corrupt input
        raise OnnxModelError(f"the file is not a readable ONNX model: {error}") from None


def _refuse_external_data(model: ModelProto) -> None:
    for tensor in _all_tensors(model.graph):
        if tensor.data_location == TensorProto.EXTERNAL or len(tensor.external_data) > 0:
            raise OnnxModelError(
                f"tensor {tensor.name!r} keeps its data in an external file; "
                "save the model with all weights inside the .onnx file"
            )


def _refuse_custom_domains(model: ModelProto) -> None:
    for opset in model.opset_import:
        if opset.domain not in DEFAULT_DOMAINS:
            raise OnnxModelError(
                f"operator domain {opset.domain!r} is not allowed; only the standard ONNX "
                "operators (domain '' / 'ai.onnx') can be used"
            )
    if len(model.functions) > 0:
        raise OnnxModelError("model-local functions are not allowed; export with inlined functions")
    for node in _all_nodes(model.graph):
        if node.domain not in DEFAULT_DOMAINS:
            raise OnnxModelError(
                f"node {node.name or node.op_type!r} uses operator {node.domain}::{node.op_type}; "
                "only the standard ONNX operators (domain '' / 'ai.onnx') can be used"
            )


def _check_node_count(model: ModelProto, limits: InspectionLimits) -> None:
    count = sum(1 for _ in _all_nodes(model.graph))
    if count > limits.max_onnx_nodes:
        raise OnnxModelError(
            f"the graph has {count:,} nodes; the limit is {limits.max_onnx_nodes:,}"
        )


def _run_checker(model: ModelProto) -> None:
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise OnnxModelError(f"the ONNX checker refused the model: {first_line}") from None


def check_manifest_against_graph(model: ModelProto, manifest: OnnxManifest) -> None:
    outputs = {output.name for output in model.graph.output}
    for name in manifest.output_names():
        if name not in outputs:
            known = ", ".join(sorted(outputs)) or "none"
            raise ManifestError(
                f"the manifest names output {name!r}, which the graph lacks; graph outputs: {known}"
            )
    _check_single_image_input(model, manifest)


def _check_single_image_input(model: ModelProto, manifest: OnnxManifest) -> None:
    initializers = {tensor.name for tensor in model.graph.initializer}
    inputs = [value for value in model.graph.input if value.name not in initializers]
    if len(inputs) != 1:
        raise ManifestError(
            f"the graph must take exactly one input (images); it takes {len(inputs)}"
        )
    dims = inputs[0].type.tensor_type.shape.dim
    fixed = [dim.dim_value if dim.HasField("dim_value") else None for dim in dims]
    expected = [None, 3, manifest.input_size, manifest.input_size]
    if len(fixed) != 4 or any(
        f is not None and e is not None and f != e for f, e in zip(fixed, expected, strict=True)
    ):
        raise ManifestError(
            f"the graph input has shape {tuple(fixed)}; the manifest implies "
            f"(batch, 3, {manifest.input_size}, {manifest.input_size})"
        )
    if fixed[0] not in (None, 1):
        raise ManifestError(
            f"the graph input has a fixed batch of {fixed[0]}; export it with a dynamic batch "
            "dimension or a batch of 1"
        )


def output_shapes(model: ModelProto) -> dict[str, tuple[int | None, ...]]:
    """Declared output shapes, None where a dimension is symbolic or unknown."""
    return {
        output.name: tuple(
            dim.dim_value if dim.HasField("dim_value") else None
            for dim in output.type.tensor_type.shape.dim
        )
        for output in model.graph.output
    }


def _all_nodes(graph: GraphProto) -> Iterator[NodeProto]:
    for node in graph.node:
        yield node
        for subgraph in _subgraphs(node):
            yield from _all_nodes(subgraph)


def _all_tensors(graph: GraphProto) -> Iterator[TensorProto]:
    yield from graph.initializer
    yield from (sparse.values for sparse in graph.sparse_initializer)
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("t"):
                yield attribute.t
            yield from attribute.tensors
        for subgraph in _subgraphs(node):
            yield from _all_tensors(subgraph)


def _subgraphs(node: NodeProto) -> Iterator[GraphProto]:
    for attribute in node.attribute:
        if attribute.HasField("g"):
            yield attribute.g
        yield from attribute.graphs
