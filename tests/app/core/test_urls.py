"""Which links a user may store: http(s) with a host, capped, nothing else."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from app.core.urls import MAX_URL_LENGTH, WebUrl, is_web_url, web_url_or_none

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
    "https://",
    "http://exa mple.org",
    "https://example.org/\x00",
    "https://[::1",
    'https://example.org/" onmouseover="alert(1)',
    "https://example.org/" + "a" * MAX_URL_LENGTH,
]
FINE = ["https://arxiv.org/abs/1909.06161", "http://example.org/a?b=c#d", "HTTPS://Example.org"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_links_are_refused_on_input_and_dropped_on_output(value: str):
    with pytest.raises(ValidationError):
        TypeAdapter(WebUrl).validate_python(value.strip() if value.startswith(" ") else value)
    assert web_url_or_none(value) is None


@pytest.mark.parametrize("value", FINE)
def test_web_links_pass(value: str):
    assert TypeAdapter(WebUrl).validate_python(value) == value
    assert is_web_url(value) and web_url_or_none(value) == value


def test_no_link_is_allowed():
    assert TypeAdapter(WebUrl).validate_python("") == ""
    assert web_url_or_none("") is None and web_url_or_none(None) is None
