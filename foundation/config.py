"""One settings object for the whole service, read from ``VENTRAL_*`` variables and ``.env``."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Self

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
    storage_dir: Path = Path("var/storage")
    storage_url: str = ""  # e.g. s3://bucket/prefix: an object store instead of storage_dir
    # This host's own files (upload staging, sandbox folders, copies of stored objects);
    # default: <var_dir>/scratch.
    scratch_dir: Path = Path("var/scratch")
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"

    max_upload_bytes: int = Field(default=500 * 1024 * 1024, gt=0)
    max_request_bytes: int = Field(default=520 * 1024 * 1024, gt=0)
    submissions_per_day: int = Field(default=10, ge=0)
    concurrent_jobs_per_user: int = Field(default=2, ge=0)

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
        defaults = {
            "scratch_dir": Path("scratch"),
            "data_cache_dir": Path("cache/sources"),
            "data_dir": Path("data"),
        }
        for field, relative in defaults.items():
            if field not in self.model_fields_set:
                setattr(self, field, self.var_dir / relative)
        if "training_data_dir" not in self.model_fields_set:
            self.training_data_dir = self.data_cache_dir / "cifar10"
        return self

    @model_validator(mode="after")
    def _check_time_limits(self) -> Self:
        if self.task_hard_time_limit <= self.task_soft_time_limit:
            raise ValueError("task_hard_time_limit must exceed task_soft_time_limit")
        if self.job_stale_seconds <= self.job_heartbeat_seconds:
            raise ValueError("job_stale_seconds must exceed job_heartbeat_seconds")
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
