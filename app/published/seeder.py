"""The published-results seeder; ``app.seed.SEEDERS`` lists it for ``ventral seed`` / ``serve``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.published.service import seed_published
from foundation.config import Settings
from foundation.runs.service import refresh_data_installed
from foundation.storage import storage_from_settings


def published_results_seeder(session: Session, settings: Settings) -> None:
    seed_published(session)
    # The catalogue knows the repository's data folder; imported files are in storage.
    refresh_data_installed(session, storage_from_settings(settings))
