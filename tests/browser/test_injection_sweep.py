"""The injection sweep (issue 13): script payloads go into every free-text field of every form
and API that takes one, then every page that shows them is opened in chromium, as their owner
and as an administrator. Nothing may run: no dialog opens, the browser reports no blocked script
(a blocked one would mean the markup let it through and only the policy stopped it), and no
element the payloads would create exists. Pages that echo the URL are swept the same way."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy.orm import Session, sessionmaker

from app.users.service import create_user
from foundation.models import ApiToken, Job, Model, Submission, User, WeightArtifact
from tests.app.submissions.conftest import RESNET20
from tests.browser.board_site import base_url, board_database, board_factory, board_settings, people
from tests.browser.isolated import in_chromium

__all__ = ["base_url", "board_database", "board_factory", "board_settings", "people"]

PAYLOADS = (
    "javascript:alert(1)",
    "data:text/html,<script>alert(2)</script>",
    '"><script>alert(3)</script>',
    "'><img src=x onerror=alert(4)>",
    "<svg onload=alert(5)>",
    '" onmouseover="alert(6)" autofocus onfocus="alert(7)" x="',
    "</script><script>alert(8)</script>",
    "{{7*7}}<iframe srcdoc='<script>alert(9)</script>'>",
)
ALL = "\n".join(PAYLOADS)
HOSTILE_LINKS = (*PAYLOADS[:2], "//evil.example/x", "vbscript:msgbox(1)")
# Passes the URL check (http, a host, no spaces) yet carries markup: must be escaped.
TRICKY_LINK = 'https://example.org/?q="><script>alert(10)</script>'
EMAIL = '"><svg/onload=alert(11)>@evil.example'
PASSWORD = "correct horse"
# Anything here in the DOM came from a payload (the app itself has none of these).
INJECTED = (
    "script:not([src]):not([type='application/json']), [onerror], [onload], [onmouseover],"
    " [onfocus], iframe, svg[onload], a[href^='javascript:' i], a[href^='data:' i]"
)


def csrf_of(context: BrowserContext, path: str) -> str:
    html = context.request.get(path).text()
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'data-csrf="([^"]+)"', html
    )
    assert match, path
    return match.group(1)


def sweep(page: Page, url: str, events: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.mouse.move(200, 200)
    page.keyboard.press("Tab")
    found = page.locator(INJECTED).count()
    assert found == 0, (url, page.locator(INJECTED).first.evaluate("e => e.outerHTML"))
    assert events == [], (url, events)


def watched(context: BrowserContext) -> tuple[Page, list[str]]:
    page = context.new_page()
    events: list[str] = []
    page.on("dialog", lambda dialog: (events.append(f"dialog {dialog.message}"), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            events.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, events


@pytest.fixture
def cleanup(board_factory: sessionmaker[Session]) -> Iterator[list[str]]:
    """Emails of accounts the sweep made; removed after, with their uploads."""
    emails: list[str] = []
    yield emails
    with board_factory() as session:
        for user in session.scalars(sa.select(User).where(User.email.in_(emails))).all():
            _remove_user(session, user)
        session.commit()


def _remove_user(session: Session, user: User) -> None:
    for model in session.scalars(sa.select(Model).where(Model.owner_id == user.id)).all():
        artifact = model.weights_artifact
        session.execute(sa.delete(Job).where(Job.model_id == model.id))
        session.execute(sa.delete(Submission).where(Submission.model_id == model.id))
        session.delete(model)
        if artifact is not None:
            session.flush()
            session.execute(sa.delete(WeightArtifact).where(WeightArtifact.id == artifact.id))
    session.execute(sa.delete(Job).where(Job.owner_id == user.id))
    session.execute(sa.delete(Submission).where(Submission.user_id == user.id))
    session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    session.delete(user)


def upload(context: BrowserContext, csrf: str, name: str, filename: str, **fields: str) -> int:
    response = context.request.post(
        "/api/v1/submissions",
        headers={"X-CSRF-Token": csrf},
        multipart={
            "name": name,
            "architecture": "resnet20_cifar10",
            **fields,
            "file": {
                "name": filename,
                "mimeType": "application/octet-stream",
                "buffer": RESNET20.read_bytes(),
            },
        },
    )
    return response.status


def test_no_payload_runs_on_any_page(
    base_url: str, board_factory: sessionmaker[Session], cleanup: list[str]
):
    cleanup.append(EMAIL.lower())
    in_chromium(lambda browser: _sweep_everything(browser, base_url, board_factory, cleanup))


def _sweep_everything(
    browser: Browser, base_url: str, board_factory: sessionmaker[Session], cleanup: list[str]
) -> None:
    owner = browser.new_context(base_url=base_url)
    owner.set_default_timeout(20_000)
    # Forms: sign-up (the email is shown in the header, profile and admin pages), token name.
    signup = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_of(owner, "/signup")}
    assert owner.request.post("/signup", form=signup).ok
    bad = {"email": PAYLOADS[2] + " @x", "password": PASSWORD, "csrf_token": csrf_of(owner, "/")}
    refused_signup = owner.request.post("/signup", form=bad, max_redirects=0)
    wrong = {"email": PAYLOADS[2], "password": "x", "csrf_token": csrf_of(owner, "/signin")}
    wrong["next"] = PAYLOADS[0]
    failed_signin = owner.request.post("/signin", form=wrong, max_redirects=0)
    token = {"name": PAYLOADS[3], "csrf_token": csrf_of(owner, "/profile")}
    token_page = owner.request.post("/profile/tokens", form=token)
    assert token_page.ok
    # Pages answered to a POST echo the input: escaped, never as markup.
    for answer in (refused_signup, failed_signin, token_page):
        text = answer.text()
        assert "<script>alert" not in text and "<img src=x" not in text, answer.url

    # The upload API: every free-text field, and the links it must refuse.
    csrf = csrf_of(owner, "/submit")
    name = f"sweep-{uuid.uuid4().hex[:8]}"
    for link in HOSTILE_LINKS:
        assert upload(owner, csrf, f"{name}-x", "w.safetensors", reference=link) == 400, link
    assert upload(owner, csrf, PAYLOADS[2], "w.safetensors") == 400
    texts = {"description": ALL, "bibtex": ALL, "training_data": ALL[:2000]}
    assert upload(owner, csrf, name, "w.safetensors", reference=TRICKY_LINK, **texts) == 202
    upload(owner, csrf, f"{name}-f", PAYLOADS[4] + ".safetensors")  # 202 or 400: either is fine

    page, events = watched(owner)
    owner_pages = [f"/models/{name}", "/submit", "/profile", "/", f"/api/v1/models/{name}"]
    owner_pages += [f"/jobs/{job}" for job in _job_ids(board_factory, name)]
    # URL-echoing pages: every payload at once, and a short one under any length cap.
    echoed = [quote(ALL, safe=""), quote(PAYLOADS[5], safe="")]
    for value in echoed:
        owner_pages += [
            f"/?q={value}",
            f"/?training_data={value}&preset={value}",
            f"/compare?models={value}",
            f"/signin?next={value}",
            f"/models/{value}",
            f"/benchmarks/{value}",
            f"/plots?models={value}",
        ]
    for url in owner_pages:
        sweep(page, url, events)
    assert page.locator("#form-error").count() == 0
    # The model page shows the payloads as text (escaped, not dropped).
    page.goto(f"/models/{name}")
    assert PAYLOADS[2] in page.locator("main").inner_text()
    assert refused_signup.status == 400 and failed_signin.status == 401

    admin = browser.new_context(base_url=base_url)
    try:
        admin_email = f"sweep-admin-{uuid.uuid4().hex[:6]}@example.org"
        cleanup.append(admin_email)
        with board_factory() as session:
            create_user(session, admin_email, PASSWORD, admin=True)
            session.commit()
        form = {"email": admin_email, "password": PASSWORD, "csrf_token": csrf_of(admin, "/signin")}
        assert admin.request.post("/signin", form=form).ok
        admin_page, admin_events = watched(admin)
        for url in ("/admin", f"/models/{name}", "/", "/plots"):
            sweep(admin_page, url, admin_events)
        admin_page.goto("/admin")
        assert EMAIL.lower() in admin_page.locator("main").inner_text()
    finally:
        admin.close()


def _job_ids(factory: sessionmaker[Session], name: str) -> list[int]:
    with factory() as session:
        model_id = session.scalar(sa.select(Model.id).where(Model.name == name))
        return list(session.scalars(sa.select(Job.id).where(Job.model_id == model_id)).all())
