"""A real S3 endpoint on loopback for the object-store tests: moto's server mode
(``python -m moto.server``), an HTTP server speaking the S3 protocol, reached by s3fs exactly as
AWS or MinIO would be. In production the object store lies outside the machine; here it is this
process, so nothing outside the machine is needed."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from foundation.config import Settings
from tests.live import free_port, wait_for

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "ventral-test",
    "AWS_SECRET_ACCESS_KEY": "ventral-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class S3Endpoint:
    url: str
    process: subprocess.Popen[bytes]

    def environment(self) -> dict[str, str]:
        """The variables through which s3fs (botocore) finds this endpoint and signs requests."""
        return {**CREDENTIALS, "AWS_ENDPOINT_URL": self.url}

    def create_bucket(self, name: str) -> None:
        import s3fs

        fs = s3fs.S3FileSystem(
            endpoint_url=self.url,
            key=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            secret=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        fs.mkdir(name)
        fs.invalidate_cache()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code < 500
    except httpx.HTTPError:
        return False


def forget_s3_clients() -> None:
    """fsspec reuses one S3FileSystem per set of constructor arguments, and ours has none (the
    endpoint comes from the environment): a test's fresh endpoint must not meet a client of an
    earlier, stopped one."""
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()


@contextmanager
def s3_endpoint(log_path: Path) -> Iterator[S3Endpoint]:
    forget_s3_clients()
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **CREDENTIALS}
        )
        endpoint = S3Endpoint(f"http://127.0.0.1:{port}", process)
        try:
            wait_for(lambda: _answers(endpoint.url) or process.poll() is not None, 60, "moto")
            assert process.poll() is None, log_path.read_text()[-2000:]
            yield endpoint
        finally:
            endpoint.stop()
            forget_s3_clients()


BACKENDS = ["folder", "s3"]


def settings_on_backend(
    request: pytest.FixtureRequest, base: Settings, tmp_path: Path, bucket: str
) -> Settings:
    """``base`` with storage and scratch folders of the test's own, on the backend named by the
    fixture's parameter (``folder``, or ``s3``: a bucket prefix on a moto server started for
    the test, its address and credentials in the environment the web and workers inherit)."""
    update: dict[str, object] = {
        "storage_dir": tmp_path / "storage",
        "scratch_dir": tmp_path / "scratch",
    }
    if request.param == "s3":
        patch = request.getfixturevalue("monkeypatch")
        server = request.getfixturevalue("s3_server")
        for name, value in server.environment().items():
            patch.setenv(name, value)
        server.create_bucket(bucket)
        update["storage_url"] = f"s3://{bucket}/{uuid.uuid4().hex}"
    return base.model_copy(update=update)


@pytest.fixture
def s3_server(tmp_path: Path) -> Iterator[S3Endpoint]:
    with s3_endpoint(tmp_path / "moto.log") as server:
        yield server
