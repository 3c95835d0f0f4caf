"""Clean JSON Lines or a DataFrame with Dask: a bag or ``map_partitions`` over the one call.

Needs the ``[dask]`` extra (``pip install 'mt-news-normalizer[dask]'``) on the client
and on every worker.

    from dask.distributed import Client
    from normalizer.dask import read_json_lines, to_json_lines
    client = Client()                    # or Client("scheduler:8786")
    to_json_lines(read_json_lines("articles/*.jsonl"), "cleaned/*.jsonl")

:func:`read_json_lines` reads files on local or shared storage (any fsspec URL) in
blocks cut at line ends; each block is one task, cleaned by
:func:`normalizer.partition.clean_partition` exactly as ``normalizer batch`` cleans the
file, bad lines included, and numbered as lines of their file (a small first pass
counts each block's lines; it reads the block again, which costs far less than cleaning
it).  :func:`clean_dataframe` does the same for a ``dask.dataframe`` with a text column,
through :func:`normalizer.frames.clean_frame`.

Each worker process loads the gazetteer once and keeps it for every later task: start
workers as processes (``LocalCluster(processes=True)``, ``dask worker --nworkers N
--nthreads 1``); threads in one process would share one interpreter lock.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import dask
import dask.bag
import dask.dataframe
from dask.bytes import read_bytes

from normalizer.batch import iter_lines
from normalizer.frames import FRAME_COLUMNS, clean_frame
from normalizer.partition import clean_partition
from normalizer.problems import json_bytes
from normalizer.settings import DEFAULT_GAZETTEER, resolve

#: Bytes per task: about 6,000 news articles, a few seconds of cleaning per task.
BLOCKSIZE = "32MiB"


def _count_lines(block: bytes) -> int:
    return block.count(b"\n") + (bool(block) and not block.endswith(b"\n"))


def _first_line(counts: list[int]) -> int:
    return 1 + sum(counts)


def _clean_block(block: bytes, first_line: int, settings: dict[str, Any]) -> list[dict]:
    lines = iter_lines(io.BytesIO(block).read, settings["max_line_bytes"])
    return list(
        clean_partition(
            lines,
            first_line=first_line,
            gazetteer=settings["gazetteer"],
            defaults=settings["defaults"],
        )
    )


def read_json_lines(
    urlpath: str | Sequence[str],
    *,
    blocksize: str | int = BLOCKSIZE,
    gazetteer: Sequence[str] = (DEFAULT_GAZETTEER,),
    defaults: Mapping[str, Any] | None = None,
    max_line_bytes: int | None = None,
) -> dask.bag.Bag:
    """A bag of output objects, one per line of the files, in file and line order (lazy).

    ``gazetteer`` names files every worker can read; ``max_line_bytes`` defaults to the
    ``NORMALIZER_MAX_LINE_BYTES`` setting, as for ``normalizer batch``.
    """
    settings = {
        "gazetteer": tuple(gazetteer),
        "defaults": dict(defaults or {}),
        "max_line_bytes": max_line_bytes or resolve()["max_line_bytes"],
    }
    _, files = read_bytes(urlpath, delimiter=b"\n", blocksize=blocksize, sample=False)
    parts = []
    for blocks in files:
        counts = [dask.delayed(_count_lines)(block) for block in blocks]
        for number, block in enumerate(blocks):
            first_line = dask.delayed(_first_line)(counts[:number])
            parts.append(dask.delayed(_clean_block)(block, first_line, settings))
    return dask.bag.from_delayed(parts)


def _encode(output: dict) -> str:
    return json_bytes(output).decode("utf-8")


def to_json_lines(outputs: dask.bag.Bag, urlpath: str, **kwargs: Any) -> Any:
    """Write output objects as JSON Lines, one file per partition (``cleaned/*.jsonl``).

    The lines are the bytes ``normalizer batch`` writes; the parts are numbered with
    five digits (``00000.jsonl``), so ``cat cleaned/*.jsonl`` joins them in order.
    ``kwargs`` go to ``Bag.to_textfiles`` (``compute=False`` for a lazy write).
    """
    kwargs.setdefault("name_function", _part_name)
    lines = outputs.map(_encode)
    return lines.to_textfiles(urlpath, encoding="utf-8", last_endline=True, **kwargs)


def _part_name(number: int) -> str:
    return f"{number:05d}"


def clean_dataframe(
    frame: dask.dataframe.DataFrame,
    *,
    text: str = "text",
    id: str | None = "id",
    options: str | None = None,
    line: str | None = None,
    gazetteer: Sequence[str] = (DEFAULT_GAZETTEER,),
    defaults: Mapping[str, Any] | None = None,
) -> dask.dataframe.DataFrame:
    """Clean the ``text`` column of a Dask DataFrame, partition by partition (lazy).

    The columns are those of :func:`normalizer.frames.clean_frame`: ``changes``,
    ``flags``, ``stats`` and ``error`` as JSON strings.
    """
    meta = {name: "object" for name in FRAME_COLUMNS}
    if id in frame.columns:
        meta["id"] = frame[id].dtype
    settings = {"gazetteer": tuple(gazetteer), "defaults": dict(defaults or {})}
    return frame.map_partitions(
        clean_frame, text=text, id=id, options=options, line=line, meta=meta, **settings
    )
