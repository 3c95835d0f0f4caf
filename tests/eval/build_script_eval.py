"""Write ``tests/eval/script_cases.jsonl``: mixed-script, look-alike and protected-span cases.

Classes the gazetteer cannot mirror (issue 10): the damaged forms are made here, not
listed anywhere as aliases.

* ``mixed_cyrillic`` / ``mixed_arabic`` — one to three letters of a real name or word are
  replaced by the *aligned* letters of its native spelling (``Naryшkin``, ``Sin ور``), as MT
  leaves them, glued or with stray spaces.  Names come from the gazetteer's native-script
  aliases (Arabic and Persian spellings for ``mixed_arabic``); ordinary words are the Russian,
  Arabic and Persian loanwords of English news (``WORDS`` below, spellings from Wiktionary).
* ``mixed_variant_cyrillic`` / ``mixed_variant_arabic`` — the hand-written variant spellings
  of ``handwritten.jsonl`` (German, French, Spanish renderings no alias lists: ``Mischustin``,
  ``Sinouar``) with aligned letters of the entity's native spelling left inside them
  (``Mischuстиn``): the script stage must read them through the variant matcher, and the
  expected text is the hand-written one;
* ``lookalike_greek`` — Greek twins (ο ι υ ν, capitals) inside names and English words;
* ``lookalike_cyrillic`` — Cyrillic twins inside ordinary English words and names;
* ``protected`` — names and damage inside URLs, e-mail addresses, hashtags, handles, quoted
  titles and native-script glosses: the text must come out byte-identical;
* ``script_trap`` — real Russian, Ukrainian, Greek and Arabic words, units and scientific
  notation in English sentences, damaged words whose repair is no known word, and a
  place's native name glued to a Latin fragment no name continues (``Bo كين``): unchanged.

The alignment of a Latin spelling with its native spelling uses its own small letter table
(``_LETTERS``), written for this file; a name whose spellings do not align is skipped.
Run ``python -m tests.eval.build_script_eval``; the set is seeded.
"""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path

import regex

import gazetteer
from tests.eval.build_eval import CARRIERS, case_record, write_cases

OUTPUT = Path(__file__).resolve().parent / "script_cases.jsonl"
PER_CLASS = 80

