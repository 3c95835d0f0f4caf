"""Write each seed's golden ``NNN.expected.txt`` from the hand-written ``annotations.json``.

The expected text is the input with the annotated edits applied in order — a careful
editor's reading, written down as find/replace pairs — never the pipeline's output.
``"trailing_space": "MUST"`` also strips spaces and no-break spaces at line ends.
Run: ``python seeds/build_expected.py`` (``--check`` only verifies the files are current).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def expected_text(seed: str, annotation: dict) -> str:
    """The golden output of ``seed``; raises if an edit's count does not hold."""
    text = (FOLDER / f"{seed}.txt").read_text(encoding="utf-8")
    for edit in annotation["edits"]:
        found = text.count(edit["find"])
        if found != edit["count"]:
            raise ValueError(f"{seed}: {edit['find']!r} occurs {found} times, not {edit['count']}")
        text = text.replace(edit["find"], edit["replace"])
    if annotation.get("trailing_space"):
        text = re.sub(r"[ \t\u00a0]+(?=\n|\Z)", "", text)
    return text


def main(argv: list[str]) -> int:
    annotations = json.loads((FOLDER / "annotations.json").read_text(encoding="utf-8"))
    stale = []
    for seed, annotation in annotations.items():
        if seed.startswith("_"):
            continue
        path = FOLDER / f"{seed}.expected.txt"
        text = expected_text(seed, annotation)
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("stale:", ", ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
