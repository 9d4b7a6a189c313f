"""``ventral seed``: the rows a fresh installation needs. Idempotent; runs at every ``serve``.

The seeders are listed here, in the order they run: importing a module registers nothing, so
what seeds the database does not depend on which modules happen to be imported. Each gets the
open session and the settings and must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.published.seeder import published_results_seeder
from app.reference_models.seeder import reference_models_seeder
from foundation.config import Settings

Seeder = Callable[[Session, Settings], None]
SEEDERS: tuple[Seeder, ...] = (published_results_seeder, reference_models_seeder)


def run_seeders(session: Session, settings: Settings) -> None:
    for seeder in SEEDERS:
        seeder(session, settings)
