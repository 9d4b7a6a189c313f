"""The data step: pinned files from a mirror (folder or URL) or their origin, checksums, builds."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from scoring.data import build as builds
from scoring.data.sources import (
    ChecksumMismatch,
    DataSource,
    DataUnavailable,
    SourceFile,
    fetch,
    list_sources,
)
from tests.conftest import REPO_ROOT

CONTENT = {"a.txt": b"alpha\n", "sub/b.bin": bytes(range(256)) * 10}


def source_for(contents: Mapping[str, bytes], url_base: str | None = None) -> DataSource:
    files = tuple(
        SourceFile(
            path,
            hashlib.sha256(data).hexdigest(),
            len(data),
            None if url_base is None else f"{url_base}/{path}",
        )
        for path, data in contents.items()
    )
    return DataSource("demo", "a demo", "MIT", "nobody 2026", "here@0", files)


def write_mirror(root: Path, contents: Mapping[str, bytes]) -> Path:
    for path, data in contents.items():
        (root / "demo" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "demo" / path).write_bytes(data)
    return root


@pytest.fixture
def http_mirror(tmp_path: Path) -> Iterator[str]:
    """A real HTTP server on loopback serving a mirror folder."""
    root = write_mirror(tmp_path / "served", CONTENT)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=10)


def test_a_folder_mirror_gives_verified_files_in_the_source_layout(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "mirror", CONTENT)
    folder = fetch(source_for(CONTENT), tmp_path / "cache", mirror, progress=False)
    assert folder == tmp_path / "cache" / "demo"
    assert {p: (folder / p).read_bytes() for p in CONTENT} == CONTENT


def test_a_url_mirror_and_an_origin_url_are_fetched_over_http(
    tmp_path: Path, http_mirror: str
) -> None:
    through_mirror = fetch(source_for(CONTENT), tmp_path / "one", http_mirror, progress=False)
    from_origin = fetch(source_for(CONTENT, f"{http_mirror}/demo"), tmp_path / "two", None, False)
    for folder in (through_mirror, from_origin):
        assert (folder / "sub/b.bin").read_bytes() == CONTENT["sub/b.bin"]


def test_a_file_with_another_checksum_is_refused_and_not_kept(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "mirror", {**CONTENT, "a.txt": b"tampered\n"})
    with pytest.raises(ChecksumMismatch, match=r"a\.txt has sha256"):
        fetch(source_for(CONTENT), tmp_path / "cache", mirror, progress=False)
    leftovers = [p.name for p in (tmp_path / "cache" / "demo").iterdir()]
    assert "a.txt" not in leftovers and not any(n.startswith(".a.txt.") for n in leftovers)


def test_a_derived_file_without_a_mirror_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailable, match="VENTRAL_DATA_MIRROR"):
        fetch(source_for(CONTENT), tmp_path / "cache", None, progress=False)


def test_a_dead_origin_is_a_clear_error(tmp_path: Path) -> None:
    source = source_for(CONTENT, "http://127.0.0.1:9/nothing-listens-here")
    with pytest.raises(DataUnavailable, match=r"could not be downloaded.*VENTRAL_DATA_MIRROR"):
        fetch(source, tmp_path / "cache", None, progress=False)


def test_cached_files_are_reused_and_a_changed_one_is_fetched_again(tmp_path: Path) -> None:
    mirror = write_mirror(tmp_path / "mirror", CONTENT)
    folder = fetch(source_for(CONTENT), tmp_path / "cache", mirror, progress=False)
    (mirror / "demo" / "sub/b.bin").unlink()  # the cache must not need the mirror again
    assert fetch(source_for(CONTENT), tmp_path / "cache", mirror, progress=False) == folder
    (folder / "a.txt").write_bytes(b"edited\n")
    fetch(source_for(CONTENT), tmp_path / "cache", mirror, progress=False)
    assert (folder / "a.txt").read_bytes() == CONTENT["a.txt"]


def test_every_manifest_pins_checksums_and_names_license_and_origin() -> None:
    sources = list_sources()
    assert "cifar10" in sources
    for source in sources.values():
        assert source.license and source.citation and source.origin, source.name
        for file in source.files:
            assert len(file.sha256) == 64 and file.size > 0, (source.name, file.path)
            assert file.url is None or file.url.startswith("https://"), file.url


def test_a_build_runs_once_per_version_and_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[Path] = []

    def make(sources: Mapping[str, Path], out: Path) -> None:
        runs.append(out)
        (out / "copy.txt").write_bytes((sources["demo"] / "a.txt").read_bytes())

    mirror = write_mirror(tmp_path / "mirror", CONTENT)
    monkeypatch.setattr(builds, "fetch_source", lambda *a: fetch(source_for(CONTENT), *a[1:]))
    monkeypatch.setattr(builds, "_manifest_digest", lambda name: "fixed")
    monkeypatch.setattr(builds, "list_builds", lambda: {"demo-build": build_of(make, 1)})
    for _ in range(2):
        out = builds.ensure_built(
            None, data_dir=tmp_path / "data", cache_dir=tmp_path / "c", mirror=mirror
        )["demo-build"]
    assert len(runs) == 1 and (out / "copy.txt").read_bytes() == CONTENT["a.txt"]
    monkeypatch.setattr(builds, "list_builds", lambda: {"demo-build": build_of(make, 2)})
    builds.ensure_built(None, data_dir=tmp_path / "data", cache_dir=tmp_path / "c", mirror=mirror)
    assert len(runs) == 2
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["demo-build"]


def build_of(function: builds.BuildFunction, version: int) -> builds.DataBuild:
    return builds.DataBuild("demo-build", ("demo",), version, function)


def test_the_cli_without_a_mirror_says_in_one_sentence_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTRAL_")}
    env |= {"VENTRAL_VAR_DIR": str(tmp_path / "var"), "VENTRAL_FIRST_RUN": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "data", "fetch", "cifar10"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    error_lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1 and "VENTRAL_DATA_MIRROR" in error_lines[0], done.stderr


def test_pytest_without_data_stops_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "test_nothing.py").write_text("def test_x():\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k != "VENTRAL_DATA_MIRROR"}
    env["VENTRAL_TEST_DATA_CACHE"] = str(tmp_path / "empty-cache")
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, str(tmp_path)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    assert "set VENTRAL_DATA_MIRROR" in done.stdout + done.stderr
