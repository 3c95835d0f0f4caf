"""The held-out evaluation: variant aliases of curated entities, removed from the gazetteer.

Half of the Latin-script spelling variants of the curated people and places
(``gazetteer/data/news*.jsonl``) are taken out of a copy of the gazetteer, and each one
becomes a case: the variant planted in a carrier sentence must come out as the entity's
canonical form, found by how transliteration works rather than by being listed.  The
choice is seeded, so every run holds out the same aliases.

Only spellings are held out: a nickname or another name ("Abu Mazen", "Hemedti",
"Tadmur") shares too little with the canonical form to be a variant of it, and is kept
(folded similarity below :data:`MIN_SIMILARITY`).
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from rapidfuzz import fuzz

import gazetteer
from gazetteer.folding import fold_key
from gazetteer.index import ARTICLE_TOKENS

SEED = 20261130
MIN_SIMILARITY = 60  # rapidfuzz ratio of the folded forms, articles dropped
CARRIERS = {
    "person": [
        "Officials said {X} would attend the talks next week.",
        "In a statement on Monday, {X} called for calm.",
        "Reporters asked whether {X} had approved the plan.",
        "A spokesman for {X} declined to comment on the report.",
    ],
    "place": [
        "Fighting was reported near {X} on Tuesday.",
        "Aid convoys reached {X} after a week of delays.",
        "Residents of {X} described long queues for fuel.",
        "A delegation arrived in {X} late on Sunday.",
    ],
}
COUNTRY_NAMES = {
    "LY": "Libya", "SY": "Syria", "IQ": "Iraq", "IR": "Iran", "YE": "Yemen", "SA": "Saudi Arabia",
    "AE": "the United Arab Emirates", "QA": "Qatar", "KW": "Kuwait", "BH": "Bahrain",
    "OM": "Oman", "EG": "Egypt", "SD": "Sudan", "TN": "Tunisia", "DZ": "Algeria", "TR": "Turkey",
    "RU": "Russia", "UA": "Ukraine", "IL": "Israel", "PS": "the Palestinian territories",
    "LB": "Lebanon", "JO": "Jordan", "IT": "Italy", "ET": "Ethiopia",
}  # fmt: skip


def _core(text: str) -> str:
    return " ".join(t for t in fold_key(text).split() if t not in ARTICLE_TOKENS)


def _alias_text(alias) -> str:
    return alias if isinstance(alias, str) else alias.get("text", "")


def _holdable(record: dict, alias, form: str) -> bool:
    text = _alias_text(alias)
    if not isinstance(alias, str) and (alias.get("policy") or alias.get("replacement")):
        return False  # a recognised or special alias is not a plain spelling
    if not text.isascii() or not text[:1].isupper() or record["type"] not in CARRIERS:
        return False
    target = record["name"] if form == "full" else record.get("short") or record["name"]
    if fold_key(text).split(" ")[0] in ARTICLE_TOKENS or _core(text) == _core(target):
        return False
    # A longer or shorter name ("Seyyed Ali Khamenei") is not a spelling, unless the
    # parts are only split or merged ("Abdelfattah"/"Abdel Fattah").
    joined = fuzz.ratio(_core(text).replace(" ", ""), _core(target).replace(" ", ""))
    if len(_core(text).split()) != len(_core(target).split()) and joined < 85:
        return False
    return fuzz.ratio(_core(text), _core(target)) >= MIN_SIMILARITY


def _case(rng: random.Random, record: dict, text: str, form: str) -> dict:
    kind = record["type"]
    template = rng.choice(CARRIERS[kind])
    country = COUNTRY_NAMES.get((record.get("context") or [""])[0])
    target = record["name"] if form == "full" else record["short"]
    if form == "short":
        # A surname alone is read after the full name, as in any news story.
        template = f"{record['name']} arrived on Monday. " + template
    if country:
        template += f" Officials in {country} gave no further details."
    return {
        "category": "heldout",
        "text": template.replace("{X}", text),
        "expected": template.replace("{X}", target),
        "artifact": text,
        "target": target,
        "entity": record["id"],
    }


def held_out(folder: Path) -> tuple[list[Path], list[dict]]:
    """Write the gazetteer without the held-out aliases into ``folder``.

    Returns the gazetteer paths to load and the held-out cases.
    """
    rng = random.Random(SEED)
    paths, cases = [], []
    for source in gazetteer.default_paths():
        target = folder / source.name
        paths.append(target)
        if not source.name.startswith("news"):
            target.write_bytes(source.read_bytes())
            continue
        lines = []
        for line in source.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.startswith("{") else None
            if record and "id" in record:
                for field, form in (("aliases", "full"), ("short_aliases", "short")):
                    kept = []
                    for alias in record.get(field, []):
                        if _holdable(record, alias, form) and rng.random() < 0.5:
                            cases.append(_case(rng, record, _alias_text(alias), form))
                        else:
                            kept.append(alias)
                    if field in record:
                        record[field] = kept
                line = json.dumps(record, ensure_ascii=False)
            lines.append(line)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths, cases


def load_held_out() -> tuple[gazetteer.Gazetteer, list[dict]]:
    """The held-out gazetteer (compiled once, cached like any other) and its cases."""
    folder = Path(tempfile.mkdtemp(prefix="heldout-"))
    paths, cases = held_out(folder)
    return gazetteer.load(paths), cases
