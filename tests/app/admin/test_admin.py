"""Administration: admins only; users and quotas; deleting a model with its files; data import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
import xarray as xr
from fastapi.testclient import TestClient

from foundation.config import Settings
from foundation.models import Job, JobStatus, Model, Score, ScoreStatus
from foundation.runs.service import ensure_benchmark_row
from foundation.storage.local import LocalStorage
from tests.app.services import without_imported_data
from tests.app.submissions.conftest import RESNET20, bearer, new_token, unique_name
from tests.app.submissions.test_upload_refusals import post

__all__ = ["new_token"]

ADMIN_CALLS = [
    ("get", "/api/v1/admin/users", None),
    ("patch", "/api/v1/admin/users/1", {"active": False}),
    ("delete", "/api/v1/admin/models/anything", None),
    ("post", "/api/v1/admin/rescore", {}),
    ("post", "/api/v1/admin/data/import", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
def test_admin_routes_refuse_users_and_strangers(
    client: TestClient, new_token, method, path, body
) -> None:
    token = new_token()
    assert client.request(method, path, json=body, headers=bearer(token)).status_code == 403
    assert client.request(method, path, json=body).status_code == 401


def test_admin_page_is_for_admins_only(client: TestClient) -> None:
    assert client.get("/admin").status_code == 403


def test_admin_sets_quotas_and_deactivates_a_user(client: TestClient, new_token) -> None:
    admin, token = bearer(new_token(admin=True)), new_token()
    me = client.get("/api/v1/auth/me", headers=bearer(token)).json()
    changed = client.patch(
        f"/api/v1/admin/users/{me['id']}", json={"submissions_per_day": 0}, headers=admin
    )
    assert changed.json()["submissions_per_day"] == 0
    refused = post(client, token, RESNET20, architecture="resnet20_cifar10", name=unique_name())
    assert refused.status_code == 429
    client.patch(f"/api/v1/admin/users/{me['id']}", json={"active": False}, headers=admin)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert client.patch("/api/v1/admin/users/2147483647", json={}, headers=admin).status_code == 404


def test_admin_deletes_a_model_with_its_files_and_cancels_its_jobs(
    client: TestClient, new_token, service_settings: Settings, session_factory
) -> None:
    name = unique_name()
    accepted = post(
        client, new_token(), RESNET20, architecture="resnet20_cifar10", name=name
    ).json()
    folder = service_settings.storage_dir / "uploads" / str(accepted["submission_id"])
    assert folder.is_dir()
    admin = bearer(new_token(admin=True))
    response = client.delete(f"/api/v1/admin/models/{name}", headers=admin)
    assert response.json() == {"model": name, "removed_folders": 1}
    assert not folder.exists()
    with session_factory() as session:
        assert session.scalar(sa.select(Model).where(Model.name == name)) is None
        assert session.get(Job, accepted["job_id"]).status is JobStatus.cancelled
    assert client.delete(f"/api/v1/admin/models/{name}", headers=admin).status_code == 404


def test_admin_deletes_a_scored_model_with_its_scores(
    client: TestClient, new_token, session_factory
) -> None:
    # Regression: the ORM tried to orphan the scores (model_id NOT NULL) and the request gave 500.
    name = unique_name()
    post(client, new_token(), RESNET20, architecture="resnet20_cifar10", name=name)
    with session_factory.begin() as session:
        model = session.scalar(sa.select(Model).where(Model.name == name))
        benchmark = ensure_benchmark_row(session, "CIFAR10-top1", without_imported_data())
        score = Score(model=model, benchmark=benchmark, raw=0.8, status=ScoreStatus.succeeded)
        session.add(score)
        session.flush()
        score_id = score.id
    admin = bearer(new_token(admin=True))
    assert client.delete(f"/api/v1/admin/models/{name}", headers=admin).status_code == 200
    with session_factory() as session:
        assert session.scalar(sa.select(Model).where(Model.name == name)) is None
        assert session.get(Score, score_id) is None


def test_rescore_queues_score_jobs_and_names_what_it_cannot_find(
    client: TestClient, new_token, session_factory
) -> None:
    name = unique_name()
    post(client, new_token(), RESNET20, architecture="resnet20_cifar10", name=name)
    admin = bearer(new_token(admin=True))
    body = {"model": name, "benchmark": "CIFAR10H-i2n"}
    response = client.post("/api/v1/admin/rescore", json=body, headers=admin)
    assert response.status_code == 202, response.text
    [job_id] = response.json()["job_ids"]
    with session_factory() as session:
        job = session.get(Job, job_id)
        assert (job.kind, job.queue) == ("score", "gpu")
    missing = client.post("/api/v1/admin/rescore", json={"model": "no-such-model"}, headers=admin)
    assert missing.status_code == 404
    unknown = {"model": name, "benchmark": "No-such-benchmark"}
    assert client.post("/api/v1/admin/rescore", json=unknown, headers=admin).status_code == 404


def synthetic_brainio(
    folder: Path, member_name: str = "a.png", **attributes: str
) -> dict[str, tuple[str, bytes]]:
    """SYNTHETIC BrainIO files: two stimuli, a 2x3 assembly of zeros (format tests only);
    ``attributes`` become the assembly's netCDF attributes (identifier, stimulus_set_identifier)."""
    csv = f"stimulus_id,filename\ns1,{member_name}\ns2,b.png\n".encode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(member_name, b"png")
        zipped.writestr("b.png", b"png")
    assembly = xr.DataArray(
        np.zeros((2, 3)),
        dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", ["s1", "s2"])},
        attrs=attributes,
    )
    nc_path = folder / "assy.nc"
    assembly.to_netcdf(nc_path, engine="h5netcdf")
    return {
        "stimuli": ("stimulus_x.csv", csv),
        "images": ("stimulus_x.zip", archive.getvalue()),
        "assembly": ("assy_x.nc", nc_path.read_bytes()),
    }


