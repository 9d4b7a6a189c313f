"""Registers the reference-models seeder with ``ventral seed`` / ``serve``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.reference_models.service import seed_reference_models
from app.seed import register_seeder
from foundation.config import Settings


@register_seeder
def reference_models_seeder(session: Session, settings: Settings) -> None:
    seed_reference_models(session, (settings.data_dir,))
