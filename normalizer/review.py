"""The review page: static files from ``normalizer/static``, served by one small blueprint.

``GET /`` redirects to ``GET /review``, the page; its script and style sheet sit beside it
(``/review/review.js``, ``/review/review.css``).  Everything comes from the package: no
build step, no third-party code, and a Content-Security-Policy that allows nothing else.
The page cleans through ``POST /v1/clean``; ``POST /review/report`` gathers the curation
report of a batch output the editor opened (:mod:`normalizer.curation`).

The token guards the page as it guards the API.  A browser cannot send a bearer token
when it opens a page, so the token is also accepted as the password of HTTP Basic
authentication (any user name): the browser asks for it once and sends it with the
page's own requests.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from importlib import resources

from flask import Blueprint, Response, current_app, redirect, request, url_for

from normalizer.batch import iter_lines
from normalizer.problems import ApiError, json_bytes

review = Blueprint("review", __name__)
STATIC = resources.files("normalizer").joinpath("static")
# Only files from this package; no inline script, no other origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data: blob:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
NDJSON = "application/x-ndjson"


def _static(name: str, mimetype: str) -> Response:
    body = STATIC.joinpath(name).read_bytes()
    return Response(body, mimetype=mimetype, headers=SECURITY_HEADERS)


@review.get("/")
def home() -> Response:
    """The service's home is the review page."""
    return redirect(url_for("review.page"))


@review.get("/review")
def page() -> Response:
    """The review page."""
    return _static("review.html", "text/html")


@review.get("/review/review.js")
def script() -> Response:
    """The review page's script."""
    return _static("review.js", "text/javascript")


@review.get("/review/review.css")
def style() -> Response:
    """The review page's style sheet."""
    return _static("review.css", "text/css")


@review.post("/review/report")
def report() -> Response:
    """The curation report of a batch output (NDJSON lines of results) as JSON."""
    from normalizer.curation import gather

    if request.mimetype != NDJSON:
        raise ApiError(
            "unsupported-media-type",
            f"send the batch output as {NDJSON}",
            headers={"Accept-Post": NDJSON},
        )
    read = request.stream.read
    lines = iter_lines(read, request.max_content_length or 10 * 2**20)
    gazetteer = current_app.extensions["normalizer"].gazetteer  # the one in use now
    result = gather(lines, gazetteer=gazetteer).to_dict()
    return Response(json_bytes(result), mimetype="application/json")


def basic_password(credentials: str) -> str | None:
    """The password of HTTP Basic ``credentials`` (base64 of ``user:password``), or None."""
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    _user, colon, password = decoded.partition(":")
    return password if colon else None


def token_matches(authorization: str, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (Bearer, or Basic password)."""
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() == "basic":
        given = basic_password(given) or ""
    elif scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
