"""The settings: environment variables, and the secret key rule."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from foundation.config import Settings


def make(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, var_dir=tmp_path / "var", **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("secret", ["", "changethis", "secret"])
def test_placeholder_secret_is_refused_outside_development(
    tmp_path: Path, environment: str, secret: str
) -> None:
    with pytest.raises(ValidationError, match="VENTRAL_SECRET_KEY"):
        make(tmp_path, environment=environment, secret_key=secret)


def test_development_generates_a_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = make(tmp_path).secret_key
    assert len(first) >= 40
    assert make(tmp_path).secret_key == first
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_ventral_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENTRAL_DATABASE_URL", "postgresql+psycopg://db/ventral")
    monkeypatch.setenv("VENTRAL_SUBMISSIONS_PER_DAY", "3")
    settings = make(tmp_path)
    assert settings.database_url == "postgresql+psycopg://db/ventral"
    assert settings.submissions_per_day == 3


def test_embedded_defaults_need_no_server() -> None:
    settings = Settings(_env_file=None, secret_key="x" * 40)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///var/ventral.sqlite"
    assert settings.broker_url == "sqla+sqlite:///var/broker.sqlite"
    assert settings.storage_dir == Path("var/storage")


def test_var_dir_alone_moves_everything_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DATABASE_URL", "BROKER_URL", "STORAGE_DIR", "SCRATCH_DIR", "DATA_DIR"):
        monkeypatch.delenv(f"VENTRAL_{name}", raising=False)
    var = tmp_path / "elsewhere"
    monkeypatch.setenv("VENTRAL_VAR_DIR", str(var))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite:///{var}/ventral.sqlite"
    assert settings.broker_url == f"sqla+sqlite:///{var}/broker.sqlite"
    assert settings.database_url.startswith("sqlite:////")  # an absolute SQLite path
    folders = (settings.storage_dir, settings.scratch_dir, settings.data_dir)
    assert all(folder.is_relative_to(var) for folder in folders)
    assert settings.data_cache_dir.is_relative_to(var)
    assert settings.training_data_dir == settings.data_cache_dir / "cifar10"


def test_a_setting_of_its_own_wins_over_var_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENTRAL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("VENTRAL_STORAGE_DIR", str(tmp_path / "objects"))
    monkeypatch.setenv("VENTRAL_BROKER_URL", "redis://127.0.0.1:6379/0")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.storage_dir == tmp_path / "objects"
    assert settings.broker_url == "redis://127.0.0.1:6379/0"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var'}/ventral.sqlite"


def test_hard_time_limit_must_exceed_soft(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="task_hard_time_limit"):
        make(tmp_path, task_soft_time_limit=100, task_hard_time_limit=100)


def test_a_worker_must_be_stale_only_after_missing_a_heartbeat(tmp_path: Path) -> None:
    # Otherwise /healthz would count a live worker as gone between two of its heartbeats.
    with pytest.raises(ValidationError, match="worker_stale_seconds must exceed"):
        make(tmp_path, worker_heartbeat_seconds=10, worker_stale_seconds=10)
