"""Registers the published-results seeder with ``ventral seed`` / ``serve``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.published.service import seed_published
from app.seed import register_seeder


@register_seeder
def published_results_seeder(session: Session, settings: Settings) -> None:
    seed_published(session)
