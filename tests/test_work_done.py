"""Fast paths asserted by the work they save (calls counted), never by the clock.

Each test also shows the counted work happening where it must, so that a counter that
never counts cannot pass.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import pytest

from normalizer import clean, pipeline, protected
from normalizer.stages import script


@pytest.fixture
def stage_runs(monkeypatch) -> Counter:
    """How many times each stage ran, over the cleanings of one test."""
    runs: Counter = Counter()

    def counted(stage):
        def run(context):
            runs[stage.name] += 1
            stage.run(context)

        return dataclasses.replace(stage, run=run)

    monkeypatch.setattr(pipeline, "STAGES", tuple(counted(stage) for stage in pipeline.STAGES))
    return runs


def test_a_rewritten_name_does_not_run_whitespace_and_punctuation_again(stage_runs):
    result = clean("Khalifa Hifter met Sergei Lavrov in Sirt.\n")
    assert result.text == "Khalifa Haftar met Sergey Lavrov in Sirte.\n"
    assert result.stats["passes"] == 2  # the pass count stays what it was
    assert stage_runs["encoding"] == stage_runs["boilerplate"] == 2
    assert stage_runs["whitespace"] == stage_runs["punctuation"] == 1


@pytest.mark.parametrize(
    ("text", "options", "again"),
    [
        # A footnote mark is judged by the word before it, which a rewrite may change.
        ("Khalifa Hifter met Sergei Lavrov in Sirt. 2 * 3\n", {}, {"punctuation"}),
        # A quote style rewrites the apostrophes a name may bring.
        (
            "Khalifa Hifter met Sergei Lavrov in Sirt.\n",
            {"quote_style": "straight"},
            {"punctuation"},
        ),
        # A stage that edited runs again to see its own edits settled.
        ("Khalifa Hifter met Sergei Lavrov in Sirt.  \n", {}, {"whitespace"}),
        # An edit after the whitespace stage that is not letters for letters: a closing
        # quote's space moved (the punctuation stage also runs again for its own edit).
        ("Khalifa Hifter said: “talks failed ”and left.\n", {}, {"whitespace", "punctuation"}),
    ],
)
def test_the_stages_run_again_where_they_may_have_work(stage_runs, text, options, again):
    clean(text, options)
    assert {name for name in ("whitespace", "punctuation") if stage_runs[name] == 2} == again


@pytest.mark.parametrize(
    "text",
    [
        "Khalifa Haftar met Sergey Lavrov in Sirte.",
        "Mevlüt Çavuşoğlu said “no” — twice, in İstanbul.",  # Latin letters only
    ],
)
def test_latin_only_text_never_reaches_the_script_readers(monkeypatch, text):
    calls: Counter = Counter()
    for name in ("_mixed_words", "_repair_broken_names", "_flag_untranslated", "readings"):
        original = getattr(script, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(script, name, counted)
    clean(text)
    assert calls == Counter()
    clean("Talks between Çavuşo أوlu and Naryшkin.")
    assert calls["_mixed_words"] and calls["_repair_broken_names"] and calls["readings"]


class _CountedPattern:
    def __init__(self, pattern, calls: Counter, kind: str) -> None:
        self.pattern, self.groupindex = pattern, pattern.groupindex
        self.calls, self.kind = calls, kind

    def finditer(self, text):
        self.calls[self.kind] += 1
        return self.pattern.finditer(text)


def test_protected_patterns_run_only_where_their_needles_are(monkeypatch):
    calls: Counter = Counter()
    counted = tuple(
        (kind, needles, _CountedPattern(pattern, calls, kind))
        for kind, needles, pattern in protected.PATTERNS
    )
    monkeypatch.setattr(protected, "PATTERNS", counted)
    protected.find_protected("Khalifa Haftar met Sergey Lavrov in Sirte on Monday.")
    assert calls == Counter()
    spans = protected.find_protected("See https://example.com/Hifter, #Hifter (in Arabic: حفتر)")
    assert {"link", "hashtag", "gloss"} <= {span.kind for span in spans}
    assert calls["link"] and calls["hashtag"] and calls["gloss"] and not calls["email"]


WARM_THEN_CLEAN = """
import json, sys
from pathlib import Path

import gazetteer
from normalizer.pipeline import clean
from normalizer.server import _share
from normalizer.stages import language, script_readings
from normalizer import confusables

tables = {
    "english word list": script_readings.english_word_list,
    "language detector": language._detector_factory,
    "confusables": confusables._tables,
    "default gazetteer": gazetteer.load_default,
}
_share(gazetteer.load_default())  # what the server's master does before it forks
built = {name: table.cache_info().misses for name, table in tables.items()}
for path in sys.argv[1:]:
    clean(Path(path).read_text("utf-8"))
print(json.dumps([built, {name: table.cache_info().misses for name, table in tables.items()}]))
"""


def test_the_server_builds_every_process_wide_table_before_it_forks_its_workers():
    """The master warms the engine up before it forks its workers, so that they share
    its tables: the first article must then build no table of its own.  Before, the
    master cleaned a sentence of its own instead of calling ``pipeline.warm_up``, and
    each worker built the word list behind mixed-script readings on its first article
    with debris in it (0.43 s for that request, and the list's memory in every worker)."""
    import subprocess
    import sys
    from pathlib import Path

    seeds = sorted(str(p) for p in Path("seeds").glob("0*.txt") if ".expected" not in p.name)
    assert len(seeds) == 5
    answer = subprocess.run(
        [sys.executable, "-c", WARM_THEN_CLEAN, *seeds],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    built, after = json.loads(answer.stdout)
    assert built == {name: 1 for name in built}  # each built once, by the warm-up
    assert after == built
