"""What the auth API takes and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from foundation.models import Role

# PostgreSQL text cannot hold NUL characters: refuse them as bad input, not a database error.
NO_NUL = r"^[^\x00]*$"


class TokenRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320, pattern=NO_NUL)
    password: str = Field(min_length=1, max_length=256)
    name: str = Field(
        default="api", max_length=100, pattern=NO_NUL, description="a label to recognise it by"
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="the token's first characters, to recognise it")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IssuedTokenRead(TokenRead):
    token: str = Field(description="the secret; shown this once, store it now")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: Role
    active: bool
    created_at: datetime
    submissions_per_day: int | None
    concurrent_jobs: int | None
