"""Slow clients: normal requests' latency with 200 connections trickling a byte a second.

The server as ``normalizer serve`` runs it (2 workers of 2 threads).  A quiet run: one
client sends short articles one after another, and the p50/p99 of their answers are
taken.  Then the same while 200 other connections (from another process) each send a
request head one byte a second, each at its own moment of the second; then a quiet run
again.  The figure is the ratio of the trickling run's p99 to the quiet runs' mean (the
target: at most 2).  A request unanswered after ``timeout`` seconds counts as failed
(before the event loop read the requests, the first four tricklers held all four
threads and every other request waited).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import time

from bench.http import VENV_BIN, free_port, wait_ready

HEAD = b"POST /v1/clean HTTP/1.1\r\nHost: bench\r\nContent-Type: text/plain\r\nX-Pad: " + b"a" * 200


# A design that lets slow clients stop it would take ``timeout`` seconds per request:
# after this many failures the rest are not tried (and count as failed).
GIVE_UP_AFTER = 5


def _latencies(port: int, count: int, timeout: float) -> dict:
    text = "Khalifa Hifter met Sergei Lavrov in Sirt on Monday, the ministry said."
    samples, failed = [], 0
    for _ in range(count):
        if failed >= GIVE_UP_AFTER:
            failed = count - len(samples)
            break
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request("POST", "/v1/clean", text, {"Content-Type": "text/plain"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failed += 1
            else:
                samples.append((time.perf_counter() - started) * 1000)
        except OSError:
            failed += 1
        finally:
            connection.close()
    ordered = sorted(samples) or [float("nan")]
    return {
        "answered": len(samples),
        "failed": failed,
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def _trickle(port: int, connections: int, stop) -> None:
    """``connections`` sockets, each sent one more byte of HEAD every second.

    Each socket's byte comes at its own moment of the second, as independent clients'
    would, not all 200 at once.  (Run in a process of its own: as a thread beside the
    measuring client, its sends held that client's GIL and the client's p99 rose too.)
    """
    sockets = []
    for _ in range(connections):
        try:
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            break
    started, position = time.monotonic(), 0
    while not stop.is_set():
        byte = HEAD[position % len(HEAD) : position % len(HEAD) + 1]
        for index, sock in enumerate(list(sockets)):
            delay = started + position + index / max(1, len(sockets)) - time.monotonic()
            if delay > 0 and stop.wait(delay):
                break
            try:
                sock.send(byte)
            except OSError:  # answered 408 and closed: open another one
                sockets.remove(sock)
                sock.close()
                with contextlib.suppress(OSError):
                    sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        position += 1
    for sock in sockets:
        sock.close()


def bench_slow_clients(
    requests: int = 1000, connections: int = 200, timeout: float = 10, command=None
) -> dict:
    """Quiet p99, p99 beside ``connections`` trickling clients, and their ratio.

    ``command(port)`` is the server's argv (by default ``normalizer serve``, 2 workers).
    The quiet run is taken before and after the trickling one, and the ratio is to the
    mean of the two: right after ``/readyz`` the master forks its workers again, and a
    quiet run taken only first would also time the new workers' first requests.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORMALIZER_")}
    argv = [str(VENV_BIN / "normalizer"), "serve", "--port", str(port), "--workers", "2"]
    argv = command(port) if command else argv
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", timeout=300)
        time.sleep(2)  # the workers forked again once the gazetteer was in
        _latencies(port, 200, timeout)  # warm every worker
        quiet = _latencies(port, requests, timeout)
        processes = multiprocessing.get_context("fork")
        stop = processes.Event()
        trickler = processes.Process(target=_trickle, args=(port, connections, stop))
        trickler.start()
        time.sleep(3)  # every trickler connected and started
        try:
            loaded = _latencies(port, requests, timeout)
        finally:
            stop.set()
            trickler.join()
        quiet_after = _latencies(port, requests, timeout)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    quiet_p99 = (quiet["p99_ms"] + quiet_after["p99_ms"]) / 2
    return {
        "trickling_connections": connections,
        "quiet": quiet,
        "with_tricklers": loaded,
        "quiet_after": quiet_after,
        "ratio_p99": round(loaded["p99_ms"] / quiet_p99, 2),
    }


if __name__ == "__main__":
    print(json.dumps(bench_slow_clients(), indent=2))
