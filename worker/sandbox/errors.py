"""Typed failures of a sandboxed forward pass; messages are meant for the model's owner."""

from __future__ import annotations


class SandboxError(RuntimeError):
    """The forward pass did not produce usable activations."""


class SandboxUnavailableError(SandboxError):
    """The requested isolation mode cannot run on this machine."""


class SandboxTimeoutError(SandboxError):
    """Wall-clock limit exceeded; the process tree was killed."""


class SandboxCpuTimeError(SandboxError):
    """CPU-time limit (RLIMIT_CPU) exceeded."""


class SandboxMemoryError(SandboxError):
    """Address-space limit (RLIMIT_AS) exceeded."""


class SandboxFileSizeError(SandboxError):
    """File-size limit (RLIMIT_FSIZE) exceeded."""


class SandboxViolationError(SandboxError):
    """The model tried something forbidden: network, files outside its folder, processes."""


class SandboxModelError(SandboxError):
    """The model itself raised an error or crashed."""


class SandboxOutputError(SandboxError):
    """The activations the child returned are missing, malformed, misshapen or not finite."""
