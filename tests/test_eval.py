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


# The hand-written variants with letters of the native spelling left inside: read
# through the variant matcher.  Measured 0.966 / 0.867 recall: the misses are places
# known only by GeoNames alternate names (Chartum, Dschidda, Kerkouk, Riad), which the
# variant keys leave out.  (The German-detected Tschawuschoglu sentence, once a known
# failure, is repaired since a passage in another language needs its words' agreement;
# the precision floor of 0.98 dates from it.)
@pytest.mark.parametrize("category", ["mixed_variant_cyrillic", "mixed_variant_arabic"])
def test_script_repairs_read_through_the_variant_matcher(category):
    row = REPORT[category]
    assert row["cases"] >= 25
    assert row["recall"] >= 0.85, row["failures"][:5]
    assert row["precision"] >= 0.98


@pytest.mark.parametrize("category", ["protected", "script_trap"])
def test_protected_spans_and_script_traps_are_left_alone(category):
    row = REPORT[category]
    assert row["cases"] >= 20
    assert row["non_typographic_changes"] == 0, row["failures"][:5]
    assert row["recall"] == 1.0, row["failures"][:5]


def test_handwritten_variants_are_not_rewriting_aliases():
    """The hand-written variants test the matcher, not the data: no person's variant is
    an alias of anything, and no place's variant is an alias that rewrites (a GeoNames
    alternate name that is only recognised, such as "Bagdad", may be one: resolving it
    from the evidence around it is what the case tests)."""
    import gazetteer
    from bench.eval import ARABIC, HANDWRITTEN, TURKISH
    from gazetteer import Policy

    matcher = gazetteer.load_default().matcher
    cases = load_cases(HANDWRITTEN)
    assert len(cases) >= 80
    turkish, arabic = load_cases(TURKISH), load_cases(ARABIC)
    assert len(turkish) >= 50 and len(arabic) >= 20
    for case in cases + turkish + arabic:
        found = matcher.lookup(case["variant"])
        if case["type"] == "person":
            assert not found, case["variant"]
        assert not [c for c in found if c.alias.policy is Policy.REWRITE], case["variant"]
        assert case["text"].count(case["variant"]) == 1
        assert case["expected"] == case["text"].replace(case["variant"], case["target"])


@pytest.fixture(scope="module")
def variant_reports():
    """The classes that cannot mirror the gazetteer: hand-written, traps, held-out."""
    from bench.eval import load_handwritten
    from bench.heldout import load_held_out

    held_gazetteer, held_cases = load_held_out()
    return [score_cases(load_handwritten()), score_cases(held_cases, held_gazetteer)]


def test_variants_the_gazetteer_does_not_list_are_found(variant_reports):
    """Issue 9's targets: recall >= 0.9 on held-out and hand-written variants."""
    handwritten, heldout = variant_reports
    assert heldout["heldout"]["cases"] >= 200
    assert heldout["heldout"]["recall"] >= 0.9, heldout["heldout"]["failures"][:5]
    for category in ("handwritten_person", "handwritten_place", "multi_mention"):
        assert handwritten[category]["recall"] >= 0.9, handwritten[category]["failures"][:5]


def test_names_read_back_from_arabic_script_are_found(variant_reports):
    """Arabic script has no p and no v (Lafrov, Brigojin, Beskov, Bezeshkian): 0.625 and
    0.5 before b/p and f/v shared a consonant class, 0.875 and 0.625 with it.  The places
    missed are known only to GeoNames (Maribol, Sevastobol, Gharian: GeoNames' own names
    are never a variant's target); the people, a g read as j (Jerasimov) and a dropped
    vowel (Nitnyahu)."""
    handwritten = variant_reports[0]
    assert handwritten["arabic_person"]["cases"] >= 16
    assert handwritten["arabic_person"]["recall"] >= 0.85
    assert handwritten["arabic_place"]["recall"] >= 0.6


def test_turkish_renderings_are_found(variant_reports):
    """Turkish renderings (c for j, a final p/t for b/d, a final e for ة, es- for al-):
    0.67 and 0.71 before the Turkish convention, 0.875 and 0.893 with it; the misses
    are listed in the README (a short surname, a GeoNames duplicate, an English word)."""
    handwritten = variant_reports[0]
    for category in ("turkish_person", "turkish_place"):
        assert handwritten[category]["cases"] >= 24
        assert handwritten[category]["recall"] >= 0.85, handwritten[category]["failures"][:5]


def test_variant_precision_and_traps(variant_reports):
    from bench.eval import is_trap, overall_precision

    assert overall_precision([REPORT, *variant_reports]) >= 0.99
    handwritten = variant_reports[0]
    traps = [row for category, row in handwritten.items() if is_trap(category)]
    assert len(traps) == 6 and sum(row["cases"] for row in traps) >= 80
    for row in traps:
        assert row["non_typographic_changes"] == 0, row["failures"][:5]


# Issue 10: passages in another Latin-script language (tests/eval/foreign_passages.jsonl,
# hand-written): nothing changes inside them, and the same variants outside are repaired.
def test_foreign_passages_are_left_alone():
    row = REPORT["foreign_passage"]
    assert row["cases"] >= 25 and row["passages"] == row["cases"]
    assert row["changes_inside_passages"] == 0, row["failures"][:5]
    assert row["recall"] == 1.0, row["failures"][:5]


@pytest.mark.parametrize("category", ["foreign_outside", "foreign_english"])
def test_variants_outside_foreign_passages_are_repaired(category):
    row = REPORT[category]
    assert row["cases"] >= 10
    assert row["changes_inside_passages"] == 0, row["failures"][:5]
    assert row["recall"] >= 0.9, row["failures"][:5]
    assert row["precision"] >= 0.99
