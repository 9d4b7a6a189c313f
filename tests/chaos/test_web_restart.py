"""The web process killed (SIGKILL, all its uvicorn processes) and started again: during an upload
nothing half-received becomes visible, and jobs running meanwhile are not disturbed."""

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from foundation.config import Settings
from foundation.db import create_session_factory, unit_of_work
from foundation.models import Model, Submission
from tests.app.services import WorkerProcess, submit_job
from tests.chaos.servers import (
    WEB_PARTS_OK,
    WebProcess,
    assert_each_succeeded_once,
    wait_all_finished,
)

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(180)]
REPO = Path(__file__).resolve().parents[2]
RESNET20 = REPO / "data" / "weights" / "resnet20_cifar10.safetensors"
BOUNDARY = "ventral-chaos-boundary"


def test_jobs_run_on_while_the_web_is_killed_and_restarted(
    chaos_settings: Settings, tmp_path: Path
) -> None:
    factory = create_session_factory(chaos_settings)
    web = WebProcess(chaos_settings, tmp_path / "web.log", workers=2)
    web.start()
    worker = WorkerProcess(chaos_settings, tmp_path / "w.log", "w")
    try:
        worker.wait_ready(60)
        job_ids = [submit_job(chaos_settings, factory, "selfcheck", {"steps": 6}) for _ in range(3)]
        assert httpx.get(f"{web.url}/api/v1/jobs/{job_ids[0]}", timeout=10).status_code == 200
        web.kill()
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{web.url}/healthz", timeout=2)
        web.start()
        wait_all_finished(factory, job_ids, 90)
        assert_each_succeeded_once(factory, job_ids, settle_seconds=2)
        reads = [httpx.get(f"{web.url}/api/v1/jobs/{i}", timeout=10).json() for i in job_ids]
        assert [read["status"] for read in reads] == ["succeeded"] * 3
    finally:
        worker.stop()
        web.stop()


def test_web_killed_during_an_upload_leaves_nothing_visible(
    chaos_settings: Settings, tmp_path: Path
) -> None:
    pytest.importorskip("app.submissions", reason="the upload endpoint (accounts) is not merged")
    factory = create_session_factory(chaos_settings)
    token = _api_token(chaos_settings, factory)
    web = WebProcess(chaos_settings, tmp_path / "web.log")
    web.start()
    try:
        sent = _upload_killed_midway(web, token, name="interrupted-net")
        assert sent > 1 << 20  # the web died with more than a MiB of the body received
        web.start()
        assert web.own_parts() == WEB_PARTS_OK
        with factory() as session:
            assert session.scalar(sa.select(sa.func.count(Submission.id))) == 0
            assert session.scalar(sa.select(Model).where(Model.name == "interrupted-net")) is None
        uploads = chaos_settings.storage_dir / "uploads"
        visible = (
            [p for p in uploads.iterdir() if not p.name.startswith(".")] if uploads.is_dir() else []
        )
        assert visible == []
        accepted = _upload(web, token, "restarted-net", [RESNET20.read_bytes()])
        assert accepted.status_code == 202, accepted.text
    finally:
        web.stop()


def _api_token(settings: Settings, factory: sa.orm.sessionmaker) -> str:  # type: ignore[type-arg]
    from app.auth.service import issue_token
    from app.users.service import create_user

    with unit_of_work(factory, lambda jobs: None) as session:
        user = create_user(session, f"chaos-{uuid.uuid4().hex[:8]}@example.org", "correct horse")
        return issue_token(session, user, "chaos").secret


def _upload_killed_midway(web: WebProcess, token: str, name: str) -> int:
    """Stream a large upload slowly; SIGKILL the web once 2 MiB are out; bytes sent by then."""
    sent = 0
    killed = threading.Event()

    def slow_chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(400):
            chunk = b"\0" * (64 << 10)
            sent += len(chunk)
            if sent > 2 << 20 and not killed.is_set():
                threading.Thread(target=lambda: (web.kill(), killed.set())).start()
            time.sleep(0.005)
            yield chunk

    with pytest.raises(httpx.TransportError):
        _upload(web, token, name, slow_chunks())
    killed.wait(10)
    return sent


def _upload(web: WebProcess, token: str, name: str, chunks: object) -> httpx.Response:
    def body() -> Iterator[bytes]:
        for field, value in (("name", name), ("architecture", "resnet20_cifar10")):
            yield _part_header(f'name="{field}"') + value.encode() + b"\r\n"
        yield _part_header('name="file"; filename="weights.safetensors"')
        yield from chunks  # type: ignore[misc]
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    headers = {"Authorization": f"Bearer {token}",
               "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}  # fmt: skip
    return httpx.post(f"{web.url}/api/v1/submissions", content=body(), headers=headers, timeout=60)


def _part_header(disposition: str) -> bytes:
    return f"--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n".encode()
