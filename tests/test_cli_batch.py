"""``normalizer batch`` as a process: Parquet in and out, the progress bar on a terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.conftest import SMALL_GAZETTEER, process_env

EXECUTABLE = Path(sys.executable).parent / "normalizer"
RECORDS = [
    {"id": 1, "text": "Khalifa Hifter met Sergei Lavrov in Sirt."},
    {"id": 2, "text": ""},
    {"id": 3, "text": "Erdogan", "options": {"diacritics": "ascii"}},
    {"id": 4, "text": "Sirt", "options": {"quote_style": "sideways"}},
    {"id": 5, "text": "Valery Grasimov and Khalifa Hifter."},
]


def batch(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = process_env(NORMALIZER_GAZETTEER=str(SMALL_GAZETTEER))
    return subprocess.run(
        [str(EXECUTABLE), "batch", *args], env=env, timeout=120, check=False, **kwargs
    )


@pytest.fixture
def json_lines(tmp_path) -> tuple[Path, bytes]:
    """The records as JSON Lines, and what ``normalizer batch`` writes for them."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    done = batch(str(source), "-o", str(tmp_path / "out.jsonl"), capture_output=True)
    assert done.returncode == 0, done.stderr
    return source, (tmp_path / "out.jsonl").read_bytes()


def write_parquet(path: Path) -> Path:
    pa = pytest.importorskip("pyarrow", reason="pip install '.[parquet]'")
    import pyarrow.parquet as pq

    rows = [{**r, "options": json.dumps(r["options"]) if "options" in r else None} for r in RECORDS]
    schema = pa.schema([("id", pa.int64()), ("text", pa.string()), ("options", pa.string())])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def test_parquet_in_gives_the_json_lines_out(tmp_path, json_lines):
    source = write_parquet(tmp_path / "in.parquet")
    done = batch(str(source), "-o", "-", "--jobs", "2", capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == json_lines[1]


def test_parquet_out_holds_the_lines_typed(tmp_path, json_lines):
    from normalizer.parquet import read_outputs

    expected = [json.loads(line) for line in json_lines[1].splitlines()]
    source = write_parquet(tmp_path / "in.parquet")
    done = batch(str(source), "-o", str(tmp_path / "out.parquet"), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert list(read_outputs(tmp_path / "out.parquet")) == expected  # the ids stay numbers
    done = batch(str(json_lines[0]), "-o", str(tmp_path / "from-jsonl.parquet"))
    from_lines = list(read_outputs(tmp_path / "from-jsonl.parquet"))
    assert from_lines == [{**line, "id": str(line["id"])} for line in expected]
    assert [line.get("error", {}).get("line") for line in from_lines] == [None, 2, None, 4, None]


def test_parquet_without_a_text_column_is_an_error(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pip install '.[parquet]'")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"body": ["Sirt"]}), tmp_path / "in.parquet")
    done = batch(str(tmp_path / "in.parquet"), "-o", "-", capture_output=True)
    assert done.returncode == 1
    assert b"no 'text' column (columns: body)" in done.stderr


def test_progress_bar_on_a_terminal(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": n, "text": f"Khalifa Hifter, day {n}."}) for n in range(300)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = process_env(NORMALIZER_GAZETTEER=str(SMALL_GAZETTEER))
    process = subprocess.Popen(
        [str(EXECUTABLE), "batch", str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "1"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert process.wait(timeout=60) == 0
    # The terminal writes each line end as \r\n; tqdm redraws after a bare \r.
    draws = shown.decode().replace("\r\n", "\n").split("\r")
    # Redrawn in place: done out of the total, time taken and left, and the rate.
    assert draws[1].startswith("  0%") and "| 0/300 [00:00<?" in draws[1], draws
    last, summary = draws[-1].split("\n", 1)
    assert last.startswith("100%") and "| 300/300 [" in last and " records/s]" in last, draws
    assert summary == "normalizer batch: 300 line(s), 0 error line(s)\n", draws
