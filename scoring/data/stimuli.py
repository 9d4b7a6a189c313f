"""A set of stimuli: one metadata row per image plus where each image file lies on disk."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class StimulusSet:
    """Images identified by ``stimulus_id``, with metadata columns (``object_name``...).

    ``identifier`` names the set (e.g. ``hvm-private``); ``sha1`` is a content hash of its files
    when known, so caches can tell two sets with the same name apart.
    """

    identifier: str
    metadata: pd.DataFrame
    paths: Mapping[str, Path]
    sha1: str | None = None

    def __post_init__(self) -> None:
        if "stimulus_id" not in self.metadata.columns:
            raise ValueError(f"stimulus set {self.identifier!r} has no stimulus_id column")
        ids = self.metadata["stimulus_id"].astype(str)
        if ids.duplicated().any():
            raise ValueError(f"stimulus set {self.identifier!r} has duplicate stimulus_id values")
        missing = [sid for sid in ids if sid not in self.paths]
        if missing:
            raise ValueError(
                f"stimulus set {self.identifier!r}: no image for {len(missing)} ids, "
                f"e.g. {missing[0]}"
            )

    @property
    def stimulus_ids(self) -> list[str]:
        return [str(sid) for sid in self.metadata["stimulus_id"]]

    def path(self, stimulus_id: str) -> Path:
        return Path(self.paths[stimulus_id])

    def __len__(self) -> int:
        return len(self.metadata)

    def subset(self, stimulus_ids: Iterable[str], identifier: str | None = None) -> StimulusSet:
        """The rows for ``stimulus_ids``, in that order."""
        wanted = list(stimulus_ids)
        rows = self.metadata.set_index("stimulus_id", drop=False).loc[wanted].reset_index(drop=True)
        return StimulusSet(
            identifier=identifier or f"{self.identifier}.subset{len(wanted)}",
            metadata=rows,
            paths={sid: self.paths[sid] for sid in wanted},
            sha1=None,
        )
