"""The whole domain schema (product.md §3) as SQLAlchemy 2 typed models.

One module rather than one per domain folder: the tables reference each other (scores point at
models, benchmarks and jobs; jobs at submissions and models), and Alembic reads one metadata.
Domain folders keep their queries in their own ``repository.py``.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite hands back naive values otherwise)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        if value is not None and dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: sa.JSON, datetime: UTCDateTime}


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, same on SQLite and PostgreSQL."""
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Role(enum.StrEnum):
    user = "user"
    admin = "admin"


class Visibility(enum.StrEnum):
    public = "public"
    private = "private"


class Source(enum.StrEnum):
    computed = "computed"
    published = "published"


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        return self in {JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled}


class ModelStatus(enum.StrEnum):
    """An uploaded model's way to the leaderboard: pending → validated → ready (or rejected)."""

    pending = "pending"
    validated = "validated"
    ready = "ready"
    rejected = "rejected"


class SubmissionStatus(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    refused = "refused"


class ScoreStatus(enum.StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.user)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submissions_per_day: Mapped[int | None] = mapped_column(comment="overrides the default quota")
    concurrent_jobs: Mapped[int | None] = mapped_column(comment="overrides the default quota")
    session_version: Mapped[int] = mapped_column(
        default=0,
        server_default="0",
        comment="carried in each signed session; bumped to end every session of the user",
    )

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(128), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class WeightArtifact(Base):
    __tablename__ = "weight_artifacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    path: Mapped[str] = mapped_column(sa.String(1024))
    format: Mapped[str] = mapped_column(sa.String(32), comment="safetensors | onnx")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Model(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, comment="URL-safe")
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    visibility: Mapped[Visibility] = mapped_column(
        _enum(Visibility, "visibility"), default=Visibility.public
    )
    architecture: Mapped[str | None] = mapped_column(sa.String(100), comment="registry id")
    format: Mapped[str] = mapped_column(sa.String(32), comment="builtin | safetensors | onnx")
    source: Mapped[Source] = mapped_column(_enum(Source, "source"), default=Source.computed)
    status: Mapped[ModelStatus] = mapped_column(
        _enum(ModelStatus, "model_status"), default=ModelStatus.ready, server_default="ready"
    )
    weights_artifact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("weight_artifacts.id", ondelete="SET NULL")
    )
    region_commitments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_metadata: Mapped[dict[str, Any]] = mapped_column(
        "metadata",
        default=dict,
        comment="reference, bibtex, depth, parameter_count, training_data, family, citation",
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    weights_artifact: Mapped[WeightArtifact | None] = relationship()
    # The database deletes a model's scores with it (ON DELETE CASCADE); the ORM must not try
    # to orphan them first (scores.model_id is NOT NULL).
    scores: Mapped[list[Score]] = relationship(
        back_populates="model", cascade="all, delete-orphan", passive_deletes=True
    )


class Benchmark(Base):
    __tablename__ = "benchmarks"
    __table_args__ = (
        sa.UniqueConstraint("identifier", "version", name="uq_benchmarks_identifier_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(sa.String(200), index=True)
    version: Mapped[int] = mapped_column(default=1)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("benchmarks.id", ondelete="SET NULL"), index=True
    )
    ceiling: Mapped[float | None]
    ceiling_error: Mapped[float | None]
    metric: Mapped[str | None] = mapped_column(sa.String(100))
    data_installed: Mapped[bool] = mapped_column(default=False)
    synthetic: Mapped[bool] = mapped_column(default=False)
    reference: Mapped[str | None] = mapped_column(sa.Text)
    bibtex: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    n_stimuli: Mapped[int | None]
    n_sites: Mapped[int | None]

    parent: Mapped[Benchmark | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Benchmark]] = relationship(back_populates="parent")


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    model_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("models.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus, "submission_status"),
        default=SubmissionStatus.pending,
        server_default="pending",
        comment="refused: validation turned the upload down (counts against the daily quota)",
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    jobs: Mapped[list[Job]] = relationship(back_populates="submission")


class Job(Base):
    """Every long piece of work; the pages and the API read its progress from this row."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(
        sa.String(32), comment="validate | score | train | import | selfcheck"
    )
    status: Mapped[JobStatus] = mapped_column(
        _enum(JobStatus, "job_status"), default=JobStatus.queued, index=True
    )
    queue: Mapped[str] = mapped_column(sa.String(32), default="default")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any] | None]
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    log_tail: Mapped[str] = mapped_column(sa.Text, default="")
    error: Mapped[str | None] = mapped_column(sa.Text, comment="shown to the user")
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(sa.String(255), comment="host that ran it last")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    model_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("models.id", ondelete="SET NULL"), index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(comment="last time its task was sent")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]

    submission: Mapped[Submission | None] = relationship(back_populates="jobs")


class Score(Base):
    __tablename__ = "scores"
    __table_args__ = (
        sa.UniqueConstraint("model_id", "benchmark_id", name="uq_scores_model_benchmark"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(sa.ForeignKey("models.id", ondelete="CASCADE"))
    benchmark_id: Mapped[int] = mapped_column(
        sa.ForeignKey("benchmarks.id", ondelete="CASCADE"), index=True
    )
    raw: Mapped[float | None]
    ceiling: Mapped[float | None]
    ceiled: Mapped[float | None]
    error: Mapped[float | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[ScoreStatus] = mapped_column(
        _enum(ScoreStatus, "score_status"), default=ScoreStatus.pending
    )
    source: Mapped[Source] = mapped_column(_enum(Source, "source"), default=Source.computed)
    citation: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))

    model: Mapped[Model] = relationship(back_populates="scores")
    benchmark: Mapped[Benchmark] = relationship()


class BoardVersion(Base):
    """One row: the counter the database's triggers bump on every write that can change the
    leaderboard (``foundation.board_version``)."""

    __tablename__ = "board_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance: Mapped[str] = mapped_column(sa.String(32), comment="random per database")
    version: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, comment="models, users, benchmarks, submissions"
    )
    scores_version: Mapped[int] = mapped_column(sa.BigInteger, default=0, comment="scores")


class BoardScoreChange(Base):
    """A score written (by a trigger): which model, under which scores version."""

    __tablename__ = "board_score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(comment="no foreign key: deleted models too")
    scores_version: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    changed_at: Mapped[datetime] = mapped_column(index=True)


class WorkerHeartbeat(Base):
    """A live worker's last word: written by each worker on a heartbeat, read by ``/healthz``
    (``foundation.worker_heartbeats``). A row not refreshed for ``worker_stale_seconds`` is a
    worker that is gone."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(sa.String(255), primary_key=True, comment="celery hostname")
    queues: Mapped[str] = mapped_column(sa.String(255), comment="comma-separated, as consumed")
    sandbox: Mapped[str] = mapped_column(sa.String(16), comment="bwrap | plain | unavailable")
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
