"""Celery side of Ventral: the app, the run_job task, the job handlers, the sandbox and the
launch of worker processes (one per GPU). Imports only ``foundation`` and ``scoring``."""
