"""Published results: the NeurIPS 2019 paper's per-model table and the 2019 Brain-Score leaderboard.

Both importers return plain dataclass records (`PublishedModel`, `PublishedScore`); the service
maps them to database rows. `statistics` recomputes the paper's §9 numbers from the table.
"""

from scoring.published.identifiers import current_benchmark_identifier
from scoring.published.leaderboard import load_leaderboard_fixtures
from scoring.published.paper2019 import load_paper_table, paper_records
from scoring.published.records import PublishedModel, PublishedResults, PublishedScore

__all__ = [
    "PublishedModel",
    "PublishedResults",
    "PublishedScore",
    "current_benchmark_identifier",
    "load_leaderboard_fixtures",
    "load_paper_table",
    "paper_records",
]
