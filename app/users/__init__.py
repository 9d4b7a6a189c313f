"""Users: accounts, roles, activity and per-user quotas."""
