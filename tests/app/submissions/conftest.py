"""Users with API tokens, and the upload files (real weights and hostile or broken ones)."""

from __future__ import annotations

import json
import os
import pickle
import struct
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from safetensors.torch import load_file, save_file
from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import issue_token
from app.users.service import create_user
from foundation.config import Settings
from foundation.db import unit_of_work
from foundation.jobs.queues import celery_client
from foundation.models import Job, JobStatus, Model, Submission

RESNET20 = Path(__file__).resolve().parents[3] / "data" / "weights" / "resnet20_cifar10.safetensors"
NewToken = Callable[..., str]


@pytest.fixture
def new_token(session_factory: sessionmaker[Session]) -> NewToken:
    """A fresh user (admin if asked) and an API token for it."""

    def make(admin: bool = False, **quotas: int) -> str:
        with unit_of_work(session_factory, lambda jobs: None) as session:
            email = f"{'admin' if admin else 'user'}-{uuid.uuid4().hex[:10]}@example.org"
            user = create_user(session, email, "correct horse", admin=admin)
            for name, value in quotas.items():
                setattr(user, name, value)
            return issue_token(session, user, "test").secret

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unique_name(prefix: str = "model") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def leftovers(settings: Settings, factory: sessionmaker[Session], name: str) -> list[str]:
    """What a refused upload may have left: staging folders, a model row, a submission row."""
    found = []
    staging = settings.scratch_dir / "staging"
    if staging.is_dir() and any(staging.iterdir()):
        found.append(f"staging folders {sorted(p.name for p in staging.iterdir())}")
    with factory() as session:
        if session.scalar(sa.select(Model).where(Model.name == name)) is not None:
            found.append(f"model row {name}")
    return found


def submission_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(sa.select(sa.func.count(Submission.id))) or 0


def resnet20_tensors() -> dict:
    return load_file(str(RESNET20))


def write_tensors(path: Path, tensors: dict) -> Path:
    save_file({key: value.contiguous() for key, value in tensors.items()}, str(path))
    return path


class RunsCode:
    """Unpickling this would run a shell command (we only ever write it, never load it)."""

    def __reduce__(self) -> tuple:
        return (os.system, ("touch /tmp/ventral-pwned",))


def code_running_pickle(path: Path) -> Path:
    path.write_bytes(pickle.dumps(RunsCode()))
    return path


def lying_safetensors(path: Path) -> Path:
    """A header that claims 4 MB of tensor data in a file that holds 16 bytes."""
    header = {"w": {"dtype": "F32", "shape": [1024, 1024], "data_offsets": [0, 4 * 1024 * 1024]}}
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * 16)
    return path


def huge_shape_safetensors(path: Path) -> Path:
    header = {"w": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 16]}}
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * 16)
    return path


def start_from_an_idle_queue(settings: Settings, factory: sessionmaker[Session]) -> None:
    """Earlier tests leave jobs queued, and "running" under workers they stopped; a worker
    started now should not work through that backlog first (one fresh process per task), nor
    have its sweep hand it those orphans as stale: end them all and purge their messages."""
    celery_client(settings).control.purge()
    with factory.begin() as session:
        session.execute(
            sa.update(Job)
            .where(Job.status.in_([JobStatus.queued, JobStatus.running]))
            .values(status=JobStatus.cancelled, cancel_requested=True, message="cancelled")
        )
