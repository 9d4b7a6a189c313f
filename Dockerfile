# One image for web and workers. CPU torch by default; the GPU worker builds with
# --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128 (see docker-compose.yml).
FROM python:3.11-slim

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VENTRAL_VAR_DIR=/var/lib/ventral VENTRAL_STORAGE_DIR=/var/lib/ventral/storage

RUN useradd --create-home --uid 1000 ventral \
 && mkdir -p /var/lib/ventral/storage && chown -R ventral /var/lib/ventral
WORKDIR /srv/ventral

COPY requirements.lock ./
RUN pip install --extra-index-url "$TORCH_INDEX_URL" -r requirements.lock

COPY . .
RUN pip install --no-deps -e .

USER ventral
EXPOSE 8000
CMD ["ventral", "serve", "--host", "0.0.0.0", "--no-worker"]
