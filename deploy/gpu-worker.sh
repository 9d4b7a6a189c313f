#!/bin/sh
# Starts one Celery worker on ONE GPU of this host. Every GPU-worker container sees all GPUs and
# claims the first free one with a lock file in a folder shared by the GPU workers of this host
# (the `gpu-locks` volume), so `docker compose up --scale worker-gpu=N` gives N workers on N
# distinct GPUs. The lock is held by the worker process itself and dies with it.
#   VENTRAL_GPU_LOCK_DIR  where the locks live (default /run/ventral-gpus)
#   VENTRAL_GPU_COUNT     how many GPUs to consider (default: torch.cuda.device_count())
set -eu
locks="${VENTRAL_GPU_LOCK_DIR:-/run/ventral-gpus}"
count="${VENTRAL_GPU_COUNT:-$(python -c 'import torch; print(torch.cuda.device_count())')}"
mkdir -p "$locks"
gpu=0
while [ "$gpu" -lt "$count" ]; do
    exec 9>"$locks/gpu$gpu.lock"
    if flock -n 9; then
        export CUDA_VISIBLE_DEVICES="$gpu"
        echo "ventral gpu-worker: claimed GPU $gpu of $count"
        exec ventral worker --queues user-score,gpu --concurrency 1
    fi
    exec 9>&-
    gpu=$((gpu + 1))
done
echo "ventral gpu-worker: all $count GPUs of this host already have a worker; not starting" >&2
exit 1
