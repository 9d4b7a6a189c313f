"""What the web and the workers both stand on: settings, database, models, storage, jobs, runs.

No FastAPI and no Celery worker code here (a Celery client sends tasks by name); the science
library ``scoring`` is below. ``make lint`` enforces the layers (import-linter, pyproject.toml).
"""
