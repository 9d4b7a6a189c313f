"""Hostile and broken uploads: each refused with a clear 4xx, nothing stored, no rows added."""

from __future__ import annotations

import math
from pathlib import Path

import onnx
import pytest
import torch
from fastapi.testclient import TestClient
from onnx import helper
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from foundation.config import Settings
from tests.app.submissions.conftest import (
    RESNET20,
    NewToken,
    bearer,
    code_running_pickle,
    huge_shape_safetensors,
    leftovers,
    lying_safetensors,
    resnet20_tensors,
    submission_count,
    unique_name,
    write_tensors,
)

MANIFEST = (
    '{"input_size": 32, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25],'
    ' "region_outputs": {"IT": "out"}}'
)


def post(client: TestClient, token: str, path: Path, filename: str | None = None, **fields: str):
    with path.open("rb") as handle:
        files = {"file": (filename or path.name, handle, "application/octet-stream")}
        return client.post("/api/v1/submissions", headers=bearer(token), data=fields, files=files)


def assert_refused(
    response, status: int, words: str, settings: Settings, factory: sessionmaker[Session], name: str
) -> None:
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert leftovers(settings, factory, name) == []


def tiny_onnx(path: Path, domain: str = "", op: str = "Relu") -> Path:
    images = helper.make_tensor_value_info("images", onnx.TensorProto.FLOAT, [None, 3, 32, 32])
    out = helper.make_tensor_value_info("out", onnx.TensorProto.FLOAT, [None, 3, 32, 32])
    node = helper.make_node(op, ["images"], ["out"], domain=domain)
    opsets = [helper.make_opsetid("", 17)] + ([helper.make_opsetid(domain, 1)] if domain else [])
    graph = helper.make_graph([node], "g", [images], [out])
    onnx.save(helper.make_model(graph, opset_imports=opsets), str(path))
    return path


def external_data_onnx(path: Path) -> Path:
    weight = helper.make_tensor("w", onnx.TensorProto.FLOAT, [1], [1.0])
    weight.data_location = onnx.TensorProto.EXTERNAL
    del weight.float_data[:]
    weight.external_data.add(key="location", value="../../../../etc/passwd")
    images = helper.make_tensor_value_info("images", onnx.TensorProto.FLOAT, [None, 3, 32, 32])
    out = helper.make_tensor_value_info("out", onnx.TensorProto.FLOAT, [None, 3, 32, 32])
    node = helper.make_node("Mul", ["images", "w"], ["out"])
    graph = helper.make_graph([node], "g", [images], [out], initializer=[weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path.write_bytes(model.SerializeToString())
    return path


def test_pickle_that_would_run_code_is_refused(
    client: TestClient, new_token: NewToken, tmp_path: Path, service_settings, session_factory
) -> None:
    name, before = unique_name(), submission_count(session_factory)
    path = code_running_pickle(tmp_path / "model.safetensors")
    response = post(client, new_token(), path, architecture="resnet20_cifar10", name=name)
    assert_refused(response, 415, "ventral convert", service_settings, session_factory, name)
    assert not Path("/tmp/ventral-pwned").exists()
    assert submission_count(session_factory) == before


def test_pth_file_is_refused_with_a_pointer_to_convert(
    client: TestClient, new_token: NewToken, tmp_path: Path, service_settings, session_factory
) -> None:
    name = unique_name()
    path = tmp_path / "model.pth"
    torch.save(resnet20_tensors(), path)
    response = post(client, new_token(), path, architecture="resnet20_cifar10", name=name)
    assert_refused(response, 415, "ventral convert", service_settings, session_factory, name)


@pytest.mark.parametrize(
    ("build", "words"),
    [(lying_safetensors, "bytes"), (huge_shape_safetensors, "shape")],
    ids=["header-claims-more-bytes", "huge-shape"],
)
def test_malformed_safetensors_headers_are_refused(
    client, new_token, tmp_path, service_settings, session_factory, build, words
) -> None:
    name = unique_name()
    path = build(tmp_path / "weights.safetensors")
    response = post(client, new_token(), path, architecture="resnet20_cifar10", name=name)
    assert_refused(response, 400, words, service_settings, session_factory, name)


def test_wrong_keys_and_shapes_are_named(
    client, new_token, tmp_path, service_settings, session_factory
) -> None:
    tensors = resnet20_tensors()
    tensors["linear.weight"] = torch.zeros(5, 64)
    tensors["extra.weight"] = tensors.pop("conv1.weight")
    path = write_tensors(tmp_path / "weights.safetensors", tensors)
    name = unique_name()
    response = post(client, new_token(), path, architecture="resnet20_cifar10", name=name)
    assert_refused(
        response, 400, "missing key conv1.weight", service_settings, session_factory, name
    )
    assert "layer linear.weight: expected shape (10, 64), got (5, 64)" in response.json()["detail"]
    # and which registered architecture it fits best (here still the chosen one)
    assert (
        "no registered architecture fits it better than 'resnet20_cifar10'"
        in (response.json()["detail"])
    )


def test_nan_weights_are_refused(
    client, new_token, tmp_path, service_settings, session_factory
) -> None:
    tensors = resnet20_tensors()
    tensors["linear.bias"][0] = math.nan
    path = write_tensors(tmp_path / "weights.safetensors", tensors)
    name = unique_name()
    response = post(client, new_token(), path, architecture="resnet20_cifar10", name=name)
    assert_refused(
        response,
        400,
        "layer linear.bias: weights contain NaN",
        service_settings,
        session_factory,
        name,
    )


def test_onnx_with_a_custom_operator_domain_is_refused(
    client, new_token, tmp_path, service_settings, session_factory
) -> None:
    path = tiny_onnx(tmp_path / "model.onnx", domain="com.evil", op="RunShell")
    name = unique_name()
    response = post(client, new_token(), path, manifest=MANIFEST, name=name)
    assert_refused(response, 400, "com.evil", service_settings, session_factory, name)


def test_onnx_with_external_data_is_refused(
    client, new_token, tmp_path, service_settings, session_factory
) -> None:
    path = external_data_onnx(tmp_path / "model.onnx")
    name = unique_name()
    response = post(client, new_token(), path, manifest=MANIFEST, name=name)
    assert_refused(response, 400, "external file", service_settings, session_factory, name)


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/weights.safetensors",
        "/etc/weights.safetensors",
        "..\\\\windows\\\\weights.safetensors",
    ],
)
def test_path_traversal_in_the_file_name_is_refused(
    client, new_token, service_settings, session_factory, filename
) -> None:
    name = unique_name()
    response = post(
        client, new_token(), RESNET20, filename, architecture="resnet20_cifar10", name=name
    )
    assert_refused(response, 400, "file name", service_settings, session_factory, name)
    assert not (service_settings.storage_dir.parent / "etc").exists()


