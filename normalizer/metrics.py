"""Prometheus metrics, correct across gunicorn's worker processes.

Each gunicorn worker is its own process with its own counters.  ``normalizer serve``
therefore sets ``PROMETHEUS_MULTIPROC_DIR`` to a fresh temporary folder *before* this
module (and ``prometheus_client``) is imported: every process then writes its samples
to files there, and ``GET /metrics`` in any worker adds up the files of all of them.
Without that variable (tests, a single process) the ordinary in-memory registry is used.
"""

from __future__ import annotations

import functools
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

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


def observe_reload(ok: bool) -> None:
    """Count one reload attempt."""
    RELOADS.labels("ok" if ok else "failed").inc()


@functools.lru_cache(maxsize=256)  # bounded: a method name comes from the client
def _child(metric, *labels: str):
    """``metric.labels(*labels)``, looked up once: label values here come from a small
    fixed set (routes, status codes, categories), and ``labels`` checks and locks on
    every call (about a third of the metrics' cost per request)."""
    return metric.labels(*labels)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    """Count one answered request (``endpoint`` is the route, never the raw path)."""
    _child(REQUESTS, method, endpoint, str(status)).inc()
    _child(DURATION, endpoint).observe(seconds)


def observe_result(result: dict) -> None:
    """Count the changes of one cleaning, by category."""
    for category, count in result["stats"].get("changes_by_category", {}).items():
        _child(CHANGES, category).inc(count)


def observe_batch_line(ok: bool) -> None:
    """Count one answered batch line."""
    _child(BATCH_LINES, "ok" if ok else "error").inc()


class _GazetteerInfo:
    """``normalizer_gazetteer_info{version=...} 1``: the version the answering process
    serves, one label, made when asked.  (A gauge kept in the multiprocess files kept
    every version any process ever reported, the master's first one included.)"""

    def __init__(self, version: str | None) -> None:
        self.version = version

    def collect(self):
        info = GaugeMetricFamily(
            "normalizer_gazetteer_info",
            "The gazetteer version in use (value 1); absent until one is loaded",
            labels=["version"],
        )
        if self.version is not None:
            info.add_metric([self.version], 1)
        yield info


def render(gazetteer_version: str | None = None) -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, and its content type."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    registry = CollectorRegistry()
    registry.register(_GazetteerInfo(gazetteer_version))
    return body + generate_latest(registry), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Tell the multiprocess collector that a worker exited (gunicorn's child_exit hook)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)
