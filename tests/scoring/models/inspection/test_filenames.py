from __future__ import annotations

import pytest

from scoring.models.inspection import UnsafeFileNameError, check_user_filename, safe_basename


@pytest.mark.parametrize(
    "name",
    ["../etc/passwd", "weights/../../x.onnx", "..\\..\\boot.ini", "/etc/passwd",
     "C:\\model.onnx", "\\\\server\\share\\m.onnx", "model\x00.onnx", "", "a" * 300, ".."],
)  # fmt: skip
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeFileNameError):
        check_user_filename(name)


def test_traversal_message_says_what_is_wrong() -> None:
    with pytest.raises(UnsafeFileNameError, match=r"tries to leave its folder"):
        check_user_filename("../../secrets.onnx")


@pytest.mark.parametrize("name", ["resnet20.safetensors", "my model v2.onnx", "a..b.onnx"])
def test_plain_names_pass(name: str) -> None:
    assert check_user_filename(name) == name


def test_safe_basename_keeps_only_the_last_component() -> None:
    assert safe_basename("uploads/resnet20.safetensors") == "resnet20.safetensors"
