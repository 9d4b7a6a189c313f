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


def test_embedded_defaults_need_no_server(tmp_path: Path) -> None:
    settings = make(tmp_path)
    assert settings.database_url.startswith("sqlite:///var/")
    assert settings.broker_url.startswith("sqla+sqlite:///var/")


def test_hard_time_limit_must_exceed_soft(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="task_hard_time_limit"):
        make(tmp_path, task_soft_time_limit=100, task_hard_time_limit=100)
