"""Spark and Dask, the real engines on loopback, against ``normalizer batch`` on the same input.

One input for every door: the seed articles, the negative cases and bad records mixed in
(null and empty text, bad and unknown options), as JSON Lines for the CLI and as a
DataFrame for the engines.  Each engine's output must equal the CLI's, record for record:
none lost, none duplicated, bad records as error records in their place.  The Spark
session (``local[2]``) and the Dask cluster (two worker processes) start once per test
session.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from normalizer.batch import encode_line
from tests.conftest import ROOT, SMALL_GAZETTEER

EXAMPLES = ROOT / "examples"
SEEDS = sorted(p for p in (ROOT / "seeds").glob("0*.txt") if ".expected" not in p.name)
GAZETTEER = (str(SMALL_GAZETTEER),)
BAD_RECORDS = [
    {"id": "bad-null-text", "text": None},
    {"id": "bad-empty-text", "text": ""},
    {"id": "bad-option-value", "text": "Khalifa Hifter", "options": {"quote_style": "sideways"}},
    {"id": "bad-option-name", "text": "Khalifa Hifter", "options": {"colour": "red"}},
]
GOOD_WITH_OPTIONS = {
    "id": "ascii",
    "text": "Erdogan met Hifter.",
    "options": {"diacritics": "ascii"},
}
# Lines only a JSON Lines reader can meet (no DataFrame row can hold them).
RAW_BAD_LINES = [b"not json", b"", b"[1, 2]", b'{"id": {"a": 1}, "text": "Sirt"}', b'{"text": 3}']


def example(name: str):
    """A script of examples/ as a module."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def input_records() -> list[dict]:
    """Seeds, negative cases and bad records, interleaved."""
    negatives = json.loads((ROOT / "tests" / "cases" / "negative.json").read_text("utf-8"))
    records = [{"id": f"seed-{p.name[:3]}", "text": p.read_text("utf-8")} for p in SEEDS]
    records += [{"id": f"negative-{n}", "text": c["original"]} for n, c in enumerate(negatives)]
    for step, bad in enumerate([*BAD_RECORDS, GOOD_WITH_OPTIONS]):
        records.insert(7 + step * 41, bad)
    return records


def write_json_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def run_cli_batch(source: Path, target: Path) -> bytes:
    """``normalizer batch`` as a process, two jobs, on the small gazetteer."""
    from tests.conftest import process_env

    executable = Path(sys.executable).parent / "normalizer"
    env = process_env(NORMALIZER_GAZETTEER=GAZETTEER[0])
    done = subprocess.run(
        [str(executable), "batch", str(source), "-o", str(target), "--jobs", "2"],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return target.read_bytes()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return input_records()


@pytest.fixture(scope="module")
def record_lines(records) -> list[bytes]:
    return [json.dumps(record, ensure_ascii=False).encode() for record in records]


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory, record_lines) -> bytes:
    """What ``normalizer batch`` writes for the records."""
    folder = tmp_path_factory.mktemp("cli")
    source = write_json_lines(folder / "in.jsonl", record_lines)
    output = run_cli_batch(source, folder / "out.jsonl")
    assert output.count(b"\n") == len(record_lines)
    return output


