"""End to end: the real ``normalizer serve`` (gunicorn, two workers) spoken to over HTTP."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from normalizer import clean
from normalizer.problems import PROBLEM_TYPES
from tests.conftest import NORMALIZER

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(path for path in (ROOT / "seeds").glob("*.txt") if ".expected" not in path.name)
BATCH_SIZE = 1000


@pytest.fixture(scope="module")
def server(start_server, new_port, child_env):
    """One server for the module: the default gazetteer, 2 workers, a 64 KiB body limit."""
    port = new_port()
    executable = NORMALIZER
    argv = [executable, "serve", "--port", str(port), "--workers", "2", "--max-body-bytes", "64KiB"]
    started = time.monotonic()
    with start_server(argv, port) as running:
        running.ready_after = time.monotonic() - started
        yield running


def call(server, method, path, body=b"", headers=None):
    """One request on a new connection; return (status, headers, body bytes)."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_server_becomes_ready(server):
    status, headers, body = call(server, "GET", "/readyz")
    assert status == 200 and json.loads(body)["status"] == "ready"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    print(f"ready after {server.ready_after:.1f} s")  # shown with pytest -s


def test_one_article(server):
    text = SEEDS[0].read_text(encoding="utf-8")
    status, headers, body = call(
        server,
        "POST",
        "/v1/clean",
        json.dumps({"text": text}),
        {"Content-Type": "application/json"},
    )
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == clean(text).to_dict()


def test_the_three_doors_agree(server, child_env):
    """Per seed: the library, ``normalizer clean --json`` and POST /v1/clean, identical."""
    executable = NORMALIZER
    done = subprocess.run(
        [executable, "clean", "--json", *map(str, SEEDS)],
        capture_output=True,
        env=child_env(),
        timeout=120,
        check=True,
    )
    from_cli = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(from_cli) == len(SEEDS)
    for seed, cli_result in zip(SEEDS, from_cli, strict=True):
        text = seed.read_text(encoding="utf-8")
        status, _, body = call(
            server,
            "POST",
            "/v1/clean",
            text.encode(),
            {"Content-Type": "text/plain; charset=utf-8"},
        )
        assert status == 200
        library = clean(text).to_dict()
        assert cli_result == library, seed.name
        assert json.loads(body) == library, seed.name


def batch_text(number: int) -> str:
    return f"Khalifa Hifter met Sergei Lavrov in Sirt ({number})."


def batch_body() -> tuple[bytes, dict[int, str]]:
    """1,000 lines with a few bad ones; return the body and {line index: error slug}."""
    lines, bad = [], {}
    for number in range(BATCH_SIZE):
        if number == 10:
            lines.append(b"")
            bad[number] = "blank-line"
        elif number % 97 == 3:
            lines.append(b"{not json")
            bad[number] = "invalid-json"
        elif number % 211 == 7:
            lines.append(json.dumps({"id": number}).encode())
            bad[number] = "missing-text"
        elif number % 333 == 5:
            lines.append(json.dumps({"id": number, "text": "a", "options": {"x": 1}}).encode())
            bad[number] = "invalid-options"
        else:
            lines.append(json.dumps({"id": number, "text": batch_text(number)}).encode())
    return b"\n".join(lines) + b"\n", bad


def check_batch_answer(body: bytes, bad: dict[int, str]) -> None:
    answers = [json.loads(line) for line in body.splitlines()]
    assert len(answers) == BATCH_SIZE
    for number, answer in enumerate(answers):
        if number in bad:
            assert answer["error"]["type"] == PROBLEM_TYPES[bad[number]].uri, number
            assert answer["error"]["line"] == number + 1
            expected_id = number if bad[number] in ("missing-text", "invalid-options") else None
            assert answer["id"] == expected_id
        else:
            assert answer["id"] == number
            assert answer["text"] == clean(batch_text(number)).text


def test_a_batch_of_1000_lines(server):
    body, bad = batch_body()
    assert len(bad) >= 10
    status, headers, answer = call(
        server, "POST", "/v1/clean/batch", body, {"Content-Type": "application/x-ndjson"}
    )
    assert status == 200
    assert headers["Content-Type"] == "application/x-ndjson"
    check_batch_answer(answer, bad)


