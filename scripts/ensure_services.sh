#!/usr/bin/env bash
# Makes sure the servers the tests talk to are reachable on loopback:
# PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379), plus Debian's Chromium for
# browser tests and bubblewrap for the upload sandbox. Uses what runs, starts what is installed but stopped, and installs
# (Debian packages) what is missing. Idempotent; prints one line per component.
set -euo pipefail

pg_up()    { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
as_root()  { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}
wait_for() { for _ in $(seq 1 60); do "$1" && return 0; sleep 0.5; done; return 1; }

ensure_postgres() {
  if pg_up; then echo "postgres: running"; return; fi
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  local version; version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$version" ]; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  if ! wait_for pg_up; then
    # No cluster to start: a throwaway one of our own, trust auth on loopback.
    local dir=/tmp/ventral-pg bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir" 2>/dev/null || true
    as_root su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres >/dev/null && \
      $bin/pg_ctl -D $dir/data -o '-c listen_addresses=127.0.0.1 -p 5432 -k $dir' -l $dir/log start >/dev/null"
    wait_for pg_up
  fi
  echo "postgres: started"
}

ensure_redis() {
  if redis_up; then echo "redis: running"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /tmp/ventral-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/ventral-redis --logfile /tmp/ventral-redis/redis.log
  wait_for redis_up
  echo "redis: started"
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then echo "chromium: present"; return; fi
  apt_install chromium fonts-dejavu-core
  echo "chromium: installed"
}

ensure_bubblewrap() {
  # The upload sandbox's strong mode (network/pid/user namespaces); without it the sandbox
  # falls back to rlimits plus an audit hook (docs/security.md).
  if command -v bwrap >/dev/null; then echo "bubblewrap: present"; return; fi
  apt_install bubblewrap
  echo "bubblewrap: installed"
}

ensure_compose_validator() {
  # No Docker engine here; Debian's standalone docker-compose validates the compose files.
  if command -v docker-compose >/dev/null; then echo "docker-compose: present"; return; fi
  apt_install docker-compose
  echo "docker-compose: installed"
}

ensure_postgres
ensure_redis
ensure_chromium
ensure_bubblewrap
ensure_compose_validator
