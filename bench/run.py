"""``make bench``: speed and memory, each figure beside a baseline measured in the same run.

Figures are medians (and p99) over repeated runs; these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import statistics
import tempfile
import time
from pathlib import Path

import ftfy

import gazetteer
from bench.cluster import bench_cluster
from bench.compile import bench_compile
from bench.hostile import bench_hostile
from bench.http import bench_http
from bench.overhead import bench_overhead
from bench.reload import bench_start_and_reload
from bench.serving import DESIGNS, bench_serving
from bench.slow_clients import bench_slow_clients
from bench.synthetic import write_synthetic
from normalizer import clean, warm_up
from normalizer.foreign_passages import clear_caches
from normalizer.stages.language import detect, judge
from normalizer.transliteration import _spellings as debris_spellings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p for p in (ROOT / "seeds").glob("0*.txt") if ".expected" not in p.name)


def _reset_caches() -> None:
    # Repeating the same articles would otherwise hit the per-paragraph caches, which
    # real traffic of distinct articles does not.
    judge.cache_clear()
    detect.cache_clear()
    clear_caches()
    # Not per paragraph, but the same few letters of debris in the same articles.
    debris_spellings.cache_clear()


def timings(function, texts: list[str], repeat: int, reset=None) -> list[float]:
    """Milliseconds per call of ``function`` over every text, ``repeat`` rounds."""
    samples = []
    for _ in range(repeat):
        for text in texts:
            if reset is not None:
                reset()
            started = time.perf_counter()
            function(text)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
    }


def bench_pipeline(texts: list[str], repeat: int, names: list[str] | None = None) -> dict:
    """The whole pipeline against plain ftfy.fix_text on the same articles.

    Each article is timed on its own, the two calls interleaved so that a slow spell of
    the machine hits both; figures are per article, then over all articles.
    """
    warm_up()
    for text in texts:
        clean(text)
    names = names or [f"article {index}" for index in range(len(texts))]
    per_article = {}
    pooled_clean: list[float] = []
    pooled_ftfy: list[float] = []
    for name, text in zip(names, texts, strict=True):
        clean_samples, ftfy_samples = [], []
        for _ in range(repeat):
            clean_samples += timings(clean, [text], 1, reset=_reset_caches)
            ftfy_samples += timings(ftfy.fix_text, [text], 1)
        pooled_clean += clean_samples
        pooled_ftfy += ftfy_samples
        clean_times, ftfy_times = summary(clean_samples), summary(ftfy_samples)
        per_article[name] = {
            "chars": len(text),
            "pipeline": clean_times,
            "ftfy": ftfy_times,
            "ratio_median": round(clean_times["median_ms"] / ftfy_times["median_ms"], 2),
        }
    ratios = [figures["ratio_median"] for figures in per_article.values()]
    total_clean = sum(figures["pipeline"]["median_ms"] for figures in per_article.values())
    total_ftfy = sum(figures["ftfy"]["median_ms"] for figures in per_article.values())
    return {
        "per_article": per_article,
        "ftfy": summary(pooled_ftfy),
        "pipeline": summary(pooled_clean),
        "ratio_median_of_articles": round(statistics.median(ratios), 2),
        "ratio_worst_article": max(ratios),
        "ratio_of_totals": round(total_clean / total_ftfy, 2),
    }


def bench_scale(texts: list[str], sizes: list[int], repeat: int) -> dict:
    """Per-article time with the curated gazetteer plus ``size`` synthetic aliases.

    All sizes are loaded first and then timed in alternating rounds, so a slow spell of
    the shared machine falls on every size alike; the heap is frozen after loading, as
    the server does (``gc.freeze``), so full collections do not walk the index.
    """
    results: dict[int, dict] = {}
    loaded: dict[int, gazetteer.Gazetteer] = {}
    samples: dict[int, list[float]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory() as folder:
        # The curated files plus synthetic aliases: sizes of 10k, 100k and 1M aliases.
        curated = [p for p in gazetteer.default_paths() if p.name.startswith("news")]
        for size in sizes:
            path = write_synthetic(Path(folder) / f"synthetic-{size}.jsonl", size)
            started = time.perf_counter()
            loaded[size] = gazetteer.load([*curated, path], cache_dir=Path(folder) / "cache")
            results[size] = {
                "aliases": len(loaded[size].index),
                "load_s": round(time.perf_counter() - started, 2),
            }
            clean(texts[0], gazetteer=loaded[size])
        gc.collect()
        gc.freeze()
        try:
            for _ in range(repeat):
                for size in sizes:
                    with_loaded = functools.partial(clean, gazetteer=loaded[size])
                    samples[size] += timings(with_loaded, texts, 1, reset=_reset_caches)
        finally:
            gc.unfreeze()
            loaded.clear()
            gc.collect()
    base = statistics.median(samples[sizes[0]])
    for size in sizes:
        results[size] = {**summary(samples[size]), **results[size]}
        results[size]["ratio_to_smallest"] = round(results[size]["median_ms"] / base, 2)
    return results


def bench_lookup_miss(rounds: int = 5) -> dict:
    """Microseconds per transliteration-key lookup of a token that names nothing: the
    first one (keys computed) and later ones (cached), over 2,000 made-up tokens."""
    from gazetteer.translit import query_keys
    from gazetteer.variants import token_hits

    index = gazetteer.load_default().index
    tokens = [f"Zqx{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}vrt{i}" for i in range(2000)]
    query_keys.cache_clear()
    started = time.perf_counter()
    misses = sum(not token_hits(index, token) for token in tokens)
    first = (time.perf_counter() - started) / len(tokens) * 1e6
    started = time.perf_counter()
    for _ in range(rounds):
        for token in tokens:
            token_hits(index, token)
    cached = (time.perf_counter() - started) / (rounds * len(tokens)) * 1e6
    return {"tokens": len(tokens), "misses": misses, "first_us": round(first, 1),
            "cached_us": round(cached, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-hostile", action="store_true")
    parser.add_argument("--skip-reload", action="store_true")
    parser.add_argument("--skip-slow-clients", action="store_true")
    parser.add_argument("--reloads", type=int, default=25)
    parser.add_argument("--skip-compile", action="store_true")
    parser.add_argument("--compile-rounds", type=int, default=3)
    parser.add_argument("--http-seconds", type=int, default=10)
    parser.add_argument("--http-threads", type=int, default=2)
    parser.add_argument("--skip-serving", action="store_true")
    parser.add_argument("--serving-designs", default=",".join(DESIGNS))
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--cluster-articles", type=int, default=10_000)
    parser.add_argument("--cluster-repeat", type=int, default=3)
    args = parser.parse_args()
    texts = [path.read_text("utf-8") for path in SEEDS]
    report = {"pipeline_vs_ftfy": bench_pipeline(texts, args.repeat, [path.stem for path in SEEDS])}
    report["variant_lookup_miss"] = bench_lookup_miss()
    if not args.skip_scale:
        sizes = [int(size) for size in args.sizes.split(",")]
        report["alias_scale"] = bench_scale(texts, sizes, max(5, args.repeat))
    if not args.skip_hostile:
        report["hostile_growth"] = bench_hostile()
    if not args.skip_compile:
        report["gazetteer_compile"] = bench_compile(args.compile_rounds)
    if not args.skip_reload:
        report["start_and_reload"] = bench_start_and_reload(args.reloads)
    if not args.skip_slow_clients:
        report["slow_clients"] = bench_slow_clients()
    if not args.skip_http:
        report["http"] = bench_http(seconds=args.http_seconds, threads=args.http_threads)
        report["http_overhead"] = bench_overhead()
    if not args.skip_serving:
        report["serving_designs"] = bench_serving(args.serving_designs.split(","))
    if not args.skip_cluster:
        report["cluster"] = bench_cluster(args.cluster_articles, args.cluster_repeat)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
