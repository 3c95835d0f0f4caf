"""The gazetteer package: validation errors, the compiled index and cache, the matcher."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import gazetteer
from gazetteer import GazetteerDataError, Policy, load
from gazetteer.folding import fold
from gazetteer.index import skeleton

ROOT = Path(__file__).resolve().parent.parent
HEADER = {"gazetteer": "test", "format": 1, "version": "1"}


def write(tmp_path: Path, name: str, *records) -> Path:
    lines = [json.dumps(HEADER)] + [
        record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
        for record in records
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def person(entity_id="a", name="Anna Alpha", **extra):
    return {"id": entity_id, "name": name, "type": "person", **extra}


def problems_of(paths, tmp_path) -> list[str]:
    with pytest.raises(GazetteerDataError) as caught:
        load(paths, cache_dir=tmp_path / "cache")
    return [str(problem) for problem in caught.value.problems]


def test_gazetteer_never_imports_normalizer():
    for path in (ROOT / "gazetteer").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "normalizer" for n in names), path


def test_errors_name_file_line_and_problem(tmp_path):
    path = write(
        tmp_path,
        "bad.jsonl",
        person("a"),
        person("a", "Other Name"),
        person("b", ""),
        {"id": "c", "name": "Cee", "type": "planet"},
        "{not json",
        person("d", "Dee", colour="red"),
    )
    found = problems_of([path], tmp_path)
    assert "bad.jsonl:4: empty or missing name" in found
    assert any(p.startswith("bad.jsonl:5: bad type 'planet'") for p in found)
    assert any(p.startswith("bad.jsonl:6: not valid JSON") for p in found)
    assert any(p.startswith("bad.jsonl:7: unknown field 'colour'") for p in found)
    assert any(p.startswith("bad.jsonl:3: duplicate id 'a'") for p in found)


def test_alias_claimed_by_two_entities_is_an_error(tmp_path):
    first = write(tmp_path, "one.jsonl", person("a", "Anna Alpha", aliases=["Shared Name"]))
    second = write(tmp_path, "two.jsonl", person("b", "Bob Beta", aliases=["shared-name"]))
    found = problems_of([first, second], tmp_path)
    assert len(found) == 1 and found[0].startswith("two.jsonl:2: alias 'shared-name' is claimed")


def test_shared_alias_allowed_when_recognize_only(tmp_path):
    first = write(
        tmp_path, "one.jsonl", person("a", aliases=[{"text": "AB", "policy": "recognize"}])
    )
    second = write(tmp_path, "two.jsonl", person("b", "Bob Beta", aliases=["AB"]))
    loaded = load([first, second], cache_dir=tmp_path / "cache")
    readings = loaded.matcher.lookup("AB")
    assert {c.entity.id for c in readings} == {"a", "b"}


def test_missing_header_and_missing_file(tmp_path):
    path = tmp_path / "noheader.jsonl"
    path.write_text("# only a comment\n", encoding="utf-8")
    assert any("no header" in p for p in problems_of([path], tmp_path))
    assert any("no such file" in p for p in problems_of([tmp_path / "absent.jsonl"], tmp_path))


def test_compiled_index_is_cached_and_reused(tmp_path):
    path = write(tmp_path, "g.jsonl", person("a", aliases=["Ana Alfa"]))
    first = load([path], cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").glob("index-*.pickle"))
    second = load([path], cache_dir=tmp_path / "cache")
    assert second.version == first.version
    assert [c.entity.id for c in second.matcher.lookup("ana alfa")] == ["a"]
    path.write_text(path.read_text("utf-8").replace("Ana Alfa", "Anne Alfa"), encoding="utf-8")
    assert load([path], cache_dir=tmp_path / "cache").version != first.version


def test_small_indexes_do_not_push_a_large_one_out_of_the_cache(tmp_path, monkeypatch):
    import os

    from gazetteer import index

    monkeypatch.setattr(index, "CACHE_BYTES", 1000)
    monkeypatch.setattr(index, "CACHE_ENTRIES", 6)
    # Newest first: the small ones came after the big one, as a test run does.
    sizes = {"new": 250, **{f"small{n}": 10 for n in range(4)}, "big": 700, "old": 200}
    for age, (name, size) in enumerate(sizes.items()):
        path = tmp_path / f"index-{name}.pickle"
        path.write_bytes(b"x" * size)
        os.utime(path, (1000 - age, 1000 - age))
    index._evict(tmp_path)
    kept = sorted(path.name[6:-7] for path in tmp_path.glob("index-*.pickle"))
    # Newest first: new 250, small0-3 40, big 700 = 990 bytes; "old" would pass 1,000.
    assert kept == ["big", "new", "small0", "small1", "small2", "small3"]
    monkeypatch.setattr(index, "CACHE_ENTRIES", 3)
    index._evict(tmp_path)
    assert len(list(tmp_path.glob("index-*.pickle"))) == 3


def test_default_gazetteer_holds_every_annotated_entity():
    known = {entity.id for entity in gazetteer.load_default().entities}
    for entity_id in (
        "khalifa_haftar", "mevlut_cavusoglu", "yasar_guler", "valery_gerasimov", "sergey_lavrov",
        "muammar_gaddafi", "recep_tayyip_erdogan", "fayez_al_sarraj", "abdullah_al_thani",
        "government_of_national_accord", "volcano_of_rage", "pantsir_missile_system", "sirte",
        "jufra", "new_general_national_congress",
    ):  # fmt: skip
        assert entity_id in known


def test_every_entity_has_a_source_note():
    for entity in gazetteer.load_default().entities:
        assert entity.source, entity.id


def test_fold_keeps_length_for_every_code_point():
    sample = "".join(chr(code) for code in range(0, 0x3000) if not 0xD800 <= code < 0xE000)
    assert len(fold(sample)) == len(sample)
    assert fold("İSTANBUL Kalın") == "istanbul kalin"


def test_offsets_survive_dotted_capital_i():
    matcher = gazetteer.load_default().matcher
    text = "İİİ İbrahim Kalın met Khalifa Hifter"
    mentions = matcher.find(text)
    assert [(text[m.start : m.end], m.entity.id) for m in mentions] == [
        ("İbrahim Kalın", "ibrahim_kalin"),
        ("Khalifa Hifter", "khalifa_haftar"),
    ]


def test_word_boundaries_and_case():
    matcher = gazetteer.load_default().matcher
    assert matcher.find("Sirtex Hiftering sirt") == []
    assert [m.text for m in matcher.find("(Sirt), Hifter’s")] == ["Sirt", "Hifter"]


def test_leftmost_longest():
    matcher = gazetteer.load_default().matcher
    assert [m.text for m in matcher.find("Khalifa Hifter")] == ["Khalifa Hifter"]


def test_skeleton_blocks_spellings_together():
    # The eval builder picks its near-miss traps by skeleton (tests/eval/build_eval.py).
    assert skeleton("hifter") == skeleton("haftar")
    assert skeleton("grasimov") == skeleton("gerasimov")


def test_alias_policies_are_loaded():
    readings = gazetteer.load_default().matcher.lookup("PNS")
    assert readings and readings[0].alias.policy is Policy.ESTABLISHED


def test_cached_entities_are_built_on_first_use_and_equal_the_compiled_ones(tmp_path):
    first = write(tmp_path, "one.jsonl", person("a", "Anna Alpha", aliases=["Ana Alfa"]))
    second = write(
        tmp_path, "two.jsonl", person("b", "Boris Beta"), person("c", "Chen Gamma", short="Gamma")
    )
    compiled = load([first, second], cache_dir=tmp_path / "cache")
    cached = load([first, second], cache_dir=tmp_path / "cache")
    assert cached.index is not compiled.index  # the second load read the pickle
    table = cached.index.entities
    assert table._built == [None, None, None]  # nothing built by loading
    assert cached.stats() == compiled.stats()
    assert [len(source.entities) for source in cached.sources] == [1, 2]
    assert cached.sources[1].entities[-1].id == "c"
    assert table._built.count(None) == 2  # only the entity asked for was built
    assert list(table) == list(compiled.entities)
    assert table[0] is table[0]  # built once, then kept
    again = load([first, second], cache_dir=tmp_path / "cache")
    assert again.get("c").name == "Chen Gamma"
    assert again.index.entities._built.count(None) == 2  # get() built only "c"
    with pytest.raises(LookupError, match="'zz'"):
        again.get("zz")
    assert [m.text for m in cached.matcher.find("Ana Alfa met Gamma")] == ["Ana Alfa", "Gamma"]


def test_a_geonames_place_written_with_the_article_is_left_to_the_curated_one():
    """GeoNames writes "Al Fallūjah" where the curated file has "Fallujah": the same
    city, and kept twice its alternate names (Felluce, Falludscha) named "something
    else" and blocked every variant reading of Fallujah.  Only a curated *place* in the
    same country takes it: "El Attaf" stays although a person is called Attaf."""
    from gazetteer.build import build_records
    from gazetteer.folding import fold_key

    def place(geonameid, name, country):
        return {"geonameid": geonameid, "name": name, "type": "place",
                "countrycode": country, "alternatenames": [], "population": 20000}  # fmt: skip

    curated = (
        set(),
        {(fold_key("Fallujah"), "IQ"), (fold_key("Attaf"), "DZ")},
        {fold_key("Fallujah"), fold_key("Attaf")},
        {(fold_key("Fallujah"), "IQ")},  # the places among them
    )
    places = [place("1", "Al Fallūjah", "IQ"), place("2", "El Attaf", "DZ"),
              place("3", "Al Fallujah", "SY")]  # fmt: skip
    records, decisions = build_records(places, curated)
    assert sorted(record["name"] for record in records) == ["Al Fallujah", "El Attaf"]
    assert decisions["place left to the curated gazetteer"] == 1


def test_the_shipped_gazetteer_holds_fallujah_once():
    import gazetteer

    matcher = gazetteer.load_default().matcher
    assert {c.entity.id for c in matcher.lookup("Falludscha")} <= {"fallujah"}
    assert {c.entity.id for c in matcher.lookup("Fallujah")} == {"fallujah"}