_ABJAD_VOWELS = "aeiou"
_LETTERS: dict[str, tuple[str, ...]] = {
    # Cyrillic (BGN/PCGN and Wikipedia-style readings, with common news alternatives)
    "а": ("a",), "б": ("b",), "в": ("v", "w"), "г": ("g", "h"), "д": ("d",), "е": ("e", "ye"),
    "ё": ("yo", "e"), "ж": ("zh", "j"), "з": ("z",), "и": ("i", "y"), "й": ("y", "i", ""),
    "к": ("k", "c"), "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",),
    "р": ("r",), "с": ("s",), "т": ("t",), "у": ("u", "ou"), "ф": ("f",),
    "х": ("kh", "h", "ch"), "ц": ("ts", "tz"), "ч": ("ch",), "ш": ("sh",), "щ": ("shch",),
    "ъ": ("",), "ы": ("y", "i"), "ь": ("", "i"), "э": ("e",), "ю": ("yu", "u"),
    "я": ("ya", "a"), "і": ("i",), "ї": ("yi", "i"), "є": ("ye", "e"),
    # Arabic and Persian consonants (short vowels are not written: they align with nothing)
    "ا": ("a", "aa", "e", "i", ""), "أ": ("a", "e", "i", "u", "o", ""), "إ": ("i", "e", ""),
    "آ": ("a", "aa"), "ب": ("b", "bb"), "ت": ("t", "tt"), "ث": ("th", "s"),
    "ج": ("j", "dj", "g"), "ح": ("h", "hh"), "خ": ("kh",), "د": ("d", "dd"),
    "ذ": ("dh", "z"), "ر": ("r", "rr"), "ز": ("z",), "س": ("s", "ss"), "ش": ("sh", "ch"),
    "ص": ("s",), "ض": ("d", "dh"), "ط": ("t",), "ظ": ("z", "dh"), "ع": ("a", "e", "i", ""),
    "غ": ("gh", "g"), "ف": ("f", "ff"), "ق": ("q", "k", "g"), "ك": ("k", "kk"),
    "ل": ("l", "ll"), "م": ("m", "mm"), "ن": ("n", "nn"), "ه": ("h", "a", "e", ""),
    "ة": ("a", "ah", "e"), "و": ("w", "u", "o", "ou", "oo", "v"),
    "ي": ("y", "i", "ee", "e", "ai", "ey"), "ى": ("a", "i", "y"), "ئ": ("", "e"),
    "ؤ": ("", "u"), "ء": ("",), "پ": ("p",), "چ": ("ch",), "ژ": ("zh", "j"), "گ": ("g",),
    "ک": ("k",), "ی": ("y", "i", "ee", "e"),
}  # fmt: skip
# How German, French and Spanish news write the same letters (for the variant classes).
_VARIANT_LETTERS: dict[str, tuple[str, ...]] = {
    "ш": ("sch", "ch", "sh"), "ч": ("tsch", "tch", "ch"), "ж": ("sch", "j", "zh"),
    "х": ("ch", "j", "kh", "h"), "у": ("ou", "u"), "в": ("w", "v"), "й": ("j", "i", "y", ""),
    "е": ("e", "je"), "я": ("ja", "ia", "a"), "ю": ("ju", "iou", "u"), "ц": ("z", "ts"),
    "с": ("ss", "s"), "з": ("s", "z"), "ы": ("y", "i"), "г": ("gu", "g", "h"),
    "ь": ("", "j"), "и": ("i", "ie", "y"), "ф": ("f",), "д": ("d",),
    "و": ("ou", "w", "u", "o"), "ي": ("i", "y", "ie", "ee"), "ج": ("dj", "dsch", "j", "g"),
    "ش": ("ch", "sch", "sh"), "خ": ("ch", "j", "kh"), "ق": ("k", "q", "g", "gh"),
}  # fmt: skip
_GREEK_TWINS = {"o": "ο", "i": "ι", "u": "υ", "v": "ν", "O": "Ο", "A": "Α", "E": "Ε",
                "I": "Ι", "K": "Κ", "M": "Μ", "N": "Ν", "T": "Τ", "B": "Β", "H": "Η"}  # fmt: skip
_CYRILLIC_TWINS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
                   "i": "і"}  # fmt: skip

# Loanwords of English news with their native spellings (Wiktionary).
WORDS = [
    ("sputnik", "спутник"), ("perestroika", "перестройка"), ("glasnost", "гласность"),
    ("babushka", "бабушка"), ("pogrom", "погром"), ("gulag", "гулаг"), ("vodka", "водка"),
    ("troika", "тройка"), ("apparatchik", "аппаратчик"), ("samovar", "самовар"),
    ("balalaika", "балалайка"), ("siloviki", "силовики"), ("oligarch", "олигарх"),
    ("kalashnikov", "калашников"), ("matryoshka", "матрёшка"), ("dacha", "дача"),
    ("sheikh", "شيخ"), ("jihad", "جهاد"), ("hijab", "حجاب"), ("mufti", "مفتي"),
    ("sharia", "شريعة"), ("fatwa", "فتوى"), ("sultan", "سلطان"), ("intifada", "انتفاضة"),
    ("ramadan", "رمضان"), ("mujahideen", "مجاهدين"), ("madrasa", "مدرسة"), ("hummus", "حمص"),
    ("falafel", "فلافل"), ("halal", "حلال"), ("niqab", "نقاب"), ("burqa", "برقع"),
    ("bazaar", "بازار"), ("mullah", "ملا"), ("majlis", "مجلس"), ("chador", "چادر"),
    ("basij", "بسیج"), ("shahid", "شهید"),
]  # fmt: skip
WORD_CARRIERS = [
    "The word {X} appeared in the headline on Monday.",
    "Critics said the {X} had become a symbol of the era.",
    "A report on the {X} was published by the ministry.",
    "Locals still talk about the {X} years later.",
]
ENGLISH_WORDS = [
    "minister",
    "parliament",
    "government",
    "opposition",
    "election",
    "president",
    "security",
    "ceasefire",
    "province",
    "committee",
    "negotiations",
    "statement",
    "military",
    "economy",
    "sanctions",
    "refugees",
    "coalition",
    "ambassador",
    "embassy",
    "pipeline",
    "infrastructure",
    "humanitarian",
    "convoy",
    "agreement",
    "spokesman",
]


