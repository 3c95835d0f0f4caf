"""Prometheus metrics, correct across gunicorn's worker processes.

Each gunicorn worker is its own process with its own counters.  ``normalizer serve``
therefore sets ``PROMETHEUS_MULTIPROC_DIR`` to a fresh temporary folder *before* this
module (and ``prometheus_client``) is imported: every process then writes its samples
to files there, and ``GET /metrics`` in any worker adds up the files of all of them.
Without that variable (tests, a single process) the ordinary in-memory registry is used.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "normalizer_http_requests",
    "HTTP requests answered, by method, route and status code",
    ["method", "endpoint", "status"],
)
DURATION = Histogram(
    "normalizer_http_request_duration_seconds",
    "Time to answer a request, streaming included, by route",
    ["endpoint"],
    # A short text cleans in about a millisecond, a news article in 20-500 ms, and a
    # batch of thousands of lines in minutes.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
BATCH_LINES = Counter(
    "normalizer_batch_lines", "Batch lines answered, by outcome (ok or error)", ["outcome"]
)
CHANGES = Counter("normalizer_changes", "Changes made to cleaned texts, by category", ["category"])


RELOADS = Counter(
    "normalizer_gazetteer_reloads",
    "Gazetteer reloads after a file changed, by outcome (ok or failed)",
    ["outcome"],
)
GAZETTEER = Gauge(
    "normalizer_gazetteer_info",
    "The gazetteer version each live worker is serving (value 1)",
    ["version"],
    multiprocess_mode="liveall",
)


def observe_reload(ok: bool) -> None:
    """Count one reload attempt."""
    RELOADS.labels("ok" if ok else "failed").inc()


def set_gazetteer_version(version: str) -> None:
    """Report the version in use (the previous one is dropped from this process)."""
    GAZETTEER.clear()
    GAZETTEER.labels(version).set(1)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    """Count one answered request (``endpoint`` is the route, never the raw path)."""
    REQUESTS.labels(method, endpoint, str(status)).inc()
    DURATION.labels(endpoint).observe(seconds)


def observe_result(result: dict) -> None:
    """Count the changes of one cleaning, by category."""
    for category, count in result["stats"].get("changes_by_category", {}).items():
        CHANGES.labels(category).inc(count)


def observe_batch_line(ok: bool) -> None:
    """Count one answered batch line."""
    BATCH_LINES.labels("ok" if ok else "error").inc()


def render() -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, and its content type."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Tell the multiprocess collector that a worker exited (gunicorn's child_exit hook)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)
