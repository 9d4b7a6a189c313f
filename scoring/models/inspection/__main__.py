"""``python -m scoring.models.inspection``: rewrite the table of expected state dicts."""

from __future__ import annotations

from scoring.models import list_models
from scoring.models.inspection.weights import EXPECTED_TABLE, expected_table_text

if __name__ == "__main__":
    EXPECTED_TABLE.write_text(expected_table_text())
    print(f"wrote {EXPECTED_TABLE} ({len(list_models())} architectures)")
