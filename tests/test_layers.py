"""Compiled layers: each file compiled apart and cached under its own bytes; a combination
answers every lookup as one compile of all the files would, and is checked across files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazetteer import GazetteerDataError, assemble, load

HEADER = {"gazetteer": "test", "format": 1, "version": "1"}


def lines_of(*records) -> list[str]:
    return [json.dumps(record, ensure_ascii=False) for record in records]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([json.dumps(HEADER), *lines]) + "\n", encoding="utf-8")
    return path


def person(entity_id, name, **extra):
    return {"id": entity_id, "name": name, "type": "person", **extra}


BASE = lines_of(
    person("a0", "Anna Alpha", short="Alpha", aliases=["Ana Alfa", "Annah Alpha"]),
    person("a1", "Boris Beta", aliases=[{"text": "Shared Name", "policy": "recognize"}]),
    {"id": "a2", "name": "Çavuşoğlu Town", "type": "place", "aliases": ["Cavusoglu Town"]},
)
MORE = lines_of(
    person("b0", "Chen Gamma", short="Gamma", aliases=["Chen Gama"]),
    person("b1", "Dora Delta", aliases=[{"text": "Shared Name", "policy": "recognize"}]),
)
CUSTOM = lines_of(
    person("c0", "Emil Epsilon", aliases=["Emil Epsylon", "Abdel Fattah Epsilon"]),
    # Added to an entity of the first file: in one compile these aliases stand with
    # a0's own, before every later entity's (b1's "Shared Name" among them).
    {"alias_of": "a0", "aliases": [{"text": "Shared Name", "policy": "recognize"}, "Anah Alfa"],
     "short_aliases": ["Alfah"]},
    {"alias_of": "b0", "aliases": ["Chenn Gamma"]},
)  # fmt: skip
QUERIES = ["Shared Name", "Ana Alfa", "Anah Alfa", "Alfah", "Chenn Gamma", "Emil Epsylon",
           "Cavusoglu Town", "Gamma", "Alpha"]  # fmt: skip
TEXT = (
    "Shared Name met Anah Alfa and Alfah in Cavusoglu Town; Chen Gama, Chenn Gamma "
    "and Emil Epsylon came later, with Shared Name again."
)


def answers(loaded) -> dict:
    """Every answer a matcher gives about the sample, with entities by id."""
    matcher = loaded.matcher

    def readings(candidates):
        return [(c.entity.id, c.alias.text, c.alias.policy.value) for c in candidates]

    return {
        "lookup": {query: readings(matcher.lookup(query)) for query in QUERIES},
        "find": [(m.start, m.end, readings(m.candidates)) for m in matcher.find(TEXT)],
        "resolve": {
            name: [
                (m.entity.id, m.alias.text, m.parts, m.given, m.complete)
                for m in matcher.resolve(name)
            ]
            for name in ("Anah Alpha", "Chen Gammma", "Emil Epsilonn", "Abdelfattah Epsilon")
        },
        "complete": [(t, e.id) for t, e in matcher.complete("Epsi", "on", max_gap=3)],
        "entities": [(e.id, e.name, [a.text for a in e.aliases]) for e in loaded.entities],
        "aliases": len(loaded.index),
    }


def test_a_combination_answers_as_one_compile_of_every_file(tmp_path):
    layered = [
        write(tmp_path / "base.jsonl", BASE),
        write(tmp_path / "more.jsonl", MORE),
        write(tmp_path / "custom.jsonl", CUSTOM),
    ]
    whole = write(tmp_path / "whole.jsonl", BASE + MORE + CUSTOM)
    combined = load(layered, cache_dir=tmp_path / "cache")
    expected = answers(load([whole], cache_dir=tmp_path / "cache"))
    assert answers(combined) == expected
    assert answers(load(layered, cache_dir=tmp_path / "cache")) == expected  # from the cache
    # The shared recognised alias: a0 (its added alias) before b1, in entity order.
    assert [e for e, _, _ in expected["lookup"]["Shared Name"]] == ["a0", "a1", "b1"]


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The names of the files parsed to compile a layer, in order."""
    names: list[str] = []
    parse = assemble.parse_rows

    def counting(path, data):
        names.append(path.name)
        return parse(path, data)

    monkeypatch.setattr(assemble, "parse_rows", counting)
    return names


def test_adding_a_custom_file_compiles_that_file_alone(tmp_path, parsed):
    base = write(tmp_path / "base.jsonl", BASE)
    more = write(tmp_path / "more.jsonl", MORE)
    custom = write(tmp_path / "custom.jsonl", CUSTOM)
    cache = tmp_path / "cache"
    load([base, more], cache_dir=cache)
    assert parsed == ["base.jsonl", "more.jsonl"]
    parsed.clear()
    load([base, more, custom], cache_dir=cache)
    assert parsed == ["custom.jsonl"]
    parsed.clear()
    write(custom, CUSTOM[:1])  # the custom file changes: it alone is compiled again
    changed = load([base, more, custom], cache_dir=cache)
    assert parsed == ["custom.jsonl"]
    assert [c.entity.id for c in changed.matcher.lookup("Shared Name")] == ["a1", "b1"]
    parsed.clear()
    load([base, more, custom], cache_dir=cache)
    assert parsed == []  # a combination seen before: every layer from the cache


