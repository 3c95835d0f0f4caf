"""Passages in another Latin-script language (normalizer/foreign_passages.py): protected
spans of their own, found only where the words and the detector agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer import clean
from normalizer.foreign_passages import find_foreign_passages, foreign_language
from normalizer.pipeline import STAGES
from normalizer.protected import find_protected


def _passages(text: str) -> list[str]:
    return [text[start:end] for start, end in find_foreign_passages(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quotation in an English sentence: only the quotation.
        ("Sarkozy said: “Nous ne laisserons pas Kadhafi massacrer son peuple.”",
         ["Nous ne laisserons pas Kadhafi massacrer son peuple."]),
        # A paragraph after an English one: the whole paragraph.
        ("The report began.\n\nDie Belagerung von Tobruch dauerte 241 Tage und gilt als "
         "eine der längsten des Krieges.",
         ["Die Belagerung von Tobruch dauerte 241 Tage und gilt als eine der längsten des "
          "Krieges."]),
        # Turkish holds few of its frequent words but its own letters.
        ("Kalın said: “Hafter’e karşı meşru hükümetin yanındayız.”",
         ["Hafter’e karşı meşru hükümetin yanındayız."]),
        # A short quotation, four words (the detector says Catalan: not English either).
        ("The front page read « La mort de Mouammar Kadhafi » on 21 October.",
         [" La mort de Mouammar Kadhafi "]),
        # An English sentence, then a Spanish quotation: the English one is not protected.
        ("Assad met Russian officials in Damascus. «Bachar el-Assad no dejará el poder "
         "mientras Moscú lo apoye», dijo un diplomático español al diario.",
         ["Bachar el-Assad no dejará el poder mientras Moscú lo apoye"]),
        # The paragraph is Spanish on the whole, but one sentence is English: each
        # sentence is judged alone.
        ("Assad spoke to reporters on Monday. El presidente sirio Bachar el-Assad dijo que no "
         "dejará el poder mientras Moscú lo apoye y que la guerra en Siria no ha terminado.",
         ["El presidente sirio Bachar el-Assad dijo que no dejará el poder mientras Moscú lo "
          "apoye y que la guerra en Siria no ha terminado."]),
        # A quotation the text introduces as German needs one German word of its own.
        ("A German obituary began: „Muammar al-Gaddhafi regierte Libyen 42 Jahre lang mit "
         "eiserner Hand.“",
         ["Muammar al-Gaddhafi regierte Libyen 42 Jahre lang mit eiserner Hand."]),
    ],
)  # fmt: skip
def test_passages_found(text, expected):
    assert _passages(text) == expected
    assert [text[s.start : s.end] for s in find_protected(text) if s.kind == "language"] == expected


@pytest.mark.parametrize(
    "text",
    [
        # The detector takes this sentence for German; its words are English.
        "Turkish Foreign Minister Mevlüt Tschawuschoglu met his Greek counterpart.",
        "Jean-Yves Le Drian met Khalifa Hifter in Benghazi.",
        "Ursula von der Leyen and Charles de Gaulle are names, not German or French text.",
        "Der Spiegel said Sergej Lawrow would attend.",
        # Two French words in an English title, and a list of Turkish names.
        "Perl module to patch perl source à la Devel::PPPort's buildperl.pl",
        "Erdoğan, İmamoğlu, Kılıçdaroğlu, Akşener, Babacan and Davutoğlu",
        # An English quotation after a language's name.
        "A Turkish official said: “We will not withdraw from Libya until the war is over.”",
        "Tschawuschoglu said.",
    ],
)
def test_english_is_not_foreign(text):
    assert find_foreign_passages(text) == []


def test_the_detector_alone_does_not_decide():
    # One German function word in nine, and the detector says German: the words disagree.
    assert foreign_language("Mevlüt Tschawuschoglu und Greek counterpart met on Monday.") == ""


# For every stage that rewrites text: something it would change inside a German paragraph.
PARAGRAPH = (
    "Die Organisation {} ist in Russland verboten, sagte der Sprecher am Montag in Moskau "
    "über die Lage in Libyen."
)
INSIDE = {
    "whitespace": PARAGRAPH.format("Islamischer Sta\u200bat"),
    "script": PARAGRAPH.format("des Generals Naryшkin"),
    "punctuation": PARAGRAPH.format("Islamischer Staat *"),
    "entity": PARAGRAPH.format("von Muammar al-Gaddhafi"),
}


def test_every_rewriting_stage_has_a_case():
    rewriting = {stage.name for stage in STAGES if stage.edits} - {"boilerplate", "encoding"}
    assert rewriting == set(INSIDE)


@pytest.mark.parametrize("stage", sorted(INSIDE))
def test_no_change_inside_a_foreign_paragraph(stage):
    text = INSIDE[stage]
    assert _passages(text) == [text]
    alone = clean(text, {"categories": [stage]})
    assert alone.text == text and alone.changes == ()
    if stage != "entity":  # the entity stage leaves these passages alone itself, silently
        assert any("inside a passage in another language" in f.message for f in alone.flags)
    assert clean(text).text == text


def test_a_look_alike_repair_into_latin_is_made_inside():
    # A Cyrillic "а" in a French word mends French text: still made.
    text = (
        "Le Monde wrote: « Le régime de Mouammar Kаdhafi est tombé, et les Libyens sont libres. »"
    )
    result = clean(text)
    assert result.text == text.replace("Kаdhafi", "Kadhafi")
    assert [change.rule for change in result.changes] == ["script.lookalike"]


def test_the_same_variant_outside_is_repaired():
    text = (
        "Vladimir Poutine met the Libyan delegation. Le Monde wrote: « Vladimir Poutine a reçu "
        "la délégation libyenne au Kremlin, sans témoins. »"
    )
    assert clean(text).text == text.replace("Poutine met", "Putin met")


# Metamorphic: an English sentence with a variant, then a passage from the hand-written
# eval set (a paragraph or a quotation, its marks varied): the passage comes out as it
# went in, the sentence is still repaired, and cleaning the output changes nothing.
# Passages found only when the text names their language ("A German obituary began:")
# are left out: these frames name none.
_EVAL = Path(__file__).parent / "eval" / "foreign_passages.jsonl"
_PASSAGES = [
    case["passage"].strip()
    for case in map(json.loads, _EVAL.read_text(encoding="utf-8").splitlines())
    if "passage" in case and foreign_language(case["passage"].strip(), True)
]
_SENTENCES = [
    ("Khalifa Hifter's forces shelled the airport on Tuesday.", "Hifter", "Haftar"),
    (
        "Russian Foreign Minister Sergej Lawrow met the delegation.",
        "Sergej Lawrow",
        "Sergey Lavrov",
    ),
    ("President Recep Tayyip Erdogan spoke in Ankara.", "Erdogan", "Erdoğan"),
]
_FRAMES = ["{} It read: “{}”", "{}\n\n{}", "{} The paper wrote: «{}»", "{} „{}“, hieß es."]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_PASSAGES), st.sampled_from(_SENTENCES), st.sampled_from(_FRAMES))
def test_a_passage_stays_and_the_sentence_is_repaired(passage, sentence, frame):
    assert len(_PASSAGES) >= 30
    english, variant, canonical = sentence
    text = frame.format(english, passage)
    result = clean(text)
    assert passage in result.text
    assert result.text.startswith(english.replace(variant, canonical))
    assert clean(result.text).changes == ()
