"""Ventral web service: FastAPI app, routes, schemas, templates and web-only services."""
