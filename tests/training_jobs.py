"""A reference model's training as the tests queue it: a fresh cornet_z, trained on a CIFAR-10
folder with the tiny ``cpu-quick`` profile (10 images a class, 2 to validate) and scored on
CIFAR10-top1 only, so the job stays short."""

import uuid
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import reference_model
from foundation.config import Settings
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.runs import repository, service


def queue_cornet_z_training(
    settings: Settings,
    factory: sessionmaker[Session],
    dataset: Path,
    *,
    name_prefix: str,
    epochs: int,
) -> int:
    """Adds the reference model ``<name_prefix>-cornet_z-<random>`` and queues its training;
    returns the job's id."""
    name = f"{name_prefix}-cornet_z-{uuid.uuid4().hex[:6]}"
    with unit_of_work_sending_jobs(factory, settings) as session:
        model = repository.add(session, reference_model(session, name, "cornet_z"))
        job = service.create_training_job(
            session, model, "cpu-quick", str(dataset), per_class=10, val_per_class=2, epochs=epochs,
            parametrization="test", benchmarks=["CIFAR10-top1"],
        )  # fmt: skip
    return job.id
