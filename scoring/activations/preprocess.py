"""Image preprocessing (scoring spec §2.3) and placement on screen (§2.2), with PIL and numpy.

Open with PIL; images whose mode has L, A or P are pasted onto a new RGB image (as Brain-Score
does); resize to a square ``input_size`` (bilinear); scale to [0, 1]; normalize per channel.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from scoring.data.stimuli import StimulusSet
from scoring.models.registry import IMAGENET_MEAN, IMAGENET_STD, ModelInfo

GRAY = (128, 128, 128)
DEFAULT_STIMULUS_DEGREES = 8.0


@dataclass(frozen=True)
class Preprocessing:
    input_size: int = 224
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    resize: str = "square-bilinear"

    @classmethod
    def for_model(cls, info: ModelInfo) -> Preprocessing:
        return cls(input_size=info.input_size, mean=info.mean, std=info.std)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def load_rgb(path: str | Path) -> Image.Image:
    with Image.open(path) as image:
        image.load()
        if any(band in image.mode for band in ("L", "A", "P")):
            rgb = Image.new("RGB", image.size)
            rgb.paste(image)
            return rgb
        return image.convert("RGB")


def image_to_array(image: Image.Image, config: Preprocessing) -> np.ndarray:
    """(3, size, size) float32, normalized."""
    size = config.input_size
    resized = image.resize((size, size), Image.Resampling.BILINEAR)
    pixels = np.asarray(resized, dtype=np.float32) / np.float32(255.0)
    mean, std = np.asarray(config.mean, np.float32), np.asarray(config.std, np.float32)
    return np.ascontiguousarray(((pixels - mean) / std).transpose(2, 0, 1))


def load_batch(paths: Sequence[str | Path], config: Preprocessing) -> torch.Tensor:
    return torch.from_numpy(np.stack([image_to_array(load_rgb(p), config) for p in paths]))


# ----------------------------------------------------------------------------- placement (§2.2)


def place_image(image: Image.Image, ratio: float) -> Image.Image:
    """Paste centred on a gray canvas (ratio >= 1) or centre-crop (ratio < 1)."""
    width, height = image.size
    if ratio >= 1:
        canvas = Image.new("RGB", (round(ratio * width), round(ratio * height)), GRAY)
        canvas.paste(image, ((canvas.width - width) // 2, (canvas.height - height) // 2))
        return canvas
    crop_w, crop_h = round(ratio * width), round(ratio * height)
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return image.crop((left, top, left + crop_w, top + crop_h))


def place_on_screen(
    stimuli: StimulusSet,
    model_degrees: float,
    stimulus_degrees: float = DEFAULT_STIMULUS_DEGREES,
    cache_dir: Path | None = None,
) -> StimulusSet:
    """The stimuli as the model sees them at its visual degrees; unchanged when equal.

    Converted images are written once per (stimulus set, target, source degrees) under
    ``cache_dir`` (a temporary directory when None).
    """
    if model_degrees == stimulus_degrees:
        return stimuli
    ratio = model_degrees / stimulus_degrees
    identifier = f"{stimuli.identifier}-placed{model_degrees:g}of{stimulus_degrees:g}deg"
    target = _placement_dir(cache_dir, identifier, stimuli)
    paths = {}
    for stimulus_id in stimuli.stimulus_ids:
        out = (
            target / f"{hashlib.sha1(stimulus_id.encode(), usedforsecurity=False).hexdigest()}.png"
        )
        if not out.exists():
            place_image(load_rgb(stimuli.path(stimulus_id)), ratio).save(out)
        paths[stimulus_id] = out
    sha1 = f"{stimuli.sha1}:{ratio:g}" if stimuli.sha1 else None
    return StimulusSet(identifier, stimuli.metadata, paths, sha1)


def _placement_dir(cache_dir: Path | None, identifier: str, stimuli: StimulusSet) -> Path:
    if cache_dir is None:
        import tempfile

        cache_dir = Path(tempfile.mkdtemp(prefix="ventral-placed-"))
    sources = sorted((sid, str(stimuli.path(sid))) for sid in stimuli.stimulus_ids)
    digest = hashlib.sha1(f"{stimuli.sha1}|{sources}".encode(), usedforsecurity=False).hexdigest()
    target = Path(cache_dir) / "stimuli_on_screen" / f"{identifier}-{digest[:12]}"
    target.mkdir(parents=True, exist_ok=True)
    return target