def test_upload_over_the_cap_is_refused_and_deleted(
    service_settings: Settings, session_factory, new_token
) -> None:
    small = service_settings.model_copy(update={"max_upload_bytes": 100_000})
    name = unique_name()
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        response = post(client, new_token(), RESNET20, architecture="resnet20_cifar10", name=name)
    assert_refused(response, 413, "100,000 bytes", service_settings, session_factory, name)


def test_unknown_architecture_and_bad_names_are_refused(
    client, new_token, service_settings, session_factory
) -> None:
    token = new_token()
    response = post(client, token, RESNET20, architecture="nope", name=unique_name())
    assert response.status_code == 400
    assert "resnet20_cifar10" in response.json()["detail"]
    response = post(client, token, RESNET20, architecture="resnet20_cifar10", name="../x")
    assert response.status_code == 400
    assert leftovers(service_settings, session_factory, "../x") == []


def test_onnx_without_manifest_is_refused(client, new_token, tmp_path) -> None:
    response = post(client, new_token(), tiny_onnx(tmp_path / "model.onnx"), name=unique_name())
    assert response.status_code == 400
    assert "manifest" in response.json()["detail"]


def test_submitting_needs_an_account(client: TestClient) -> None:
    with RESNET20.open("rb") as handle:
        response = client.post(
            "/api/v1/submissions",
            data={"name": unique_name()},
            files={"file": ("w.safetensors", handle)},
        )
    assert response.status_code == 401


def test_a_taken_name_is_a_conflict(client, new_token) -> None:
    token, name = new_token(), unique_name()
    first = post(client, token, RESNET20, architecture="resnet20_cifar10", name=name)
    assert first.status_code == 202, first.text
    second = post(client, token, RESNET20, architecture="resnet20_cifar10", name=name)
    assert second.status_code == 409
    assert "already exists" in second.json()["detail"]


def test_accepted_upload_is_stored_with_its_sha256(
    client, new_token, service_settings: Settings
) -> None:
    import hashlib

    response = post(
        client, new_token(), RESNET20, architecture="resnet20_cifar10", name=unique_name()
    )
    assert response.status_code == 202, response.text
    body = response.json()
    stored = (
        service_settings.storage_dir
        / "uploads"
        / str(body["submission_id"])
        / "weights.safetensors"
    )
    assert (
        hashlib.sha256(stored.read_bytes()).hexdigest()
        == hashlib.sha256(RESNET20.read_bytes()).hexdigest()
    )
    assert body["status_url"] == f"/jobs/{body['job_id']}"
