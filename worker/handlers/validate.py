"""``validate``: an uploaded model's checks before any scoring.

Static inspection again (the file on disk is the one the request checked: same sha256), then one
forward pass on a few real CIFAR-10 test images in the sandbox (``worker.sandbox``); the trusted
parent checks the activations' shapes and finiteness. A refusal deletes the upload folder and the
model row (its name becomes free again), marks the submission ``refused`` and fails the job with
the reason. Success marks the model ``ready``, records its commitments and queues one score job
per registered benchmark (``foundation.runs.service.create_score_jobs``, the ``gpu`` queue).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from PIL import Image

from foundation.jobs.payloads import ValidatePayload
from foundation.models import Model, ModelStatus, Submission
from foundation.storage import ObjectNotFoundError
from foundation.storage.keys import upload_manifest_key
from foundation.submissions import accept_submission, delete_upload, refuse_submission
from scoring.models.inspection import (
    InspectionError,
    InspectionLimits,
    OnnxManifest,
    expected_for_architecture,
    inspect_upload,
    parse_manifest,
)
from worker import runtime
from worker.handlers import JobFailedError, JobReporter, register_handler
from worker.sandbox import (
    MODEL_OUTPUT,
    ArchitectureSpec,
    SandboxError,
    SandboxLimits,
    SandboxSpec,
    SandboxUnavailableError,
    architecture_spec,
    onnx_spec_from_manifest,
    required_mode,
    run_in_sandbox,
    sandbox_status,
    write_inputs,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data" / "cifar10"
TEST_IMAGES = "stimulus_cifar10-test"
N_IMAGES = 4


@dataclass(frozen=True)
class StoredUpload:
    submission_id: int
    model_id: int
    key: str
    path: Path
    filename: str
    sha256: str
    format: str
    architecture: str | None
    manifest: dict[str, Any] | None


@register_handler("validate")
def validate_submission(payload: ValidatePayload, report: JobReporter) -> dict[str, Any]:
    sandbox = sandbox_status(runtime.settings())
    if not sandbox.ok:  # our configuration, not the upload: the job fails, the upload stays
        raise JobFailedError(f"{sandbox.detail}. Your upload is kept; retry this job later.")
    upload = load_upload(payload.submission_id)
    report.progress(0.05, "checking the file")
    try:
        inspection = inspect_stored(upload)
        report.progress(0.3, f"running the model on {N_IMAGES} CIFAR-10 test images (sandboxed)")
        outcome = forward_pass(upload, inspection, report)
    except SandboxUnavailableError as error:
        raise JobFailedError(
            f"this worker cannot start the sandbox ({error}); your upload is kept, retry later"
        ) from None
    except (InspectionError, SandboxError) as error:
        refuse(upload)
        raise JobFailedError(f"the upload was refused: {error}") from None
    accept(upload, outcome)
    report.progress(1.0, "validated; scoring queued")
    return outcome


def load_upload(submission_id: int) -> StoredUpload:
    with runtime.session_factory()() as session:
        submission = session.get(Submission, submission_id)
        model = (
            session.get(Model, submission.model_id) if submission and submission.model_id else None
        )
        artifact = model.weights_artifact if model else None
        if submission is None or model is None or artifact is None:
            raise JobFailedError(
                "this submission's files are gone (it was refused or deleted); upload it again"
            )
        return StoredUpload(
            submission_id=submission.id,
            model_id=model.id,
            key=artifact.path,
            path=_local_file(artifact.path),
            filename=submission.filename,
            sha256=artifact.sha256,
            format=artifact.format,
            architecture=model.architecture,
            manifest=model.model_metadata.get("manifest"),
        )


def _local_file(key: str) -> Path:
    try:
        return runtime.local_object(key)
    except ObjectNotFoundError:
        raise JobFailedError(
            "this submission's file is gone from the storage; upload it again"
        ) from None


@dataclass(frozen=True)
class Inspection:
    manifest: OnnxManifest | None
    output_shapes: dict[str, tuple[int | None, ...]] | None


def inspect_stored(upload: StoredUpload) -> Inspection:
    if _sha256(upload.path) != upload.sha256:
        raise InspectionError("the stored file does not match the uploaded one (sha256 differs)")
    limits = InspectionLimits(max_file_bytes=runtime.settings().max_upload_bytes)
    if upload.format == "onnx":
        manifest = parse_manifest(_manifest_text(upload), limits)
        report = inspect_upload(upload.path, upload.filename, manifest=manifest, limits=limits)
        return Inspection(manifest, report.output_shapes)
    if upload.architecture is None:
        raise InspectionError("safetensors weights need an architecture")
    expected = expected_for_architecture(upload.architecture)
    inspect_upload(upload.path, upload.filename, expected_weights=expected, limits=limits)
    return Inspection(None, None)


def _manifest_text(upload: StoredUpload) -> str:
    try:
        with runtime.storage().open(upload_manifest_key(upload.submission_id)) as file:
            return file.read().decode("utf-8", errors="replace")
    except ObjectNotFoundError:
        raise InspectionError("an ONNX upload needs a manifest") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def forward_pass(
    upload: StoredUpload, inspection: Inspection, report: JobReporter
) -> dict[str, Any]:
    """Run the model in a fresh folder of its own; return shapes and the sandbox mode used."""
    job_dir = runtime.settings().scratch_dir / "sandbox" / f"validate-{uuid.uuid4().hex}"
    job_dir.mkdir(parents=True)
    try:
        spec, size = _spec(upload, inspection, job_dir)
        write_inputs(job_dir, cifar_images(N_IMAGES, size))
        limits = SandboxLimits(mode=required_mode(runtime.settings()))
        result = run_in_sandbox(job_dir, spec, limits)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
    report.log(f"forward pass in sandbox mode {result.mode!r}: {result.wall_seconds:.1f} s")
    shapes = {key: list(value.shape) for key, value in result.activations.items()}
    for key, shape in shapes.items():
        report.log(f"output {key}: shape {tuple(shape)}, finite")
    return {"sandbox_mode": result.mode, "output_shapes": shapes, "images": N_IMAGES}


def _spec(upload: StoredUpload, inspection: Inspection, job_dir: Path) -> tuple[SandboxSpec, int]:
    if inspection.manifest is not None:
        _place(upload.path, job_dir / "model.onnx")
        spec = onnx_spec_from_manifest(inspection.manifest, "model.onnx", inspection.output_shapes)
        return spec, inspection.manifest.input_size
    assert upload.architecture is not None
    _place(upload.path, job_dir / "weights.safetensors")
    return checked_architecture_spec(upload.architecture), _input_size(upload.architecture)


def _place(source: Path, target: Path) -> None:
    """A copy in the sandbox's folder (never a hard link: the child could write through it)."""
    shutil.copyfile(source, target)
    os.chmod(target, 0o444)


