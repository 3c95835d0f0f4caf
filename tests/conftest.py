"""Shared fixtures: the Flask app and test client, and real server processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No wall-clock limits in the test suite (it must pass on a busy 2-core machine):
# Hypothesis' per-example deadline and its too-slow health check are both timers.
settings.register_profile("no-timers", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("no-timers")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtual environment's bin: the console script
NORMALIZER = str(BIN / "normalizer")  # the installed console script, for child processes
# The hand-curated news gazetteer alone: a few dozen entities, so a child process loads it
# in milliseconds, where the full default (with GeoNames) takes seconds per process.
SMALL_GAZETTEER = ROOT / "gazetteer" / "data" / "news.jsonl"


@pytest.fixture
def app(monkeypatch):
    """The Flask app on the built-in gazetteer, settings from defaults only."""
    from normalizer.service import create_app

    for name in list(os.environ):
        if name.startswith("NORMALIZER_"):
            monkeypatch.delenv(name)
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: no NORMALIZER_* settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORMALIZER_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}


@dataclass
class Server:
    """A server process started by :func:`running_server`."""

    process: subprocess.Popen
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running_server(argv, port, *, env=None, ready_path="/readyz", timeout=60.0):
    """Start ``argv``, wait until ``ready_path`` answers 200, stop it with SIGTERM after.

    ``env`` adds variables to the child's environment (:func:`process_env`).
    """
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                argv, stdout=sink, stderr=subprocess.STDOUT, env=process_env(**(env or {}))
            )
        server = Server(process, f"http://127.0.0.1:{port}", log)
        try:
            _wait_ready(server, ready_path, timeout)
            yield server
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server exited with {server.process.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"server not ready after {timeout} s:\n{server.log_text()}")


@pytest.fixture(scope="session")
def small_gazetteer():
    """(path, loaded Gazetteer) of the small news gazetteer, for fast child processes."""
    import gazetteer

    return str(SMALL_GAZETTEER), gazetteer.load([SMALL_GAZETTEER])


@pytest.fixture(scope="session")
def start_server():
    """``running_server(argv, port)``: a context manager around a real server process."""
    return running_server


@pytest.fixture(scope="session")
def new_port():
    """``free_port()``: a function returning a port nothing listens on."""
    return free_port


@pytest.fixture(scope="session")
def child_env():
    """``process_env(**extra)``: the environment for child processes."""
    return process_env
