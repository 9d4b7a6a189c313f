"""The process inside the sandbox: one forward pass of an untrusted model on the job's inputs.

Started by ``worker.sandbox.runner`` as ``python -I child.py ...``. It imports only the standard
library, numpy and the model runtime (never ``worker``, ``app`` or settings), reads ``spec.json``
and ``inputs.npy`` from its job folder, installs the guard, runs the model and writes
``activations.safetensors`` there. Failures end the process with one of the exit codes below and a
``SANDBOX-ERROR:`` line on stderr.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import json
import os
import resource
import runpy
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_MODEL_ERROR = 70
EXIT_MEMORY = 71
EXIT_NETWORK = 72
EXIT_FILE_ACCESS = 73
EXIT_PROCESS = 74
EXIT_NATIVE_CODE = 75
EXIT_FILE_SIZE = 76
ERROR_PREFIX = "SANDBOX-ERROR: "
ACTIVATIONS_FILE = "activations.safetensors"
MODEL_OUTPUT = "__output__"

_NETWORK_EVENTS = frozenset({
    "socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
    "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo",
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
})  # fmt: skip
_PROCESS_EVENTS = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "resource.setrlimit",
    "resource.prlimit", "os.startfile", "sys.addaudithook", "gc.get_objects",
    "gc.get_referrers", "gc.get_referents",
})  # fmt: skip
# Native entry points that raise no audit event of their own: removed and never re-imported.
_UNAUDITED_MODULES = frozenset({"_posixsubprocess"})
_READ_PATH_EVENTS = frozenset({"os.listdir", "os.scandir", "os.chdir", "glob.glob"})
_WRITE_PATH_EVENTS = frozenset({
    "os.remove", "os.rmdir", "os.rename", "os.mkdir", "os.symlink", "os.link", "os.chmod",
    "os.chown", "os.truncate", "os.utime", "os.chflags", "os.mkfifo", "os.mknod",
    "shutil.copyfile", "shutil.move", "shutil.rmtree",
})  # fmt: skip


def disarm_unaudited_modules() -> None:
    """Drop every reference to modules whose calls raise no audit event (``fork_exec``...).

    ``_posixsubprocess.fork_exec`` starts a process without the ``subprocess.Popen`` event, so the
    guard alone would not see it; with these references gone and re-imports refused, it cannot
    be reached by name.
    """
    unaudited = [sys.modules.pop(name) for name in _UNAUDITED_MODULES if name in sys.modules]
    targets = {id(module) for module in unaudited} | {
        id(value)
        for module in unaudited
        for value in vars(module).values()
        if callable(value) and getattr(value, "__module__", None) in _UNAUDITED_MODULES
    }
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", {})
        for attribute in [key for key, value in namespace.items() if id(value) in targets]:
            del namespace[attribute]


class SandboxViolation(PermissionError):
    def __init__(self, exit_code: int, message: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Guard:
    """An audit hook that refuses network, process, native-code and out-of-folder file access.

    Python-level only: code that reaches native calls some other way is not seen (see
    docs/security.md); under bubblewrap the kernel enforces the same rules regardless.
    """

    def __init__(self, job_dir: str, read_roots: list[str]) -> None:
        self.job_root = os.path.realpath(job_dir)
        self.read_roots = (self.job_root, *(os.path.realpath(root) for root in read_roots))
        self.violations: list[SandboxViolation] = []
        self._busy = threading.local()

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if getattr(self._busy, "active", False):
            return
        self._busy.active = True
        try:
            self._check(event, args)
        finally:
            self._busy.active = False

    def _check(self, event: str, args: tuple[Any, ...]) -> None:
        if event in _NETWORK_EVENTS:
            self._refuse(EXIT_NETWORK, f"the model tried to open a network connection ({event})")
        elif event in _PROCESS_EVENTS:
            self._refuse(EXIT_PROCESS, f"the model tried to start or control a process ({event})")
        elif event == "import" and args[0] in _UNAUDITED_MODULES:
            self._refuse(EXIT_PROCESS, f"the model tried to import {args[0]}")
        elif event.startswith("ctypes.") or event == "cffi.dlopen":
            self._refuse(EXIT_NATIVE_CODE, f"the model tried to call native code ({event})")
        elif event == "open":
            self._check_open(args[0], args[1], args[2])
        elif event in _READ_PATH_EVENTS and args:
            self._check_path(args[0], self.read_roots, "read")
        elif event in _WRITE_PATH_EVENTS:
            for path in args[:2]:
                self._check_path(path, (self.job_root,), "change")

    def _check_open(self, path: object, mode: object, flags: object) -> None:
        if isinstance(path, int) or path is None:
            return
        if _opens_for_writing(mode, flags):
            self._check_path(path, (self.job_root,), "write")
        else:
            self._check_path(path, self.read_roots, "read")

    def _check_path(self, path: object, roots: tuple[str, ...], verb: str) -> None:
        if not isinstance(path, str | bytes | os.PathLike):
            return
        real = os.path.realpath(os.fsdecode(path))
        if not any(real == root or real.startswith(root.rstrip("/") + "/") for root in roots):
            self._refuse(
                EXIT_FILE_ACCESS,
                f"the model tried to {verb} {os.fsdecode(path)!r} outside its job folder",
            )

    def _refuse(self, exit_code: int, message: str) -> None:
        violation = SandboxViolation(exit_code, message)
        self.violations.append(violation)
        raise violation


def _opens_for_writing(mode: object, flags: object) -> bool:
    if isinstance(mode, str):
        return any(letter in mode for letter in "wax+")
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    return isinstance(flags, int) and bool(flags & write_flags)


def _normalized_inputs(spec: dict[str, Any], job_dir: Path) -> Any:
    import numpy as np

    images = np.load(job_dir / spec["inputs_file"], allow_pickle=False).astype(np.float32)
    if spec.get("mean") is None:
        return images
    mean = np.asarray(spec["mean"], dtype=np.float32).reshape(1, -1, 1, 1)
    std = np.asarray(spec["std"], dtype=np.float32).reshape(1, -1, 1, 1)
    return (images - mean) / std


def _prepare_onnx(spec: dict[str, Any], job_dir: Path) -> Callable[[Any], dict[str, Any]]:
    import numpy as np
    import onnxruntime

    def forward(images: Any) -> dict[str, Any]:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(spec.get("threads", 1))
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(job_dir / spec["model_file"]), options, providers=["CPUExecutionProvider"]
        )
        names = list(spec["outputs"].values())
        graph_input = session.get_inputs()[0]
        # Graphs exported with a fixed batch of 1 (the exporters' default) get one image at a time.
        batches = [images[i : i + 1] for i in range(len(images))]
        if graph_input.shape[0] != 1:
            batches = [images]
        runs = [session.run(names, {graph_input.name: batch}) for batch in batches]
        values = [np.concatenate(parts) for parts in zip(*runs, strict=True)]
        return dict(zip(spec["outputs"], values, strict=True))

    return forward


def _prepare_architecture(spec: dict[str, Any], job_dir: Path) -> Callable[[Any], dict[str, Any]]:
    import torch
    from safetensors.torch import load_file

    module_name, factory_name = spec["factory"].split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    torch.set_num_threads(int(spec.get("threads", 1)))

    def forward(images: Any) -> dict[str, Any]:
        model = factory(spec["arch"], pretrained=False)
        _load_weights(model, load_file(str(job_dir / spec["weights_file"])))
        model.eval()
        return _run_with_hooks(model, torch.from_numpy(images), spec)

    return forward


def _load_weights(model: Any, weights: dict[str, Any]) -> None:
    # Strict except for the batch counters that inspection allows to be missing.
    result = model.load_state_dict(weights, strict=False)
    missing = [key for key in result.missing_keys if not key.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        unexpected = result.unexpected_keys
        raise KeyError(f"weights do not fit: missing {missing}, unexpected {unexpected}")


def _run_with_hooks(model: Any, images: Any, spec: dict[str, Any]) -> dict[str, Any]:
    import torch

    calls: dict[str, list[Any]] = {key: [] for key in spec["outputs"]}
    for key, layer in spec["outputs"].items():
        if layer != MODEL_OUTPUT:
            _layer(model, layer, spec["arch"]).register_forward_hook(
                lambda _m, _i, out, key=key: calls[key].append(out.detach())
            )
    with torch.no_grad():
        output = model(images)
    results = {}
    for key, layer in spec["outputs"].items():
        values = [output] if layer == MODEL_OUTPUT else calls[key]
        steps = spec["time_steps"].get(key, 1)
        results[key] = _over_time(values, steps, layer).float().numpy()
    return results


def _over_time(values: list[Any], steps: int, layer: str) -> Any:
    """One call per time step for recurrent layers; a feed-forward layer keeps its last call."""
    import torch

    if not values or (steps > 1 and len(values) != steps):
        raise RuntimeError(f"layer {layer} ran {len(values)} times; expected {steps} time steps")
    return torch.stack(values, dim=1) if steps > 1 else values[-1]


def _layer(model: Any, name: str, arch: str) -> Any:
    try:
        return model.get_submodule(name)
    except AttributeError:
        raise LookupError(f"layer {name} does not exist in {arch}") from None


def _prepare_script(spec: dict[str, Any], job_dir: Path) -> Callable[[Any], dict[str, Any]]:
    def forward(images: Any) -> dict[str, Any]:
        namespace = runpy.run_path(str(job_dir / spec["script_file"]), run_name="sandboxed")
        result: dict[str, Any] = namespace["forward"](images)
        return result

    return forward


PREPARERS = {
    "onnx": _prepare_onnx,
    "architecture": _prepare_architecture,
    "script": _prepare_script,
}


def _write_activations(outputs: dict[str, Any], job_dir: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    arrays = {key: np.ascontiguousarray(value, dtype=np.float32) for key, value in outputs.items()}
    save_file(arrays, str(job_dir / ACTIVATIONS_FILE))


def _exit_code_for(error: BaseException) -> int:
    if isinstance(error, SandboxViolation):
        return error.exit_code
    if isinstance(error, MemoryError) or "alloc" in str(error).lower():
        return EXIT_MEMORY
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return EXIT_FILE_SIZE  # Python ignores SIGXFSZ, so RLIMIT_FSIZE surfaces as EFBIG
    return EXIT_MODEL_ERROR


def _fail(error: BaseException, guard: Guard | None) -> int:
    first = guard.violations[0] if guard and guard.violations else error
    message = str(first) or type(first).__name__
    if not isinstance(first, SandboxViolation):
        message = f"{type(first).__name__}: {message}"
    sys.stderr.write(ERROR_PREFIX + message.replace("\n", " ")[:1000] + "\n")
    sys.stderr.flush()
    return _exit_code_for(first)


def limit_processes(spec: dict[str, Any]) -> None:
    """RLIMIT_NPROC before any model code runs. Set here, not in the parent's pre-exec hook: under
    bwrap the kernel then counts tasks in the sandbox's own user namespace (and a limit set before
    bwrap would also cap the namespace against every process of the worker's user)."""
    allowed = int(spec.get("processes", 64))
    if spec.get("processes_counted_per_user", False):
        allowed += _tasks_of_this_user()
    hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    if hard != resource.RLIM_INFINITY:
        allowed = min(allowed, hard)  # only lowering is allowed
    resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))


