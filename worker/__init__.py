"""Celery side of Ventral: the app, the run_job task and the job handlers."""
