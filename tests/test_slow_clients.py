"""Slow and idle clients cost a connection, not a worker (the real server, raw sockets).

The server here has one worker with one thread: before, a single client sending half a
request head and waiting held that thread, and every other request waited as long as it
stayed.  Now requests are read whole by the worker's event loop first.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import time

import pytest

from normalizer import clean
from normalizer.problems import PROBLEM_TYPES
from normalizer.sending import Outbox
from normalizer.workers import READ_TIMEOUT, request_complete
from tests.conftest import NORMALIZER

pytestmark = pytest.mark.slow

# A guard against a hang, far above any answer's time even on a busy machine; before,
# these requests waited for as long as the slow clients stayed.
HANG = 30.0


@pytest.fixture(scope="module")
def server(start_server, new_port, child_env, small_gazetteer):
    port = new_port()
    executable = NORMALIZER
    argv = [executable, "serve", "--port", str(port), "--workers", "1", "--threads", "1"]
    env = {"NORMALIZER_GAZETTEER": small_gazetteer[0]}
    with start_server(argv, port, env=env) as running:
        running.port = port
        yield running


def clean_request(port: int) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
    try:
        connection.request(
            "POST",
            "/v1/clean",
            body=b"Khalifa Hifter met Lavrov.",
            headers={"Content-Type": "text/plain"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@contextlib.contextmanager
def slow_clients(port: int, count: int, sent: bytes):
    """``count`` connections that each sent ``sent`` and then wait."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=HANG)
            if sent:
                sock.sendall(sent)
            sockets.append(sock)
        time.sleep(0.5)  # every one of them has reached the worker by now
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


HALF_HEAD = b"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: text/pl"
HALF_BODY = b"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n" + (
    b"Content-Length: 100\r\n\r\nKhalifa"
)


@pytest.mark.parametrize(
    "sent", [b"", HALF_HEAD, HALF_BODY], ids=["idle", "half-a-head", "half-a-body"]
)
def test_other_requests_are_answered_while_slow_clients_wait(server, sent):
    with slow_clients(server.port, 20, sent):
        for _ in range(3):
            status, answer = clean_request(server.port)
            assert status == 200 and answer["text"] == "Khalifa Haftar met Lavrov."


def test_a_trickling_client_does_not_hold_the_thread(server):
    """One byte at a time, each sent before the last one could time out."""
    with slow_clients(server.port, 5, b"P") as sockets:
        for byte in b"OST /v1/clean HTTP/1.1\r\n":
            for sock in sockets:
                sock.sendall(bytes([byte]))
            if byte == ord("/"):
                assert clean_request(server.port)[0] == 200
            time.sleep(0.01)


def test_a_request_not_sent_in_time_is_answered_408(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=READ_TIMEOUT + HANG) as sock:
        sock.sendall(HALF_HEAD)
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        assert response.status == 408
        assert response.headers["Content-Type"] == "application/problem+json"
        assert json.loads(response.read())["type"] == PROBLEM_TYPES["request-timeout"].uri


@pytest.mark.parametrize(
    ("data", "complete"),
    [
        (b"GET / HTTP/1.1\r\nHost: a\r\n", False),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc", False),
        (b"POST / HTTP/1.1\r\ncontent-length: 5\r\n\r\nabcde", True),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", True),  # a thread reads it
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", True),  # too large to buffer
        (b"GET /" + b"a" * 200, True),  # over the head limit: the parser refuses it
    ],
)
def test_request_complete(data, complete):
    assert request_complete(data, head_limit=100) is complete


def test_a_body_that_stalls_in_a_thread_is_answered_400_after_the_timeout(
    start_server, new_port, child_env, small_gazetteer
):
    """A chunked body is read by a thread; a stalled one frees it after ``--timeout``."""
    port = new_port()
    executable = NORMALIZER
    argv = [executable, "serve", "--port", str(port), "--workers", "1", "--threads", "1"]
    argv += ["--timeout", "2"]
    with start_server(argv, port, env={"NORMALIZER_GAZETTEER": small_gazetteer[0]}):
        with socket.create_connection(("127.0.0.1", port), timeout=HANG) as sock:
            sock.sendall(
                b"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n7\r\nKhalifa\r\n"
            )
            response = http.client.HTTPResponse(sock, method="POST")
            response.begin()
            assert response.status == 400
            assert json.loads(response.read())["type"] == PROBLEM_TYPES["bad-request"].uri
        assert clean_request(port)[0] == 200  # the one thread is free again


# ``normalizer serve`` with each accepted socket's send buffer made small: on loopback the
# kernel would otherwise take a whole answer (megabytes) whether or not the client reads.
SMALL_SEND_BUFFER = """
import socket, sys
from normalizer import server, workers
from normalizer.settings import resolve
read_request = workers.ThreadWorker._read_request
def small_send_buffer(self, conn):
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    read_request(self, conn)
workers.ThreadWorker._read_request = small_send_buffer
server.serve(resolve(None, {"port": sys.argv[1], "workers": "1", "threads": "1"}))
"""


def test_clients_that_do_not_read_their_answers_do_not_stop_the_worker(
    start_server, new_port, small_gazetteer
):
    """Answers the event loop wrote are sent as the client takes them: three clients
    that do not read meanwhile leave the one worker (one thread) free for others, and
    each still gets its whole answer once it reads."""
    port = new_port()
    argv = [sys.executable, "-c", SMALL_SEND_BUFFER, str(port)]
    text = "Khalifa Hifter met Lavrov in Sirt. " * 600  # 21 KB; an answer of about 300 KB
    body = text.encode()
    expected = clean(text, gazetteer=small_gazetteer[1]).text
    assert "Hifter" not in expected
    head = (
        b"POST /v1/clean HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    with start_server(argv, port, env={"NORMALIZER_GAZETTEER": small_gazetteer[0]}):
        readers = []
        try:
            for _ in range(3):
                sock = socket.socket()
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.settimeout(HANG)
                sock.connect(("127.0.0.1", port))
                sock.sendall(head + body)
                readers.append(sock)
            status, answer = clean_request(port)
            assert status == 200 and answer["text"] == "Khalifa Haftar met Lavrov."
            for sock in readers:
                response = http.client.HTTPResponse(sock, method="POST")
                response.begin()
                assert response.status == 200
                assert json.loads(response.read())["text"] == expected
        finally:
            for sock in readers:
                sock.close()


def test_an_outbox_keeps_every_write_in_order(tmp_path):
    """Whatever gunicorn writes an answer with (sendall, send, sendfile for a file
    response) lands in the outbox in order; nothing goes to the socket around it."""
    path = tmp_path / "page.html"
    path.write_bytes(b"0123456789")
    left, right = socket.socketpair()
    with left, right, path.open("rb") as file:
        outbox = Outbox(left)
        outbox.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        assert outbox.send(b"<") == 1
        assert outbox.sendfile(file, offset=2, count=5) == 5
        assert outbox.data == b"HTTP/1.1 200 OK\r\n\r\n<23456"
        assert outbox.fileno() == left.fileno()  # everything else is the socket's
        right.setblocking(False)
        with pytest.raises(BlockingIOError):
            right.recv(1)  # nothing was sent
