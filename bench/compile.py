"""Compile figures of the gazetteer (``gazetteer.load``), each in a fresh interpreter as
the server's compiling child runs it:

- cold: the default gazetteer with an empty cache (every layer compiled);
- warm: the default gazetteer again (every layer read from the cache);
- custom: the default gazetteer, its layers cached, plus a custom file of 50 entities
  never seen before (that file's layer compiled, and the combination checked);
- baseline: reading every default file's lines with ``json.loads`` in the same run, so
  that the figures can be compared across machines as ratios.

Targets (issue 11, on a quiet 2-core machine): cold at most 3 s, custom at most 1 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_LOAD = r"""
import json, sys, time
import gazetteer
paths = list(gazetteer.default_paths()) + sys.argv[2:]
started = time.perf_counter()
gazetteer.load(paths, cache_dir=sys.argv[1])
print(json.dumps(time.perf_counter() - started))
"""

_BASELINE = r"""
import json, time
import gazetteer
started = time.perf_counter()
for path in gazetteer.default_paths():
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            json.loads(line)
print(json.dumps(time.perf_counter() - started))
"""


def custom_lines(round_number: int, entities: int = 50) -> str:
    """A custom file of ``entities`` people, different in every round (never cached)."""
    lines = [json.dumps({"gazetteer": "bench-custom", "format": 1, "version": "1"})]
    for number in range(entities):
        name = f"Zorblat{round_number}x{number} Quintero"
        lines.append(json.dumps({
            "id": f"bench_{round_number}_{number}", "name": name, "type": "person",
            "aliases": [name.replace("Quintero", "Kintero")], "context": ["LY"],
        }))  # fmt: skip
    return "\n".join(lines) + "\n"


def _seconds(code: str, *args: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def bench_compile(rounds: int = 3) -> dict:
    """Medians over ``rounds`` of cold, warm and custom loads, and the baseline."""
    samples: dict[str, list[float]] = {"cold": [], "warm": [], "custom": [], "baseline": []}
    for number in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            cache = str(Path(folder) / "cache")
            samples["baseline"].append(_seconds(_BASELINE))
            samples["cold"].append(_seconds(_LOAD, cache))
            samples["warm"].append(_seconds(_LOAD, cache))
            custom = Path(folder) / "custom.jsonl"
            custom.write_text(custom_lines(number), encoding="utf-8")
            samples["custom"].append(_seconds(_LOAD, cache, str(custom)))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "rounds": rounds,
        **{f"{name}_s": round(value, 2) for name, value in medians.items()},
        "cold_to_baseline": round(medians["cold"] / medians["baseline"], 2),
        "custom_to_baseline": round(medians["custom"] / medians["baseline"], 2),
        "samples_s": {name: [round(v, 2) for v in values] for name, values in samples.items()},
    }


if __name__ == "__main__":
    print(json.dumps(bench_compile(), indent=2))
