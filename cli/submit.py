"""``ventral submit FILE``: upload a model to a Ventral server over its REST API (httpx)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import typer
from tqdm import tqdm

FINISHED = {"succeeded", "failed", "cancelled"}


def submit(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".safetensors or .onnx"),
    name: str = typer.Option(..., "--name", help="unique, URL-safe model name"),
    arch: str | None = typer.Option(None, "--arch", help="registry id (safetensors weights)"),
    manifest: Path | None = typer.Option(None, "--manifest", exists=True, help="ONNX manifest"),
    public: bool = typer.Option(True, "--public/--private", help="who sees the model"),
    reference: str = typer.Option("", help="paper or URL"),
    bibtex: Path | None = typer.Option(None, exists=True, help="a .bib file"),
    training_data: str = typer.Option("", "--training-data"),
    description: str = typer.Option(""),
    url: str = typer.Option("http://127.0.0.1:8000", "--url", envvar="VENTRAL_URL"),
    token: str = typer.Option(..., "--token", envvar="VENTRAL_TOKEN", help="an API token"),
    wait: bool = typer.Option(True, help="follow validation, then scoring, until they end"),
) -> None:
    """Upload a model; prints the submission and validation job, then follows validation and
    the scoring it starts, one progress bar per stage."""
    fields = {
        "name": name,
        "visibility": "public" if public else "private",
        "architecture": arch or "",
        "manifest": manifest.read_text() if manifest else "",
        "reference": reference,
        "bibtex": bibtex.read_text() if bibtex else "",
        "training_data": training_data,
        "description": description,
    }
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(
        base_url=url, headers=headers, timeout=httpx.Timeout(60, write=600)
    ) as client:
        accepted = _upload(client, file, fields)
        typer.echo(
            f"submission {accepted['submission_id']} accepted; validation job {accepted['job_id']}:"
            f" {url.rstrip('/')}{accepted['status_url']}"
        )
        if wait:
            validation = _follow(client, accepted["job_id"])
            _follow_scoring(client, validation.get("result") or {})


def _upload(client: httpx.Client, file: Path, fields: dict[str, str]) -> dict[str, object]:
    with file.open("rb") as handle:
        response = client.post(
            "/api/v1/submissions",
            data={key: value for key, value in fields.items() if value},
            files={"file": (file.name, handle, "application/octet-stream")},
        )
    if response.status_code != 202:
        typer.echo(f"refused ({response.status_code}): {_detail(response)}", err=True)
        raise typer.Exit(1)
    body: dict[str, object] = response.json()
    return body


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:500]


BAR_FORMAT = "{desc:>10} {percentage:3.0f}%|{bar:30}| {postfix}"


def _follow(client: httpx.Client, job_id: object) -> dict[str, Any]:
    """The validation stage: one bar, until the job ends; exit code 1 unless it succeeded."""
    with tqdm(total=1.0, desc="validation", bar_format=BAR_FORMAT) as bar:
        while True:
            job = _job(client, job_id)
            bar.n = job["progress"]
            bar.set_postfix_str(f"{job['status']}: {job['message']}"[:60])
            if job["status"] in FINISHED:
                break
            time.sleep(1)
    if job["status"] != "succeeded":
        typer.echo(f"job {job_id} {job['status']}: {job.get('error') or ''}", err=True)
        raise typer.Exit(1)
    typer.echo(f"validation job {job_id} succeeded")
    return job


def _follow_scoring(client: httpx.Client, result: dict[str, Any]) -> None:
    """The scoring stage: one bar over the score jobs validation queued, until all end."""
    job_ids = list(result.get("score_jobs") or [])
    if not job_ids:
        typer.echo("no score jobs were queued (no benchmark data installed)")
        return
    with tqdm(total=1.0, desc="scoring", bar_format=BAR_FORMAT) as bar:
        while True:
            jobs = [_job(client, job_id) for job_id in job_ids]
            bar.n = sum(job["progress"] for job in jobs) / len(jobs)
            ended = [job for job in jobs if job["status"] in FINISHED]
            bar.set_postfix_str(f"{len(ended)}/{len(jobs)} benchmarks done")
            if len(ended) == len(jobs):
                break
            time.sleep(1)
    failed = [job for job in jobs if job["status"] != "succeeded"]
    typer.echo(f"scoring done: {len(jobs) - len(failed)} of {len(jobs)} score jobs succeeded")
    for job in failed:
        typer.echo(f"  job {job['id']} {job['status']}: {job.get('error') or ''}", err=True)


def _job(client: httpx.Client, job_id: object) -> dict[str, Any]:
    response = client.get(f"/api/v1/jobs/{job_id}")
    if response.status_code != 200:
        typer.echo(f"cannot read job {job_id} ({response.status_code}): {_detail(response)}")
        raise typer.Exit(1)
    body: dict[str, Any] = response.json()
    return body


def register(cli: typer.Typer) -> None:
    cli.command("submit")(submit)
