"""Typed refusals raised by upload inspection; each message is meant for the person who uploaded."""

from __future__ import annotations


class InspectionError(ValueError):
    """Base class: the upload is refused before any of it is loaded or run."""


class UnsafeFileNameError(InspectionError):
    """A user-given file or archive member name tries to leave its folder."""


class FileTooLargeError(InspectionError):
    """The upload is larger than the configured cap."""


class PickleRefusedError(InspectionError):
    """The upload is a pickle (or a torch zip that holds one); loading it could run code."""


class UnsupportedFileError(InspectionError):
    """The upload is neither safetensors nor ONNX."""


class SafetensorsHeaderError(InspectionError):
    """The safetensors header is malformed, inconsistent or exceeds a limit."""


class StateDictMismatchError(InspectionError):
    """The weights do not fit the architecture's state dict (keys, shapes or dtypes)."""


class NonFiniteWeightsError(InspectionError):
    """A weight tensor holds NaN or infinite values."""


class OnnxModelError(InspectionError):
    """The ONNX graph fails the checker or one of our rules."""


class ManifestError(InspectionError):
    """The ONNX manifest is malformed or does not match the graph."""
