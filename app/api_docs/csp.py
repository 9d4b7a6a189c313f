"""What the two API documentation pages need from the Content-Security-Policy, beyond
``default-src 'self'; script-src 'self'`` (tests/browser/test_api_docs.py checks it in chromium).

- Swagger UI (/docs): ``img-src 'self' data:`` (its icons are data: URIs).
- ReDoc (/redoc): ``worker-src blob:`` (its search index runs in a worker made from a blob), and
  its styles: styled-components writes <style> elements carrying the request's CSP nonce, which
  the page hands over when ``request.state.csp_nonce`` is set, and the bundle writes one fixed
  stylesheet (perfect-scrollbar's) at load, before it knows the nonce: allowed by its hashes
  (the empty element first, then its text). Without a nonce: ``style-src 'self' 'unsafe-inline'``.
"""

from __future__ import annotations

# Of app/static/vendor/redoc/redoc.standalone.js (redoc 2.5.4): change them with the bundle.
REDOC_STYLE_HASHES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style> element
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's CSS
)


def api_docs_csp(nonce: str) -> str:
    """The policy /docs and /redoc work under, with ``nonce`` this response's CSP nonce."""
    style = " ".join(["'self'", f"'nonce-{nonce}'", *REDOC_STYLE_HASHES])
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {style}",
        "img-src 'self' data:",
        "worker-src blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)
