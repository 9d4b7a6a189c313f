"""Published results in the database: the benchmark catalogue (registry + tree) and the paper's
table and 2019 leaderboard scores as rows with their citations, seeded idempotently."""
