"""The reference-models seeder; ``app.seed.SEEDERS`` lists it for ``ventral seed`` / ``serve``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reference_models.service import seed_reference_models
from foundation.config import Settings


def reference_models_seeder(session: Session, settings: Settings) -> None:
    seed_reference_models(session, (settings.data_dir,))
