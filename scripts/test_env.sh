# Sourced by `make pytest`: where the tests find their servers (override to point elsewhere).
export VENTRAL_TEST_POSTGRES_URL="${VENTRAL_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"
export VENTRAL_TEST_REDIS_URL="${VENTRAL_TEST_REDIS_URL:-redis://127.0.0.1:6379}"
export VENTRAL_CHROMIUM="${VENTRAL_CHROMIUM:-/usr/bin/chromium}"
