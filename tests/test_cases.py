"""Run every case in ``tests/cases/*.json`` through the default pipeline.

* ``negative.json``: the text must come out exactly as written, with no changes at all.
* ``known_failures.json``: what the product *should* do but does not yet; each case is
  ``xfail(strict=True)``, so an accidental fix is noticed (then move the case).
* every other file (``synthetic.json``, ...): the output must equal ``expected`` and each
  listed change must be in the change log.

Every case, whatever its file, is also checked for the change-log invariants: changes
sorted and non-overlapping, each one's ``original`` is its input span, replaying them
gives the output, and cleaning the output again changes nothing.  See
``tests/cases/README.md`` for the format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizer import apply_changes, clean

CASES_DIR = Path(__file__).parent / "cases"
NEGATIVE = "negative"
KNOWN_FAILURES = "known_failures"
# The negative file may grow but must not silently shrink below this.
MIN_NEGATIVE_CASES = 100
CASE_KEYS = {"label", "original", "expected", "changes"}
OPTIONAL_CASE_KEYS = {"note"}
CHANGE_KEYS = {"original", "replacement", "category"}
CATEGORIES = {"encoding", "boilerplate", "whitespace", "script", "punctuation", "entity"}


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        cases = json.load(handle)
    assert isinstance(cases, list), f"{path.name}: the file must hold a JSON list of cases"
    return cases


def _all_cases() -> list[tuple[str, dict]]:
    return [(path.stem, case) for path in sorted(CASES_DIR.glob("*.json")) for case in _load(path)]


ALL_CASES = _all_cases()


def _params(cases):
    params = []
    for origin, case in cases:
        marks = ()
        if origin == KNOWN_FAILURES:
            reason = case.get("note") or "known failure"
            marks = (pytest.mark.xfail(strict=True, reason=reason),)
        params.append(pytest.param(origin, case, id=f"{origin}:{case['label']}", marks=marks))
    return params


def _core(text: str) -> str:
    # Surrounding whitespace says where a removed line's break went, not what changed.
    return text.strip(" \t\r\n\u00a0")


def _embeds(small: tuple[str, str], large: tuple[str, str]) -> bool:
    """True when ``large`` makes the edit ``small`` with unchanged text around it."""
    small_original, small_replacement = small
    large_original, large_replacement = large
    start = large_original.find(small_original)
    while start != -1:
        before = large_original[:start]
        after = large_original[start + len(small_original) :]
        if large_replacement == before + small_replacement + after:
            return True
        start = large_original.find(small_original, start + 1)
    return False


def _matches(expected: dict, change) -> bool:
    """An expected change is present when a change of its category makes that edit.

    The change log may locate an edit more widely ("Khalifa Hifter" -> "Khalifa Haftar"
    for "Hifter" -> "Haftar") or more narrowly ("Sergei" -> "Sergey" for "Sergei Lavrov"
    -> "Sergey Lavrov"); the whitespace a removed line takes with it may sit on either side.
    """
    if change.category != expected["category"]:
        return False
    pairs = [
        ((expected["original"], expected["replacement"]), (change.original, change.replacement)),
        (
            (_core(expected["original"]), _core(expected["replacement"])),
            (_core(change.original), _core(change.replacement)),
        ),
    ]
    return any(_embeds(want, got) or _embeds(got, want) for want, got in pairs)


def _describe(changes) -> str:
    return (
        "\n".join(
            f"  [{c.start}, {c.end}) {c.original!r} -> {c.replacement!r} ({c.rule})"
            for c in changes
        )
        or "  (none)"
    )


def check_expected(case: dict) -> None:
    """The synthetic-style check: output, and each listed change present."""
    result = clean(case["original"])
    assert result.text == case["expected"], (
        f"output differs from expected\nchanges made:\n{_describe(result.changes)}"
    )
    if case["expected"] == case["original"]:
        assert result.changes == (), f"unexpected changes:\n{_describe(result.changes)}"
    for expected in case["changes"]:
        assert any(_matches(expected, change) for change in result.changes), (
            f"expected change {expected} not in the log:\n{_describe(result.changes)}"
        )


def check_negative(case: dict) -> None:
    """The negative check: nothing changes at all."""
    result = clean(case["original"])
    assert result.text == case["original"], (
        f"negative case was changed:\n{_describe(result.changes)}"
    )
    assert result.changes == (), f"negative case has changes:\n{_describe(result.changes)}"


@pytest.mark.parametrize(("origin", "case"), _params(ALL_CASES))
def test_case(origin: str, case: dict) -> None:
    if origin == NEGATIVE:
        check_negative(case)
    else:
        check_expected(case)


@pytest.mark.parametrize(
    ("origin", "case"),
    [pytest.param(origin, case, id=f"{origin}:{case['label']}") for origin, case in ALL_CASES],
)
def test_change_log_invariants(origin: str, case: dict) -> None:
    original = case["original"]
    result = clean(original)
    position = 0
    for change in result.changes:
        assert position <= change.start <= change.end <= len(original), (
            f"changes unsorted, overlapping or out of range:\n{_describe(result.changes)}"
        )
        assert original[change.start : change.end] == change.original
        assert change.category in CATEGORIES
        assert change.rule.partition(".")[0] == change.category
        position = change.end
    assert apply_changes(original, result.changes) == result.text
    again = clean(result.text)
    assert again.text == result.text and again.changes == (), (
        f"cleaning the output again changed it:\n{_describe(again.changes)}"
    )


@pytest.mark.parametrize(
    ("origin", "case"),
    [pytest.param(origin, case, id=f"{origin}:{case['label']}") for origin, case in ALL_CASES],
)
def test_case_format(origin: str, case: dict) -> None:
    keys = set(case)
    assert CASE_KEYS <= keys <= CASE_KEYS | OPTIONAL_CASE_KEYS, f"keys {sorted(keys)}"
    assert isinstance(case["label"], str) and case["label"].strip()
    assert isinstance(case["original"], str) and isinstance(case["expected"], str)
    assert isinstance(case["changes"], list)
    for change in case["changes"]:
        assert set(change) == CHANGE_KEYS, f"change keys {sorted(change)}"
        assert change["category"] in CATEGORIES
        assert change["original"] != change["replacement"]
    if origin == NEGATIVE:
        assert case["expected"] == case["original"] and case["changes"] == []
    elif case["expected"] != case["original"]:
        assert case["changes"], "a case that expects a change must list it"


def test_labels_unique_per_file() -> None:
    for path in sorted(CASES_DIR.glob("*.json")):
        labels = [case["label"] for case in _load(path)]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        assert not duplicates, f"{path.name}: duplicate labels {duplicates}"


def test_negative_file_keeps_its_size() -> None:
    count = len(_load(CASES_DIR / f"{NEGATIVE}.json"))
    assert count >= MIN_NEGATIVE_CASES, f"negative.json has {count} cases"
