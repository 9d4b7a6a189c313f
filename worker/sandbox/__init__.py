"""Running untrusted model code in a confined child process; see ``run_in_sandbox``."""

from __future__ import annotations

from worker.sandbox.errors import (
    SandboxCpuTimeError,
    SandboxError,
    SandboxFileSizeError,
    SandboxMemoryError,
    SandboxModelError,
    SandboxOutputError,
    SandboxTimeoutError,
    SandboxUnavailableError,
    SandboxViolationError,
)
from worker.sandbox.isolation import bwrap_available, resolve_mode
from worker.sandbox.limits import SandboxLimits
from worker.sandbox.policy import SandboxStatus, required_mode, sandbox_status
from worker.sandbox.runner import SandboxResult, run_in_sandbox, write_inputs
from worker.sandbox.spec import (
    BEHAVIOR_KEY,
    MODEL_OUTPUT,
    ArchitectureSpec,
    OnnxSpec,
    SandboxSpec,
    ScriptSpec,
    architecture_spec,
    onnx_spec_from_manifest,
)

__all__ = [
    "BEHAVIOR_KEY",
    "MODEL_OUTPUT",
    "ArchitectureSpec",
    "OnnxSpec",
    "SandboxCpuTimeError",
    "SandboxError",
    "SandboxFileSizeError",
    "SandboxLimits",
    "SandboxMemoryError",
    "SandboxModelError",
    "SandboxOutputError",
    "SandboxResult",
    "SandboxSpec",
    "SandboxStatus",
    "SandboxTimeoutError",
    "SandboxUnavailableError",
    "SandboxViolationError",
    "ScriptSpec",
    "architecture_spec",
    "bwrap_available",
    "onnx_spec_from_manifest",
    "required_mode",
    "resolve_mode",
    "run_in_sandbox",
    "sandbox_status",
    "write_inputs",
]
