"""The API documentation pages, `/docs` (Swagger UI) and `/redoc`, on vendored assets."""
