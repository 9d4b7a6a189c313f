"""Every layout of keys in the shared storage, in one place.

uploads/<submission id>/weights.safetensors | model.onnx (+ manifest.json)   user uploads
models/<model id>/weights-<sha256[:16]>.safetensors                          trained weights
data/<BrainIO file name>                                                     imported data
training/<model name>/...                                                    checkpoints
cache/activations/...                                                        activations
"""

from __future__ import annotations

UPLOADS = "uploads"
MANIFEST_FILE = "manifest.json"
# Imported BrainIO files are stored flat under their BrainIO names: the area is a BrainIO remote.
DATA_PREFIX = "data"
ACTIVATIONS = "cache/activations"


def upload_prefix(submission_id: int) -> str:
    """The storage prefix of one submission's files."""
    return f"{UPLOADS}/{submission_id}"


def upload_manifest_key(submission_id: int) -> str:
    return f"{upload_prefix(submission_id)}/{MANIFEST_FILE}"


def data_key(filename: str) -> str:
    """The storage key of an imported BrainIO file (``assy_….nc``, ``stimulus_….csv|zip``)."""
    return f"{DATA_PREFIX}/{filename}"


def trained_weights_prefix(model_id: int) -> str:
    return f"models/{model_id}"


def trained_weights_key(model_id: int, sha256: str) -> str:
    """Where a training run's weights are stored (a new key per result: never overwritten)."""
    return f"{trained_weights_prefix(model_id)}/weights-{sha256[:16]}.safetensors"


def training_prefix(model: str) -> str:
    """A model's training checkpoints and image subset (a shared folder: see ``shared_folder``)."""
    return f"training/{model}"
