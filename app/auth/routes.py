"""Sign-up, sign-in, sign-out and profile pages; ``/api/v1/auth`` for API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth import service
from app.auth.csrf import check_csrf, csrf_token
from app.auth.dependencies import (
    SESSION_USER_KEY,
    SESSION_VERSION_KEY,
    CurrentUser,
    session_user,
)
from app.auth.ratelimit import SignInLimiter
from app.auth.schemas import (
    NO_NUL,
    IssuedTokenRead,
    PasswordChange,
    TokenRead,
    TokenRequest,
    UserRead,
)
from app.core.db import SessionDep
from app.core.params import RowId
from app.core.rate_limits import RateLimited, client_address, limit
from app.core.templates import templates
from app.users import service as users
from foundation.models import User

api_router = APIRouter(prefix="/auth", tags=["auth"])
page_router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form(max_length=320, pattern=NO_NUL)]
Password = Annotated[str, Form(max_length=1024)]
CsrfField = Annotated[str, Form(max_length=200, alias="csrf_token")]
TokenId = RowId
LIMITED: dict[int | str, dict[str, Any]] = {429: {"description": "Too many failed sign-ins"}}


def sign_in_limiter(request: Request) -> SignInLimiter:
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    return limiter


def checked_sign_in(request: Request, session: SessionDep, email: str, password: str) -> User:
    """Authenticate under the rate limit: 429 when limited, 401 on bad credentials."""
    limiter, address = sign_in_limiter(request), client_address(request)
    key = users.normalize_email(email)
    wait = limiter.retry_after(key, address)
    if wait > 0:
        raise HTTPException(
            429,
            f"too many failed sign-ins; try again in {int(wait) + 1} seconds",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    try:
        user = service.authenticate(session, email, password)
    except service.AuthenticationError as error:
        limiter.record_failure(key, address)
        raise HTTPException(401, str(error)) from None
    limiter.record_success(key, address)
    return user


def start_session(request: Request, user: User) -> None:
    """A fresh session (new CSRF token) for ``user``; nothing of the old one survives."""
    request.session.clear()
    request.session.update(
        {
            SESSION_USER_KEY: user.id,
            SESSION_VERSION_KEY: user.session_version,
            "email": user.email,
            "role": user.role.value,
        }
    )
    csrf_token(request)


def local_path(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context["csrf_token"] = csrf_token(request)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@page_router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request) -> HTMLResponse:
    return render(request, "auth/signup.html")


@page_router.post("/signup", response_class=HTMLResponse)
def signup(
    request: Request, session: SessionDep, email: FormText, password: Password, csrf: CsrfField = ""
) -> Response:
    check_csrf(request, csrf)
    try:
        limit(request, "signup")
    except RateLimited as error:
        page = render(request, "auth/signup.html", 429, error=error.detail, email=email)
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    try:
        user = users.sign_up(session, email, password)
    except (users.InvalidAccountError, users.UserExistsError) as error:
        return render(request, "auth/signup.html", 400, error=str(error), email=email)
    start_session(request, user)
    return RedirectResponse("/profile", status_code=303)


@page_router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "auth/signin.html", next=local_path(next))


@page_router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    session: SessionDep,
    email: FormText,
    password: Password,
    csrf: CsrfField = "",
    next: Annotated[str, Form(max_length=2000, pattern=NO_NUL)] = "/",
) -> Response:
    check_csrf(request, csrf)
    try:
        user = checked_sign_in(request, session, email, password)
    except HTTPException as error:
        context = {"error": error.detail, "email": email, "next": local_path(next)}
        return render(request, "auth/signin.html", error.status_code, **context)
    start_session(request, user)
    return RedirectResponse(local_path(next), status_code=303)


@page_router.post("/signout")
def signout(request: Request, session: SessionDep, csrf: CsrfField = "") -> Response:
    """Ends the session on the server too: a copy of the cookie taken before stops working
    (and so do the user's sessions in other browsers; API tokens are unaffected)."""
    check_csrf(request, csrf)
    user = session_user(request, session)
    if user is not None:
        users.end_sessions(user)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@page_router.get("/profile", response_class=HTMLResponse)
def profile(request: Request, session: SessionDep) -> Response:
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/signin?next=/profile", status_code=303)
    return render(request, "auth/profile.html", user=user, tokens=service.tokens_of(session, user))


@page_router.post("/profile/password", response_class=HTMLResponse)
def change_password_page(
    request: Request,
    session: SessionDep,
    current_password: Password,
    new_password: Password,
    csrf: CsrfField = "",
) -> Response:
    check_csrf(request, csrf)
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/signin?next=/profile", status_code=303)
    try:
        users.change_password(user, current_password, new_password)
    except (users.WrongPasswordError, users.InvalidAccountError) as error:
        tokens = service.tokens_of(session, user)
        return render(request, "auth/profile.html", 400, user=user, tokens=tokens, error=str(error))
    start_session(request, user)  # this browser stays signed in; every other session ends
    tokens = service.tokens_of(session, user)
    return render(request, "auth/profile.html", user=user, tokens=tokens, password_changed=True)


@page_router.post("/profile/tokens", response_class=HTMLResponse)
def create_token_page(
    request: Request,
    session: SessionDep,
    csrf: CsrfField = "",
    name: Annotated[str, Form(max_length=100, pattern=NO_NUL)] = "token",
) -> Response:
    check_csrf(request, csrf)
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/signin?next=/profile", status_code=303)
    issued = service.issue_token(session, user, name)
    tokens = service.tokens_of(session, user)
    return render(request, "auth/profile.html", user=user, tokens=tokens, new_token=issued.secret)


@page_router.post("/profile/tokens/{token_id}/revoke")
def revoke_token_page(
    request: Request, session: SessionDep, token_id: TokenId, csrf: CsrfField = ""
) -> Response:
    check_csrf(request, csrf)
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/signin?next=/profile", status_code=303)
    try:
        service.revoke_token(session, user, token_id)
    except service.TokenNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    return RedirectResponse("/profile", status_code=303)


@api_router.post("/token", response_model=IssuedTokenRead, status_code=201, responses=LIMITED)
def create_token(request: Request, session: SessionDep, body: TokenRequest) -> IssuedTokenRead:
    """Exchange email and password for a new API token (rate-limited like the sign-in form)."""
    user = checked_sign_in(request, session, body.email, body.password)
    issued = service.issue_token(session, user, body.name)
    read = TokenRead.model_validate(issued.record)
    return IssuedTokenRead(**read.model_dump(), token=issued.secret)


@api_router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> UserRead:
    """The account the request is authenticated as."""
    return UserRead.model_validate(user)


@api_router.post(
    "/password", status_code=204, responses={400: {"description": "Wrong or unfit password"}}
)
def change_password(
    request: Request, user: CurrentUser, session: SessionDep, body: PasswordChange
) -> Response:
    """Change your password (the current one first); every session of yours ends, except the
    one this request came with. API tokens keep working: revoke them separately."""
    try:
        users.change_password(user, body.current_password, body.new_password)
    except (users.WrongPasswordError, users.InvalidAccountError) as error:
        raise HTTPException(400, str(error)) from None
    if request.session.get(SESSION_USER_KEY) == user.id:
        start_session(request, user)
    return Response(status_code=204)


@api_router.get("/tokens", response_model=list[TokenRead])
def list_tokens(user: CurrentUser, session: SessionDep) -> list[TokenRead]:
    return [TokenRead.model_validate(token) for token in service.tokens_of(session, user)]


@api_router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(user: CurrentUser, session: SessionDep, token_id: TokenId) -> TokenRead:
    """Revoke one of your tokens; it stops working at once."""
    try:
        return TokenRead.model_validate(service.revoke_token(session, user, token_id))
    except service.TokenNotFoundError as error:
        raise HTTPException(404, str(error)) from None
