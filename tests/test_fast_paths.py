"""The fast paths give exactly what their plain definitions give.

Speed work replaced whole-text scans by cheaper ones (byte tables for ASCII, scans
started from non-ASCII runs).  Each fast function is checked here against the plain
definition it replaced, on every BMP code point and on random mixed text.
"""

from __future__ import annotations

import dataclasses
import json
import re

import ftfy
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer import folding
from normalizer import problems, protected
from normalizer.script_data import (
    NON_LATIN_LETTER,
    has_non_latin_letter,
    letter_scripts,
    script_of,
)
from normalizer.stages import encoding, entity_runs, language, punctuation, script


def reference_fold(text: str) -> str:
    """fold's definition: the per-character table, lower case, then three ASCII swaps."""
    folded = text.translate(folding._TABLE).lower()
    return folded.replace("-", " ").replace("\t", " ").replace("`", "'")


def reference_match_text(text: str) -> str:
    return re.sub(r"[^\w]", " ", reference_fold(text))


REFERENCE_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
REFERENCE_MIXED_WORD = regex.compile(r"[\p{L}\p{M}]*[^\P{L}\p{Latin}][\p{L}\p{M}]*")
REFERENCE_MISPLACED_CLOSE = regex.compile(r"(?<=[\p{L}\p{N}.,;:!?…])([ \t]+)”(?=\p{L})")

# Letters and marks from the scripts news text mixes, the punctuation around them, and
# the characters that stretch the fast paths (İ, astral letters, lone surrogates).
PIECES = st.sampled_from(
    [
        *"aZ'’`-\t \n“”«»—•©\u00a0İıÇşğéΣσаеоΑο\u0301\u0307\u064eبوحفترЖ٢1_.,",
        *["\U0001d400", "\ud800", "Çavuşo", "lu", "Hаftar", "Москва", "Al-Jufra"],
    ]
)
MIXED_TEXT = st.lists(PIECES, max_size=40).map("".join)


def test_fold_matches_its_definition_on_every_code_point():
    # Every BMP code point (surrogates included) and a sample of the astral planes.
    codes = [*range(0x10000), *range(0x10000, 0x110000, 97)]
    mismatched = [
        hex(code)
        for code in codes
        if len(reference_fold(chr(code))) == 1
        and (
            folding.fold(chr(code)) != reference_fold(chr(code))
            or folding.match_text(chr(code)) != reference_match_text(chr(code))
        )
    ]
    assert mismatched == []


@settings(max_examples=400, deadline=None)
@given(MIXED_TEXT)
def test_fold_and_match_text_match_their_definitions(text):
    assert folding.fold(text) == reference_fold(text)
    assert len(folding.fold(text)) == len(text)
    assert folding.match_text(text) == reference_match_text(text)
    assert folding.word_spaced(folding.fold(text)) == reference_match_text(text)


@settings(max_examples=400, deadline=None)
@given(MIXED_TEXT)
def test_words_match_the_word_pattern(text):
    assert language.words_of(text) == REFERENCE_WORD.findall(text.lower())
    # A paragraph's judgement takes its script from the same runs as its words.
    assert language._words_and_script(text) == (
        REFERENCE_WORD.findall(text.lower()),
        bool(NON_LATIN_LETTER.search(text)),
    )


def test_lower_case_keeps_every_letter_of_another_script_and_makes_none():
    mismatched = [
        hex(code)
        for code in range(0x110000)
        if bool(NON_LATIN_LETTER.search(chr(code)))
        != bool(NON_LATIN_LETTER.search(chr(code).lower()))
    ]
    assert mismatched == []


