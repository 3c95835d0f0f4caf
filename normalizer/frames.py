"""A pandas DataFrame of records cleaned as one partition: what Spark and Dask run.

:func:`clean_frame` is the function Spark's ``mapInPandas`` (:mod:`normalizer.spark`)
and Dask's ``map_partitions`` (:mod:`normalizer.dask`) call on each partition; it hands
the rows to :func:`normalizer.partition.clean_partition` and lays the output objects out
as the columns of :data:`FRAME_COLUMNS`:

- ``id``: the input's id column as it was (null without one);
- ``text``, ``language``: strings, null on error;
- ``changes``, ``flags``, ``stats``: JSON strings (the batch line's arrays and object,
  written by the same writer as a batch line), null on error;
- ``error``: null on success, else the error object as a JSON string
  (``{"type", "title", "status", "detail", "line"}``).

:func:`batch_line` puts a row back together as the batch line's object, so
``encode_line(batch_line(row))`` is the very line ``normalizer batch`` writes.

>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["a", "b"], "text": ["Khalifa Hifter", None]})
>>> out = clean_frame(frame)
>>> list(out["text"]), list(out["error"].isna())
(['Khalifa Haftar', None], [True, False])
>>> batch_line(out.iloc[1].to_dict())["error"]["type"]
'urn:normalizer:problem:missing-text'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from normalizer.partition import clean_partition, row_record
from normalizer.problems import json_bytes

#: The columns of a cleaned frame, in the batch line's order.
FRAME_COLUMNS = ("id", "text", "changes", "flags", "language", "stats", "error")
JSON_COLUMNS = ("changes", "flags", "stats", "error")
RESULT_KEYS = ("text", "changes", "flags", "language", "stats")


def _column(frame: pd.DataFrame, name: str | None) -> list[Any]:
    """A column as plain Python values (numpy scalars become ints and floats)."""
    if name is None:
        return [None] * len(frame)
    if name not in frame.columns:
        raise KeyError(f"no column {name!r} (columns: {', '.join(map(str, frame.columns))})")
    return frame[name].astype(object).where(frame[name].notna(), None).tolist()


def _json(value: Any) -> str:
    return json_bytes(value).decode("utf-8")


def _row(output: Mapping[str, Any]) -> dict[str, Any]:
    if "error" in output:
        return {"error": _json(output["error"])}
    return {
        "text": output["text"],
        "changes": _json(output["changes"]),
        "flags": _json(output["flags"]),
        "language": output["language"],
        "stats": _json(output["stats"]),
    }


def clean_frame(
    frame: pd.DataFrame,
    *,
    text: str = "text",
    id: str | None = "id",
    options: str | None = None,
    line: str | None = None,
    gazetteer: Sequence[str] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Clean each row of ``frame``; return one row per row, columns :data:`FRAME_COLUMNS`.

    ``text``, ``id``, ``options`` and ``line`` name the input's columns (``id=None`` or a
    missing ``id`` column: null ids); ``options`` holds each row's options as a JSON
    string or a struct; ``line`` holds each row's number for its error object (without
    it, ``line`` is null).  ``gazetteer`` names its files as the ``gazetteer`` setting
    does (default: the built-in one), loaded once per process.
    """
    ids = _column(frame, id if id in frame.columns else None)
    records = (
        row_record(*values) for values in zip(ids, _column(frame, text), _column(frame, options))
    )
    numbers = _column(frame, line) if line else None
    outputs = clean_partition(records, gazetteer=gazetteer, defaults=defaults, lines=numbers)
    columns: dict[str, list[Any]] = {name: [] for name in FRAME_COLUMNS[1:]}
    for output in outputs:
        row = _row(output)
        for name, values in columns.items():
            values.append(row.get(name))
    cleaned = pd.DataFrame(columns, index=frame.index, dtype=object)
    cleaned.insert(0, "id", frame[id] if id in frame.columns else None)
    return cleaned


def clean_frames(frames: Iterable[pd.DataFrame], **settings: Any) -> Iterator[pd.DataFrame]:
    """:func:`clean_frame` over each frame: the shape of Spark's ``mapInPandas``."""
    for frame in frames:
        yield clean_frame(frame, **settings)


def batch_line(row: Mapping[str, Any]) -> dict[str, Any]:
    """A cleaned frame's row as the batch line's object (the JSON columns decoded)."""
    if row.get("error") is not None:
        return {"id": row.get("id"), "error": json.loads(row["error"])}
    values = {key: row[key] for key in RESULT_KEYS}
    for key in ("changes", "flags", "stats"):
        values[key] = json.loads(values[key])
    return {"id": row.get("id"), **values}
