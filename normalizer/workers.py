"""gunicorn workers: slow clients cost a connection, not a thread; errors in one shape.

**Slow clients.**  gunicorn's gthread worker hands each new connection to a thread,
which then waits for the request: a client that sends its request one byte a second (or
nothing) holds that thread for as long as it likes, and a few such clients (workers ×
threads) stop the service.  Here the worker's event loop reads each request's head, and
a body of known length up to :data:`BUFFERED_BODY_BYTES`, without blocking, alongside
every other connection.  A request not read whole within :data:`READ_TIMEOUT` seconds is
answered 408 and closed.  (A larger or chunked body is read by a thread, each read
waiting at most the ``timeout`` setting.)

**Slow readers.**  The answer to a request read whole is written to an outbox and sent
by the event loop as the client takes it (:mod:`normalizer.sending`): a client that does
not read its answer costs a buffer, not a thread.

**Where a request is answered.**  In a thread of the worker's pool.  The designs
measured against this one (a loop that also cleans, gunicorn's sync worker): "Serving
design, and why" in the README, and ``bench/serving.py``.

**Errors.**  Most errors reach the app and its one handler (:mod:`normalizer.problems`).
A few never do: a request line too long (414), too many or too large header fields (431), a request
line or header that is not HTTP (400), a transfer coding gunicorn does not implement
(501).  gunicorn answers those itself, in text/html.  These workers answer them in the
service's one error shape instead, with a request id, and close the connection (as
gunicorn does: after a broken request the stream cannot be trusted).
"""

from __future__ import annotations

import contextlib
import http
import re
import selectors
import ssl
import time
import uuid
from functools import partial

from gunicorn import util
from gunicorn.http import errors
from gunicorn.workers import gthread

from normalizer.problems import PROBLEM_MEDIA_TYPE, ApiError, json_bytes
from normalizer.sending import Outbox, SendsAnswers, receive

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