def _tasks_of_this_user() -> int:
    """Threads of every process of our real uid that this /proc shows (plain mode)."""
    uid = str(os.getuid())
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue  # the process ended meanwhile
        if fields.get("Uid", "").split()[:1] == [uid]:
            count += int(fields.get("Threads", "1").strip())
    return count


def _parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--job", required=True)
    parser.add_argument("--code", action="append", default=[])
    parser.add_argument("--read-root", action="append", default=[])
    parser.add_argument("--no-guard", action="store_true")
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    arguments = _parse_arguments(argv)
    job_dir = Path(arguments.job)
    os.chdir(job_dir)
    sys.path[:0] = arguments.code
    spec = json.loads((job_dir / "spec.json").read_text())
    guard = None
    try:
        limit_processes(spec)
        forward = PREPARERS[spec["kind"]](spec, job_dir)
        images = _normalized_inputs(spec, job_dir)
        if not arguments.no_guard:
            guard = Guard(str(job_dir), arguments.read_root + arguments.code)
            disarm_unaudited_modules()
            sys.addaudithook(guard)
        outputs = forward(images)
        if guard and guard.violations:
            raise guard.violations[0]
        _write_activations(outputs, job_dir)
    except BaseException as error:  # the model may raise anything; report it, never re-raise
        return _fail(error, guard)
    return 0


if __name__ == "__main__":
    exit_code = run(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)  # skips atexit handlers and finalizers the model may have registered
