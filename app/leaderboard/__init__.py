"""The leaderboard: ranked rows per preset (paper-2019 raw composite, leaderboard ceiled tree),
aggregated up the benchmark tree in memory from one query, the ``/`` page and its API."""
