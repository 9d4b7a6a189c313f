"""Ventral web service: FastAPI app, domain folders, CLI."""
