"""Batch throughput: ``normalizer batch`` with 1 and 2 processes, Dask with 1 and 2 worker
processes, Spark ``local[1]`` and ``local[2]``, all on the same articles.

Each engine is started once per worker count; its start-up (the process or cluster, and
every worker loading the default gazetteer) is timed apart from the runs over the
articles, which are repeated and reported as medians.  Figures are ratios to baselines
of the same run: scaling from 1 to 2 workers on each engine, and each engine's time per
article against the CLI's with as many workers.  The machine is shared and noisy: before
each engine, :func:`machine_scaling` measures how much two processes can gain over one
at that moment, the ceiling for every engine's scaling.

    python -m bench.cluster --articles 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.http import articles
from normalizer.partition import worker_gazetteer

BIN = Path(sys.executable).parent
# Input blocks per task: about 400 articles of ~5 KB, so two workers share ~25 tasks and
# neither waits long for the other at the end.
BLOCK_BYTES = 2 * 1024 * 1024


def write_input(folder: Path, count: int) -> Path:
    """``count`` distinct articles as JSON Lines."""
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number, text in enumerate(articles(count)):
            out.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
    return path


def _spin(count: int) -> int:
    total = 0
    for number in range(count):
        total += number
    return total


def machine_scaling(repeat: int, count: int = 10_000_000) -> float:
    """How much faster two processes finish two equal pure-Python loops than one does:
    the most any engine can scale from 1 to 2 workers on this machine right now (2.0 on
    two idle cores; about 1.0 when other work holds one of them)."""
    runs = {1: [], 2: []}
    for _ in range(repeat):
        for processes in (1, 2):
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                runs[processes].append(_timed(lambda p=pool: p.map(_spin, [count] * 2)))
    return round(statistics.median(runs[1]) / statistics.median(runs[2]), 2)


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _figures(startup: float, runs: list[float], count: int) -> dict:
    median = statistics.median(runs)
    return {
        "startup_s": round(startup, 2),
        "run_s_median": round(median, 2),
        "runs_s": [round(run, 2) for run in runs],
        "articles_per_s": round(count / median, 1),
        "ms_per_article": round(median / count * 1000, 3),
    }


def bench_cli(source: Path, folder: Path, jobs: int, repeat: int, count: int) -> dict:
    """Whole runs of ``normalizer batch``; start-up is a run on a one-line file."""
    one = folder / "one.jsonl"
    one.write_text(source.open(encoding="utf-8").readline(), encoding="utf-8")

    def run(path: Path) -> None:
        command = [str(BIN / "normalizer"), "batch", str(path), "-o", str(folder / "out.jsonl")]
        subprocess.run([*command, "--jobs", str(jobs)], check=True, capture_output=True)

    startup = statistics.median(_timed(lambda: run(one)) for _ in range(repeat))
    runs = [_timed(lambda: run(source)) - startup for _ in range(repeat)]
    return _figures(startup, runs, count)


def bench_dask(source: Path, folder: Path, workers: int, repeat: int, count: int) -> dict:
    """A LocalCluster of ``workers`` processes; read_json_lines into to_json_lines."""
    from distributed import Client, LocalCluster

    from normalizer.dask import read_json_lines, to_json_lines

    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        client.run(lambda: bool(worker_gazetteer(("default",))))
        startup = time.perf_counter() - started

        def run() -> None:
            shutil.rmtree(folder / "dask", ignore_errors=True)
            outputs = read_json_lines(str(source), blocksize=BLOCK_BYTES)
            to_json_lines(outputs, str(folder / "dask" / "*.jsonl"))

        runs = [_timed(run) for _ in range(repeat)]
    return _figures(startup, runs, count)


def _spark_loader():
    """A function loading the gazetteer in a Spark worker (a closure: pickled by value,
    so the workers need not import ``bench``)."""

    def load(frames):
        import pandas as pd

        for frame in frames:
            worker_gazetteer(("default",))
            yield pd.DataFrame({"loaded": [len(frame)]})

    return load


def bench_spark(source: Path, folder: Path, workers: int, repeat: int, count: int) -> dict:
    """A ``local[workers]`` session; JSON Lines read, cleaned, written as typed Parquet."""
    from pyspark.sql import SparkSession

    from normalizer.spark import clean_dataframe

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{workers}]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.files.maxPartitionBytes", str(BLOCK_BYTES))
        .getOrCreate()
    )
    try:
        spark.sparkContext.setLogLevel("ERROR")
        # Start each Python worker and load the gazetteer in it; workers are reused by
        # later jobs of the same kind (an RDD job's workers are not an Arrow job's).
        tasks = spark.range(workers, numPartitions=workers)
        tasks.mapInPandas(_spark_loader(), "loaded long").collect()
        startup = time.perf_counter() - started

        def run() -> None:
            frame = spark.read.schema("id long, text string").json(str(source))
            cleaned = clean_dataframe(frame)
            cleaned.write.mode("overwrite").parquet(str(folder / "spark.parquet"))

        runs = [_timed(run) for _ in range(repeat)]
    finally:
        spark.stop()
    return _figures(startup, runs, count)


def _ratios(report: dict) -> dict:
    ratios = {}
    for engine in ("cli", "dask", "spark"):
        one, two = report.get(f"{engine}_1"), report.get(f"{engine}_2")
        if one and two:
            ratios[f"{engine}_scaling_1_to_2"] = round(one["run_s_median"] / two["run_s_median"], 2)
    for engine in ("dask", "spark"):
        for workers in (1, 2):
            mine, cli = report.get(f"{engine}_{workers}"), report.get(f"cli_{workers}")
            if mine and cli:
                ratio = mine["ms_per_article"] / cli["ms_per_article"]
                ratios[f"{engine}_{workers}_vs_cli_{workers}"] = round(ratio, 2)
    return ratios


def bench_cluster(count: int = 10_000, repeat: int = 3, engines: str = "cli,dask,spark") -> dict:
    """Every engine at 1 and 2 workers on the same ``count`` articles."""
    benches = {"cli": bench_cli, "dask": bench_dask, "spark": bench_spark}
    report: dict = {"articles": count, "repeat": repeat}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = write_input(folder, count)
        for engine in engines.split(","):
            if engine == "spark" and shutil.which("java") is None:
                report["spark"] = "skipped: no java (apt-get install openjdk-17-jre-headless)"
                continue
            report[f"machine_scaling_before_{engine}"] = machine_scaling(repeat)
            for workers in (1, 2):
                figures = benches[engine](source, folder, workers, repeat, count)
                report[f"{engine}_{workers}"] = figures
                print(engine, workers, json.dumps(figures), file=sys.stderr, flush=True)
    report["ratios"] = _ratios(report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="cli,dask,spark")
    args = parser.parse_args()
    print(json.dumps(bench_cluster(args.articles, args.repeat, args.engines), indent=2))


if __name__ == "__main__":
    main()
