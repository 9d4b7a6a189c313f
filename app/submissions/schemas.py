"""What a submission takes (the form's text fields) and what the API answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.urls import WebUrl
from foundation.models import ModelStatus, SubmissionStatus, Visibility

MODEL_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class SubmissionFields(BaseModel):
    """The text fields of the multipart upload (the file travels as ``file``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(pattern=MODEL_NAME_PATTERN, description="unique, URL-safe")
    visibility: Visibility = Visibility.public
    architecture: str | None = Field(
        default=None, max_length=100, description="registry id, for safetensors weights"
    )
    manifest: str | None = Field(default=None, max_length=64 * 1024, description="ONNX: JSON")
    reference: WebUrl = Field(default="", description="an http(s) link to the paper or code")
    bibtex: str = Field(default="", max_length=20000)
    training_data: str = Field(default="", max_length=2000)
    description: str = Field(default="", max_length=10000)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL: bad input, refused here rather than by the database.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value

    def metadata(self) -> dict[str, str]:
        values = {
            "reference": self.reference,
            "bibtex": self.bibtex,
            "training_data": self.training_data,
            "description": self.description,
        }
        return {key: value for key, value in values.items() if value}


class SubmissionAccepted(BaseModel):
    submission_id: int
    job_id: int
    model: str
    status_url: str = Field(description="the job's live page")


class SubmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    model: str | None
    model_status: ModelStatus | None
    visibility: Visibility | None
    filename: str
    size: int
    sha256: str
    status: SubmissionStatus
    created_at: datetime
    job_ids: list[int]


FileFormat = Literal["safetensors", "onnx"]
