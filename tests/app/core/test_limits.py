"""The request-size limit, on a tiny app that reads its whole body."""

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from app.core.limits import BodySizeLimit


def echo_app(max_bytes: int) -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    app.add_middleware(BodySizeLimit, max_bytes=max_bytes)
    return app


def chunks(count: int, size: int):  # no Content-Length: the limit counts bytes as they arrive
    for _ in range(count):
        yield b"x" * size


def test_body_within_the_limit_passes() -> None:
    client = TestClient(echo_app(1000))
    assert client.post("/echo", content=b"x" * 1000).json() == {"received": 1000}
    assert client.post("/echo", content=chunks(2, 500)).json() == {"received": 1000}


def test_declared_oversized_body_is_refused() -> None:
    response = TestClient(echo_app(1000)).post("/echo", content=b"x" * 1001)
    assert response.status_code == 413
    assert response.json() == {"detail": "request body larger than 1000 bytes"}


def test_streamed_oversized_body_is_refused() -> None:
    response = TestClient(echo_app(1000)).post("/echo", content=chunks(10, 500))
    assert response.status_code == 413
