"""``ventral data import``: install BrainIO files from this machine (same checks as the API)."""

from __future__ import annotations

from pathlib import Path

import typer

from app.admin import dataimport
from app.submissions.upload import UploadError

data_cli = typer.Typer(help="Benchmark data (BrainIO files).")


@data_cli.command("import")
def import_command(
    assembly: Path = typer.Option(..., exists=True, dir_okay=False, help="assy_ID.nc"),
    stimuli: Path = typer.Option(..., exists=True, dir_okay=False, help="stimulus_ID.csv"),
    images: Path = typer.Option(..., exists=True, dir_okay=False, help="stimulus_ID.zip"),
    identifier: str | None = typer.Option(None, help="default: from the assembly's file name"),
    wait: bool = typer.Option(True, help="follow the import job until it ends"),
) -> None:
    """Check, install and load benchmark data into this server's storage."""
    from app.cli import follow_job, get_settings, session_scope

    settings = get_settings()
    name = identifier or assembly.stem.removeprefix("assy_")
    files = {"assembly": assembly, "stimuli": stimuli, "images": images}
    try:
        with session_scope(settings) as session:
            job = dataimport.install_local(session, settings, files, name)
    except UploadError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(f"installed {name}; import job {job.id}")
    if wait:
        follow_job(settings, job.id)


def register(cli: typer.Typer) -> None:
    cli.add_typer(data_cli, name="data")
