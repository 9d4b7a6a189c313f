from __future__ import annotations

from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

from scoring.models.inspection import (
    FileKind,
    InspectionLimits,
    ManifestError,
    OnnxManifest,
    OnnxModelError,
    inspect_upload,
)
from scoring.models.inspection.onnx_graph import inspect_onnx


def _identity_model(domain: str = "", op_type: str = "Relu") -> onnx.ModelProto:
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 32, 32])
    outputs = [
        helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", 3, 32, 32])
        for name in ("v1", "v2", "v4", "it", "logits")
    ]
    nodes = [helper.make_node(op_type, ["images"], [out.name], domain=domain) for out in outputs]
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid(domain, 1)] if domain else [])
    graph = helper.make_graph(nodes, "g", [images], outputs)
    return helper.make_model(graph, opset_imports=opsets)


def test_exported_cnn_with_manifest_passes(onnx_file: Path, manifest: OnnxManifest) -> None:
    report = inspect_upload(onnx_file, "tiny.onnx", manifest=manifest)
    assert report.kind is FileKind.ONNX
    assert report.output_shapes is not None
    assert report.output_shapes["it"] == (None, 16, 8, 8)


def test_custom_operator_domain_is_refused(tmp_path: Path, manifest: OnnxManifest) -> None:
    path = tmp_path / "custom.onnx"
    onnx.save(_identity_model(domain="com.evil", op_type="RunShell"), str(path))
    with pytest.raises(OnnxModelError, match=r"operator domain 'com\.evil' is not allowed"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_custom_node_domain_without_opset_is_refused(
    tmp_path: Path, manifest: OnnxManifest
) -> None:
    model = _identity_model()
    model.graph.node[0].domain = "com.microsoft"
    path = tmp_path / "custom.onnx"
    onnx.save(model, str(path))
    with pytest.raises(OnnxModelError, match=r"uses operator com\.microsoft::Relu"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_external_data_is_refused(tmp_path: Path, onnx_file: Path, manifest: OnnxManifest) -> None:
    model = onnx.load(str(onnx_file))
    path = tmp_path / "external.onnx"
    onnx.save_model(model, str(path), save_as_external_data=True, location="weights.data")
    with pytest.raises(OnnxModelError, match=r"keeps its data in an external file"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_external_data_pointing_outside_is_refused_without_reading_it(
    tmp_path: Path, manifest: OnnxManifest
) -> None:
    model = _identity_model()
    weight = helper.make_tensor("w", TensorProto.FLOAT, [4], [0.0] * 4)
    weight.ClearField("float_data")
    weight.external_data.add(key="location", value="../../../../etc/passwd")
    weight.data_location = TensorProto.EXTERNAL
    model.graph.initializer.append(weight)
    path = tmp_path / "external.onnx"
    onnx.save(model, str(path))
    with pytest.raises(OnnxModelError, match=r"tensor 'w' keeps its data in an external file"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_node_count_limit(onnx_file: Path, manifest: OnnxManifest) -> None:
    with pytest.raises(OnnxModelError, match=r"nodes; the limit is 3"):
        inspect_onnx(onnx_file, manifest, InspectionLimits(max_onnx_nodes=3))


def test_file_size_limit(onnx_file: Path, manifest: OnnxManifest) -> None:
    with pytest.raises(OnnxModelError, match=r"larger than 1,000 bytes"):
        inspect_onnx(onnx_file, manifest, InspectionLimits(max_file_bytes=1000))


def test_checker_failure_is_reported(tmp_path: Path, manifest: OnnxManifest) -> None:
    path = tmp_path / "broken.onnx"
    onnx.save(_identity_model(op_type="NoSuchOperator"), str(path))
    with pytest.raises(OnnxModelError, match=r"checker refused"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_garbage_bytes_are_not_an_onnx_model(tmp_path: Path, manifest: OnnxManifest) -> None:
    path = tmp_path / "garbage.onnx"
    path.write_bytes(b"\x08" + b"\xff" * 100)
    with pytest.raises(OnnxModelError, match=r"not a readable ONNX model"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_manifest_output_missing_from_graph(onnx_file: Path, manifest: OnnxManifest) -> None:
    wrong = manifest.model_copy(update={"region_outputs": {"IT": "layer4"}})
    with pytest.raises(ManifestError, match=r"names output 'layer4', which the graph lacks"):
        inspect_onnx(onnx_file, wrong, InspectionLimits())


def test_manifest_input_size_must_match_graph(onnx_file: Path, manifest: OnnxManifest) -> None:
    wrong = manifest.model_copy(update={"input_size": 224})
    with pytest.raises(ManifestError, match=r"\(batch, 3, 224, 224\)"):
        inspect_onnx(onnx_file, wrong, InspectionLimits())


def test_fixed_batch_other_than_one_is_refused(tmp_path: Path, manifest: OnnxManifest) -> None:
    model = _identity_model()
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 8
    path = tmp_path / "batch8.onnx"
    onnx.save(model, str(path))
    with pytest.raises(ManifestError, match=r"fixed batch of 8"):
        inspect_onnx(path, manifest, InspectionLimits())


def test_onnx_upload_without_manifest_is_refused(onnx_file: Path) -> None:
    with pytest.raises(ManifestError, match=r"needs a manifest"):
        inspect_upload(onnx_file, "tiny.onnx")