# Seconds a client has to send a whole request (head, and a buffered body) once it
# connected or its previous answer was sent.  Generous for any real client on any real
# network; a client trickling bytes is cut off here instead of holding anything.
READ_TIMEOUT = 15.0
# Bodies up to this size (with a Content-Length) are read by the event loop too: a news
# article is 5-50 KB; a batch or a huge body streams through a thread instead.
BUFFERED_BODY_BYTES = 1024 * 1024
HEAD_END = b"\r\n\r\n"
STOP_LINGER = gthread.STOP_KEEPALIVE_LINGER  # seconds a stopping worker waits for a request
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d{1,12})[ \t]*\r\n", re.I)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:", re.I)
_EXPECT_CONTINUE = re.compile(rb"\r\nexpect:[ \t]*100-continue[ \t]*\r\n", re.I)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def expects_continue(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds a whole HTTP/1.1 request head that asks for ``100 Continue``
    before its client sends the body (``Expect: 100-continue``)."""
    end = data.find(HEAD_END)
    if end < 0:
        return False
    head = bytes(data[: end + 2])
    line = head[: head.find(b"\r\n")]
    return line.endswith(b" HTTP/1.1") and _EXPECT_CONTINUE.search(head) is not None


def request_buffered(data: bytes | bytearray) -> bool:
    """Whether ``data`` (a request :func:`request_complete` accepted) holds its whole
    body: a head without a body, or with a body of known length read here."""
    end = data.find(HEAD_END)
    if end < 0:
        return False
    head = bytes(data[: end + 2])
    if _CHUNKED.search(head):
        return False
    length = _CONTENT_LENGTH.search(head)
    return length is None or int(length.group(1)) <= BUFFERED_BODY_BYTES


def request_complete(data: bytes | bytearray, head_limit: int) -> bool:
    """Whether ``data`` holds a whole request head, and its body when that is buffered
    here; also True when the head is over ``head_limit`` (the parser will refuse it)."""
    end = data.find(HEAD_END)
    if end < 0:
        return len(data) > head_limit
    head = bytes(data[: end + 2])
    length = _CONTENT_LENGTH.search(head)
    if length is None or _CHUNKED.search(head) or int(length.group(1)) > BUFFERED_BODY_BYTES:
        return True  # no body, or one a thread reads
    return len(data) >= end + 4 + int(length.group(1))


class ThreadWorker(SendsAnswers, ProblemErrors, gthread.ThreadWorker):
    """gunicorn's gthread worker: requests read by the event loop, errors as problem+json."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reading: dict[gthread.TConn, tuple[bytearray, float]] = {}

    @property
    def head_limit(self) -> int:
        """Bytes a request head may take before the parser refuses it (414, 431)."""
        fields = self.cfg.limit_request_fields * (self.cfg.limit_request_field_size + 2)
        return self.cfg.limit_request_line + fields + 4

    def accept(self, listener) -> None:
        """Accept a connection and start reading its request in the event loop."""
        if self.cfg.is_ssl:  # TLS is read by the thread that shakes hands (not used here)
            super().accept(listener)
            return
        try:
            client, address = listener.accept()
        except OSError:
            return  # another worker took it, or the client left
        self.nr_conns += 1
        self._read_request(gthread.TConn(self.cfg, client, address, listener.getsockname()))

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection starts its next request: read it in the loop too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_request(conn)

    def _read_request(self, conn) -> None:
        conn.sock.setblocking(False)
        conn.continued = False  # whether this request was answered 100 Continue
        self.reading[conn] = (bytearray(), time.monotonic() + READ_TIMEOUT)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, conn))

    def _on_bytes(self, conn, client) -> None:
        data, _ = self.reading[conn]
        chunk = receive(conn.sock)
        if chunk is None:
            return
        data += chunk
        # At the end of the stream (the client closed, or shut its side) a whole head goes
        # to the parser as it is, which answers a body cut short; a broken head gets 400.
        if request_complete(data, self.head_limit) or (not chunk and HEAD_END in data):
            self.poller.unregister(client)
            del self.reading[conn]
            conn.init()  # blocking from here on, in a thread
            conn.parser.unreader.unread(bytes(data))
            conn.data_ready = True
            self.dispatch(conn, len(data) if request_buffered(data) else None)
        elif not chunk:
            problem = ApiError("bad-request", "The request ended before its head was complete.")
            self._drop(conn, problem_response(problem, None) if data else b"")
        elif not conn.continued and expects_continue(data):
            # The client waits for this before it sends the body it announced; without
            # it the loop would wait for the body, and the client (curl: one second)
            # for its own timeout.  Sent once; the thread does not send it again.
            conn.continued = True
            with contextlib.suppress(OSError):
                conn.sock.send(CONTINUE)

    def dispatch(self, conn, size: int | None) -> None:
        """Hand a request read whole (``size`` bytes), or its head (``None``), to a
        thread; the answer to one read whole goes to an outbox, sent by the loop."""
        if size is not None:
            self.outboxes[conn] = Outbox(conn.sock)
        self.enqueue_req(conn)

    def handle_request(self, req, conn):
        """Serve one request; each read of the rest of its body waits at most ``timeout``
        seconds (set here: the thread made the socket blocking, without a timeout)."""
        conn.sock.settimeout(self.cfg.timeout or None)
        if getattr(conn, "continued", False):
            req._expected_100_continue = False  # gunicorn would send it again
        return super().handle_request(req, conn)

    def _drop(self, conn, answer: bytes = b"") -> None:
        self.reading.pop(conn, None)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        if answer:
            with contextlib.suppress(OSError):
                conn.sock.send(answer)
        self.nr_conns -= 1
        util.close(conn.sock)

    def murder_pending(self) -> None:
        """Also answer 408 to requests not read in time.  A stopping worker goes on
        reading the requests it accepted, for a short while: dropping them would reset
        connections that a client is using (as on every reload)."""
        super().murder_pending()
        now = time.monotonic()
        for conn, (data, deadline) in list(self.reading.items()):
            if not self.alive and not data and now > deadline - READ_TIMEOUT + STOP_LINGER:
                self._drop(conn)  # nothing sent yet: the client will ask another worker
            elif now > deadline:
                answer = b""
                if data:  # a client that sent nothing is simply closed
                    detail = f"The request was not received whole within {READ_TIMEOUT:.0f} s."
                    problem = ApiError("request-timeout", detail)
                    answer = problem_response(problem, None)
                self._drop(conn, answer)
