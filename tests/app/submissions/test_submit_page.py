"""The submit form says what each registered architecture is and what input it takes."""

from __future__ import annotations

import re
from html import unescape

from foundation.config import Settings
from scoring.models import list_models, model_info
from tests.app.auth.test_accounts import fresh_client, sign_up, unique_email


def test_every_architecture_shows_its_description_and_input_size(
    service_settings: Settings,
) -> None:
    client = fresh_client(service_settings)
    sign_up(client, unique_email())
    page = client.get("/submit").text
    options = dict(re.findall(r'<option value="([^"]+)" title="[^"]*">([^<]+)</option>', page))
    assert set(options) == set(list_models())
    rows = dict(re.findall(r'<tr data-architecture="([^"]+)">(.*?)</tr>', page, re.S))
    for name in list_models():
        info = model_info(name)
        assert f"{info.input_size} px" in options[name]
        assert f"{info.input_size}×{info.input_size} px" in rows[name]
        assert info.description and info.description in unescape(rows[name])
    assert "32 px, 10 classes" in options["resnet20_cifar10"]