def cli_objects(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_the_input_holds_what_it_should(records, cli_output):
    errors = [line for line in cli_objects(cli_output) if "error" in line]
    assert [line["id"] for line in errors] == [bad["id"] for bad in BAD_RECORDS]
    assert {line["error"]["type"].rsplit(":", 1)[1] for line in errors} == {
        "missing-text",
        "invalid-options",
    }
    negatives = json.loads((ROOT / "tests" / "cases" / "negative.json").read_text("utf-8"))
    assert len(negatives) >= 256
    assert len(records) == len(SEEDS) + len(negatives) + len(BAD_RECORDS) + 1


# -- Dask -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def dask_client():
    """A LocalCluster of two worker processes on loopback, one thread each."""
    distributed = pytest.importorskip("distributed", reason="pip install '.[dask]'")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        worker_dashboard_address=None,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _gazetteer_loads():
    from normalizer.partition import worker_gazetteer

    info = worker_gazetteer.cache_info()
    return info.misses, info.hits


def test_dask_bag_gives_the_cli_bytes(dask_client, tmp_path, record_lines, cli_output):
    from normalizer.dask import read_json_lines, to_json_lines

    source = write_json_lines(tmp_path / "in.jsonl", record_lines)
    # Small blocks: about 20 tasks, spread over both workers.
    outputs = read_json_lines(str(source), blocksize="8KiB", gazetteer=GAZETTEER)
    assert outputs.npartitions > 4
    assert b"".join(encode_line(line) for line in outputs.compute()) == cli_output
    to_json_lines(outputs, str(tmp_path / "out" / "*.jsonl"))
    parts = sorted((tmp_path / "out").glob("*.jsonl"))  # as ``cat out/*.jsonl`` joins them
    assert b"".join(part.read_bytes() for part in parts) == cli_output
    # Each worker process loaded the gazetteer once and reused it for its other tasks.
    loads = dask_client.run(_gazetteer_loads)
    assert len(loads) == 2
    assert all(misses == 1 for misses, _ in loads.values()), loads
    assert all(hits >= 1 for _, hits in loads.values()), loads


def test_dask_bag_answers_raw_bad_lines_as_the_cli_does(dask_client, tmp_path, record_lines):
    lines = list(record_lines[:40])
    for step, raw in enumerate(RAW_BAD_LINES):
        lines.insert(3 + step * 7, raw)
    source = write_json_lines(tmp_path / "in.jsonl", lines)
    expected = run_cli_batch(source, tmp_path / "cli.jsonl")
    from normalizer.dask import read_json_lines

    outputs = read_json_lines(str(source), blocksize="4KiB", gazetteer=GAZETTEER).compute()
    assert b"".join(encode_line(line) for line in outputs) == expected
    bad_ids = {bad["id"] for bad in BAD_RECORDS}
    bad_lines = [
        number
        for number, line in enumerate(lines, 1)
        if line in RAW_BAD_LINES or json.loads(line).get("id") in bad_ids
    ]
    errors = [line["error"]["line"] for line in outputs if "error" in line]
    assert errors == bad_lines and len(bad_lines) > len(RAW_BAD_LINES)


def test_dask_dataframe_gives_the_cli_lines(dask_client, records, cli_output):
    import dask.dataframe
    import pandas as pd

    from normalizer.dask import clean_dataframe
    from normalizer.frames import batch_line

    frame = pd.DataFrame(_rows(records))
    cleaned = clean_dataframe(
        dask.dataframe.from_pandas(frame, npartitions=6),
        options="options",
        line="line",
        gazetteer=GAZETTEER,
    ).compute()
    lines = [encode_line(batch_line(row)) for row in cleaned.to_dict("records")]
    assert b"".join(lines) == cli_output


def _rows(records: list[dict]) -> list[dict]:
    """Records as table rows: options as JSON strings, each row's line number."""
    return [
        {
            "id": record["id"],
            "text": record["text"],
            "options": json.dumps(record["options"]) if "options" in record else None,
            "line": number,
        }
        for number, record in enumerate(records, 1)
    ]


# -- Spark ----------------------------------------------------------------------------


def _java_missing() -> bool:
    return shutil.which("java") is None and not os.environ.get("JAVA_HOME")


@pytest.fixture(scope="session")
def spark():
    """One ``local[2]`` Spark session for the whole test run, on loopback."""
    if _java_missing():
        pytest.skip("Spark needs Java 17+: apt-get install openjdk-17-jre-headless")
    sql = pytest.importorskip("pyspark.sql", reason="pip install '.[spark]'")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        sql.SparkSession.builder.master("local[2]")
        .appName("normalizer-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


SPARK_SCHEMA = "id string, text string, options string, line long"


def _spark_frame(spark, records):
    return spark.createDataFrame(_rows(records), SPARK_SCHEMA).repartition(4, "id")


def _typed_batch_line(row) -> dict:
    """A typed Spark row as the batch line's object."""
    values = row.asDict(recursive=True)
    if values["error"] is not None:
        return {"id": values["id"], "error": values["error"]}
    names = ("text", "changes", "flags", "language", "stats")
    return {"id": values["id"], **{name: values[name] for name in names}}


def test_spark_typed_columns_are_the_cli_lines(spark, records, cli_output):
    from normalizer.spark import clean_dataframe

    frame = _spark_frame(spark, records)
    cleaned = clean_dataframe(frame, options="options", line="line", gazetteer=GAZETTEER)
    assert cleaned.schema["changes"].dataType.simpleString().startswith("array<struct<start")
    assert cleaned.schema["error"].dataType.simpleString().startswith("struct<type")
    rows = cleaned.join(frame.select("id", "line"), "id").orderBy("line").collect()
    assert [_typed_batch_line(row) for row in rows] == cli_objects(cli_output)


def test_spark_json_columns_give_the_cli_bytes(spark, records, cli_output):
    from normalizer.frames import batch_line
    from normalizer.spark import clean_dataframe

    frame = _spark_frame(spark, records)
    cleaned = clean_dataframe(
        frame, options="options", line="line", gazetteer=GAZETTEER, typed=False
    )
    assert cleaned.rdd.getNumPartitions() == 4
    by_id = {row["id"]: row.asDict() for row in cleaned.collect()}
    assert len(by_id) == len(records)
    lines = [encode_line(batch_line(by_id[record["id"]])) for record in records]
    assert b"".join(lines) == cli_output
    # Two Python workers ran the four tasks: each loaded the gazetteer once, then reused it.
    probe = spark.range(2, numPartitions=2).mapInPandas(_spark_loads(), "misses long, hits long")
    counts = [tuple(row) for row in probe.collect()]
    assert all(misses == 1 for misses, _ in counts) and any(hits for _, hits in counts), counts


def _spark_loads():
    """A closure (pickled by value: the workers need not import the tests)."""
    from normalizer.partition import worker_gazetteer

    def loads(frames):
        import pandas as pd

        for _ in frames:
            info = worker_gazetteer.cache_info()
            yield pd.DataFrame({"misses": [info.misses], "hits": [info.hits]})

    return loads


def test_spark_example_and_its_check_against_a_local_run(spark, tmp_path):
    spark_clean = example("spark_clean")
    articles = str(EXAMPLES / "articles.jsonl")
    local, distributed = tmp_path / "local.parquet", str(tmp_path / "spark.parquet")
    run_cli_batch(EXAMPLES / "articles.jsonl", local)
    spark_clean.clean_json_lines(spark, articles, distributed, gazetteer=GAZETTEER)
    assert spark.read.parquet(distributed).count() == 8
    assert spark_clean.differences(spark, str(local), distributed) == 0
    # The check sees a lost row.
    spark.read.parquet(distributed).limit(7).write.parquet(str(tmp_path / "short.parquet"))
    assert spark_clean.differences(spark, str(local), str(tmp_path / "short.parquet")) == 1


def test_dask_example_gives_the_cli_bytes(dask_client, tmp_path):
    dask_clean = example("dask_clean")
    dask_clean.clean_json_lines(
        str(EXAMPLES / "articles.jsonl"), str(tmp_path / "out" / "*.jsonl"), gazetteer=GAZETTEER
    )
    parts = sorted((tmp_path / "out").glob("*.jsonl"))
    expected = run_cli_batch(EXAMPLES / "articles.jsonl", tmp_path / "local.jsonl")
    assert b"".join(part.read_bytes() for part in parts) == expected
    assert expected.count(b"\n") == 8 and expected.count(b'"error"') == 1
