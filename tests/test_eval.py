"""Quality floor on the evaluation set (tests/eval/cases.jsonl; ``make eval`` prints it)."""

from __future__ import annotations

import pytest

from bench.eval import load_cases, score_cases

REPORT = score_cases(load_cases())


@pytest.mark.parametrize("category", ["mixed_script", "lookalike", "variant", "calque"])
def test_recall_and_precision(category):
    row = REPORT[category]
    assert row["cases"] >= 10
    assert row["recall"] >= 0.95, row["failures"][:5]
    assert row["precision"] >= 0.99


def test_traps_are_left_alone():
    row = REPORT["trap"]
    assert row["cases"] >= 100
    assert row["non_typographic_changes"] == 0, row["failures"][:5]
    assert row["recall"] == 1.0


# Issue 10: classes the gazetteer cannot mirror (tests/eval/build_script_eval.py).
@pytest.mark.parametrize(
    "category", ["mixed_cyrillic", "mixed_arabic", "lookalike_greek", "lookalike_cyrillic"]
)
def test_script_repair_classes(category):
    row = REPORT[category]
    assert row["cases"] >= 50
    assert row["recall"] >= 0.9, row["failures"][:5]
    assert row["precision"] >= 0.99


@pytest.mark.parametrize("category", ["protected", "script_trap"])
def test_protected_spans_and_script_traps_are_left_alone(category):
    row = REPORT[category]
    assert row["cases"] >= 20
    assert row["non_typographic_changes"] == 0, row["failures"][:5]
    assert row["recall"] == 1.0, row["failures"][:5]
