"""Which registered architecture an uploaded state dict does fit, when it does not fit the one
chosen: compared by tensor names and shapes in the header only (no model is built or loaded).

``expected_state(arch)`` is each architecture's ``{name: shape}``, from
``expected_for_architecture``, which reads the committed table of expected state dicts where
there is one (one read, then milliseconds a comparison) and builds the model otherwise.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scoring.models.inspection.weights import OPTIONAL_KEY_SUFFIXES, expected_for_architecture

Shape = tuple[int, ...]
# Prefixes that wrappers add to every key: nn.DataParallel / DDP ("module."), torch.compile.
WRAPPER_PREFIXES = ("module.", "_orig_mod.")
# Below this share of matching tensors, naming an architecture would mislead more than help.
MIN_SHARE = 0.5


@functools.cache
def expected_state(arch: str) -> dict[str, Shape]:
    """The registered architecture's state dict as tensor name -> shape."""
    return {name: tensor.shape for name, tensor in expected_for_architecture(arch).items()}


@dataclass(frozen=True)
class ArchitectureMatch:
    architecture: str
    matching: int  # the file's tensors found in the architecture with the same shape
    total: int  # tensors in either (the union): a perfect fit has matching == total
    by_name: bool  # matched by name and shape; False: by shapes alone (keys named otherwise)
    strip_prefix: str = ""  # the file's keys fit once this wrapper prefix is removed

    @property
    def share(self) -> float:
        return self.matching / self.total if self.total else 0.0

    @property
    def exact(self) -> bool:
        return self.by_name and self.matching == self.total

    def describe(self) -> str:
        if self.exact and not self.strip_prefix:
            return f"the file fits the registered architecture {self.architecture!r} exactly"
        how = "by name and shape" if self.by_name else "by shape, under other key names"
        fit = f"{self.matching} of {self.total} tensors {how}"
        prefix = (
            f" once the key prefix {self.strip_prefix!r} is removed" if self.strip_prefix else ""
        )
        return f"the closest registered architecture is {self.architecture!r} ({fit}{prefix})"


def closest_architecture(
    shapes: Mapping[str, Shape], candidates: Iterable[str] | None = None
) -> ArchitectureMatch | None:
    """The registered architecture that best fits ``shapes`` (a file's tensor name -> shape),
    or None when none shares at least ``MIN_SHARE`` of the tensors."""
    if candidates is None:
        from scoring.models import list_models

        candidates = list_models()
    matches = [_best_match(arch, shapes) for arch in candidates]
    best = max(matches, key=lambda m: (m.share, m.by_name, m.matching), default=None)
    return best if best is not None and best.share >= MIN_SHARE else None


def mismatch_hint(shapes: Mapping[str, Shape], chosen: str) -> str:
    """A sentence to add to a mismatch refusal: which architecture the file does fit."""
    best = closest_architecture(shapes)
    if best is None:
        return "no registered architecture shares half of its tensors with the file"
    if best.architecture == chosen:
        return f"no registered architecture fits it better than {chosen!r}"
    return best.describe()


def _best_match(arch: str, shapes: Mapping[str, Shape]) -> ArchitectureMatch:
    expected = _required(expected_state(arch))
    candidates = [_by_name(arch, expected, shapes, "")]
    for prefix in WRAPPER_PREFIXES:
        if shapes and all(name.startswith(prefix) for name in shapes):
            stripped = {name.removeprefix(prefix): shape for name, shape in shapes.items()}
            candidates.append(_by_name(arch, expected, stripped, prefix))
    candidates.append(_by_shape(arch, expected, shapes))
    return max(candidates, key=lambda m: (m.share, m.by_name))


def _required(expected: Mapping[str, Shape]) -> dict[str, Shape]:
    return {n: s for n, s in expected.items() if not n.endswith(OPTIONAL_KEY_SUFFIXES)}


def _by_name(
    arch: str, expected: Mapping[str, Shape], shapes: Mapping[str, Shape], prefix: str
) -> ArchitectureMatch:
    present = {n: s for n, s in shapes.items() if not n.endswith(OPTIONAL_KEY_SUFFIXES)}
    matching = sum(1 for name, shape in present.items() if expected.get(name) == shape)
    total = len(set(expected) | set(present))
    return ArchitectureMatch(arch, matching, total, by_name=True, strip_prefix=prefix)


def _by_shape(
    arch: str, expected: Mapping[str, Shape], shapes: Mapping[str, Shape]
) -> ArchitectureMatch:
    present = [s for n, s in shapes.items() if not n.endswith(OPTIONAL_KEY_SUFFIXES)]
    mine, theirs = Counter(expected.values()), Counter(present)
    matching = sum((mine & theirs).values())
    total = sum((mine | theirs).values())
    return ArchitectureMatch(arch, matching, total, by_name=False)
