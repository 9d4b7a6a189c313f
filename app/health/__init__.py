"""Health: is the database reachable, is the queue reachable."""
