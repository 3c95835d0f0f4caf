"""``normalizer batch``: records in, one output record per record out, in order.

JSON Lines in and out by default (``-`` is stdin or stdout); a name ending in
``.parquet`` is read or written as Parquet when pyarrow is installed (the ``[parquet]``
or ``[spark]`` extra; see :mod:`normalizer.parquet`).  Every record goes through
:func:`normalizer.partition.clean_partition`, in ``--jobs`` forked processes.

On a terminal, stderr shows a progress bar (tqdm: records done, rate, time left when the
total is known); piped or redirected, stderr gets only the closing summary.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

from normalizer.batch import encode_line, iter_lines
from normalizer.errors import ConfigError
from normalizer.partition import clean_in_processes

PARQUET_SUFFIX = ".parquet"
# Bytes per read when counting the lines of an input file for the progress bar's total.
COUNT_CHUNK = 1 << 20


def run(args, defaults: dict[str, Any], settings: dict[str, Any], gazetteer) -> int:
    """Clean ``args.input`` into ``args.output``; print a summary line; return 0."""
    show = sys.stderr.isatty()
    with contextlib.ExitStack() as stack:
        source = _source(args.input, settings["max_line_bytes"], show)
        records, total, id_type = stack.enter_context(source)
        write = stack.enter_context(_sink(args.output, id_type))
        bar = stack.enter_context(_progress_bar(total, show))
        done = errors = 0
        outputs = clean_in_processes(
            records, jobs=args.jobs, gazetteer=gazetteer, defaults=defaults
        )
        for output in outputs:
            write(output)
            done += 1
            errors += "error" in output
            bar.update()
    print(f"normalizer batch: {done} line(s), {errors} error line(s)", file=sys.stderr)
    return 0


def _progress_bar(total: int | None, show: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        disable=not show,
        unit=" records",
        file=sys.stderr,
        mininterval=0.2,
        smoothing=0.1,
    )


def _is_parquet(name: str) -> bool:
    return name != "-" and name.lower().endswith(PARQUET_SUFFIX)


def _parquet():
    try:
        from normalizer import parquet
    except ImportError:
        raise ConfigError(
            "Parquet needs pyarrow: pip install 'mt-news-normalizer[parquet]'"
        ) from None
    return parquet


@contextlib.contextmanager
def _source(name: str, max_line_bytes: int, count: bool) -> Iterator[tuple[Any, Any, Any]]:
    """(records, total or None, the id column's Arrow type or None)."""
    if _is_parquet(name):
        parquet = _parquet()
        yield parquet.read_records(name), parquet.row_count(name), parquet.id_type(name)
        return
    total = _count_lines(name) if count and name != "-" else None
    with _open_binary(name, "rb") as stream:
        yield iter_lines(stream.read, max_line_bytes), total, None


def _count_lines(name: str) -> int:
    """Lines in a file, as :func:`normalizer.batch.iter_lines` will count them."""
    lines, last = 0, b"\n"
    with open(name, "rb") as handle:
        while chunk := handle.read(COUNT_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


@contextlib.contextmanager
def _sink(name: str, id_type):
    """A function writing one output object to ``name``."""
    if _is_parquet(name):
        parquet = _parquet()
        sink = parquet.ParquetSink(name, id_type)
        try:
            yield sink.write
        finally:
            sink.close()
        return
    with _open_binary(name, "wb") as stream:
        yield lambda output: stream.write(encode_line(output))


@contextlib.contextmanager
def _open_binary(name: str, mode: str):
    if name == "-":
        stream: BinaryIO = sys.stdin.buffer if "r" in mode else sys.stdout.buffer
        yield stream
        stream.flush()
        return
    with open(name, mode) as handle:
        yield handle
