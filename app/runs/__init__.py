"""Scoring and training runs: score jobs per model × benchmark, training jobs, studies."""
