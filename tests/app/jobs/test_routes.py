"""GET /api/v1/jobs/{id} and the /jobs/{id} page."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.models import Job, JobStatus


def add_job(factory: sessionmaker[Session], **values: object) -> int:
    with factory.begin() as session:
        job = Job(kind="selfcheck", payload={}, **values)
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
