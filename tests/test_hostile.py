"""Hostile input: texts built to make regexes backtrack, loops crawl or offsets slip.

Each must be cleaned within a time budget (these machines are shared and
noisy: the budget catches quadratic blow-ups, not slow days) and keep the change-log
invariants.
"""

from __future__ import annotations

import time

import pytest

from normalizer import apply_changes, clean

BUDGET_SECONDS = 6.0  # the slowest case takes 1.6 s here; a quadratic one took 10 s
HOSTILE = {
    "one 200k-letter word": "a" * 200_000,
    "200k spaces": " " * 200_000,
    "50k blank lines": "\n" * 50_000,
    "trailing spaces on 20k lines": "word \u00a0 \t\n" * 20_000,
    "20k caption bullets": "  • Reuters\n" * 20_000,
    "20k repeated headlines": "Headline\n\n" * 20_000,
    "30k curly quotes": "“" * 30_000,
    "quote spacing everywhere": "a, ”b " * 20_000,
    "30k asterisks": " *" * 30_000,
    "Arabic debris glued to Latin 10k times": "Çavuşo أوlu " * 10_000,
    "alternating scripts": "aа" * 50_000,
    "Cyrillic look-alikes in one word": "Hаftаr" * 20_000,
    "one alias 20k times": "Hifter " * 20_000,
    "name-like tokens for fuzzy lookups": " ".join(f"Grasimov{i % 10}x" for i in range(20_000)),
    "Arabic article chains": "Al-" * 50_000 + "Jafra",
    "combining marks pile": "e" + "\u0301" * 50_000,
    "Arabic marks pile": "ح" + "\u064e" * 50_000 + "فتر",
    "mojibake wall": "Ã©" * 50_000,
    "HTML entities": "&amp;" * 50_000,
    "one long mixed paragraph": ("Khalifa Hifter met Sergei Lavrov in Sirt. " * 5_000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_cleaned_in_time(name):
    text = HOSTILE[name]
    started = time.perf_counter()
    result = clean(text)
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_SECONDS, f"{name}: {elapsed:.1f} s"
    assert apply_changes(text, result.changes) == result.text
