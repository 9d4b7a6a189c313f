# syntax=docker/dockerfile:1
# Ventral images, one Dockerfile, three targets:
#   web         slim: CPU-only torch wheels; runs the web app and the CPU workers (queue `default`)
#   gpu-worker  CUDA torch wheels; runs one Celery worker per GPU (queue `gpu`)
#   monitor     web + Flower, the admin-only Celery monitor (Flower is not a Ventral dependency)
# docker compose builds each service's target; by hand: docker build --target web -t ventral-web .

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VENTRAL_VAR_DIR=/var/lib/ventral VENTRAL_STORAGE_DIR=/var/lib/ventral/storage \
    VENTRAL_SCRATCH_DIR=/var/tmp/ventral
# The scratch folder (upload staging, sandbox folders, downloaded objects) is each container's
# own, outside the shared `files` volume.
# bubblewrap: the sandbox that runs uploaded models (docs/security.md). Production workers refuse
# to validate without it; docker-compose.yml lets the workers create the namespaces it needs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 ventral \
 && mkdir -p /var/lib/ventral/storage /var/tmp/ventral /run/ventral-gpus \
 && chown -R ventral /var/lib/ventral /var/tmp/ventral /run/ventral-gpus
WORKDIR /srv/ventral
COPY requirements.lock ./

FROM base AS web
# The pinned torch resolves to its +cpu build from this index: no CUDA libraries in the image.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.lock
COPY . .
RUN pip install --no-deps -e .
USER ventral
EXPOSE 8000
CMD ["ventral", "serve", "--host", "0.0.0.0", "--no-worker"]

FROM web AS monitor
USER root
RUN pip install flower==2.0.1
USER ventral
EXPOSE 5555
CMD ["celery", "-A", "worker.celery_app", "flower", "--port=5555", "--url_prefix=flower"]

FROM base AS gpu-worker
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
RUN pip install --extra-index-url "$TORCH_INDEX_URL" -r requirements.lock
COPY . .
RUN pip install --no-deps -e . && chmod 0755 deploy/gpu-worker.sh
USER ventral
CMD ["deploy/gpu-worker.sh"]
