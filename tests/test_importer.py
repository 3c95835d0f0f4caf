"""``normalizer gazetteer import``: CSV and Wikidata JSON fixtures with good and bad rows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import gazetteer
from gazetteer.importer import import_files
from normalizer import clean
from tests.conftest import NORMALIZER

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
CSV = FIXTURES / "entities.csv"
DUMP = FIXTURES / "wikidata_dump.json"
ENTITY_DATA = FIXTURES / "Q900006.json"


def problems(result) -> list[str]:
    return [str(problem) for problem in result.skipped]


def test_csv_good_rows_are_imported_and_bad_rows_are_named():
    result = import_files([CSV])
    assert [entity["id"] for entity in result.entities] == [
        "fayez_al_sarraj",
        "zliten",
        "misrata_military_council",
    ]
    sarraj = result.entities[0]
    assert sarraj["aliases"] == ["Fayez Serraj", "Fayez al-Serraj", "فايز السراج"]
    assert sarraj["context"] == ["LY"] and sarraj["type"] == "person"
    assert problems(result) == [
        "entities.csv:5: bad type 'city' (one of: country, equipment, event, operation, "
        "organization, person, place, term)",
        "entities.csv:6: bad id '': use lower-case letters, digits, _ . : -",
        "entities.csv:7: empty or missing name",
        "entities.csv:8: bad country: 'Libya' is not an ISO 3166 alpha-2 code such as LY",
        "entities.csv:9: duplicate id: 'zliten' (first at entities.csv:3)",
        "entities.csv:10: wrong number of fields: 6, the header has 5",
        "entities.csv:11: bad id 'Bad Id': use lower-case letters, digits, _ . : -",
    ]
    # Nothing silently dropped: every data row is imported or counted as skipped.
    rows = len(CSV.read_text(encoding="utf-8").splitlines()) - 1
    assert len(result.entities) + len(result.skipped) == rows
    assert result.summary().startswith("3 entities imported; 7 rows skipped (2 bad id, ")


def test_a_csv_without_the_required_columns_is_refused(tmp_path):
    bad = tmp_path / "names.csv"
    bad.write_text("name,kind\nZliten,place\n", encoding="utf-8")
    with pytest.raises(gazetteer.GazetteerDataError) as caught:
        import_files([bad])
    assert str(caught.value.problems[0]).startswith("names.csv:1: header has missing ['id',")


def test_wikidata_dump_labels_and_aliases_of_every_language_become_aliases():
    result = import_files([DUMP])
    by_id = {entity["id"]: entity for entity in result.entities}
    assert set(by_id) == {"aguila_saleh_issa", "libya"}
    aguila = by_id["aguila_saleh_issa"]
    assert aguila["name"] == "Aguila Saleh Issa"  # the English label is canonical
    assert aguila["ids"] == {"wikidata": "Q900001"} and aguila["type"] == "person"
    assert aguila["aliases"][:4] == [
        "عقيلة صالح عيسى",
        "Агила Салех Иса",
        "Aqila Saleh",
        {
            "text": "Saleh",
            "policy": "recognize",  # a one-word alias of a person never rewrites
        },
    ]
    assert "Agila Salih Isa" in aguila["aliases"]  # a German alias
    assert by_id["libya"]["context"] == ["LY"] and by_id["libya"]["type"] == "country"
    assert problems(result) == [
        "wikidata_dump.json:4: no English label: Q900003",
        "wikidata_dump.json:5: type not known: Q900004: instance of (P31) Q12323; give --type",
        "wikidata_dump.json:6: not valid JSON: Expecting ',' delimiter at column 80",
        "wikidata_dump.json:7: not a Wikidata item: id 'P31'",
    ]


def test_a_default_type_takes_in_items_of_unknown_classes():
    result = import_files([DUMP], default_type="place")
    assert "great_man_made_river" in {entity["id"] for entity in result.entities}
    assert "type not known" not in result.reasons


def test_special_entity_data_json():
    result = import_files([ENTITY_DATA])
    (entity,) = result.entities
    assert entity["name"] == "Ahmed Maiteeq" and entity["ids"] == {"wikidata": "Q900006"}
    assert "أحمد معيتيق" in entity["aliases"] and "Ахмед Маитиг" in entity["aliases"]


def test_aliases_two_entities_share_are_recognize_only(tmp_path):
    shared = tmp_path / "shared.csv"
    shared.write_text(
        "id,name,type,aliases,country\n"
        "tripoli,Tripoli,place,Tarabulus|Trablus,LY\n"
        "tripoli_lebanon,Tripoli (Lebanon),place,Tarabulus,LB\n",
        encoding="utf-8",
    )
    result = import_files([shared])
    assert result.shared_aliases == 2
    result.write(tmp_path / "out.jsonl")  # the loader accepts it
    loaded = gazetteer.load([tmp_path / "out.jsonl"], cache_dir=tmp_path / "cache")
    readings = loaded.matcher.lookup("Tarabulus")
    assert {c.alias.policy.value for c in readings} == {"recognize"}


def test_the_written_file_loads_and_cleans(tmp_path):
    result = import_files([CSV, DUMP, ENTITY_DATA])
    out = tmp_path / "imported.jsonl"
    result.write(out)
    loaded = gazetteer.load([out], cache_dir=tmp_path / "cache")
    assert len(loaded.entities) == len(result.entities) == 6
    cleaned = clean("Fayez Serraj met Агила Салех Иса in Zlitan.", gazetteer=loaded)
    assert cleaned.text == "Fayez al-Sarraj met Aguila Saleh Issa in Zliten."


def test_the_command(tmp_path, child_env):
    executable = NORMALIZER
    out = tmp_path / "out.jsonl"
    argv = [executable, "gazetteer", "import", str(CSV), str(DUMP), str(ENTITY_DATA)]
    done = subprocess.run(
        [*argv, "-o", str(out)], capture_output=True, text=True, env=child_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "skipped entities.csv:5: bad type 'city'" in done.stderr
    assert "6 entities imported; 11 rows skipped" in done.stderr
    validated = subprocess.run(
        [executable, "gazetteer", "validate", str(out)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=120,
    )
    assert validated.returncode == 0, validated.stdout
