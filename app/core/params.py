"""Path parameters shared by the routes."""

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**31 - 1

# Database ids are 32-bit integers; a larger number is a 422, not a database error.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
