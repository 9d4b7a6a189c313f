"""The leaderboard page (issue 7 grows it into the full tree with aggregates and presets)."""