@functools.cache
def _align(latin: str, native: str, variant: bool = False) -> tuple[tuple[int, int], ...] | None:
    """For each native letter, the (start, end) of the Latin letters it stands for
    (``variant``: with the German, French and Spanish readings too)."""
    abjad = bool(regex.match(r"\p{Arabic}", native))
    table = {**_LETTERS, **_VARIANT_LETTERS} if variant else _LETTERS

    @functools.cache
    def walk(i: int, j: int):
        if i == len(native):
            rest = latin[j:]
            silent = variant and rest == "e"  # French Michoustine, Poutine
            short = abjad and len(rest) <= 1 and rest in _ABJAD_VOWELS
            return () if not rest or short or silent else None
        for reading in table.get(native[i], ()):
            if latin.startswith(reading, j):
                tail = walk(i + 1, j + len(reading))
                if tail is not None:
                    return ((j, j + len(reading)), *tail)
        if abjad and j < len(latin) and latin[j] in _ABJAD_VOWELS and i > 0:
            tail = walk(i, j + 1)  # an unwritten short vowel
            if tail is not None:
                return tail
        return None

    return walk(0, 0)


def _garble(rng, latin: str, native: str, spaces: str, variant: bool = False) -> str | None:
    """``latin`` with one to three aligned letters replaced by native ones."""
    lower = latin.lower()
    spans = _align(lower, native.lower(), variant)
    if spans is None:
        return None
    choices = []
    for size in (1, 2, 3) if not regex.match(r"\p{Arabic}", native) else (2, 3):
        for first in range(1, len(native) - size + 1):
            start, end = spans[first][0], spans[first + size - 1][1]
            if start >= 2 and end > start and all(a < b for a, b in spans[first : first + size]):
                choices.append((first, size, start, end))
    if not choices:
        return None
    first, size, start, end = rng.choice(choices)
    foreign = native[first : first + size]
    if latin[start:end][0].isupper():
        return None
    before = " " if spaces in ("before", "both") else ""
    after = " " if spaces == "both" and end < len(latin) else ""
    return latin[:start] + before + foreign + after + latin[end:]


def _case(category: str, template: str, artifact: str, target: str, note: str = "") -> dict:
    return case_record(category, template, artifact, target, note or None)


def _native_pairs(entities, script: str):
    """(entity, Latin token, native token) for each last name token with a native alias."""
    pattern = regex.compile(rf"^\p{{{script}}}+$")
    for entity in entities:
        tokens = entity.name.split()
        if entity.type not in ("person", "place") or not tokens:
            continue
        token = tokens[-1]
        if not (token.isascii() and token.isalpha() and len(token) >= 5):
            continue
        for alias in entity.aliases:
            native = alias.text.split()[-1]
            if script == "Arabic" and native.startswith("ال"):
                native = native[2:]
            if pattern.match(native) and _align(token.lower(), native.lower()) is not None:
                yield entity, token, native
                break


