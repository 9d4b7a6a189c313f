"""One settings object for the whole service, read from ``VENTRAL_*`` variables and ``.env``."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "secret", "placeholder"})


class Environment(StrEnum):
    development = "development"
    production = "production"
    test = "test"


class Settings(BaseSettings):
    """Every knob of Ventral; defaults give the embedded `make run` setup under ``var/``."""

    model_config = SettingsConfigDict(env_prefix="VENTRAL_", env_file=".env", extra="ignore")

    environment: Environment = Environment.development
    var_dir: Path = Path("var")
    database_url: str = "sqlite:///var/ventral.sqlite"
    broker_url: str = "sqla+sqlite:///var/broker.sqlite"
    # The defaults under var/ follow var_dir (see _folders_under_var) unless set on their own.
    storage_dir: Path = Path("var/storage")
    storage_url: str = ""  # e.g. s3://bucket/prefix: an object store instead of storage_dir
    # This host's own files (upload staging, sandbox folders, copies of stored objects).
    scratch_dir: Path = Path("var/scratch")
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"

    max_upload_bytes: int = Field(default=500 * 1024 * 1024, gt=0)
    max_request_bytes: int = Field(default=520 * 1024 * 1024, gt=0)
    submissions_per_day: int = Field(default=10, ge=0)
    concurrent_jobs_per_user: int = Field(default=2, ge=0)
    # Per client address, in the `limits` notation ("N/second|minute|hour|day"); counted in
    # rate_limit_storage_url: default memory:// (one process) in development and tests, the
    # Redis broker in production so that N web processes share one count (docs/security.md).
    signup_rate_limit: str = "10/hour"
    upload_rate_limit: str = "30/hour"
    rate_limit_storage_url: str = ""
    # Addresses whose X-Forwarded-For uvicorn believes (the reverse proxy's); "*" behind a proxy
    # that is the only way in, as in docker-compose.yml.
    trusted_proxies: str = "127.0.0.1"

    task_soft_time_limit: int = Field(default=6 * 3600, gt=0)
    task_hard_time_limit: int = Field(default=6 * 3600 + 300, gt=0)
    worker_max_tasks_per_child: int = Field(default=1, gt=0)
    broker_visibility_timeout: int = Field(default=8 * 3600, gt=0)
    job_max_attempts: int = Field(default=3, gt=0)
    job_heartbeat_seconds: float = Field(default=15.0, gt=0)
    job_stale_seconds: float = Field(default=120.0, gt=0)
    job_unsent_grace_seconds: float = Field(default=30.0, ge=0)
    job_resend_after_seconds: float = Field(default=3600.0, gt=0)
    sweep_interval_seconds: float = Field(default=60.0, gt=0)
    # Each worker writes its state (queues, upload sandbox) this often; /healthz counts a worker
    # silent for worker_stale_seconds as gone (foundation.worker_heartbeats).
    worker_heartbeat_seconds: float = Field(default=10.0, gt=0)
    worker_stale_seconds: float = Field(default=30.0, gt=0)
    # Each web process checks the board version this often and, as soon as it changes, makes
    # the anonymous default views (and those asked for lately) ready again; 0: only on request.
    leaderboard_warm_seconds: float = Field(default=0.5, ge=0)
    # Where the anonymous leaderboard's ready bytes live, shared by the web processes: default
    # the Redis broker where there is one, else memory:// (each process its own copy).
    leaderboard_cache_url: str = ""
    # A training job stops after an epoch (checkpointed) and goes back to the queue while an
    # upload's validation or scoring is queued or running, so user work gets the CPU first.
    training_yields_to_user_work: bool = True

    first_run: bool = True
    # The offline data step (`ventral data fetch`): a mirror of the public origins (a folder or
    # URL holding <source>/<path>) for machines without internet; fetched sources are cached in
    # data_cache_dir, built BrainIO files and weights land in data_dir. Default: under var_dir.
    data_mirror: str = ""
    data_cache_dir: Path = Path("var/cache/sources")
    data_dir: Path = Path("var/data")
    # CIFAR-10 images for the first run's training; default: the fetched `cifar10` source.
    training_data_dir: Path = Path("var/cache/sources/cifar10")
    device: str = "auto"
    # The sandbox that runs uploaded models (docs/security.md). "auto": bubblewrap where it runs,
    # else the plain mode, which is not a security boundary; in production "auto" demands
    # bubblewrap, and the plain mode needs both sandbox_mode=plain and sandbox_allow_plain=true.
    sandbox_mode: Literal["auto", "bwrap", "plain"] = "auto"
    sandbox_allow_plain: bool = False

    @model_validator(mode="after")
    def _resolve_secret_key(self) -> Self:
        if self.secret_key.strip().lower() not in PLACEHOLDER_SECRETS:
            return self
        if self.environment is not Environment.development:
            raise ValueError(
                "VENTRAL_SECRET_KEY is unset or a placeholder; set a long random value"
            )
        self.secret_key = _development_secret(self.var_dir)
        return self

    @model_validator(mode="after")
    def _folders_under_var(self) -> Self:
        # Everything under the var folder follows VENTRAL_VAR_DIR unless set on its own.
        unset = {field for field in type(self).model_fields if field not in self.model_fields_set}
        defaults = {
            "storage_dir": self.var_dir / "storage",
            "scratch_dir": self.var_dir / "scratch",
            "data_cache_dir": self.var_dir / "cache/sources",
            "data_dir": self.var_dir / "data",
            "database_url": f"sqlite:///{self.var_dir / 'ventral.sqlite'}",
            "broker_url": f"sqla+sqlite:///{self.var_dir / 'broker.sqlite'}",
        }
        for field, value in defaults.items():
            if field in unset:
                setattr(self, field, value)
        if "training_data_dir" in unset:
            self.training_data_dir = self.data_cache_dir / "cifar10"
        return self

    @model_validator(mode="after")
    def _check_time_limits(self) -> Self:
        if self.task_hard_time_limit <= self.task_soft_time_limit:
            raise ValueError("task_hard_time_limit must exceed task_soft_time_limit")
        if self.job_stale_seconds <= self.job_heartbeat_seconds:
            raise ValueError("job_stale_seconds must exceed job_heartbeat_seconds")
        if self.worker_stale_seconds <= self.worker_heartbeat_seconds:
            raise ValueError("worker_stale_seconds must exceed worker_heartbeat_seconds")
        return self

    @model_validator(mode="after")
    def _plain_sandbox_only_when_allowed(self) -> Self:
        production = self.environment is Environment.production
        if production and self.sandbox_mode == "plain" and not self.sandbox_allow_plain:
            raise ValueError(
                "VENTRAL_SANDBOX_MODE=plain is not a security boundary (docs/security.md); in "
                "production it also needs VENTRAL_SANDBOX_ALLOW_PLAIN=true"
            )
        return self

    @model_validator(mode="after")
    def _resolve_rate_limit_storage(self) -> Self:
        if self.rate_limit_storage_url:
            return self
        if self.environment is Environment.production:
            if not self.broker_is_redis:
                raise ValueError(
                    "production needs a shared rate-limit store: set "
                    "VENTRAL_RATE_LIMIT_STORAGE_URL=redis://... (or a Redis broker)"
                )
            self.rate_limit_storage_url = self.broker_url
        else:
            self.rate_limit_storage_url = "memory://"
        return self

    @model_validator(mode="after")
    def _resolve_leaderboard_cache(self) -> Self:
        if not self.leaderboard_cache_url:
            self.leaderboard_cache_url = self.broker_url if self.broker_is_redis else "memory://"
        return self

    @property
    def broker_is_redis(self) -> bool:
        return self.broker_url.startswith(("redis://", "rediss://"))


def _development_secret(var_dir: Path) -> str:
    """A random key kept under var/, so sessions survive restarts of a development server."""
    path = var_dir / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
