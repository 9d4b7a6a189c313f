"""Vision models: a timm-style registry of architectures and their brain commitments.

Importing this package registers every built-in model (the CORnet family and its variants,
the CIFAR ResNets and the ImageNet baselines).
"""

from scoring.models import baselines_zoo as _baselines_zoo  # noqa: F401  (registers)
from scoring.models import cornet_zoo as _cornet_zoo  # noqa: F401  (registers)
from scoring.models import mobile_zoo as _mobile_zoo  # noqa: F401  (registers)
from scoring.models.registry import (
    MODELS,
    ModelInfo,
    create_model,
    list_models,
    model_info,
    parameter_count,
    register_model,
)

__all__ = [
    "MODELS",
    "ModelInfo",
    "create_model",
    "list_models",
    "model_info",
    "parameter_count",
    "register_model",
]
