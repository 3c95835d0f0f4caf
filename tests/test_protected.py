"""Protected spans (normalizer/protected.py): found once, respected by every stage."""

from __future__ import annotations

import pytest

from normalizer import clean
from normalizer.pipeline import STAGES
from normalizer.protected import find_protected


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(span.kind, text[span.start : span.end]) for span in find_protected(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Read https://example.com/Grasimov-Moscow-talks.html.", [
            ("link", "https://example.com/Grasimov-Moscow-talks.html")]),
        ("Write to hifter.watch@example.com today.", [("email", "hifter.watch@example.com")]),
        ("Tagged #Hifter_out by @Grasimov_fan.", [
            ("hashtag", "#Hifter_out"), ("handle", "@Grasimov_fan")]),
        ("In /var/lib/Hifter/Sirt.csv now.", [("path", "/var/lib/Hifter/Sirt.csv")]),
        ("Run `Hаftar --check` first.", [("code", "`Hаftar --check`")]),
        ("See doi:10.1000/Sirt.2020 for it.", [("doi", "doi:10.1000/Sirt.2020")]),
        ("She wrote the book “Hifter and Sirt” in 2021.", [("title", "Hifter and Sirt")]),
        ("The report Libya After Hifter was cited.", [("title", "Libya After Hifter")]),
        ("The minister (Russian: Сергей Лавров) came.", [("gloss", "Russian: Сергей Лавров")]),
        ("His name in Arabic is خليفة حفتر, aides said.", [("gloss", "خليفة حفتر")]),
        ("Sirte (سرت) was quiet.", [("gloss", "سرت")]),
        ("He said «Это наш ответ» twice.", [("foreign", "Это наш ответ")]),
        ("Intro.\nЭто абзац на русском языке.\nEnd.", [
            ("foreign", "Это абзац на русском языке.")]),
    ],
)  # fmt: skip
def test_kinds_found(text, expected):
    assert _kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Khalifa Hifter met Sergei Lavrov in Sirt.",
        "The U.S. and the E.U. said on Monday that talks would resume.",
        "“Hifter’s forces withdrew,” he said.",
        "The report said Hifter had left Sirt.",
        "The book is about Hifter and Sirt.",
        "Prices rose 5% (a record) in No. 10 Downing Street.",
        "The #1 seed won; the score was 3-1.",
    ],
)
def test_prose_is_not_protected(text):
    assert find_protected(text) == ()


# For every stage that rewrites text: something it would change, inside a protected span.
INSIDE = {
    "whitespace": ("Go to https://example.com/Sir\u200bte now.", "https://example.com/Sir\u200bte"),
    "script": ("The page https://example.com/Hаftar-talks loaded.", "https://example.com/Hаftar-talks"),
    "punctuation": ("Run `echo “Sirte”` first.", "`echo “Sirte”`"),
    "entity": ("Read https://example.com/Hifter-Sirt-talks.html now.", "https://example.com/Hifter-Sirt-talks.html"),
}  # fmt: skip


def test_every_rewriting_stage_has_a_protected_case():
    # boilerplate only removes whole blocks, which rewrites nothing inside a span; encoding
    # repairs the bytes the text was damaged in, links included, before spans are found.
    rewriting = {stage.name for stage in STAGES if stage.edits} - {"boilerplate", "encoding"}
    assert rewriting == set(INSIDE)


@pytest.mark.parametrize("stage", sorted(INSIDE))
def test_no_change_survives_inside_a_protected_span(stage):
    text, protected = INSIDE[stage]
    start = text.index(protected)
    end = start + len(protected)
    alone = clean(text, {"categories": [stage], "quote_style": "straight"})
    assert alone.text[start:end] == protected
    assert not [c for c in alone.changes if c.start < end and c.end > start]
    # The stage did propose something there: it is a flag now, saying why.
    assert any("not applied: inside" in flag.message for flag in alone.flags), alone.flags
    assert clean(text, {"quote_style": "straight"}).text[start:end] == protected


def test_the_same_edit_outside_is_made():
    text = "The page https://example.com/Hifter-talks says Hifter left Sirt."
    result = clean(text)
    assert result.text == "The page https://example.com/Hifter-talks says Haftar left Sirte."


def test_spans_are_found_after_the_encoding_repair():
    # Decoded first, the text reads the same both times: "#Hifter" after a space is a
    # hashtag; glued to "café" it is not (and the name in it is corrected).
    text = "Tagged &amp; #Hifter and cafÃ©#Hifter today."
    result = clean(text)
    assert result.text == "Tagged & #Hifter and café#Haftar today."
    assert clean(result.text).changes == ()
