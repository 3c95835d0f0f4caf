"""Clean a Spark DataFrame of articles: ``mapInPandas`` over the one partition call.

Needs the ``[spark]`` extra (``pip install 'mt-news-normalizer[spark]'``: pyspark,
pyarrow, pandas) on the driver and on every executor.

    from normalizer.spark import clean_dataframe
    cleaned = clean_dataframe(spark.read.parquet("articles.parquet"), id="doc_id")
    cleaned.write.parquet("cleaned.parquet")

Each partition travels to a Python worker as Arrow batches, becomes pandas frames, and
is cleaned by :func:`normalizer.frames.clean_frame` (so by
:func:`normalizer.partition.clean_partition`); nothing is collected to the driver.  Each
Python worker process loads the gazetteer once and keeps it for every later task while
``spark.python.worker.reuse`` is on (Spark's default).

The result has one row per input row, in the input's partitions: ``id`` (the input's id
column, as it was), ``text``, ``changes``, ``flags``, ``language``, ``stats`` and
``error``.  With ``typed=True`` (the default) ``changes`` and ``flags`` are arrays of
structs, ``stats`` and ``error`` structs (the types of :mod:`normalizer.parquet`); with
``typed=False`` they are the batch line's JSON strings.  On success ``error`` is null;
on error only ``id`` and ``error`` are set, ``error.line`` being the ``line`` column's
value (null without one).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_type
from pyspark.sql.types import StringType, StructField, StructType

from normalizer.frames import FRAME_COLUMNS, JSON_COLUMNS, clean_frames
from normalizer.parquet import OUTPUT_FIELDS
from normalizer.settings import DEFAULT_GAZETTEER

#: The Spark type of each typed column (from the Arrow types of normalizer.parquet).
TYPED_COLUMNS = {
    field.name: from_arrow_type(field.type) for field in OUTPUT_FIELDS if field.name in JSON_COLUMNS
}


def _frame_schema(id_field: StructField | None) -> StructType:
    """What ``mapInPandas`` yields: the id as it was, every other column a string."""
    fields = [StructField("id", id_field.dataType if id_field else StringType())]
    fields += [StructField(name, StringType()) for name in FRAME_COLUMNS[1:]]
    return StructType(fields)


def clean_dataframe(
    frame: DataFrame,
    *,
    text: str = "text",
    id: str | None = "id",
    options: str | None = None,
    line: str | None = None,
    gazetteer: Sequence[str] = (DEFAULT_GAZETTEER,),
    defaults: Mapping[str, Any] | None = None,
    typed: bool = True,
) -> DataFrame:
    """Clean the ``text`` column of ``frame``; one output row per input row (lazy).

    ``id``, ``options`` (JSON strings or structs of options) and ``line`` (each row's
    number, for error objects) name optional columns.  ``gazetteer`` names files the
    executors can read (``"default"`` is the built-in one): shipped with the job
    (``spark-submit --files``, then ``SparkFiles.get``) or on shared storage mounted on
    every executor.  ``defaults`` are options under each row's own.
    """
    wanted = [name for name in (id, text, options, line) if name]
    missing = [name for name in wanted if name not in frame.columns and name != id]
    if missing:
        raise ValueError(f"no column {missing[0]!r} (columns: {', '.join(frame.columns)})")
    has_id = id is not None and id in frame.columns
    selected = frame.select(*[name for name in wanted if name in frame.columns])
    id_field = selected.schema[id] if has_id else None
    clean = functools.partial(
        clean_frames,
        text=text,
        id=id if has_id else None,
        options=options,
        line=line,
        gazetteer=tuple(gazetteer),
        defaults=dict(defaults or {}),
    )
    cleaned = selected.mapInPandas(clean, _frame_schema(id_field))
    if id_field is not None and id != "id":
        cleaned = cleaned.withColumnRenamed("id", id)
    return with_typed_columns(cleaned) if typed else cleaned


def with_typed_columns(cleaned: DataFrame) -> DataFrame:
    """``changes``, ``flags``, ``stats`` and ``error`` parsed from JSON into their types."""
    columns = [
        F.from_json(F.col(name), TYPED_COLUMNS[name]).alias(name)
        if name in TYPED_COLUMNS
        else F.col(name)
        for name in cleaned.columns
    ]
    return cleaned.select(*columns)
