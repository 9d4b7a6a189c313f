"""``ventral seed``: the rows a fresh installation needs. Idempotent; runs at every ``serve``.

Other areas add their reference rows (benchmarks, reference models, published scores) with
``@register_seeder``; each seeder gets the open session and the settings and must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from foundation.config import Settings

Seeder = Callable[[Session, Settings], None]
SEEDERS: list[Seeder] = []


def register_seeder(seeder: Seeder) -> Seeder:
    SEEDERS.append(seeder)
    return seeder


def run_seeders(session: Session, settings: Settings) -> None:
    for seeder in SEEDERS:
        seeder(session, settings)
