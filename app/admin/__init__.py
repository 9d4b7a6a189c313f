"""Administration: users and quotas, data import, re-scoring, deleting models (admins only)."""