def test_a_chunked_batch_of_1000_lines(server):
    body, bad = batch_body()
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    pieces = (body[i : i + 1000] for i in range(0, len(body), 1000))  # lines cut anywhere
    connection.request(
        "POST",
        "/v1/clean/batch",
        body=pieces,
        headers={"Content-Type": "application/x-ndjson"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    assert response.status == 200
    check_batch_answer(response.read(), bad)
    connection.close()


def test_broken_chunked_encoding_ends_the_batch_with_an_error_line(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/clean/batch HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'1a\r\n{"id": 1, "text": "Hifter"}\n\r\nzz\r\nnot a chunk\r\n'
        )
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        assert response.status == 200
        answers = [json.loads(line) for line in response.read().splitlines()]
        response.close()
    assert answers[-1]["id"] is None
    assert answers[-1]["error"]["type"] == PROBLEM_TYPES["bad-request"].uri


JSON = {"Content-Type": "application/json"}
MALFORMED = [
    ("POST", "/v1/clean", b'{"text": ', JSON, 400, "invalid-json"),
    ("POST", "/v1/clean", b'{"text": 5}', JSON, 400, "invalid-body"),
    ("POST", "/v1/clean", b'{"options": {}}', JSON, 400, "missing-text"),
    ("POST", "/v1/clean", b'{"text": ""}', JSON, 400, "missing-text"),
    ("POST", "/v1/clean", b'{"text": "a", "options": []}', JSON, 400, "invalid-options"),
    (
        "POST",
        "/v1/clean",
        b'{"text": "a", "options": {"fast": true}}',
        JSON,
        400,
        "invalid-options",
    ),
    ("POST", "/v1/clean", b"caf\xe9", {"Content-Type": "text/plain"}, 400, "invalid-utf8"),
    ("POST", "/v1/clean", b"hello", {"Content-Type": "image/png"}, 415, "unsupported-media-type"),
    ("POST", "/v1/clean", b"hello", {}, 415, "unsupported-media-type"),
    ("POST", "/v1/clean", b"x" * 70_000, {"Content-Type": "text/plain"}, 413, "body-too-large"),
    ("POST", "/v1/clean/batch", b"{}", JSON, 415, "unsupported-media-type"),
    ("GET", "/v1/clean", b"", {}, 405, "method-not-allowed"),
    ("GET", "/v2/anything", b"", {}, 404, "not-found"),
]


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "slug"), MALFORMED)
def test_malformed_requests(server, method, path, body, headers, status, slug):
    got, response_headers, answer = call(server, method, path, body, headers)
    assert got == status
    assert response_headers["Content-Type"] == "application/problem+json"
    problem = json.loads(answer)
    assert problem["type"] == PROBLEM_TYPES[slug].uri
    assert problem["status"] == status and problem["detail"]
    assert problem["request_id"] == response_headers["X-Request-ID"]


def requests_total(metrics_text: str) -> float:
    pattern = r"^normalizer_http_requests_total\{[^}]*\} (\S+)$"
    return sum(float(value) for value in re.findall(pattern, metrics_text, re.M))


def test_metrics_add_up_every_worker(server):
    status, _, before = call(server, "GET", "/metrics")
    assert status == 200
    sent = 60

    def hammer():
        for _ in range(sent // 6):
            assert call(server, "GET", "/healthz")[0] == 200

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, _, after = call(server, "GET", "/metrics")
    assert requests_total(after.decode()) - requests_total(before.decode()) >= sent
    # Both workers answered: the sum above spans processes, not one worker's counters.
    records = [json.loads(line) for line in server.log_text().splitlines() if line[:1] == "{"]
    # (The /healthz lines only: workers forked before the gazetteer was in answered the
    # start-up's /readyz polls, and were forked again since.)
    access = [record for record in records if record["logger"] == "normalizer.access"]
    pids = {record["pid"] for record in access if record["path"] == "/healthz"}
    assert len(pids) == 2


def test_access_log_lines_carry_the_request_id(server):
    call(server, "GET", "/healthz", headers={"X-Request-ID": "e2e-trace-7"})
    time.sleep(0.2)
    lines = [json.loads(line) for line in server.log_text().splitlines() if "e2e-trace-7" in line]
    assert [(line["path"], line["status"]) for line in lines] == [("/healthz", 200)]


def test_sigterm_lets_an_inflight_batch_finish(start_server, new_port, child_env, small_gazetteer):
    """SIGTERM mid-batch: the batch is still read and answered in full; exit code 0."""
    port = new_port()
    executable = NORMALIZER
    argv = [executable, "serve", "--port", str(port), "--workers", "1", "--timeout", "20"]
    with start_server(argv, port, env={"NORMALIZER_GAZETTEER": small_gazetteer[0]}) as server:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(
            b"POST /v1/clean/batch HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
        )

        def send_lines(first: int, last: int) -> None:
            data = b"".join(
                json.dumps({"id": n, "text": f"Khalifa Hifter ({n})."}).encode() + b"\n"
                for n in range(first, last)
            )
            sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))

        send_lines(0, 50)
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        assert response.status == 200
        assert json.loads(response.readline())["id"] == 0  # the batch is in flight
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the master has told the worker to stop by now
        send_lines(50, 100)
        sock.sendall(b"0\r\n\r\n")
        rest = [json.loads(line) for line in response.read().splitlines()]
        assert [answer["id"] for answer in rest] == list(range(1, 100))
        assert rest[-1]["text"] == clean("Khalifa Hifter (99).", gazetteer=small_gazetteer[1]).text
        response.close()
        sock.close()
        assert server.process.wait(timeout=30) == 0
        log = server.log_text()
        # The signal was handled before the batch's access line (written when it ended).
        assert log.index("Handling signal: term") < log.index('"path": "/v1/clean/batch"')
