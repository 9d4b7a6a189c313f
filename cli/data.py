"""``ventral data``: import BrainIO files from this machine (same checks as the API), list and
delete imported files."""

from __future__ import annotations

from pathlib import Path

import typer

from app.admin import dataimport
from app.submissions.upload import UploadError
from cli.common import follow_job, session_scope
from foundation.config import get_settings
from foundation.offline_data import install_built_data
from foundation.storage import storage_from_settings
from scoring.data.build import obtain
from scoring.data.sources import DataUnavailable

data_cli = typer.Typer(help="Benchmark data (BrainIO files).")


@data_cli.command("import")
def import_command(
    assembly: Path = typer.Option(..., exists=True, dir_okay=False, help="assy_ID.nc"),
    stimuli: Path = typer.Option(..., exists=True, dir_okay=False, help="stimulus_SET.csv"),
    images: Path = typer.Option(..., exists=True, dir_okay=False, help="stimulus_SET.zip"),
    identifier: str = typer.Option(
        "", help="the assembly's identifier (default: its netCDF attribute 'identifier')"
    ),
    stimulus_set_identifier: str = typer.Option(
        "", help="its stimulus set's (default: the netCDF attribute 'stimulus_set_identifier')"
    ),
    wait: bool = typer.Option(True, help="follow the import job until it ends"),
) -> None:
    """Check benchmark data, store them under their BrainIO names and load them in a job."""
    settings = get_settings()
    files = {"assembly": assembly, "stimuli": stimuli, "images": images}
    try:
        with session_scope(settings) as session:
            job = dataimport.install_local(
                session, settings, files, identifier, stimulus_set_identifier
            )
            stored = ", ".join(job.payload["keys"].values())
    except UploadError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(f"stored {stored}; import job {job.id}")
    if wait:
        follow_job(settings, job.id)


@data_cli.command("fetch")
def fetch_command(
    names: list[str] | None = typer.Argument(
        None, help="sources or builds to make ready (default: all of them)"
    ),
) -> None:
    """Fetch the offline data from their pinned public origins (or VENTRAL_DATA_MIRROR), verify
    their checksums, build the BrainIO files and weights the benchmarks read, and install the
    BrainIO files in the storage (as imported data are)."""
    settings = get_settings()
    try:
        folders = obtain(
            names or None,
            data_dir=settings.data_dir,
            cache_dir=settings.data_cache_dir,
            mirror=settings.data_mirror or None,
        )
    except DataUnavailable as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    stored = install_built_data(storage_from_settings(settings), folders)
    typer.echo(
        f"ready: {len(folders)} data folders under {settings.var_dir}; "
        f"{len(stored)} benchmark files newly stored"
    )


@data_cli.command("list")
def list_command() -> None:
    """The imported BrainIO files and their sizes."""
    for name, size in dataimport.stored_data(storage_from_settings(get_settings())):
        typer.echo(f"{size:>14,}  {name}")


@data_cli.command("delete")
def delete_command(
    names: list[str] = typer.Argument(..., help="BrainIO file names, e.g. assy_x_y.nc"),
) -> None:
    """Delete imported files (to import them again); their benchmarks lose their data."""

    settings = get_settings()
    with session_scope(settings) as session:
        not_stored = dataimport.delete_data(session, storage_from_settings(settings), names)
    for name in names:
        typer.echo(f"{'not stored' if name in not_stored else 'deleted'}: {name}")
    if not_stored:
        raise typer.Exit(1)


def register(cli: typer.Typer) -> None:
    cli.add_typer(data_cli, name="data")
