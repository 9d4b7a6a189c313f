"""Turning a torch checkpoint of a registry architecture into our safetensors weights."""

from __future__ import annotations

from pathlib import Path

from safetensors.torch import save_file

from scoring.models.registry import create_model
from scoring.models.weights import load_state_dict_checked, read_state_dict


def convert_checkpoint(pth_path: str | Path, arch: str, out_path: str | Path) -> Path:
    """Check a torch state dict against registry architecture ``arch``; write safetensors."""
    state = read_state_dict(pth_path)
    model = load_state_dict_checked(create_model(arch), state)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {key: value.detach().contiguous() for key, value in model.state_dict().items()}
    save_file(tensors, str(out_path), metadata={"arch": arch})
    return out_path
