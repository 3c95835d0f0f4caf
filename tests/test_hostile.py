"""Hostile input (``bench/hostile.py``): every case is cleaned and keeps the change-log
invariants: the log replays to the output, and cleaning the output changes nothing.

How long each takes is measured by ``make bench`` (time growth from a tenth of the text to
all of it, a ratio in the same run), not here: a time budget in the test suite fails on a
busy machine for a healthy product.
"""

from __future__ import annotations

import pytest

from bench.hostile import HOSTILE, hostile_text
from normalizer import apply_changes, clean


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_keeps_the_invariants(name):
    text = hostile_text(name)
    result = clean(text)
    assert apply_changes(text, result.changes) == result.text
    again = clean(result.text)
    assert again.text == result.text
    assert again.changes == (), [change.to_dict() for change in again.changes[:3]]
