"""The production deployment files: compose services, Dockerfile targets, proxy, GPU claiming.

``docker compose config`` needs the compose plugin, which this machine lacks; when the standalone
``docker-compose`` (v1, Debian package) is installed, its ``config`` validates the file against the
compose schema without an engine. The structural checks below run everywhere.
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SECRETS = {"VENTRAL_SECRET_KEY": "k", "POSTGRES_PASSWORD": "p", "MONITOR_PASSWORD_HASH": "h"}
VENTRAL_SERVICES = ["web", "worker-cpu", "worker-gpu", "monitor"]


def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_every_service_is_there_with_a_healthcheck() -> None:
    services = compose()["services"]
    assert set(services) == {"proxy", *VENTRAL_SERVICES, "postgres", "redis"}
    for name in [*VENTRAL_SERVICES, "postgres", "redis"]:
        assert services[name]["healthcheck"]["test"], name


def test_web_is_several_processes_reached_only_through_the_proxy() -> None:
    services = compose()["services"]
    assert "ports" not in services["web"] and services["web"]["expose"] == ["8000"]
    assert "--workers" in services["web"]["command"]
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    flower = caddyfile[caddyfile.index("handle /flower*") :]
    assert flower.index("basic_auth") < flower.index("reverse_proxy monitor:5555")


def test_workers_share_storage_and_the_gpu_worker_gets_the_nvidia_runtime() -> None:
    services = compose()["services"]
    for name in ["web", "worker-cpu", "worker-gpu"]:
        assert "files:/var/lib/ventral" in services[name]["volumes"], name
        environment = services[name]["environment"]
        assert {"AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL"} <= set(environment), name
        assert environment["AWS_ENDPOINT_URL"] is None, name  # passed through only when set
    scratch = re.search(r"VENTRAL_SCRATCH_DIR=(\S+)", (REPO / "Dockerfile").read_text())
    assert scratch and not scratch.group(1).startswith("/var/lib/ventral")  # per container
    gpu = services["worker-gpu"]
    assert gpu["runtime"] == "nvidia" and gpu["build"]["target"] == "gpu-worker"
    assert gpu["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert "gpu-locks:/run/ventral-gpus" in gpu["volumes"]
    worker_cpu = services["worker-cpu"]["command"]
    assert worker_cpu[:4] == ["ventral", "worker", "--queues", "user,default"]
    assert set(compose()["volumes"]) >= {"files", "postgres", "redis", "gpu-locks"}


def test_dockerfile_has_the_targets_compose_builds() -> None:
    targets = set(re.findall(r"^FROM \S+ AS (\S+)$", (REPO / "Dockerfile").read_text(), re.M))
    built = {s["build"]["target"] for s in compose()["services"].values() if "build" in s}
    built |= {compose()["x-ventral"]["build"]["target"]}
    assert built <= targets and {"web", "gpu-worker"} <= targets


def test_docker_compose_config_validates() -> None:
    # scripts/ensure_services.sh (run by `make test`) installs Debian's docker-compose.
    assert shutil.which("docker-compose"), "docker-compose missing: run scripts/ensure_services.sh"
    result = subprocess.run(
        ["docker-compose", "config", "--quiet"], cwd=REPO, env={**os.environ, **SECRETS},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_gpu_workers_claim_distinct_gpus(tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ventral").write_text('#!/bin/sh\necho "gpu=$CUDA_VISIBLE_DEVICES"\nexec sleep 30\n')
    (fake / "ventral").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "VENTRAL_GPU_COUNT": "2",
           "VENTRAL_GPU_LOCK_DIR": str(tmp_path / "locks")}  # fmt: skip
    script = str(REPO / "deploy" / "gpu-worker.sh")
    workers = [subprocess.Popen([script], env=env, stdout=subprocess.PIPE, text=True)]
    try:
        assert workers[0].stdout is not None and "gpu=0" in _line_with(workers[0], "gpu=")
        workers.append(subprocess.Popen([script], env=env, stdout=subprocess.PIPE, text=True))
        assert "gpu=1" in _line_with(workers[1], "gpu=")
        third = subprocess.run([script], env=env, capture_output=True, text=True, timeout=10)
        assert third.returncode == 1 and "all 2 GPUs" in third.stderr
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()


def _line_with(process: subprocess.Popen[str], text: str) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r}")


def test_the_image_ships_bubblewrap_and_workers_may_start_it() -> None:
    """Issue 13: without bwrap, `auto` fell back silently to the plain mode in production."""
    base = (REPO / "Dockerfile").read_text().split("FROM base AS web")[0]
    assert re.search(r"apt-get install -y --no-install-recommends bubblewrap", base)
    services = compose()["services"]
    for name in ["worker-cpu", "worker-gpu"]:
        options = set(services[name]["security_opt"])
        # user/mount namespaces (seccomp, AppArmor) and a fresh /proc (masked paths)
        assert {"seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"} <= options
        assert "privileged" not in services[name] and "cap_add" not in services[name], name
        assert "ventral sandbox-check" in services[name]["healthcheck"]["test"][1], name
    for name in ["web", "monitor", "proxy"]:
        assert "security_opt" not in services[name], name  # only the workers run uploads
    environment = services["worker-cpu"]["environment"]
    assert environment["VENTRAL_ENVIRONMENT"] == "production"
    assert environment["VENTRAL_SANDBOX_MODE"] == "${VENTRAL_SANDBOX_MODE:-auto}"
    assert environment["VENTRAL_SANDBOX_ALLOW_PLAIN"] == "${VENTRAL_SANDBOX_ALLOW_PLAIN:-false}"
