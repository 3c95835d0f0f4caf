"""Start and reload figures of the real server (``normalizer serve``, 2 workers).

- start: seconds from launch to the port answering (``/healthz`` 200) and to ready
  (``/readyz`` 200), with the compiled-index cache warm and with an empty one (cold: the
  default gazetteer is compiled);
- reload: a custom file added to the default gazetteer is changed; seconds until every
  answer names the new version (the poll interval, 1 s here, included), and the compile
  time the server logs; first to a content never seen (compiled), then back and forth
  between two contents (the index cache on disk answers);
- memory: PSS and RSS per worker at start and after N reloads (the target: PSS per worker
  after 25 reloads at most 1.2 times its value at start).
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.http import VENV_BIN, free_port, worker_memory

HEADER = {"gazetteer": "bench-custom", "format": 1, "version": "1"}


def custom_file(path: Path, spelling: str) -> None:
    entity = {"id": "bench_person", "name": "Zorblat Quintero", "type": "person",
              "aliases": [spelling]}  # fmt: skip
    path.write_text(json.dumps(HEADER) + "\n" + json.dumps(entity) + "\n", encoding="utf-8")


def _status(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, {}
    except OSError:
        return 0, {}


def _until(condition, timeout: float = 300.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if condition():
            return time.perf_counter() - started
        time.sleep(0.02)
    raise TimeoutError("not reached")


def _start(env: dict, port: int, log: Path) -> tuple[subprocess.Popen, dict]:
    started = time.perf_counter()
    argv = [str(VENV_BIN / "normalizer"), "serve", "--port", str(port), "--workers", "2"]
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _until(lambda: _status(base + "/healthz")[0] == 200)
    port_s = time.perf_counter() - started
    _until(lambda: _status(base + "/readyz")[0] == 200)
    return process, {"port_s": round(port_s, 2), "ready_s": round(time.perf_counter() - started, 2)}


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def bench_start(folder: Path) -> dict:
    """Launch to port and to ready, with the index cache warm and cold."""
    results = {}
    for name, cache in (("warm", None), ("cold", folder / "empty-cache")):
        env = {k: v for k, v in os.environ.items() if not k.startswith("NORMALIZER_")}
        if cache is not None:
            env["XDG_CACHE_HOME"] = str(cache)
        process, figures = _start(env, free_port(), folder / f"start-{name}.log")
        _stop(process)
        results[name] = figures
    return results


def _version(base: str) -> str | None:
    return _status(base + "/readyz")[1].get("gazetteer", {}).get("version")


def _reload_to(path: Path, spelling: str, base: str, log: Path) -> dict:
    """Change the file; seconds until 20 answers in a row name the new version."""
    before = _version(base)
    written = time.perf_counter()
    custom_file(path, spelling)
    _until(lambda: all(_version(base) not in (None, before) for _ in range(20)))
    compiles = re.findall(r"gazetteer reloaded: version \S+ in ([\d.]+) s", log.read_text())
    return {
        "served_everywhere_s": round(time.perf_counter() - written, 2),
        "compile_s": float(compiles[-1]) if compiles else None,
    }


def _pss(process: subprocess.Popen) -> list[dict]:
    return worker_memory(process.pid)


def bench_reload(folder: Path, reloads: int) -> dict:
    """Reload time, and memory per worker at start and after ``reloads`` reloads."""
    path = folder / "custom.jsonl"
    custom_file(path, "Zorblatt Quintero")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORMALIZER_")}
    env.update(NORMALIZER_GAZETTEER=f"default,{path}", NORMALIZER_RELOAD_INTERVAL="1")
    port, log = free_port(), folder / "reload.log"
    process, start = _start(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(2)
        at_start = _pss(process)
        first = _reload_to(path, f"Zorblat Qintero {time.time_ns()}", base, log)
        cached = []
        for number in range(reloads - 1):
            spelling = "Zorblatt Quintero" if number % 2 else "Zorblat Quintero"
            cached.append(_reload_to(path, spelling, base, log))
        time.sleep(2)
        after = _pss(process)
    finally:
        _stop(process)
    pss_start = statistics.mean(w["pss_mib"] for w in at_start)
    pss_after = statistics.mean(w["pss_mib"] for w in after)
    return {
        "start": start,
        "first_reload_compiled": first,
        "cached_reloads_median_s": round(
            statistics.median(r["served_everywhere_s"] for r in cached), 2
        )
        if cached
        else None,
        "reloads": reloads,
        "workers_at_start": at_start,
        "workers_after": after,
        "pss_ratio_after_to_start": round(pss_after / pss_start, 2),
    }


def bench_start_and_reload(reloads: int = 25) -> dict:
    """Both, in a scratch folder."""
    with tempfile.TemporaryDirectory() as folder:
        return {
            "start_to_ready": bench_start(Path(folder)),
            "reload": bench_reload(Path(folder), reloads),
        }


if __name__ == "__main__":
    print(json.dumps(bench_start_and_reload(), indent=2))
