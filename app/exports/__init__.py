"""Exports: CSV of any leaderboard view, BibTeX of the benchmarks in it, CSV of score rows."""
