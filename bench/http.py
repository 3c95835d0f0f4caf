"""HTTP figures: throughput and latency under load, start-to-ready, memory per worker.

Each figure is measured beside a baseline served the same way in the same run: a trivial
Flask app whose one endpoint runs plain ``ftfy.fix_text`` (``bench/baseline_app.py``),
under gunicorn with the same worker class, workers and threads.  Load comes from ``wrk``
(Debian package ``wrk``) on 127.0.0.1, bounded in time; request bodies are distinct
articles made by shuffling the seed articles' paragraphs, so no cache sees one twice.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from normalizer.server import WORKER_CLASS

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SEEDS = sorted(p for p in (ROOT / "seeds").glob("0*.txt") if ".expected" not in p.name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def articles(count: int, seed: int = 5) -> list[str]:
    """Distinct articles: each seed's paragraphs in a shuffled order, plus a unique line."""
    rng = random.Random(seed)
    sources = [path.read_text("utf-8").split("\n\n") for path in SEEDS]
    made = []
    for number in range(count):
        paragraphs = list(rng.choice(sources))
        rng.shuffle(paragraphs)
        made.append("\n\n".join(paragraphs) + f"\n\nReference {number} of this benchmark.")
    return made


def wait_ready(url: str, timeout: float = 60.0) -> float:
    """Seconds until ``url`` answers 200."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"{url} not ready after {timeout} s")


def _rss_kib(pid: int) -> dict:
    """RSS and PSS (proportional: shared pages divided among sharers) of one process."""
    figures = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return figures
    for key in ("Rss", "Pss"):
        match = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
        if match:
            figures[key.lower() + "_mib"] = round(int(match.group(1)) / 1024, 1)
    return figures


def cpu_seconds(master: int) -> float:
    """User and system CPU time used so far by ``master`` and its worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [master] + [int(pid) for pid in children.read_text().split()]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that just exited
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_memory(master: int) -> list[dict]:
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    return [_rss_kib(pid) for pid in pids]


def lua_script(bodies: list[str], path: Path) -> Path:
    quoted = ",\n".join(json.dumps(body, ensure_ascii=False) for body in bodies)
    path.write_text(
        "local bodies = {\n" + quoted + "\n}\n"
        "local counter = 0\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "text/plain; charset=utf-8"\n'
        "request = function()\n"
        "  counter = counter + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])\n"
        "end\n",
        encoding="utf-8",
    )
    return path


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> dict:
    done = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(script), url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    )  # fmt: skip
    output = done.stdout
    figures = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    for label in ("50%", "99%"):
        match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{label[:-1]}_ms"] = round(value * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    return figures


def serve(
    command: list[str], port: int, env: dict, ready_path: str = "/healthz"
) -> tuple[subprocess.Popen, float]:
    """Start ``command``; seconds until ``ready_path`` answers 200 (our service: /readyz,
    as its port answers before the gazetteer is in)."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ready = wait_ready(f"http://127.0.0.1:{port}{ready_path}")
    return process, ready


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def bench_http(seconds: int = 10, connections: int = 8, workers: int = 2, threads: int = 2) -> dict:
    """Our service against the ftfy baseline app, each under the same gunicorn setup."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        script = lua_script(articles(500), Path(folder) / "bodies.lua")
        env = {**os.environ, "NORMALIZER_LOG_FORMAT": "text"}
        port = free_port()
        ours = [str(VENV_BIN / "normalizer"), "serve", "--port", str(port),
                "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
        base_port = free_port()
        baseline = [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{base_port}",
                    "--workers", str(workers), "--threads", str(threads),
                    "--worker-class", WORKER_CLASS, "--preload",
                    "--chdir", str(ROOT), "bench.baseline_app:app"]  # fmt: skip
        for name, command, url_port, ready_path in (
            ("service", ours, port, "/readyz"),
            ("baseline_ftfy", baseline, base_port, "/healthz"),
        ):
            process, ready = serve(command, url_port, env, ready_path)
            path = "/v1/clean"
            try:
                url = f"http://127.0.0.1:{url_port}{path}"
                run_wrk(url, script, 2, connections)  # warm every worker
                figures = run_wrk(url, script, seconds, connections)
                # Latency without queueing: one client, one request at a time.  (Two
                # keep-alive connections are not one per worker: both may be accepted by
                # the same worker while the other idles.)
                light = run_wrk(url, script, seconds, 1)
                figures["light_load"] = {
                    "connections": 1,
                    **{k: light[k] for k in ("requests_per_s", "p50_ms", "p99_ms")},
                }
                figures["ready_s"] = round(ready, 2)
                figures["workers"] = worker_memory(process.pid)
                results[name] = figures
            finally:
                stop(process)
    service, baseline = results["service"], results["baseline_ftfy"]
    results["setup"] = {"workers": workers, "threads": threads, "connections": connections}
    results["ratio_throughput"] = round(service["requests_per_s"] / baseline["requests_per_s"], 2)
    results["ratio_p99"] = round(service["p99_ms"] / baseline["p99_ms"], 2)
    results["ratio_p99_light_load"] = round(
        service["light_load"]["p99_ms"] / baseline["light_load"]["p99_ms"], 2
    )
    return results


if __name__ == "__main__":
    print(json.dumps(bench_http(), indent=2))
