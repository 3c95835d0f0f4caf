"""gunicorn workers whose own error answers are problem+json too.

Most errors reach the app and its one handler (:mod:`normalizer.problems`).  A few never
do: a request line too long (414), too many or too large header fields (431), a request
line or header that is not HTTP (400), a transfer coding gunicorn does not implement
(501).  gunicorn answers those itself, in text/html.  These workers answer them in the
service's one error shape instead, with a request id, and close the connection (as
gunicorn does: after a broken request the stream cannot be trusted).
"""

from __future__ import annotations

import http
import ssl
import uuid

from gunicorn import util
from gunicorn.http import errors
from gunicorn.workers import gthread

from normalizer.problems import PROBLEM_MEDIA_TYPE, ApiError, json_bytes

# gunicorn's exceptions, most specific first: (class, problem slug, status).
_SERVER_ERRORS = (
    (errors.InvalidResponseHeader, "internal-error", 500),  # the app's fault, not the client's
    (errors.InvalidResponseHeaderName, "internal-error", 500),
    (errors.ConfigurationProblem, "internal-error", 500),
    (errors.LimitRequestLine, "uri-too-long", 414),
    (errors.LimitRequestHeaders, "headers-too-large", 431),
    (errors.ExpectationFailed, "http-error", 417),
    (errors.UnsupportedTransferCoding, "http-error", 501),
    (errors.ForbiddenProxyRequest, "http-error", 403),
    (errors.ParseException, "bad-request", 400),
    (ssl.SSLError, "bad-request", 400),
)


def server_problem(error: Exception) -> ApiError:
    """The problem for an error gunicorn met before (or outside) the app."""
    found = next((kind for kind in _SERVER_ERRORS if isinstance(error, kind[0])), None)
    if found is None or found[1] == "internal-error":
        return ApiError("internal-error", "The server could not handle this request; it is logged.")
    _, slug, status = found
    return ApiError(slug, f"The request could not be read as HTTP: {error}.", status=status)


def problem_response(problem: ApiError, path: str | None) -> bytes:
    """A complete HTTP/1.1 response carrying ``problem``, closing the connection."""
    request_id = uuid.uuid4().hex
    body = json_bytes({**problem.to_dict(), "instance": path, "request_id": request_id})
    reason = http.HTTPStatus(problem.status).phrase
    head = (
        f"HTTP/1.1 {problem.status} {reason}\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Request-ID: {request_id}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemErrors:
    """Mixin for a gunicorn worker: its own error answers are problem+json."""

    def handle_error(self, req, client, addr, exc) -> None:
        """Log like gunicorn does, then answer in the service's error shape."""
        problem = server_problem(exc)
        if problem.status >= 500:
            self.log.exception("Error handling request %s", getattr(req, "uri", "(no URI read)"))
        else:
            ip = (addr or ("",))[0]
            self.log.warning("Invalid request from ip=%s: %s", ip, exc)
        try:
            util.write_nonblock(client, problem_response(problem, getattr(req, "path", None)))
        except Exception:  # the client may be gone already; nothing else to do
            self.log.debug("Failed to send error message.")


class ThreadWorker(ProblemErrors, gthread.ThreadWorker):
    """gunicorn's gthread worker, answering its own errors as problem+json."""
