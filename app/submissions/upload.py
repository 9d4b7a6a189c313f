"""Streams a multipart request body to disk: files under a size cap, small text fields in memory.

Starlette's own form parser spools every file to a temporary file first; this one writes each
file straight into the caller's folder under a name *we* choose, hashes it on the way, and stops
reading the moment a file passes the cap (the caller then deletes the folder).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELDS = 30
MAX_FIELD_BYTES = 64 * 1024


class UploadError(ValueError):
    """The request body is not an acceptable upload; the message says why (a 4xx)."""

    status_code = 400


class UploadTooLargeError(UploadError):
    status_code = 413


@dataclass(frozen=True)
class ReceivedFile:
    field: str
    filename: str
    path: Path
    size: int
    sha256: str


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, ReceivedFile] = field(default_factory=dict)


FileNamer = Callable[[str, str], str]
"""(field name, user's file name) -> the name to store it under; raises UploadError to refuse."""


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    handle: IO[bytes] | None = None
    path: Path | None = None
    size: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)


class MultipartReceiver:
    """Parser callbacks that fill a ``ReceivedForm``; files go to ``folder``."""

    def __init__(
        self, folder: Path, file_fields: frozenset[str], max_file_bytes: int, namer: FileNamer
    ) -> None:
        self.folder = folder
        self.file_fields = file_fields
        self.max_file_bytes = max_file_bytes
        self.namer = namer
        self.form = ReceivedForm()
        self.part = _Part()
        self._header_name = b""
        self._header_value = b""

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_part,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self.part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self.part.headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        name = options.get(b"name")
        if name is None:
            raise UploadError("every multipart part needs a name")
        self.part.name = name.decode("utf-8", errors="replace")
        if self.part.name in self.form.fields or self.part.name in self.form.files:
            raise UploadError(f"field {self.part.name!r} was sent twice")
        if len(self.form.fields) + len(self.form.files) >= MAX_FIELDS:
            raise UploadError(f"too many fields (at most {MAX_FIELDS})")
        filename = options.get(b"filename")
        if filename is not None and self.part.name in self.file_fields:
            self._open_file(filename.decode("utf-8", errors="replace"))

    def _open_file(self, filename: str) -> None:
        stored_name = self.namer(self.part.name, filename)
        self.part.filename = filename
        self.part.path = self.folder / stored_name
        self.part.handle = self.part.path.open("xb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.part.handle is None:
            if len(self.part.data) + len(chunk) > MAX_FIELD_BYTES:
                raise UploadError(
                    f"field {self.part.name!r} is longer than {MAX_FIELD_BYTES} bytes"
                )
            self.part.data.extend(chunk)
            return
        self.part.size += len(chunk)
        if self.part.size > self.max_file_bytes:
            raise UploadTooLargeError(
                f"the file is larger than this server's limit of {self.max_file_bytes:,} bytes"
            )
        self.part.handle.write(chunk)
        self.part.digest.update(chunk)

    def _end(self) -> None:
        part = self.part
        if part.handle is None:
            self.form.fields[part.name] = part.data.decode("utf-8", errors="replace")
            return
        part.handle.close()
        assert part.path is not None and part.filename is not None
        self.form.files[part.name] = ReceivedFile(
            part.name, part.filename, part.path, part.size, part.digest.hexdigest()
        )

    def close(self) -> None:
        if self.part.handle is not None and not self.part.handle.closed:
            self.part.handle.close()


def multipart_boundary(content_type: str | None) -> bytes:
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("send the upload as multipart/form-data")
    return boundary


async def receive_multipart(
    stream: AsyncIterator[bytes],
    content_type: str | None,
    folder: Path,
    *,
    file_fields: frozenset[str],
    max_file_bytes: int,
    namer: FileNamer,
) -> ReceivedForm:
    """Parse the body into ``folder``; on any error the caller deletes ``folder``."""
    receiver = MultipartReceiver(folder, file_fields, max_file_bytes, namer)
    parser = MultipartParser(multipart_boundary(content_type), receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise UploadError("the multipart body is malformed") from None
    finally:
        receiver.close()
    return receiver.form
