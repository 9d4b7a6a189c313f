"""Scoring and training runs: creating their jobs and writing their results back."""
