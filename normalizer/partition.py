"""One engine-neutral call for a partition of batch records: :func:`clean_partition`.

The CLI's ``normalizer batch``, ``POST /v1/clean/batch`` and the cluster adapters
(:mod:`normalizer.spark`, :mod:`normalizer.dask`) all clean their records here, so a
record gives the same output line whichever door it came through.

A record is one of:

- a raw batch line: ``bytes`` (or ``str``) holding ``{"id", "text", "options"?}`` as
  JSON, or an :class:`~normalizer.batch.OversizedLine` that stood for one;
- an already-parsed mapping with the same keys (a DataFrame row, a Parquet row);
- a :class:`RejectedRecord`: a row its reader could not turn into a record (say, an
  ``options`` column that is not JSON), which becomes its error line here.

Each record yields exactly one output object, in order: the result with its ``id``
first, or ``{"id", "error": {"type", "title", "status", "detail", "line"}}``.  Nothing
a record holds raises; ``line`` is the record's number (from ``first_line``, or the
numbers given in ``lines``; ``None`` when the engine cannot know it).

The gazetteer is given as an object, or as the files of the ``gazetteer`` setting
(``("default",)``, ``("default", "/shared/extra.jsonl")``): names are small to ship to a
cluster, and each worker process loads them once (:func:`worker_gazetteer`) and keeps
them for every later task it runs.

>>> records = [{"id": "a", "text": "Khalifa Hifter"}, {"id": "b"}, b"not json"]
>>> [(out["id"], out.get("text") or out["error"]["type"]) for out in clean_partition(records)]
[('a', 'Khalifa Haftar'), ('b', 'urn:normalizer:problem:missing-text'), \
(None, 'urn:normalizer:problem:invalid-json')]
"""

from __future__ import annotations

import functools
import gc
import itertools
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import gazetteer as gazetteer_package
from normalizer.batch import error_line, handle_line, parse_json
from normalizer.problems import ApiError

#: Columns a row-shaped record may have; any other column of a row is not sent.
RECORD_COLUMNS = ("id", "text", "options")
# Records per task sent to a pool worker: amortizes the pickling round trip (a short
# record cleans in about 1 ms) without starving workers near the end of the input.
CHUNK_RECORDS = 8


@dataclass(frozen=True)
class RejectedRecord:
    """A row that could not be made into a record; it becomes its own error line."""

    id: Any
    error: ApiError


@functools.lru_cache(maxsize=4)
def worker_gazetteer(names: tuple[str, ...]) -> gazetteer_package.Gazetteer:
    """The gazetteer the ``gazetteer`` setting ``names``, loaded once per process.

    Cluster workers reuse their Python processes across tasks (Spark's
    ``spark.python.worker.reuse``, Dask's worker processes), so the second and later
    tasks of a process find it here; the compiled index is also cached on disk.
    """
    from normalizer.pipeline import warm_up
    from normalizer.settings import load_gazetteer

    loaded = load_gazetteer(names)
    warm_up(loaded)  # word lists and the language detector, once, not in the first record
    return loaded


def resolve_gazetteer(
    gazetteer: gazetteer_package.Gazetteer | Sequence[str] | None,
) -> gazetteer_package.Gazetteer | None:
    """A gazetteer object as given; file names loaded through :func:`worker_gazetteer`."""
    if gazetteer is None or isinstance(gazetteer, gazetteer_package.Gazetteer):
        return gazetteer
    if isinstance(gazetteer, str):
        gazetteer = (gazetteer,)
    return worker_gazetteer(tuple(gazetteer))


def row_record(line_id: Any, text: Any, options: Any = None) -> dict[str, Any] | RejectedRecord:
    """A record from a row's columns; ``options`` may be a mapping or a JSON string.

    >>> row_record("a", "Sirt", '{"diacritics": "ascii"}')
    {'id': 'a', 'text': 'Sirt', 'options': {'diacritics': 'ascii'}}
    >>> row_record("b", "Sirt", "{oops").error.problem.uri
    'urn:normalizer:problem:invalid-json'
    """
    record: dict[str, Any] = {"id": line_id, "text": text}
    if isinstance(options, str):
        try:
            options = parse_json(options.encode("utf-8", "surrogatepass"), 'The "options"')
        except ApiError as error:
            return RejectedRecord(line_id, error)
    if options is not None:
        record["options"] = options
    return record


def clean_partition(
    records: Iterable[Any],
    *,
    gazetteer: gazetteer_package.Gazetteer | Sequence[str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    first_line: int = 1,
    lines: Iterable[int | None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Clean each record; yield one output object per record, in order, never raising.

    ``defaults`` are options under each record's own ``options`` (the CLI's flags).
    """
    loaded = resolve_gazetteer(gazetteer)
    numbers = itertools.count(first_line) if lines is None else iter(lines)
    for record in records:
        number = next(numbers, None)  # every record is answered, numbered or not
        if isinstance(record, RejectedRecord):
            yield error_line(record.id, number, record.error)
            continue
        if isinstance(record, str):
            record = record.encode("utf-8", "surrogateescape")
        output, _ = handle_line(record, number, gazetteer=loaded, defaults=defaults)
        yield output


# Per-process state of the pool's workers, set once by _start_worker after the fork:
# the gazetteer is inherited from the parent, never pickled.
_worker_state: dict[str, Any] = {}


def _start_worker(gazetteer, defaults) -> None:
    _worker_state.update(gazetteer=gazetteer, defaults=defaults)


def _clean_chunk(chunk: tuple[int, list[Any]]) -> list[dict[str, Any]]:
    first_line, records = chunk
    return list(clean_partition(records, first_line=first_line, **_worker_state))


def _chunks(records: Iterable[Any]) -> Iterator[tuple[int, list[Any]]]:
    iterator, first_line = iter(records), 1
    while chunk := list(itertools.islice(iterator, CHUNK_RECORDS)):
        yield first_line, chunk
        first_line += len(chunk)


def clean_in_processes(
    records: Iterable[Any], *, jobs: int = 1, gazetteer=None, defaults=None
) -> Iterator[dict[str, Any]]:
    """:func:`clean_partition` across ``jobs`` forked processes, output in input order.

    The pool is forked after the gazetteer is loaded, so the workers share it.  Records
    go out in windows of ``jobs * 4`` chunks: ``Pool.imap`` alone would read the whole
    input ahead into its task queue.
    """
    gazetteer = resolve_gazetteer(gazetteer)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from clean_partition(records, gazetteer=gazetteer, defaults=defaults)
        return
    context = multiprocessing.get_context("fork")
    gc.freeze()  # keep the gazetteer's pages shared with the workers (see normalizer.server)
    chunks = _chunks(records)
    try:
        with context.Pool(jobs, _start_worker, (gazetteer, defaults)) as pool:
            while window := list(itertools.islice(chunks, jobs * 4)):
                for outputs in pool.imap(_clean_chunk, window):
                    yield from outputs
    finally:
        gc.unfreeze()
