"""Hostile input: texts built to make regexes backtrack, loops crawl or offsets slip.

Each case is ``(prefix, unit, count, suffix)``: the text is the unit repeated ``count``
times between the prefix and the suffix, so that it can be built at any size.
``tests/test_hostile.py`` cleans every case in full and checks the change log; the time
each takes is measured here (``make bench``), not in the tests: a time budget fails on a
busy machine for a healthy product.  The figure is how time grows with size, a ratio
measured in the same run: the full text against a tenth of it.  Work linear in the size
gives about 10×; a quadratic blow-up gives about 100× (the one this table was written
for took 10 s for the full text).
"""

from __future__ import annotations

import statistics
import time

HOSTILE = {
    "one 200k-letter word": ("", "a", 200_000, ""),
    "200k spaces": ("", " ", 200_000, ""),
    "50k blank lines": ("", "\n", 50_000, ""),
    "trailing spaces on 20k lines": ("", "word \u00a0 \t\n", 20_000, ""),
    "20k caption bullets": ("", "  • Reuters\n", 20_000, ""),
    "20k repeated headlines": ("", "Headline\n\n", 20_000, ""),
    "30k curly quotes": ("", "“", 30_000, ""),
    "quote spacing everywhere": ("", "a, ”b ", 20_000, ""),
    "30k asterisks": ("", " *", 30_000, ""),
    "Arabic debris glued to Latin 10k times": ("", "Çavuşo أوlu ", 10_000, ""),
    "alternating scripts": ("", "aа", 50_000, ""),
    "Cyrillic look-alikes in one word": ("", "Hаftаr", 20_000, ""),
    "one alias 20k times": ("", "Hifter ", 20_000, ""),
    "name-like tokens for fuzzy lookups": (
        "",
        "".join(f"Grasimov{digit}x " for digit in range(10)),
        2_000,
        "",
    ),
    "Arabic article chains": ("", "Al-", 50_000, "Jafra"),
    "combining marks pile": ("e", "\u0301", 50_000, ""),
    "Arabic marks pile": ("ح", "\u064e", 50_000, "فتر"),
    "mojibake wall": ("", "Ã©", 50_000, ""),
    "HTML entities": ("", "&amp;", 50_000, ""),
    "one long mixed paragraph": ("", "Khalifa Hifter met Sergei Lavrov in Sirt. ", 5_000, ""),
}
# Time for the full text over time for a tenth of it: 10 is linear, 100 quadratic.
GROWTH_BUDGET = 25.0


def hostile_text(name: str, fraction: float = 1.0) -> str:
    """The case ``name`` at ``fraction`` of its full size."""
    prefix, unit, count, suffix = HOSTILE[name]
    return prefix + unit * max(1, int(count * fraction)) + suffix


def _seconds(clean, text: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        clean(text)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench_hostile(repeat: int = 3) -> dict:
    """Per case: seconds for the full text and a tenth of it, and their ratio."""
    from normalizer import clean, warm_up

    warm_up()
    results = {}
    for name in HOSTILE:
        full = _seconds(clean, hostile_text(name), repeat)
        tenth = _seconds(clean, hostile_text(name, 0.1), repeat)
        growth = full / max(tenth, 1e-6)
        results[name] = {
            "full_s": round(full, 3),
            "tenth_s": round(tenth, 4),
            "growth": round(growth, 1),
            "within_budget": growth <= GROWTH_BUDGET,
        }
    return {"growth_budget": GROWTH_BUDGET, "cases": results}
