"""Clean JSON Lines with Spark, and check the result against a local run.

    python examples/spark_clean.py examples/articles.jsonl cleaned-spark.parquet
    normalizer batch examples/articles.jsonl -o cleaned-local.parquet
    python examples/spark_clean.py --check cleaned-local.parquet cleaned-spark.parquet

Needs the ``[spark]`` extra and Java 17+.  On a cluster, use ``spark-submit`` with the
package installed on every executor (see the README's Spark section).
"""

from __future__ import annotations

import argparse
import os
import sys

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from normalizer.spark import clean_dataframe

# ``options`` as a string column: Spark keeps an object's JSON text, which the adapter reads.
INPUT_SCHEMA = "id string, text string, options string"


def clean_json_lines(spark, source: str, target: str, gazetteer=("default",)) -> None:
    """Read ``{"id", "text", "options"?}`` lines, clean them, write typed Parquet."""
    frame = spark.read.schema(INPUT_SCHEMA).json(source)
    cleaned = clean_dataframe(frame, options="options", gazetteer=gazetteer)
    cleaned.write.mode("overwrite").parquet(target)


def _as_lines(frame: DataFrame) -> DataFrame:
    # An error's line number is null here (a DataFrame has no line numbers): left out.
    frame = frame.withColumn("error", F.col("error").dropFields("line"))
    return frame.select(F.to_json(F.struct(*frame.columns)).alias("row"))


def differences(spark, local: str, distributed: str) -> int:
    """Rows in one Parquet output and not in the other (0: the same rows), counted by
    the cluster, never collected to the driver; ``error.line`` is left out."""
    left = _as_lines(spark.read.parquet(local))
    right = _as_lines(spark.read.parquet(distributed))
    return left.exceptAll(right).union(right.exceptAll(left)).count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare two Parquet outputs")
    parser.add_argument("source")
    parser.add_argument("target")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.master("local[*]").appName("normalizer").getOrCreate()
    try:
        if args.check:
            count = differences(spark, args.source, args.target)
            print(f"{count} row(s) differ")
            return 1 if count else 0
        clean_json_lines(spark, args.source, args.target)
        return 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
