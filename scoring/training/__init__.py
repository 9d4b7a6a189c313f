"""Training: the CORnet-S recipe (``paper``) and a CPU smoke profile, single- or multi-process.

``train(model, data_dir, profile, out_dir, nproc=..., device=..., progress=...)`` is the entry
point; see docs/training.md for profiles, the DDP layout and checkpoint/resume semantics.
"""

from scoring.training.launch import train
from scoring.training.profiles import TrainingProfile, get_profile, list_profiles
from scoring.training.progress import ProgressCallback, TrainingProgress, TrainingResult

__all__ = [
    "ProgressCallback",
    "TrainingProfile",
    "TrainingProgress",
    "TrainingResult",
    "get_profile",
    "list_profiles",
    "train",
]
