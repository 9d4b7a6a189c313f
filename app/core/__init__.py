"""Settings, database, schema, errors and other pieces every domain uses."""
