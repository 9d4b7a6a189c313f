#!/usr/bin/env bash
# Times a researcher's first hour on a fresh installation (the `make run` setup: `ventral serve`
# with SQLite and the SQLite broker, first run on): from `serve` starting to an upload of the
# shipped ResNet-20 weights being validated, scored and ranked on the default leaderboard view.
#
#   VENTRAL_TRAINING_DATA_DIR=<the fetched cifar10 folder> scripts/measure_first_upload.sh
#
# Prints seconds since `serve` started at each step; everything lives in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
port=${PORT:-8766}
url="http://127.0.0.1:$port"
root=$(mktemp -d)
export PYTHONPATH=$PWD VENTRAL_VAR_DIR=$root/var VENTRAL_STORAGE_DIR=$root/var/storage \
  VENTRAL_DATABASE_URL=sqlite:///$root/var/ventral.sqlite \
  VENTRAL_BROKER_URL=sqla+sqlite:///$root/var/broker.sqlite VENTRAL_FIRST_RUN=true
start=$(date +%s)
since() { echo "$(( $(date +%s) - start )) s: $1"; }

"$python" -m cli.main serve --port "$port" >"$root/serve.log" 2>&1 &
serve=$!
trap 'kill "$serve"; wait "$serve" || true' EXIT
until curl -sf "$url/healthz" >/dev/null; do sleep 1; done
since "healthy"
"$python" -m cli.main user create first@example.org --password "first hour password" >/dev/null
token=$(curl -sf -X POST "$url/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email": "first@example.org", "password": "first hour password"}' |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
since "uploading (first-run jobs queued: $(sqlite3 "$root/var/ventral.sqlite" \
  "select count(*) from jobs where status in ('queued', 'running')"))"
"$python" -m cli.main submit data/weights/resnet20_cifar10.safetensors --name first-upload \
  --arch resnet20_cifar10 --url "$url" --token "$token" --wait 2>"$root/submit.err"
since "validated and scored"
until curl -sf "$url/" | grep -A1 'data-model="first-upload"' | grep -q 'class="rank">[0-9]'; do
  sleep 2
done
since "ranked on the first page of the default view"
sqlite3 "$root/var/ventral.sqlite" \
  "select id, kind, queue, status, started_at, finished_at, message from jobs order by id"
