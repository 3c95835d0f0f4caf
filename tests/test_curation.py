"""The curation loop: a batch output with planted unknown spellings, the report, its
gazetteer lines, and those lines loaded turning the flags into changes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import gazetteer
from normalizer import clean
from normalizer.curation import gather, gazetteer_file, input_text
from normalizer.errors import GazetteerError
from tests.conftest import NORMALIZER

SMALL = Path(__file__).resolve().parent.parent / "gazetteer" / "data" / "news.jsonl"
# Spellings the small gazetteer does not know, planted across documents: two spellings of
# an unknown analyst, and a misspelt surname matched to its entity by the given name.
DOCUMENTS = [
    "Political analyst Gabriel Al-Zawi said the talks in Sirte had failed. Later Al-Zoui "
    "added that Valery Grasimov had called Ankara.",
    "The analyst Al-Zawi told reporters that the Al-Zoui report was accurate.",
    "Al-Zawi, an analyst close to Al-Zoui, said Valery Grasimov met the delegation.",
    "Khalifa Hifter spoke in Benghazi on Monday; Al-Zawi was not there.",  # not flagged
]
OPTIONS = {"min_confidence": 0.95}  # the fuzzy match (0.9) is flagged, not applied


@pytest.fixture(scope="module")
def small():
    return gazetteer.load([SMALL])


@pytest.fixture(scope="module")
def batch_output(small):
    lines = [
        json.dumps({"id": f"doc{n}", **clean(text, OPTIONS, gazetteer=small).to_dict()})
        for n, text in enumerate(DOCUMENTS)
    ]
    return [*lines, json.dumps({"id": "bad", "error": {"type": "x"}}), "not json"]


def test_the_planted_spellings_are_flagged_not_changed(small):
    for text in DOCUMENTS[:3]:
        result = clean(text, OPTIONS, gazetteer=small)
        assert "Al-Zoui" in result.text
        assert any(flag.rule == "entity.unknown_variants" for flag in result.flags)


def test_lines_the_report_cannot_read_are_counted_not_fatal(small):
    good = clean(DOCUMENTS[0], OPTIONS, gazetteer=small).to_dict()
    utf16 = clean("😀 " + DOCUMENTS[3], {**OPTIONS, "offsets": "utf16"}, gazetteer=small)
    assert utf16.changes
    broken = {**good, "changes": [{"start": 0}]}
    lines = [json.dumps(good), json.dumps(utf16.to_dict()), json.dumps(broken), "[1, 2]", ""]
    report = gather(lines, gazetteer=small)
    assert (report.lines, report.documents, report.errors) == (5, 1, 4)


def test_input_text_undoes_the_changes(small):
    for text in DOCUMENTS:
        assert input_text(clean(text, gazetteer=small).to_dict()) == text


def test_the_report_gathers_spellings_across_documents(batch_output, small):
    report = gather(batch_output, gazetteer=small)
    assert (report.lines, report.documents, report.errors) == (6, 4, 2)
    rows = {row.spelling: row for row in report.spellings}
    unknown = rows["Al-Zawi"]
    assert unknown.variants == ["Al-Zoui"]
    assert unknown.count == 7 and unknown.documents == ["doc0", "doc1", "doc2", "doc3"]
    assert unknown.suggestion == {"id": "al_zawi", "name": "Al-Zawi", "type": "person"}
    assert "'Al-Zawi' (4×) and 'Al-Zoui' (3×)" in unknown.evidence
    assert "spelt 2 ways in 4 document(s)" in unknown.evidence
    assert unknown.examples[0] == (
        "…Al-Zawi said the talks in Sirte had failed. Later [Al-Zoui] added that Valery "
        "Grasimov had called Ankara."
    )
    fuzzy = rows["Grasimov"]
    assert fuzzy.count == 2 and fuzzy.documents == ["doc0", "doc2"]
    assert fuzzy.suggestion["id"] == "valery_gerasimov"
    assert fuzzy.gazetteer_line["alias_of"] == "valery_gerasimov"
    assert fuzzy.gazetteer_line["short_aliases"] == ["Grasimov"]


def test_the_lines_validate_and_once_loaded_turn_the_flags_into_changes(
    batch_output, small, tmp_path
):
    report = gather(batch_output, gazetteer=small)
    additions = tmp_path / "additions.jsonl"
    assert gazetteer_file(report.spellings, additions, check_with=[SMALL]) == 2
    curated = gazetteer.load([SMALL, additions], cache_dir=tmp_path / "cache")
    for text in DOCUMENTS[:3]:
        before = clean(text, OPTIONS, gazetteer=small)
        after = clean(text, OPTIONS, gazetteer=curated)
        assert "Al-Zoui" not in after.text and "Grasimov" not in after.text
        assert not any(f.rule == "entity.unknown_variants" for f in after.flags)
        rewritten = {c.original: c.replacement for c in after.changes}
        assert rewritten["Al-Zoui"] == "Al-Zawi"
        assert len(after.changes) > len(before.changes)
    # And a second report has nothing left to suggest.
    again = [json.dumps(clean(t, OPTIONS, gazetteer=curated).to_dict()) for t in DOCUMENTS]
    assert [row.gazetteer_line for row in gather(again, gazetteer=curated).spellings] == []


def test_lines_that_would_not_load_are_not_written(batch_output, small, tmp_path):
    report = gather(batch_output, gazetteer=small)
    row = next(row for row in report.spellings if "alias_of" in (row.gazetteer_line or {}))
    row.gazetteer_line = {**row.gazetteer_line, "alias_of": "nobody"}
    target = tmp_path / "additions.jsonl"
    with pytest.raises(GazetteerError, match="names no entity"):
        gazetteer_file(report.spellings, target, check_with=[SMALL])
    assert not target.exists()


def test_the_command(batch_output, tmp_path, child_env):
    executable = NORMALIZER
    output = tmp_path / "out.jsonl"
    output.write_text("\n".join(batch_output) + "\n", encoding="utf-8")
    additions = tmp_path / "additions.jsonl"
    argv = [executable, "report", str(output), "--gazetteer", str(SMALL), "-o", str(additions)]
    done = subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "'Al-Zawi' (also 'Al-Zoui') → Al-Zawi" in done.stdout
    assert "7× in 4 document(s): doc0, doc1, doc2, doc3" in done.stdout
    assert "wrote 2 gazetteer line(s)" in done.stderr
    lines = [json.loads(line) for line in additions.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["gazetteer"] == "curation" and len(lines) == 3


def test_the_report_over_http_matches_the_library(client, batch_output):
    body = "\n".join(batch_output).encode()
    response = client.post("/review/report", data=body, content_type="application/x-ndjson")
    assert response.status_code == 200
    assert response.get_json() == gather(batch_output).to_dict()
    wrong = client.post("/review/report", data=body, content_type="application/json")
    assert wrong.status_code == 415


def test_the_http_report_matches_its_schema(client, batch_output):
    from tests.test_openapi import assert_valid

    body = "\n".join(batch_output).encode()
    response = client.post("/review/report", data=body, content_type="application/x-ndjson")
    assert_valid(response.get_json(), "/components/schemas/CurationReport")
    broken = {**response.get_json(), "spellings": [{"spelling": 1}]}
    with pytest.raises(AssertionError):
        assert_valid(broken, "/components/schemas/CurationReport")


def test_the_hot_reload_picks_the_curated_lines_up(batch_output, small, tmp_path):
    """A server whose gazetteer lists a curated file: the report's lines go in, and the
    next request rewrites what it only flagged before, without a restart."""
    import os
    import time

    from normalizer.service import create_app

    curated = tmp_path / "curated.jsonl"
    gazetteer_file([], curated, check_with=[SMALL])  # a header only: nothing curated yet
    files = (str(SMALL), str(curated))
    app = create_app(
        {"TESTING": True, "NORMALIZER_GAZETTEER": files, "NORMALIZER_RELOAD_INTERVAL": 1}
    )
    client = app.test_client()
    request = {"text": DOCUMENTS[0], "options": OPTIONS}
    before = client.post("/v1/clean", json=request).get_json()
    assert "Al-Zoui" in before["text"]

    gazetteer_file(gather(batch_output, gazetteer=small).spellings, curated, check_with=[SMALL])
    later = time.time_ns() + 10**9
    os.utime(curated, ns=(later, later))
    assert app.extensions["normalizer"].holder.reload_now()
    after = client.post("/v1/clean", json=request).get_json()
    assert after["text"] == (
        "Political analyst Gabriel Al-Zawi said the talks in Sirte had failed. Later Al-Zawi "
        "added that Valery Gerasimov had called Ankara."
    )
    assert {c["rule"] for c in after["changes"]} == {"entity.alias"}
