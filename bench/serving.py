"""Serving designs compared: throughput against the baseline, and slow clients.

Each candidate design serves both our service and the baseline (``bench/baseline_app.py``,
Flask + plain ``ftfy.fix_text``) the same way: the same worker class, workers and
threads.  Every server runs side by side, and ``wrk`` loads each in turn, a few seconds each, in
rounds (the order rotating), so a slow spell of the shared machine falls on all; each
round's figure is ours over the baseline's, and the result is the median of the rounds.  Then
the slow-client figure (``bench/slow_clients.py``) for our service under that design.

    python -m bench.serving --rounds 7 --seconds 3 --designs gthread,inline,sync
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.http import (
    ROOT,
    VENV_BIN,
    articles,
    cpu_seconds,
    free_port,
    lua_script,
    run_wrk,
    serve,
    stop,
)
from bench.slow_clients import bench_slow_clients
from normalizer.server import WORKER_CLASS

# name: (gunicorn worker class, threads per worker, what it is)
DESIGNS = {
    "gthread": (
        WORKER_CLASS,  # what normalizer serve runs
        2,
        "event loop reads each request whole and sends each answer; a thread of the pool cleans",
    ),
    "inline": (
        "bench.inline_worker.InlineWorker",
        2,
        "event loop reads each request whole, cleans it in its own thread and sends the "
        "answer; threads only for chunked or large bodies",
    ),
    "sync": (
        "sync",
        1,
        "gunicorn's sync worker, for reference: one request at a time per process, "
        "no protection from slow clients",
    ),
}


def our_command(design: str, port: int, workers: int) -> list[str]:
    """``normalizer serve`` with the design's worker class (through :func:`main`)."""
    threads = DESIGNS[design][1]
    return [sys.executable, "-m", "bench.serving", "--serve", design, "--port", str(port),
            "--workers", str(workers), "--threads", str(threads)]  # fmt: skip


def baseline_command(design: str, port: int, workers: int) -> list[str]:
    """The Flask + ftfy baseline under the design's worker class."""
    worker_class, threads, _ = DESIGNS[design]
    return [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads),
            "--worker-class", worker_class, "--preload", "--chdir", str(ROOT),
            "bench.baseline_app:app"]  # fmt: skip


def _start(designs: list[str], workers: int, env: dict) -> dict:
    """Every design's two servers, started one after the other: {(design, app): (process,
    port)}; a server that fails to start stops those already running."""
    commands = {"service": our_command, "baseline": baseline_command}
    ready = {"service": "/readyz", "baseline": "/healthz"}
    servers = {}
    try:
        for design in designs:
            for name, command in commands.items():
                port = free_port()
                process, _ = serve(command(design, port, workers), port, env, ready[name])
                servers[design, name] = (process, port)
    except BaseException:
        for process, _ in servers.values():
            stop(process)
        raise
    return servers


def throughput(designs: list[str], rounds: int, seconds: int, connections: int, workers: int):
    """Requests per second of every server, in rounds; each round loads every server
    once, in a rotating order, so that each figure is compared within its round."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORMALIZER_")}
    env["NORMALIZER_LOG_FORMAT"] = "text"
    rates: dict[tuple, list[float]] = {}
    cpu: dict[tuple, list[float]] = {}  # server CPU milliseconds per request
    with tempfile.TemporaryDirectory() as folder:
        script = lua_script(articles(500), Path(folder) / "bodies.lua")
        servers = _start(designs, workers, env)
        try:
            keys = list(servers)
            for key in keys:
                run_wrk(f"http://127.0.0.1:{servers[key][1]}/v1/clean", script, 2, connections)
            for number in range(rounds):
                for key in keys[number % len(keys) :] + keys[: number % len(keys)]:
                    process, port = servers[key]
                    used = cpu_seconds(process.pid)
                    figures = run_wrk(f"http://127.0.0.1:{port}/v1/clean", script, seconds,
                                      connections)  # fmt: skip
                    used = cpu_seconds(process.pid) - used
                    rates.setdefault(key, []).append(figures["requests_per_s"])
                    cpu.setdefault(key, []).append(used * 1000 / max(1, figures["requests"]))
        finally:
            for process, _ in servers.values():
                stop(process)
    return {design: _ratios(rates, cpu, design, designs[0]) for design in designs}


def _ratios(rates: dict, cpu: dict, design: str, reference: str) -> dict:
    """Medians over the rounds; CPU per request is the figure least moved by other jobs
    on the machine (a server's throughput, once it has the cores, is its inverse)."""
    rounds = len(rates[design, "service"])
    service, baseline = rates[design, "service"], rates[design, "baseline"]
    cpu_ours, cpu_baseline = cpu[design, "service"], cpu[design, "baseline"]
    to_baseline = [service[n] / baseline[n] for n in range(rounds)]
    to_reference = [service[n] / rates[reference, "service"][n] for n in range(rounds)]
    return {
        "service_requests_per_s": round(statistics.median(service), 1),
        "baseline_requests_per_s": round(statistics.median(baseline), 1),
        "ratio_to_baseline": round(statistics.median(to_baseline), 3),
        "ratios_to_baseline": [round(ratio, 2) for ratio in to_baseline],
        f"service_ratio_to_{reference}": round(statistics.median(to_reference), 3),
        "service_cpu_ms_per_request": round(statistics.median(cpu_ours), 3),
        "baseline_cpu_ms_per_request": round(statistics.median(cpu_baseline), 3),
        "cpu_ratio_baseline_to_service": round(
            statistics.median(b / s for b, s in zip(cpu_baseline, cpu_ours, strict=True)), 3
        ),
    }


def bench_serving(
    designs: list[str], rounds: int = 7, seconds: int = 3, connections: int = 8, workers: int = 2,
    slow_clients: bool = True,
) -> dict:  # fmt: skip
    """Every design's throughput ratio to the baseline and slow-client p99 ratio."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    figures = throughput(designs, rounds, seconds, connections, workers)
    results = {}
    for design in designs:
        results[design] = {"what": DESIGNS[design][2], "throughput": figures[design]}
        if slow_clients:
            slow = bench_slow_clients(
                command=lambda port, design=design: our_command(design, port, workers)
            )
            results[design]["slow_clients"] = {
                "ratio_p99": slow["ratio_p99"],
                "quiet_p99_ms": [slow["quiet"]["p99_ms"], slow["quiet_after"]["p99_ms"]],
                "with_tricklers_p99_ms": slow["with_tricklers"]["p99_ms"],
                "failed_with_tricklers": slow["with_tricklers"]["failed"],
            }
        print(json.dumps({design: results[design]}), file=sys.stderr, flush=True)
    results["setup"] = {"rounds": rounds, "seconds": seconds, "connections": connections,
                        "workers": workers}  # fmt: skip
    return results


def _serve(design: str, port: int, workers: int, threads: int) -> None:
    """``normalizer serve`` as the CLI runs it, with another worker class."""
    from normalizer import server
    from normalizer.settings import resolve

    chosen = server.gunicorn_options

    def options(settings):
        return {**chosen(settings), "worker_class": DESIGNS[design][0]}

    server.gunicorn_options = options
    server.serve(resolve(os.environ, {"port": port, "workers": workers, "threads": threads}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--designs", default=",".join(DESIGNS))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-slow-clients", action="store_true")
    parser.add_argument("--serve", choices=DESIGNS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.port, args.workers, args.threads)
        return
    designs = args.designs.split(",")
    report = bench_serving(
        designs, args.rounds, args.seconds, args.connections, args.workers,
        not args.skip_slow_clients,
    )  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
