"""Jobs: the lifecycle of an attempt, the repository, sending tasks, queue names, payloads."""
