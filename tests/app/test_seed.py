"""The seeders are listed in app/seed.py, in the order they run; importing a module registers
nothing (they used to append themselves to a list when their module was imported, so what
`ventral seed` did depended on what had been imported before)."""

from __future__ import annotations

from app.published.seeder import published_results_seeder
from app.reference_models.seeder import reference_models_seeder
from app.seed import SEEDERS


def test_app_seed_lists_every_seeder_in_order() -> None:
    assert isinstance(SEEDERS, tuple)  # fixed when app.seed is imported: nothing appends to it
    assert (published_results_seeder, reference_models_seeder) == SEEDERS
