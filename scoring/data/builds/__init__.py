"""Every data build; importing this package registers them (one module per build)."""

from scoring.data.builds import (
    geirhos2021,  # noqa: F401
    majajhong2015_subset25,  # noqa: F401
)
