"""User-supplied links: ``WebUrl`` on input, ``web_url_or_none`` (and the ``web_url`` template
filter) on output.

A link a user types ends up in an ``href`` that other people click; only ``http`` and ``https``
URLs with a host are kept (no ``javascript:``, ``data:``, ``vbscript:``, relative or
protocol-relative links), capped in length and free of whitespace and control characters.
Rows written before the check existed are filtered again when shown.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

MAX_URL_LENGTH = 2000
SCHEMES = frozenset({"http", "https"})


def is_web_url(value: str) -> bool:
    if not value or len(value) > MAX_URL_LENGTH:
        return False
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


def check_web_url(value: str) -> str:
    """The empty string (no link) or a web URL; anything else is refused (422)."""
    if value and not is_web_url(value):
        raise ValueError(
            f"must be an http:// or https:// URL with a host, at most {MAX_URL_LENGTH} characters"
        )
    return value


def web_url_or_none(value: object) -> str | None:
    """For rendering: the value when it is a safe web URL, else None (shown as no link)."""
    return value if isinstance(value, str) and is_web_url(value) else None


WebUrl = Annotated[str, Field(max_length=MAX_URL_LENGTH), AfterValidator(check_web_url)]
