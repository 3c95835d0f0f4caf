"""Where a request's time goes, in one process, without a server or a network.

The same articles as ``bench/http.py`` go through: plain ``ftfy.fix_text``; the baseline
app (``bench/baseline_app.py``) called as WSGI; ``clean`` alone; ``clean`` with the
answer's JSON; our app called as WSGI (multiprocess metrics on, as ``normalizer serve``
runs it; within ``make bench``, where prometheus_client is imported earlier, the
in-memory ones); and our app without its metrics, and without its access line.  The
differences are what HTTP costs beyond cleaning, ours and the baseline's.  Each case runs
over every article in a round, the cases interleaved; the figure is the best round (the
least disturbed by other jobs on the machine), in milliseconds per article.

    python -m bench.overhead --rounds 15
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import sys
import tempfile
import time


def _wsgi_call(app, environ: dict, body: bytes) -> None:
    environ = {**environ, "wsgi.input": io.BytesIO(body)}
    answer = app(environ, lambda status, headers, exc_info=None: None)
    b"".join(answer)
    if hasattr(answer, "close"):
        answer.close()


def _cases(texts: list[str]) -> dict:
    import ftfy
    from werkzeug.test import EnvironBuilder

    from bench.baseline_app import app as baseline_app
    from normalizer import metrics, service
    from normalizer.pipeline import clean
    from normalizer.problems import json_bytes

    app = service.create_app({"NORMALIZER_LOG_FORMAT": "text"})
    gazetteer = app.extensions[service.EXTENSION].holder.gazetteer
    bodies = [text.encode() for text in texts]
    environs = [
        EnvironBuilder(path="/v1/clean", method="POST", data=body, headers={"Host": "bench"},
                       content_type="text/plain; charset=utf-8").get_environ()
        for body in bodies
    ]  # fmt: skip

    def ours(index: int) -> None:
        _wsgi_call(app, environs[index], bodies[index])

    def ours_without_metrics(index: int) -> None:
        saved = metrics.observe_request, metrics.observe_result
        metrics.observe_request = metrics.observe_result = lambda *args: None
        try:
            ours(index)
        finally:
            metrics.observe_request, metrics.observe_result = saved

    def ours_without_access_line(index: int) -> None:
        service.access_log.disabled = True
        try:
            ours(index)
        finally:
            service.access_log.disabled = False

    return {
        "ftfy": lambda index: ftfy.fix_text(texts[index]),
        "baseline_wsgi": lambda index: _wsgi_call(baseline_app, environs[index], bodies[index]),
        "clean": lambda index: clean(texts[index], gazetteer=gazetteer),
        "clean_and_json": lambda index: json_bytes(
            clean(texts[index], gazetteer=gazetteer).to_dict()
        ),
        "ours_wsgi": ours,
        "ours_wsgi_without_metrics": ours_without_metrics,
        "ours_wsgi_without_access_line": ours_without_access_line,
    }


def bench_overhead(articles_count: int = 40, rounds: int = 15) -> dict:
    """Best-round milliseconds per article of each case, and the differences that matter."""
    from bench.http import articles

    texts = articles(articles_count)
    with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
        cases = _cases(texts)
        for case in cases.values():  # warm every path, then keep the heap out of the GC
            case(0)
        gc.collect()
        gc.freeze()
        best = {name: float("inf") for name in cases}
        for _ in range(rounds):
            for name, case in cases.items():
                started = time.perf_counter()
                for index in range(len(texts)):
                    case(index)
                elapsed = (time.perf_counter() - started) * 1000 / len(texts)
                best[name] = min(best[name], elapsed)
        gc.unfreeze()
    figures = {name: round(value, 3) for name, value in best.items()}
    figures["ours_http_beyond_cleaning_ms"] = round(best["ours_wsgi"] - best["clean_and_json"], 3)
    figures["baseline_http_beyond_ftfy_ms"] = round(best["baseline_wsgi"] - best["ftfy"], 3)
    figures["ratio_baseline_to_ours_wsgi"] = round(best["baseline_wsgi"] / best["ours_wsgi"], 3)
    figures["ratio_ceiling_no_http_cost"] = round(best["baseline_wsgi"] / best["clean"], 3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    # As normalizer serve runs: metrics in files shared by the workers (set before
    # prometheus_client is imported).
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as folder:
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", folder)
        print(json.dumps(bench_overhead(args.articles, args.rounds), indent=2), file=sys.stdout)


if __name__ == "__main__":
    main()