def test_a_layer_whose_shared_automaton_left_the_cache_is_compiled_again(tmp_path, parsed):
    """Layers are cached without the keys their shared automaton holds."""
    paths = [write(tmp_path / "base.jsonl", BASE), write(tmp_path / "more.jsonl", MORE)]
    cache = tmp_path / "cache"
    expected = answers(load(paths, cache_dir=cache))
    [automaton] = cache.glob("index-automaton-*.pickle")
    parsed.clear()
    assert answers(load(paths, cache_dir=cache)) == expected
    assert parsed == []
    automaton.unlink()
    assert answers(load(paths, cache_dir=cache)) == expected
    assert parsed == ["base.jsonl", "more.jsonl"]  # for their keys
    parsed.clear()
    assert answers(load(paths, cache_dir=cache)) == expected
    assert parsed == []  # the automaton is back


def test_a_layer_is_compiled_for_its_place(tmp_path, parsed):
    """Record and entity numbers are global: the same file after another file is
    another layer (its cache key names its place)."""
    base = write(tmp_path / "base.jsonl", BASE)
    more = write(tmp_path / "more.jsonl", MORE)
    cache = tmp_path / "cache"
    alone = load([more], cache_dir=cache)
    after = load([base, more], cache_dir=cache)
    assert parsed == ["more.jsonl", "base.jsonl", "more.jsonl"]
    assert alone.matcher.lookup("Chen Gama")[0].entity.id == "b0"
    assert after.matcher.lookup("Chen Gama")[0].entity.id == "b0"


def problems_of(paths, cache) -> list[str]:
    with pytest.raises(GazetteerDataError) as caught:
        load(paths, cache_dir=cache)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (person("a1", "Other Name"), "custom.jsonl:2: duplicate id 'a1' (first at base.jsonl:3)"),
        (
            person("c9", "Ana Alfa"),
            "custom.jsonl:2: alias 'Ana Alfa' is claimed by both 'a0' (base.jsonl:2) and 'c9'",
        ),
        (
            {"alias_of": "nobody", "aliases": ["Ana Alfa"]},
            "custom.jsonl:2: alias_of 'nobody' names no entity of the files loaded",
        ),
        (
            {"alias_of": "a1", "short_aliases": ["Beta"]},
            "custom.jsonl:2: 'a1' has no short form for short_aliases to stand for",
        ),
    ],
)
def test_checks_across_files_run_over_a_combination_with_cached_layers(tmp_path, line, expected):
    base = write(tmp_path / "base.jsonl", BASE)
    cache = tmp_path / "cache"
    load([base], cache_dir=cache)
    custom = write(tmp_path / "custom.jsonl", lines_of(line))
    found = problems_of([base, custom], cache)
    assert len(found) == 1
    assert found[0].startswith(expected)
    assert problems_of([base, custom], cache) == found  # never remembered as checked


def test_a_rewriting_claim_a_later_file_makes_recognised_is_no_conflict(tmp_path):
    """Which claim is first decides, as in one compile: an earlier file's recognised
    alias lets two later entities share it."""
    first = write(tmp_path / "one.jsonl", lines_of(
        person("x", "Xavier Xi", aliases=[{"text": "Same Name", "policy": "recognize"}])
    ))  # fmt: skip
    second = write(tmp_path / "two.jsonl", lines_of(
        person("y", "Yannick Ypsilon", aliases=["Same Name"]),
        person("z", "Zoe Zeta", aliases=["Same Name"]),
    ))  # fmt: skip
    cache = tmp_path / "cache"
    problems_of([second], cache)  # alone, two entities rewrite one alias
    loaded = load([first, second], cache_dir=cache)
    assert [c.entity.id for c in loaded.matcher.lookup("Same Name")] == ["x", "y", "z"]


def test_the_default_layers_are_reused_under_a_custom_file(tmp_path, parsed):
    """On the real default files: a custom file (here adding an alias to a GeoNames
    place, and a recognised alias GeoNames also lists) compiles alone."""
    import gazetteer

    cache = tmp_path / "cache"
    defaults = list(gazetteer.default_paths())
    alone = load(defaults, cache_dir=cache)
    assert parsed == [path.name for path in defaults]
    parsed.clear()
    andorra = alone.matcher.lookup("Andorra")
    custom = write(tmp_path / "custom.jsonl", lines_of(
        {"alias_of": andorra[0].entity.id, "aliases": ["Andorrah"]},
        person("c0", "Andorra Person", aliases=[{"text": "Andorra", "policy": "recognize"}]),
    ))  # fmt: skip
    combined = load([*defaults, custom], cache_dir=cache)
    assert parsed == ["custom.jsonl"]
    # The default files share one cached automaton; the custom file has a small one.
    assert len(alone.index.automata) == 1
    assert len(combined.index.automata) == 2
    assert combined.index.automata[0] is not alone.index.automata[0]  # read from the cache
    assert combined.matcher.lookup("Andorrah")[0].entity.id == andorra[0].entity.id
    # The GeoNames readings first, then the custom file's (entity order).
    found = [c.entity.id for c in combined.matcher.lookup("Andorra")]
    assert found == [c.entity.id for c in andorra] + ["c0"]
    mentions = combined.matcher.find("They flew to Andorra.")
    assert [c.entity.id for c in mentions[0].candidates] == found