def import_form(assembly: str, stimulus_set: str) -> dict[str, str]:
    return {"identifier": assembly, "stimulus_set_identifier": stimulus_set}


def stored_data(settings: Settings) -> set[str]:
    return set(LocalStorage(settings.storage_dir).keys("data"))


def test_admin_imports_brainio_files_under_their_brainio_names(
    client: TestClient, new_token, tmp_path: Path, service_settings: Settings
) -> None:
    admin = bearer(new_token(admin=True))
    assembly, stimulus_set = f"lab.{unique_name('assy')}.private", unique_name("set")
    files = synthetic_brainio(tmp_path)
    form = import_form(assembly, stimulus_set)
    response = client.post("/api/v1/admin/data/import", data=form, files=files, headers=admin)
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "import"
    keys = {
        f"data/assy_{assembly.replace('.', '_')}.nc",
        f"data/stimulus_{stimulus_set}.csv",
        f"data/stimulus_{stimulus_set}.zip",
    }
    assert keys <= stored_data(service_settings)
    again = client.post("/api/v1/admin/data/import", data=form, files=files, headers=admin)
    assert again.status_code == 409
    assert f"already stored: data/assy_{assembly.replace('.', '_')}.nc" in again.json()["detail"]
    assert "ventral data delete assy_" in again.json()["detail"]


def test_the_stimulus_set_comes_from_the_assembly_or_must_be_given(
    client: TestClient, new_token, tmp_path: Path, service_settings: Settings, session_factory
) -> None:
    admin = bearer(new_token(admin=True))
    assembly, stimulus_set = unique_name("assy"), unique_name("set")
    unnamed = synthetic_brainio(tmp_path)
    data = {"identifier": assembly}
    refused = client.post("/api/v1/admin/data/import", data=data, files=unnamed, headers=admin)
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("stimulus_set_identifier: required")
    named = synthetic_brainio(tmp_path, stimulus_set_identifier=stimulus_set)
    response = client.post("/api/v1/admin/data/import", data=data, files=named, headers=admin)
    assert response.status_code == 202, response.text
    with session_factory() as session:
        payload = session.get(Job, response.json()["id"]).payload
    assert payload["stimulus_set_identifier"] == stimulus_set
    assert f"data/stimulus_{stimulus_set}.zip" in stored_data(service_settings)


@pytest.mark.parametrize(
    ("member", "words"), [("../../evil.png", "leave its folder"), ("/etc/evil.png", "absolute")]
)
def test_data_import_refuses_zip_path_traversal(
    client: TestClient,
    new_token,
    tmp_path: Path,
    service_settings: Settings,
    member: str,
    words: str,
) -> None:
    stimulus_set = unique_name("set")
    response = client.post(
        "/api/v1/admin/data/import",
        data=import_form(unique_name("assy"), stimulus_set),
        files=synthetic_brainio(tmp_path, member),
        headers=bearer(new_token(admin=True)),
    )
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert not any(stimulus_set in key for key in stored_data(service_settings))
    assert not any((service_settings.scratch_dir / "staging").iterdir())


def test_data_import_refuses_a_wrong_checksum_and_a_fake_netcdf(
    client: TestClient, new_token, tmp_path: Path
) -> None:
    admin = bearer(new_token(admin=True))
    files = synthetic_brainio(tmp_path)
    data = {**import_form(unique_name("assy"), unique_name("set")), "stimuli_sha1": "0" * 40}
    response = client.post("/api/v1/admin/data/import", data=data, files=files, headers=admin)
    assert response.status_code == 400
    assert "does not match" in response.json()["detail"]
    files["assembly"] = ("assy_x.nc", b"not a netcdf file")
    data = import_form(unique_name("assy"), unique_name("set"))
    response = client.post("/api/v1/admin/data/import", data=data, files=files, headers=admin)
    assert "not a netCDF file" in response.json()["detail"]
