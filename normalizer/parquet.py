"""Batch records in Parquet: read rows as records, write output objects as typed rows.

Needs pyarrow (``pip install 'mt-news-normalizer[parquet]'``; ``[spark]`` brings it too).

Input: a Parquet file with a ``text`` column and optionally ``id`` and ``options`` (a
JSON string or a struct); other columns are ignored.  Each row is one record, numbered
from 1 in file order, cleaned by :func:`normalizer.partition.clean_partition`.

Output: one row per record, in order, with the columns of :data:`OUTPUT_FIELDS`.  The
nested parts of the batch line are typed: ``changes`` and ``flags`` are lists of structs,
``stats`` a struct (``changes_by_category`` a map), ``error`` a struct that is null on
success, where ``text``, ``changes``, ``flags``, ``language`` and ``stats`` are null on
error.  ``id`` keeps the input's type for Parquet input; from JSON Lines it is a string
(a number id written as its JSON text, ``3`` → ``"3"``), since a column has one type.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from normalizer.errors import InputError
from normalizer.partition import RECORD_COLUMNS, row_record

# Rows per record batch read or written: a few MB of articles, so memory stays bounded
# whatever the file's length.
BATCH_ROWS = 1024

ENTITY = pa.struct([("id", pa.string()), ("name", pa.string()), ("type", pa.string())])
CHANGE = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("original", pa.string()),
        ("replacement", pa.string()),
        ("category", pa.string()),
        ("rule", pa.string()),
        ("confidence", pa.float64()),
        ("message", pa.string()),
        ("entity", ENTITY),
    ]
)
FLAG = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("category", pa.string()),
        ("rule", pa.string()),
        ("message", pa.string()),
        ("entity", ENTITY),
    ]
)
STATS = pa.struct(
    [
        ("passes", pa.int64()),
        ("settled", pa.bool_()),
        ("changes", pa.int64()),
        ("flags", pa.int64()),
        ("changes_by_category", pa.map_(pa.string(), pa.int64())),
        ("input_length", pa.int64()),
        ("output_length", pa.int64()),
        ("gazetteer_version", pa.string()),
    ]
)
ERROR = pa.struct(
    [
        ("type", pa.string()),
        ("title", pa.string()),
        ("status", pa.int64()),
        ("detail", pa.string()),
        ("line", pa.int64()),
    ]
)
#: The output columns after ``id``, in the batch line's order.
OUTPUT_FIELDS = (
    pa.field("text", pa.string()),
    pa.field("changes", pa.list_(CHANGE)),
    pa.field("flags", pa.list_(FLAG)),
    pa.field("language", pa.string()),
    pa.field("stats", STATS),
    pa.field("error", ERROR),
)


def output_schema(id_type: pa.DataType | None = None) -> pa.Schema:
    """The schema of the output rows, with ``id`` of the given type (default string)."""
    return pa.schema([pa.field("id", id_type or pa.string()), *OUTPUT_FIELDS])


def _open(path: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: not a readable Parquet file: {error}") from None


def row_count(path: str) -> int:
    """The number of rows of a Parquet file, from its footer."""
    return _open(path).metadata.num_rows


def id_type(path: str) -> pa.DataType:
    """The type of the input's ``id`` column (string when it has none)."""
    schema = _open(path).schema_arrow
    return schema.field("id").type if "id" in schema.names else pa.string()


def read_records(path: str) -> Iterator[Any]:
    """Each row of a Parquet file as a record (see :func:`normalizer.partition.row_record`)."""
    source = _open(path)
    names = source.schema_arrow.names
    if "text" not in names:
        raise InputError(f"{path}: no 'text' column (columns: {', '.join(names)})")
    columns = [name for name in RECORD_COLUMNS if name in names]
    for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=columns):
        for row in batch.to_pylist():
            yield row_record(row.get("id"), row["text"], row.get("options"))


def _row(output: dict[str, Any], id_is_string: bool) -> dict[str, Any]:
    line_id = output.get("id")
    if id_is_string and line_id is not None and not isinstance(line_id, str):
        output = {**output, "id": str(line_id)}
    return output


class ParquetSink:
    """Writes output objects as rows of a Parquet file, :data:`BATCH_ROWS` at a time."""

    def __init__(self, path: str | Path, id_type: pa.DataType | None = None) -> None:
        self.schema = output_schema(id_type)
        self.id_is_string = pa.types.is_string(self.schema.field("id").type)
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []

    def write(self, output: dict[str, Any]) -> None:
        """Add one output object (flushed every :data:`BATCH_ROWS`)."""
        self.rows.append(_row(output, self.id_is_string))
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the rows held so far as one row group."""
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        """Write what is left and the file's footer."""
        self.flush()
        self.writer.close()


def read_outputs(path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of an output file as batch-line objects (for checks and tests)."""
    for batch in pq.ParquetFile(str(path)).iter_batches(batch_size=BATCH_ROWS):
        for row in batch.to_pylist():
            yield as_batch_line(row)


def as_batch_line(row: dict[str, Any]) -> dict[str, Any]:
    """An output row back in the batch line's shape: the result or ``{"id", "error"}``."""
    if row.get("error") is not None:
        return {"id": row["id"], "error": row["error"]}
    stats = row["stats"]
    # A map column reads back as (key, value) pairs.
    stats = {**stats, "changes_by_category": dict(stats["changes_by_category"] or ())}
    names = ("text", "changes", "flags", "language")
    return {"id": row["id"], **{name: row[name] for name in names}, "stats": stats}