def _input_size(arch: str) -> int:
    from scoring.models import model_info

    return model_info(arch).input_size


def checked_architecture_spec(arch: str) -> ArchitectureSpec:
    """The registry's spec (committed regions or candidate layers, behavioral readout), with
    the shapes our own untrained copy of the architecture gives on the same input size."""
    from scoring.models import model_info

    spec = architecture_spec(arch, "weights.safetensors")
    shapes = reference_shapes(arch, spec.outputs, model_info(arch).input_size)
    expected = {
        key: (shape[0], spec.time_steps[key], *shape[1:]) if key in spec.time_steps else shape
        for key, shape in shapes.items()
    }
    return spec.model_copy(update={"expected_shapes": expected})


def reference_shapes(
    arch: str, outputs: dict[str, str], size: int
) -> dict[str, tuple[int | None, ...]]:
    """Shapes from our trusted, untrained copy (batch left free; a recurrent layer's last step)."""
    from scoring.models import create_model

    model = create_model(arch, pretrained=False).eval()
    seen: dict[str, tuple[int, ...]] = {}
    for key, layer in outputs.items():
        if layer != MODEL_OUTPUT:
            model.get_submodule(layer).register_forward_hook(
                lambda _m, _i, out, key=key: seen.__setitem__(key, tuple(out.shape))
            )
    with torch.no_grad():
        logits = model(torch.zeros(1, 3, size, size))
    for key, layer in outputs.items():
        if layer == MODEL_OUTPUT:
            seen[key] = tuple(logits.shape)
    return {key: (None, *shape[1:]) for key, shape in seen.items()}


def cifar_images(count: int, size: int) -> np.ndarray:
    """The first ``count`` CIFAR-10 test images, resized to ``size``, as (N, 3, H, W) in [0, 1]."""
    names = pd.read_csv(REPO_DATA / f"{TEST_IMAGES}.csv", nrows=count)["filename"]
    with zipfile.ZipFile(REPO_DATA / f"{TEST_IMAGES}.zip") as archive:
        images = [_load(archive.read(name), size) for name in names]
    return np.stack(images)


def _load(data: bytes, size: int) -> np.ndarray:
    image = (
        Image.open(io.BytesIO(data)).convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
    )
    return np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0


def refuse(upload: StoredUpload) -> None:
    """Nothing half-written stays: the files and the model row go, the submission says refused."""
    delete_upload(runtime.storage(), upload.submission_id)
    if runtime.storage().local_root is None:
        upload.path.unlink(missing_ok=True)  # this host's downloaded copy
    with runtime.session_factory().begin() as session:
        refuse_submission(session, upload.submission_id, upload.model_id)


def accept(upload: StoredUpload, outcome: dict[str, Any]) -> None:
    """The model is ready; its score jobs (every registered benchmark) go out after the commit."""
    with runtime.unit_of_work() as session:
        run = accept_submission(
            session,
            upload.submission_id,
            upload.model_id,
            commitments(upload),
            architecture_metadata(upload),
            storage=runtime.storage(),
        )
        if run is None:
            raise JobFailedError("the model was deleted while it was being validated")
    outcome["model_status"] = ModelStatus.ready.value
    outcome["score_jobs"] = [job.id for job in run.jobs]
    outcome["benchmarks_skipped"] = run.skipped


def commitments(upload: StoredUpload) -> dict[str, Any]:
    if upload.manifest is not None:
        return {
            "regions": dict(upload.manifest.get("region_outputs", {})),
            "behavioral_readout": upload.manifest.get("behavioral_readout"),
            "time_steps": upload.manifest.get("time_steps", 1),
        }
    from scoring.models import model_info

    assert upload.architecture is not None
    info = model_info(upload.architecture)
    return {
        "regions": dict(info.region_layers),
        "behavioral_readout": info.behavioral_readout,
        "time_mapping": {key: list(value) for key, value in (info.time_mapping or {}).items()},
    }


def architecture_metadata(upload: StoredUpload) -> dict[str, Any]:
    if upload.architecture is None:
        return {}
    from scoring.models import create_model, model_info, parameter_count

    info = model_info(upload.architecture)
    count = parameter_count(create_model(upload.architecture, pretrained=False))
    return {"depth": info.depth, "parameter_count": count, "family": info.family}