NEEDLES = sorted(
    {needle for _, needles, _ in protected.PATTERNS for needle in needles}
    | set(protected._TITLE_WORDS)
)
NEEDLE_PIECES = st.sampled_from(
    [*NEEDLES, "In Russian", "BOOK", "entitled", "ww", "doi", ":/", "/", " ", "a", "ß", "İ", "ſ"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(NEEDLE_PIECES, max_size=12).map("".join) | MIXED_TEXT)
def test_protected_needles_are_found_as_substring_tests_find_them(text):
    lower = text.lower()
    assert protected.needles_in(lower) == {needle for needle in NEEDLES if needle in lower}


def reference_letter_scripts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            counts[script_of(char)] = counts.get(script_of(char), 0) + 1
    return counts


@settings(max_examples=400, deadline=None)
@given(MIXED_TEXT)
def test_non_latin_scans_match_whole_text_scans(text):
    # Same counts, and the same order of scripts (ties in max() go to the first).
    assert list(letter_scripts(text).items()) == list(reference_letter_scripts(text).items())
    assert has_non_latin_letter(text) == bool(NON_LATIN_LETTER.search(text))
    runs = [match.span() for match in script.NON_ASCII_RUN.finditer(text)]
    assert list(script._mixed_words(text, runs)) == [
        (match.start(), match.group()) for match in REFERENCE_MIXED_WORD.finditer(text)
    ]


def test_ftfy_is_skipped_only_where_it_changes_nothing_for_any_bmp_character():
    wrong = []
    for code in range(0x10000):
        line = f"Haftar {chr(code)} said"
        if not encoding._needs_ftfy(line):
            if ftfy.fix_text(line, encoding.CONFIG) != line:
                wrong.append(hex(code))
        elif not encoding._NEEDS_FTFY.search(line):
            wrong.append(hex(code))  # the plain prefilter alone would have skipped it
    assert wrong == []
    assert encoding._needs_ftfy("AT&T") and not encoding._needs_ftfy("Haftar said “no”")


def test_ftfy_steps_are_the_ones_the_shortcut_knows():
    # A new ftfy step turns the shortcut off at import; this test says so in CI.
    assert tuple(ftfy.FIXERS) == encoding.KNOWN_FTFY_STEPS
    assert encoding._SHORTCUT is not None
    width = encoding._SHORTCUT[2]
    assert width is not None and width <= 16


def _mojibake(text: str, codec: str) -> str:
    return text.encode("utf-8").decode(codec, errors="replace")


LINE_PIECES = st.one_of(
    st.sampled_from(
        [
            *["Erdoğan", "Çavuşoğlu", "İbrahim Kalın", "Haftar", "café", "Москва", "حفتر"],
            *["“", "”", "’", "—", "•", "©", "½", "°", "€", "£", "«", "»", "ß", "œ", "Ø"],
            *["ﬁ", "&amp;", "&", "\x1b[0m", "\x85", "\u0301", "e\u0301", "\ufeff"],
            *["Ã©", "Â", "â€™", "Ð¼Ð¾", "×²", "√±", "вЂ", "\u00a0", "\t", " ", "a", "1"],
        ]
    ),
    st.builds(
        _mojibake,
        st.text(alphabet="éüğ—’“Жب€ñ", min_size=1, max_size=3),
        st.sampled_from(["latin-1", "cp1252", "cp1251", "mac_roman", "cp1250", "cp437"]),
    ),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(LINE_PIECES, max_size=14).map(" ".join))
def test_lines_ftfy_is_skipped_for_are_lines_ftfy_leaves_alone(line):
    if not encoding._needs_ftfy(line):
        assert ftfy.fix_text(line, encoding.CONFIG) == line


def test_the_ftfy_shortcut_skips_names_and_quotes_but_not_damage():
    assert not encoding._needs_ftfy("Recep Tayyip Erdoğan said “no” in Москва")
    for damaged in ("cafÃ© “x”", "itâ€™s", "ﬁne", "AT&amp;T", "e\u0301", "a\x85b"):
        assert encoding._needs_ftfy(damaged), damaged


PUNCTUATION_TEXT = st.lists(
    st.sampled_from([*'aB1 \t*”“")\n.,…', "State", " * ", "\n* note", "ب"]), max_size=30
).map("".join)


@settings(max_examples=600, deadline=None)
@given(PUNCTUATION_TEXT)
def test_punctuation_scans_match_their_patterns(text):
    assert list(punctuation.misplaced_closes(text)) == [
        match.span() for match in REFERENCE_MISPLACED_CLOSE.finditer(text)
    ]
    whole_text = (
        []
        if "*" not in text or punctuation._FOOTNOTE_BODY.search(text)
        else [match.span() for match in punctuation._FOOTNOTE.finditer(text)]
    )
    assert [match.span() for match in punctuation.footnote_marks(text)] == whole_text


# The name-run scan's definition: "no letter before the capital" asserted first.
_REFERENCE_NAME_WORD = rf"(?<![^\W\d_]){entity_runs._UPPER}{entity_runs._LOWER}*(?![^\W\d_])"
REFERENCE_NAME_RUN = re.compile(
    _REFERENCE_NAME_WORD
    + r"(?:[ -](?:(?:"
    + "|".join(sorted(entity_runs.CONNECTORS, key=len, reverse=True))
    + r")[ -])*"
    + _REFERENCE_NAME_WORD
    + r")*"
)
NAME_TEXT = st.lists(
    st.sampled_from(
        [*"aZ1_² \n-'.ÉéΣσЖж\u0301ب", "Al", "al", "bin", "de", "Fayez", "HiFTER", "McX", "ǅ"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(NAME_TEXT)
def test_name_runs_match_their_definition(text):
    assert [(m.span(), m.group()) for m in entity_runs.NAME_RUN.finditer(text)] == [
        (m.span(), m.group()) for m in REFERENCE_NAME_RUN.finditer(text)
    ]


def test_the_fast_paths_see_what_they_must():
    # Guards against a reference and a fast path being wrong the same way.
    assert folding.fold("İSTANBUL Al-Jufra") == "istanbul al jufra"
    assert folding.match_text("Haftar’s") == "haftar s"
    assert language.words_of("Haftar’s “forces”") == ["haftar", "s", "forces"]
    assert has_non_latin_letter("Hаftar") and not has_non_latin_letter("Çavuşoğlu “x”")
    text = "met Çavuşo أوlu and Hаftar"
    runs = [match.span() for match in script.NON_ASCII_RUN.finditer(text)]
    assert [word for _, word in script._mixed_words(text, runs)] == ["أوlu", "Hаftar"]
    assert list(punctuation.misplaced_closes("problems, ”the source”")) == [(9, 11)]
    assert [m.span() for m in punctuation.footnote_marks("“IS” * was named")] == [(4, 6)]


def test_result_dicts_are_the_dataclasses_field_for_field():
    # to_dict is written out by hand for speed; it must stay every field, as asdict gives.
    from normalizer import clean

    result = clean("Khalifa Hifter met Sergei Lavrov in Sirt. Then Hifter left “Sirt .")
    assert result.changes and result.flags
    for item in (*result.changes, *result.flags):
        assert item.to_dict() == dataclasses.asdict(item)


def test_without_the_shortcut_every_such_line_goes_to_ftfy(monkeypatch):
    monkeypatch.setattr(encoding, "_SHORTCUT", None)
    assert encoding._needs_ftfy("Recep Tayyip Erdoğan said “no”")
    assert not encoding._needs_ftfy("Printable ASCII needs nothing")


SAMPLES = [
    "La mort de Mouammar Kadhafi a été annoncée par le gouvernement de transition.",
    "Dışişleri Bakanı Mevlüt Çavuşoğlu, Libya konusunda açıklama yaptı.",
    "Министр иностранных дел Сергей Лавров провел переговоры в Москве.",
    "Der Außenminister sprach am Montag mit seinem türkischen Amtskollegen.",
]


def _answers(factory) -> list[tuple[str, float]]:
    answers = []
    for sample in SAMPLES:
        detector = factory.create()
        detector.append(sample)
        best = detector.get_probabilities()[0]
        answers.append((best.lang, round(best.prob, 3)))
    return answers


def test_the_cached_detector_answers_as_a_freshly_built_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    language._detector_factory.cache_clear()
    try:
        built = language._detector_factory()  # parses the profiles, stores the pickle
        stored = list((tmp_path / "news-gazetteer").glob("langdetect-*.pickle"))
        assert len(stored) == 1
        language._detector_factory.cache_clear()
        loaded = language._detector_factory()
        assert loaded is not built and loaded.langlist == list(language.LANGUAGES)
        assert _answers(loaded) == _answers(built)
        assert [lang for lang, _ in _answers(built)] == ["fr", "tr", "ru", "de"]
        stored[0].write_bytes(b"not a pickle")  # a damaged cache is rebuilt, not trusted
        language._detector_factory.cache_clear()
        assert _answers(language._detector_factory()) == _answers(built)
    finally:
        language._detector_factory.cache_clear()


def reference_json_bytes(value) -> bytes:
    """json_bytes's definition: compact ``json``, lone surrogates written as escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text).encode()


def test_json_bytes_match_their_definition_on_every_code_point_and_result():
    from normalizer import clean

    # Every code point in a string and as a key (escapes, controls, U+2028, surrogates).
    for code in range(0x10000):
        value = {f"k{chr(code)}": [f"a{chr(code)}b", code, None, True, 0.97]}
        assert problems.json_bytes(value) == reference_json_bytes(value), hex(code)
    for value in ("\U0001d400", "😀", "\ud83d", 0.1, 1 / 3, 10**20, -0.0, {"n": {"x": []}}):
        assert problems.json_bytes(value) == reference_json_bytes(value), value
    result = clean("Khalifa Hifter met Sergei Lavrov in Sirt. Then Hifter left “Sirt .")
    assert problems.json_bytes(result.to_dict()) == reference_json_bytes(result.to_dict())


# Text for the stages the pipeline passes over after letters-for-letters edits: the
# characters they act on (line-end spaces, blank lines, invisible and bidirectional
# controls, quotes, footnote marks) beside words a rewrite may replace.
LAYOUT_TEXT = st.lists(
    st.sampled_from(
        [
            *["Hifter", "hifter", "HIFTER", "State", "Sirt", "x", "Ω", "حفتر", "O'Brien", "1"],
            *[" ", "  ", "\t", "\n", "\r\n", "\n\n\n", " \n", "\u00a0", "\u200b", "\u202e"],
            *["“", "”", '"', "'", "’", "*", " * ", "\n* note", ".", ",", "(", ")", "-", "…"],
        ]
    ),
    max_size=30,
).map("".join)
LETTER_REPLACEMENTS = st.sampled_from(
    [
        *["Haftar", "haftar", "Al-Wefaq", "Government of National Accord", "Çavuşoğlu", "GNA"],
        *["O'Brien", "Haftar’s successor", "e\u0301e", "Ωmega", "حفتر", "x"],
    ]
)


def _stage_result(stage, text: str, options):
    from gazetteer import load_default
    from normalizer.context import Context, DocumentState

    context = Context(text, options, load_default(), DocumentState())
    stage.run(context)
    return context


@settings(max_examples=600, deadline=None)
@given(LAYOUT_TEXT, st.data())
def test_stages_passed_over_after_letter_edits_would_have_found_nothing(text, data):
    # The pipeline skips such a stage when its last run edited nothing and only
    # letters-for-letters edits came after: a run on the new text must find no edit and
    # the same flags, in the coordinates of the text before.
    from normalizer.changes import Edit
    from normalizer.options import CleanOptions
    from normalizer.pipeline import STAGES, letters_for_letters

    words = [match.span() for match in re.finditer(r"[^\W\d_]+", text)]
    if not words:
        return
    start, end = data.draw(st.sampled_from(words))
    replacement = data.draw(LETTER_REPLACEMENTS)
    if not letters_for_letters(text, [Edit(start, end, replacement, "entity.alias", "")]):
        return
    after = text[:start] + replacement + text[end:]
    shift = len(replacement) - (end - start)
    for options in (CleanOptions(), CleanOptions(quote_style="straight")):
        for stage in (stage for stage in STAGES if stage.after_letter_edits is not None):
            before_run = _stage_result(stage, text, options)
            if before_run.edits or stage.after_letter_edits(after, options):
                continue  # the pipeline runs the stage again
            after_run = _stage_result(stage, after, options)
            assert after_run.edits == [], (stage.name, after)
            for flag in after_run.flags:  # a flag never touches the rewritten word
                assert flag.end <= start or flag.start >= start + len(replacement)
            moved_back = [
                (f.start - shift * (f.start > start), f.end - shift * (f.start > start), f.rule,
                 f.message)
                for f in after_run.flags
            ]  # fmt: skip
            assert moved_back == [(f.start, f.end, f.rule, f.message) for f in before_run.flags]