def mixed_cases(rng, entities, category: str, script: str) -> list[dict]:
    pairs = list(_native_pairs(entities, script))
    rng.shuffle(pairs)
    words = [(w, n) for w, n in WORDS if regex.match(rf"\p{{{script}}}", n)]
    cases = []
    styles = ["none"] if script == "Cyrillic" else ["none", "before", "both"]
    for word, native in words:
        garbled = _garble(rng, word, native, rng.choice(styles))
        if garbled:
            cases.append(_case(category, rng.choice(WORD_CARRIERS), garbled, word, "word"))
    for entity, token, native in pairs:
        garbled = _garble(rng, token, native, rng.choice(styles))
        if garbled is None:
            continue
        kind = "person" if entity.type == "person" else "place"
        template = rng.choice(CARRIERS[kind])
        name = entity.name
        cases.append(_case(category, template, name.replace(token, garbled), name, entity.id))
        if len(cases) >= PER_CLASS:
            break
    return cases


HANDWRITTEN = Path(__file__).resolve().parent / "handwritten.jsonl"


def variant_cases(rng, entities, category: str, script: str) -> list[dict]:
    """The hand-written variants, their surname damaged by letters of its native spelling."""
    by_name = {entity.name: entity for entity in entities}
    pattern = regex.compile(rf"^\p{{{script}}}+$")
    styles = ["none"] if script == "Cyrillic" else ["none", "before", "both"]
    cases = []
    with HANDWRITTEN.open(encoding="utf-8") as handle:
        written = [json.loads(line) for line in handle if line.strip()]
    for case in written:
        entity = by_name.get(case["target"])
        surname = case["variant"].split()[-1]
        if entity is None or not surname.isalpha() or surname not in case["text"]:
            continue
        for alias in entity.aliases:
            native = alias.text.split()[-1]
            if script == "Arabic" and native.startswith("ال"):
                native = native[2:]
            if not pattern.match(native):
                continue
            garbled = _garble(rng, surname, native, rng.choice(styles), variant=True)
            if garbled:
                text = case["text"].replace(surname, garbled, 1)
                cases.append(_case(category, "{X}", text, case["expected"], entity.id))
                break
    return cases


def _twin(rng, text: str, twins: dict[str, str]) -> str | None:
    spots = [i for i, char in enumerate(text) if char in twins]
    if not spots:
        return None
    chosen = rng.sample(spots, min(len(spots), rng.choice([1, 1, 2])))
    return "".join(twins[c] if i in chosen else c for i, c in enumerate(text))


def lookalike_cases(rng, entities, category: str, twins: dict[str, str]) -> list[dict]:
    cases = []
    for word in ENGLISH_WORDS:
        garbled = _twin(rng, word, twins)
        if garbled:
            cases.append(_case(category, rng.choice(WORD_CARRIERS), garbled, word, "word"))
    pool = [
        e
        for e in entities
        if e.type in ("person", "country")
        and e.name.isascii()
        and len(e.name) >= 5
        and e.id.isidentifier()
    ]
    rng.shuffle(pool)
    for entity in pool[: PER_CLASS - len(cases)]:
        garbled = _twin(rng, entity.name, twins)
        if garbled and garbled != entity.name:
            kind = "person" if entity.type == "person" else "place"
            template = rng.choice(CARRIERS[kind])
            cases.append(_case(category, template, garbled, entity.name, entity.id))
    return cases


