"""Synthetic gazetteers of a given size, for measuring how matching scales."""

from __future__ import annotations

import json
import random
from pathlib import Path

_ONSETS = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "r", "s", "t", "v", "z", "sh", "kh"]
_VOWELS = ["a", "e", "i", "o", "u", "ou", "ia"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)).title()


def write_synthetic(path: Path, aliases: int, *, seed: int = 7) -> Path:
    """Write a gazetteer with about ``aliases`` aliases (4 per entity), all distinct."""
    rng = random.Random(seed)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        header = {"gazetteer": f"synthetic-{aliases}", "format": 1, "version": "1"}
        out.write(json.dumps(header) + "\n")
        for number in range(aliases // 4):
            names = []
            while len(names) < 4:
                name = f"{_word(rng, 2)} {_word(rng, rng.randint(2, 4))}"
                if name.lower() not in seen:
                    seen.add(name.lower())
                    names.append(name)
            record = {
                "id": f"synthetic_{number}",
                "name": names[0],
                "type": "person",
                "aliases": names[1:],
                "source": "synthetic",
            }
            out.write(json.dumps(record) + "\n")
    return path
