"""Bodies and framing, over raw sockets to the real server process.

A body over the limit is refused (413) whatever its framing, never cut at the limit and
cleaned; broken framing is a 400, never a 500; and the errors gunicorn answers itself
(a request line too long, header fields too large, a request that is not HTTP) come back
in the service's one shape, problem+json, like every other error.
"""

from __future__ import annotations

import http.client
import json
import socket

import pytest

from normalizer.problems import PROBLEM_TYPES
from tests.conftest import NORMALIZER

pytestmark = pytest.mark.slow

LIMIT = 1024


@pytest.fixture(scope="module")
def server(start_server, new_port, child_env, small_gazetteer):
    """One server: the small gazetteer, one worker, a 1 KiB body limit."""
    port = new_port()
    executable = NORMALIZER
    argv = [executable, "serve", "--port", str(port), "--workers", "1"]
    env = {"NORMALIZER_GAZETTEER": small_gazetteer[0], "NORMALIZER_MAX_BODY_BYTES": str(LIMIT)}
    with start_server(argv, port, env=env) as running:
        running.port = port
        yield running


def exchange(server, raw: bytes, *, half_close: bool = False):
    """Send ``raw`` on a new connection; return (status, headers, body bytes)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        try:
            return response.status, response.headers, response.read()
        finally:
            response.close()


def chunked(path: str, content_type: str, chunks: list[bytes], end: bytes = b"0\r\n\r\n") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    return head + b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + end


def assert_problem(answer, status: int, slug: str) -> dict:
    got, headers, body = answer
    assert got == status, body
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["type"] == PROBLEM_TYPES[slug].uri
    assert problem["status"] == status and problem["detail"]
    assert problem["request_id"] == headers["X-Request-ID"]
    return problem


TEXT = "text/plain; charset=utf-8"
WORDS = b"Khalifa Hifter met Sergei Lavrov in Sirt. "


def test_chunked_text_over_the_limit_is_413_not_cut(server):
    body = WORDS * 40  # 1,680 bytes
    pieces = [body[i : i + 100] for i in range(0, len(body), 100)]
    assert_problem(exchange(server, chunked("/v1/clean", TEXT, pieces)), 413, "body-too-large")


def test_chunked_text_one_byte_over_the_limit_is_413(server):
    body = (b"a " * LIMIT)[: LIMIT + 1]
    answer = exchange(server, chunked("/v1/clean", TEXT, [body[:LIMIT], body[LIMIT:]]))
    assert_problem(answer, 413, "body-too-large")


def test_chunked_json_over_the_limit_is_413_not_invalid_json(server):
    body = json.dumps({"text": (WORDS * 40).decode()}).encode()
    pieces = [body[i : i + 300] for i in range(0, len(body), 300)]
    answer = exchange(server, chunked("/v1/clean", "application/json", pieces))
    assert_problem(answer, 413, "body-too-large")


def test_chunked_text_at_the_limit_is_cleaned_whole(server):
    body = (WORDS * 40)[: LIMIT - 5] + b" end."
    assert len(body) == LIMIT
    status, _, answer = exchange(server, chunked("/v1/clean", TEXT, [body[:500], body[500:]]))
    assert status == 200
    assert json.loads(answer)["text"].endswith(" end.")


def test_content_length_over_the_limit_is_413(server):
    body = WORDS * 40
    raw = (
        f"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: {TEXT}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    assert_problem(exchange(server, raw), 413, "body-too-large")


@pytest.mark.parametrize(
    "end",
    [
        b"zz\r\nnot a chunk\r\n0\r\n\r\n",  # a chunk size that is not hexadecimal
        b"5\r\nHifterXX0\r\n\r\n",  # a chunk without its CRLF terminator
        b"",  # the body breaks off: the client closes its side
    ],
    ids=["bad-chunk-size", "missing-terminator", "cut-short"],
)
@pytest.mark.parametrize("content_type", [TEXT, "application/json"])
def test_malformed_chunked_bodies_are_400_never_500(server, end, content_type):
    first = b'{"text": "Khalifa ' if content_type == "application/json" else b"Khalifa "
    raw = chunked("/v1/clean", content_type, [first], end=end)
    assert_problem(exchange(server, raw, half_close=True), 400, "bad-request")


def test_content_length_body_cut_short_is_400(server):
    raw = (
        f"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: {TEXT}\r\n"
        "Content-Length: 500\r\n\r\nKhalifa Hifter"
    ).encode()
    assert_problem(exchange(server, raw, half_close=True), 400, "bad-request")


def test_request_line_too_long_is_414_problem_json(server):
    raw = b"GET /healthz?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: test\r\n\r\n"
    assert_problem(exchange(server, raw), 414, "uri-too-long")


def test_header_fields_too_large_are_431_problem_json(server):
    raw = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: " + b"a" * 10_000 + b"\r\n\r\n"
    assert_problem(exchange(server, raw), 431, "headers-too-large")


@pytest.mark.parametrize(
    "raw",
    [
        b"this is not http\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: test\r\nBad Header Name: x\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\nHost: test\r\n\r\n",
    ],
    ids=["request-line", "header-name", "http-version"],
)
def test_requests_that_are_not_http_are_400_problem_json(server, raw):
    assert_problem(exchange(server, raw), 400, "bad-request")


def test_unsupported_transfer_coding_is_501_problem_json(server):
    raw = (
        b"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n"
        b"Transfer-Encoding: brotli\r\n\r\n0\r\n\r\n"
    )
    assert_problem(exchange(server, raw), 501, "http-error")


def test_the_server_still_answers_after_all_this(server):
    raw = b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    status, _, body = exchange(server, raw)
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_expect_100_continue_is_answered_before_the_body(server):
    """A client that asks for ``100 Continue`` gets it at once, and only once: before, the
    server waited for the body the client was holding back (curl gives up after 1 s,
    other clients wait for the server's 15 s read timeout and get a 408)."""
    body = WORDS * 10
    head = (
        f"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: {TEXT}\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head)
        sock.settimeout(10)  # well inside the server's read timeout of 15 s
        interim = b""
        while b"\r\n\r\n" not in interim:
            piece = sock.recv(4096)
            assert piece, interim
            interim += piece
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.settimeout(30)
        sock.sendall(body)
        answer = b""
        while piece := sock.recv(65536):
            answer += piece
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert b"100 Continue" not in answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["text"].startswith("Khalifa Haftar")
