"""Health: are the database, the queue, the storage and the workers there."""
