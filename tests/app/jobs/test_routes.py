"""GET /api/v1/jobs/{id} and the /jobs/{id} page."""

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.models import Job, JobStatus, Model, utcnow


def add_job(factory: sessionmaker[Session], **values: object) -> int:
    with factory.begin() as session:
        job = Job(**{"kind": "selfcheck", "payload": {}, **values})
        session.add(job)
        session.flush()
        return job.id


def test_api_returns_status_progress_log_and_error(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    job_id = add_job(
        session_factory,
        status=JobStatus.failed,
        progress=0.5,
        message="failed",
        log_tail="step 1 ok\n",
        error="the weights do not fit",
        attempts=1,
    )
    body = client.get(f"/api/v1/jobs/{job_id}").json()
    assert body["status"] == "failed"
    assert body["progress"] == 0.5
    assert body["log_tail"] == "step 1 ok\n"
    assert body["error"] == "the weights do not fit"


def test_api_unknown_job_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/jobs/987654321")
    assert response.status_code == 404
    assert response.json() == {"detail": "job 987654321 not found"}


def test_job_page_shows_progress_bar_and_polls_the_api(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    job_id = add_job(session_factory, status=JobStatus.running, progress=0.25, message="step 1")
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert '<progress id="job-progress" max="1" value="0.25">' in page.text
    assert f'data-job-url="/api/v1/jobs/{job_id}"' in page.text
    assert "/static/job.js" in page.text


def test_job_page_for_unknown_job_is_an_html_404(client: TestClient) -> None:
    response = client.get("/jobs/987654321")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_queued_job_shows_its_place_what_runs_ahead_and_an_estimate(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    queue, kind = f"q-{uuid.uuid4().hex[:6]}", f"k-{uuid.uuid4().hex[:6]}"
    now = utcnow()
    for seconds in (10, 30):  # finished jobs of the kind: the estimate is their median, 20 s
        started = now - timedelta(seconds=seconds)
        add_job(session_factory, kind=kind, status=JobStatus.succeeded, queue=queue,
                started_at=started, finished_at=now)  # fmt: skip
    running = add_job(session_factory, kind=kind, status=JobStatus.running, queue=queue,
                      progress=0.5)  # fmt: skip
    first = add_job(session_factory, kind=kind, queue=queue)
    second = add_job(session_factory, kind=kind, queue=queue)
    place = client.get(f"/api/v1/jobs/{second}").json()["queue_place"]
    first_place = client.get(f"/api/v1/jobs/{first}").json()["queue_place"]
    assert place["position"] == first_place["position"] + 1
    assert [job["id"] for job in place["ahead"]][-1] == first
    assert first not in [job["id"] for job in first_place["ahead"]]
    assert running in [job["id"] for job in place["running"]]
    assert place["typical_seconds"] == 20
    assert place["wait_seconds"] >= 20 + 10  # the first job, and half the running one
    assert client.get(f"/api/v1/jobs/{running}").json()["queue_place"] is None


def test_a_job_links_its_model(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    name = f"job-link-{uuid.uuid4().hex[:6]}"
    with session_factory.begin() as session:
        model = Model(name=name, format="builtin", architecture="cornet_z")
        session.add(model)
        session.flush()
        model_id = model.id
    job_id = add_job(session_factory, model_id=model_id)
    body = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (body["model"], body["model_url"]) == (name, f"/models/{name}")
    assert f'href="/models/{name}"' in client.get(f"/jobs/{job_id}").text
