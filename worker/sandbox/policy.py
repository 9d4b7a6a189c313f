"""Which sandbox mode this worker demands, and whether it can start it (the worker's health).

In production a worker never falls back silently to the plain mode: ``auto`` demands bubblewrap,
and the plain mode runs only when the operator set both ``VENTRAL_SANDBOX_MODE=plain`` and
``VENTRAL_SANDBOX_ALLOW_PLAIN=true``. A worker whose sandbox cannot start refuses to validate.
"""

from __future__ import annotations

from dataclasses import dataclass

from foundation.config import Environment, Settings
from worker.sandbox.errors import SandboxUnavailableError
from worker.sandbox.isolation import Mode, resolve_mode
from worker.sandbox.limits import SandboxMode

FIX = (
    "install bubblewrap and let the worker create user namespaces (docker-compose.yml: "
    "security_opt), or set VENTRAL_SANDBOX_MODE=plain with VENTRAL_SANDBOX_ALLOW_PLAIN=true "
    "(docs/security.md)"
)


@dataclass(frozen=True)
class SandboxStatus:
    ok: bool
    mode: Mode | None
    detail: str


def required_mode(settings: Settings) -> SandboxMode:
    if settings.environment is Environment.production and settings.sandbox_mode == "auto":
        return "bwrap"
    return settings.sandbox_mode


def sandbox_status(settings: Settings) -> SandboxStatus:
    requested = required_mode(settings)
    try:
        mode = resolve_mode(requested)
    except SandboxUnavailableError as error:
        return SandboxStatus(
            False,
            None,
            f"this worker cannot start the sandbox that runs uploaded models ({error}), so it "
            f"refuses to validate uploads; an administrator must {FIX}",
        )
    if mode == "plain":
        why = "as configured" if requested == "plain" else "bubblewrap cannot run here"
        return SandboxStatus(True, mode, f"sandbox mode plain ({why}; not a security boundary)")
    return SandboxStatus(True, mode, "sandbox mode bwrap")
