"""The script stage's readings of foreign letters (issue 10): repairs, flags, directions."""

from __future__ import annotations

import pytest

from gazetteer import load_default
from normalizer import clean


def _script_flags(result):
    return [flag for flag in result.flags if flag.category == "script"]


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        ("Sergey Naryшkin spoke.", "Sergey Naryshkin spoke.", "'ш' read as 'sh'"),
        ("Yahya Sin ور was seen.", "Yahya Sinwar was seen.", "stand for 'war'"),
        ("the parlιament voted", "the parliament voted", "Unicode confusables"),
    ],
)
def test_a_repair_says_what_the_letters_read_and_why_the_result_is_known(text, expected, evidence):
    result = clean(text)
    assert result.text == expected
    (change,) = [c for c in result.changes if c.category == "script"]
    assert evidence in change.message
    assert " is " in change.message  # "... is the name ..." / "... is an English word ..."


def test_untranslated_fragments_are_flagged_one_each_with_script_and_reading():
    text = "He said الله أكبر loudly, then «Слава Україні» was heard, and שלום too."
    result = clean(text)
    assert result.text == text
    flags = [f for f in _script_flags(result) if f.rule == "script.untranslated"]
    assert [text[f.start : f.end] for f in flags] == ["الله أكبر", "Слава Україні", "שלום"]
    assert "Arabic" in flags[0].message and "reads 'allh akbr'" in flags[0].message
    assert "Cyrillic" in flags[1].message and "reads 'Slava Ukrayini'" in flags[1].message
    assert "Hebrew" in flags[2].message and "reads" in flags[2].message


def test_a_word_with_several_known_readings_is_flagged_not_changed():
    # huمص: hummus, humus, hums all fit, none clearly ahead of the others.
    text = "The word huمص appeared in the headline."
    result = clean(text)
    assert result.text == text
    (flag,) = _script_flags(result)
    assert "several" in flag.message and "hummus" in flag.message


def test_a_name_whose_native_spelling_holds_the_letters_is_preferred():
    # Gaуa: Gaya (у as the look-alike y) or Gaoua (у read as "ou"); Gaoua is Гауа.
    result = clean("Aid reached Gaуa on Monday.")
    assert result.text == "Aid reached Gaoua on Monday."
    assert "native spelling holds" in result.changes[0].message


def test_a_word_whose_repair_is_unknown_is_flagged_not_changed():
    text = "The code word was Blоrfx, the report said."
    result = clean(text)
    assert result.text == text
    (flag,) = _script_flags(result)
    assert "Cyrillic" in flag.message and "no known word" in flag.message


def test_the_line_decides_the_direction():
    # Three Cyrillic letters of five: in an English line it is Hanoi, not Наной ...
    assert clean("Talks resumed in Haной on Friday.").text == "Talks resumed in Hanoi on Friday."
    # ... and a Latin a inside a Russian word, in a Russian line, becomes Cyrillic.
    assert clean("Захарова сказала: «Это нaш ответ».").text == "Захарова сказала: «Это наш ответ»."


def test_latin_look_alikes_inside_a_greek_word_in_a_greek_line():
    text = "Ο πρωθυπουργός μίλησε για την οικονoμία της χώρας."
    assert clean(text).text == "Ο πρωθυπουργός μίλησε για την οικονομία της χώρας."


@pytest.mark.parametrize("text", ["50 μg daily", "a 10 kΩ resistor", "TNFα levels", "β-blockers"])
def test_units_and_scientific_notation_are_neither_changed_nor_flagged(text):
    result = clean(text)
    assert result.changes == ()
    assert _script_flags(result) == []


def _script_only(text):
    return clean(text, {"categories": ["script"]})


@pytest.mark.parametrize(
    ("text", "read", "name"),
    [
        # German and French renderings the gazetteer does not list, with Cyrillic or
        # Arabic letters of the native spelling left inside them.
        ("Prime Minister Mikhail Mischuстин spoke.", "Mischustin", "Mikhail Mishustin"),
        ("Prime Minister Mikhail Michoustинe spoke.", "Michoustine", "Mikhail Mishustin"),
        ("Yahya Sinou ار was seen in Gaza.", "Sinouar", "Yahya Sinwar"),
    ],
)
def test_a_reading_that_is_a_variant_spelling_of_a_name_is_a_name_reading(text, read, name):
    assert read not in {alias.text for e in load_default().entities for alias in e.aliases}
    result = _script_only(text)
    (change,) = result.changes
    assert change.replacement == read
    assert f"a spelling of the name {name}" in change.message
    # The entity stage then writes the name as the gazetteer does.
    assert name in clean(text).text


def test_a_variant_reading_on_its_key_alone_is_a_flag_with_the_suggestion():
    # One Cyrillic letter, no given name beside it: the key alone is not enough.
    text = "Naryшkine spoke."
    result = _script_only(text)
    assert result.text == text
    (flag,) = _script_flags(result)
    assert "Sergey Naryshkin" in flag.message and "suggested 'Naryshkine'" in flag.message


@pytest.mark.parametrize(
    "text",
    [
        "Sergey Lavrова spoke.",  # a feminine form is another person
        "The Blоrfx report was late.",  # no name and no word
    ],
)
def test_variant_readings_keep_the_guards(text):
    result = _script_only(text)
    assert result.text == text


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # The script stage declines to join these (no known word or name fits), and the
        # Arabic letters happen to be a place's native name (كين Keene, تون Thun).
        ("Fighting was reported near Bo كين on Tuesday.", "Bo"),
        ("He met Xyz تون today.", "Xyz"),
        ("The town Ka كين was quiet.", "Ka"),
    ],
)
def test_a_native_alias_glued_to_a_latin_fragment_is_debris_not_a_name(text, fragment):
    result = clean(text)
    assert result.text == text
    flagged = [f for f in result.flags if f.rule == "entity.native_alias"]
    assert len(flagged) == 1 and f"Latin fragment {fragment!r}" in flagged[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Field Marshal Khalifa حفتر said.", "Field Marshal Khalifa Haftar said."),
        ("President حفتر left.", "President Haftar left."),
        ("Officials said حفتر left.", "Officials said Haftar left."),
    ],
)
def test_a_native_alias_after_its_given_name_or_a_title_is_still_a_name(text, expected):
    assert clean(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two words before: "Mohammed ben" are Mohammed bin Salman's given names, not
        # those of the other princes named Salman.
        (
            "Crown Prince Mohammed ben Salمانe spoke.",
            "Crown Prince Mohammed bin Salman spoke.",
        ),
        # Two spellings of one name (Haftar, the listed Hafter) are one reading.
        ("Field Marshal Khalifa Haf تر spoke.", "Field Marshal Khalifa Haftar spoke."),
        # A place word confirms a place: "the city of".
        (
            "Fighting reached the city of Syrтe in Libya.",
            "Fighting reached the city of Sirte in Libya.",
        ),
    ],
)
def test_variant_readings_confirmed_by_the_text_around(text, expected):
    assert clean(text).text == expected


def test_a_variant_spelling_of_several_names_is_a_flag_naming_them():
    # No given name: Salmane may be any of the princes named Salman.
    text = "Saudi officials said Salمانe spoke."
    result = clean(text)
    assert result.text == text
    (flag,) = _script_flags(result)
    assert "several words fit" in flag.message
    assert "Salmane (Mohammed bin Salman)" in flag.message
