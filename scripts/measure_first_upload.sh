#!/usr/bin/env bash
# Times a researcher's first hour on a fresh installation, as `make run` does it after building
# the venv: `ventral data fetch` into an empty var folder, then `ventral serve` (SQLite, the
# SQLite broker, the first run on); then an upload of the shipped ResNet-20 weights through the
# CLI, until it is validated, scored and ranked on the default leaderboard view.
#
#   VENTRAL_DATA_MIRROR=<mirror of the origins, or unset to download> scripts/measure_first_upload.sh
#
# UPLOAD and ARCH choose the weights (default: the ImageNet-trained MobileNet v1 0.25 the data
# step builds; a CIFAR-10 network such as data/weights/resnet20_cifar10.safetensors is scored
# but never ranked on the default view, whose V1/V2 and ImageNet-behaviour benchmarks do not
# apply to it).
#
# Prints seconds since the data step started at each step; everything lives in a temporary
# folder (VENTRAL_VAR_DIR alone moves database, queue, storage and data there).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
port=${PORT:-8766}
url="http://127.0.0.1:$port"
root=$(mktemp -d)
export PYTHONPATH=$PWD VENTRAL_VAR_DIR=$root/var VENTRAL_FIRST_RUN=true
start=$(date +%s)
since() { echo "$(( $(date +%s) - start )) s: $1"; }

"$python" -m cli.main data fetch >"$root/data.log" 2>&1
since "data fetched and built"

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
upload=${UPLOAD:-$root/var/data/imagenet-mobilenets/mobilenet_v1_0.25_128.safetensors}
"$python" -m cli.main submit "$upload" --name first-upload \
  --arch "${ARCH:-mobilenet_v1_0.25_128}" --url "$url" --token "$token" --wait \
  >"$root/submit.out" 2>"$root/submit.err" &
submit=$!
# The rank is polled while the score jobs run: the default view's benchmarks are queued first,
# so the model can be ranked before its last (other views') scores are in.
until curl -sf "$url/" | grep -A1 'data-model="first-upload"' | grep -q 'class="rank">[0-9]'; do
  kill -0 "$submit" 2>/dev/null || [ -n "${ended:-}" ] || { ended=1; since "validated and scored (before a rank)"; }
  sleep 2
done
since "ranked on the first page of the default view"
wait "$submit"
cat "$root/submit.out"
since "every score job of the upload ended"
sqlite3 "$root/var/ventral.sqlite" \
  "select id, kind, queue, status, started_at, finished_at, message from jobs order by id"