PROTECTED = [
    "Read more at https://example.com/Grasimov-Moscow-talks.html before Monday.",
    "The full text is at https://news.example.org/2024/03/Hifter-Sirt-offensive/ today.",
    "Send tips to hifter.watch@example.com or call the desk.",
    "Questions went to press@khalifa-hifter.example.ly, aides said.",
    "The campaign used the hashtag #Hifter_out and #Sirt on Twitter.",
    "He posted from @Grasimov_fan to thousands of followers.",
    "The data are in /var/lib/Hifter/Sirt.csv on the server.",
    "Run `Hаftar --check` to verify the install.",
    "See doi:10.1000/Sirt.Hifter.2020 for the method.",
    "The report is at www.example.net/Çavuşo-talks/Sirt.pdf, officials said.",
    "She wrote the book “Hifter and the Battle for Sirt” in 2021.",
    'The film "Sirt: The Long Siege" opened in Tunis.',
    "The report 'Grasimov and the New Doctrine' was cited twice.",
    "His name in Arabic is خليفة حفتر, aides noted.",
    "The minister (Russian: Сергей Лавров) arrived late.",
    "The city (Arabic: سرت) was quiet on Friday.",
    "He quoted the slogan «Лавров — наш» at the rally.",
    "Officials said the account https://t.me/Hаftar_news was fake.",
    "The file Sіrte_map_v2.png was shared widely.",
    "Write to sinwar.desk@example.org for the statement.",
    "The list used the tag #Mishусtin2024 all week.",
    "The link was https://example.com/Naryшkin and nothing more.",
    "The page https://example.com/Οman-talks loaded slowly.",
    "The title in Greek, «Ο Μιχαήλ», was kept by the publisher.",
    "Critics praised the book Hifter and the Fall of Sirt for its maps.",
]
SCRIPT_TRAPS = [
    "The dose was 50 μg per day, the study said.",
    "A 10 kΩ resistor was added to the circuit.",
    "Patients on β-blockers were excluded from the trial.",
    "Levels of TNFα rose in the second week.",
    "The mean was μ = 3.2 with σ = 0.4.",
    "The sign read «Добро пожаловать» in large letters.",
    "Ukrainians chanted «Слава Україні» in the square.",
    "The banner said «Ελευθερία» in blue letters.",
    "The word «Οικονομία» headed the Greek newspaper.",
    "The crowd shouted «الله أكبر» as the convoy passed.",
    "The Russian word «правда» means truth.",
    "The shop sign «Київ» had been repainted.",
    "Protesters carried signs reading «Нет войне».",
    "In Greek, «Αθήνα» is the name of the capital.",
    "The mural read «الشعب يريد» in red paint.",
    "The Δ variant spread fast, researchers said.",
    "The α-helix folds quickly in water.",
    "The ratio Ω/m was measured twice.",
    "He signed it Zxqwер, a name nobody knew.",
    "The code word was Blоrfx, the report said.",
    "The item was labelled Qзvtrim in the inventory.",
    "The Greek term λόγος appears in the text.",
    "Apply 5 mA at 20 °C for 10 μs.",
    "The band Mötley Crüe played in Moscow.",
    # A place's native name (كين Keene, تون Thun) glued to a Latin fragment no name
    # continues: the debris of a broken word, not a name to write beside the fragment.
    "Fighting was reported near Bo كين on Tuesday.",
    "He met Xyz تون in the capital.",
    "The town Ka كين was quiet on Friday.",
]


def build() -> list[dict]:
    """All cases, in a fixed order, numbered."""
    rng = random.Random(20261130)
    entities = sorted(gazetteer.load_default().entities, key=lambda e: e.id)
    cases = (
        mixed_cases(rng, entities, "mixed_cyrillic", "Cyrillic")
        + mixed_cases(rng, entities, "mixed_arabic", "Arabic")
        + lookalike_cases(rng, entities, "lookalike_greek", _GREEK_TWINS)
        + lookalike_cases(rng, entities, "lookalike_cyrillic", _CYRILLIC_TWINS)
        + [_case("protected", text, "", "") for text in PROTECTED]
        + [_case("script_trap", text, "", "") for text in SCRIPT_TRAPS]
    )
    # Added later, with their own seed, so that the cases above stay as they were.
    rng = random.Random(20261201)
    cases += variant_cases(rng, entities, "mixed_variant_cyrillic", "Cyrillic")
    cases += variant_cases(rng, entities, "mixed_variant_arabic", "Arabic")
    for number, case in enumerate(cases):
        case["id"] = f"script-{number:04d}"
    return cases


def main() -> None:
    write_cases(build(), OUTPUT)


if __name__ == "__main__":
    main()
