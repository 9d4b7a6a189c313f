"""/docs, /redoc and /favicon.ico are served from this installation: no CDN, no inline script."""

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

PAGES = ("/docs", "/redoc")


def test_api_docs_load_only_local_assets_and_no_inline_script(client: TestClient) -> None:
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200, path
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        hosts = {urlsplit(source).netloc for source in sources}
        assert sources and hosts <= {"", "testserver"}, sources  # nothing from elsewhere
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
        for source in sources:
            assert client.get(source).status_code == 200, source


def test_vendored_docs_assets_carry_their_licenses(client: TestClient) -> None:
    for asset in ("swagger-ui/LICENSE", "redoc/LICENSE"):
        assert client.get(f"/static/vendor/{asset}").status_code == 200


def test_favicon_is_a_real_icon_linked_from_every_page(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    for path in ("/", "/plots", "/signin", *PAGES):
        links = re.findall(r'<link rel="icon" href="([^"]+)"', client.get(path).text)
        assert links, path
        assert all(client.get(link).status_code == 200 for link in links)
