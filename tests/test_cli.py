"""The installed ``normalizer`` console script, run as a process."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from normalizer import __version__
from normalizer import clean as library_clean
from normalizer.service import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("[0-9]*.txt"))[0]
SENTENCE = 'Khalifa Hifter met "Sergei Lavrov" in Sirt.\n'


@pytest.fixture(scope="module")
def run(child_env, small_gazetteer):
    """Run ``normalizer ARGS`` with ``stdin``; return the completed process (bytes out).

    The child uses the small news gazetteer (NORMALIZER_GAZETTEER) unless ``env`` says
    otherwise: the library side of each comparison uses the same one (:func:`clean`).
    """
    executable = Path(child_env()["PATH"].split(os.pathsep, 1)[0]) / "normalizer"
    assert executable.exists(), "pip install -e . first: the console script is missing"

    def run(*args: str, stdin: bytes = b"", env: dict | None = None):
        env = {"NORMALIZER_GAZETTEER": small_gazetteer[0], **(env or {})}
        return subprocess.run(
            [str(executable), *args],
            input=stdin,
            capture_output=True,
            env=child_env(**env),
            timeout=60,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def clean(small_gazetteer):
    """The library's clean() on the same gazetteer as the CLI children."""
    return lambda text, options=None: library_clean(text, options, gazetteer=small_gazetteer[1])


def test_clean_stdin_to_stdout(run, clean):
    done = run("clean", stdin=SENTENCE.encode())
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == clean(SENTENCE).text
    assert run("clean", "-", stdin=SENTENCE.encode()).stdout == done.stdout


def test_clean_files_in_order(run, clean, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Khalifa Hifter.\n", encoding="utf-8")
    second.write_text("Sergei Lavrov met Mevlut Cavusoglu.\n", encoding="utf-8")
    done = run("clean", str(first), "-", str(second), stdin=b"Sirt.\n")
    texts = ("Khalifa Hifter.\n", "Sirt.\n", "Sergei Lavrov met Mevlut Cavusoglu.\n")
    assert done.stdout.decode() == "".join(clean(text).text for text in texts)
    assert done.stdout.decode() != "".join(texts)


def test_clean_json_is_the_library_result(run, clean):
    done = run("clean", "--json", str(SEED))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == clean(SEED.read_text(encoding="utf-8")).to_dict()


def test_clean_options_flags(run, clean):
    flags = ("--quote-style", "curly", "--categories", "punctuation")
    done = run("clean", *flags, stdin=SENTENCE.encode())
    curly = {"quote_style": "curly", "categories": ["punctuation"]}
    assert done.stdout.decode() == clean(SENTENCE, curly).text
    assert "“Sergei Lavrov”" in done.stdout.decode()
    options = {"diacritics": "ascii", "min_confidence": 0.99}
    text = "Mevlut Cavusoglu met Khalifa Hifter.\n"
    done = run(
        "clean", "--json", "--diacritics", "ascii", "--min-confidence", "0.99", stdin=text.encode()
    )
    assert json.loads(done.stdout) == clean(text, options).to_dict()


def test_diff_shows_each_change_and_why(run, clean):
    done = run("clean", "--diff", stdin=SENTENCE.encode())
    assert done.returncode == 0
    out = done.stdout.decode()
    assert "\x1b[" not in out  # not a terminal: no colour
    for change in clean(SENTENCE).changes:
        assert f'"{change.original}" → "{change.replacement}"' in out
        assert change.rule in out and change.message in out
        assert f"1:{change.start + 1}" in out  # line:column of a one-line text
    assert f"{len(clean(SENTENCE).changes)} change(s)" in out


def test_diff_colour_on_request(run):
    out = run("clean", "--diff", "--color", "always", stdin=SENTENCE.encode()).stdout.decode()
    assert "\x1b[31m" in out and "\x1b[32m" in out


def test_diff_shows_flags(run, clean):
    text = (
        "Khalifa Hifter met.\n\n"
        "Die Regierung hat heute in Berlin eine neue Strategie für die Region vorgestellt.\n"
    )
    result = clean(text)
    assert result.flags, "this text should raise a language flag"
    out = run("clean", "--diff", stdin=text.encode()).stdout.decode()
    for flag in result.flags:
        assert f"flag {flag.rule}" in out and flag.message in out


def test_batch_answers_every_line_in_order(run, clean, tmp_path):
    lines = []
    for number in range(60):
        if number % 13 == 5:
            lines.append("this is not json")
        elif number % 17 == 3:
            lines.append("")
        else:
            lines.append(json.dumps({"id": number, "text": f"Khalifa Hifter, day {number}."}))
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run("batch", str(source), "-o", str(target), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(answers) == len(lines)
    for number, (line, answer) in enumerate(zip(lines, answers, strict=True)):
        if line.startswith("{"):
            assert answer["id"] == number
            assert answer["text"] == clean(f"Khalifa Hifter, day {number}.").text
        else:
            assert answer["id"] is None and answer["error"]["line"] == number + 1
    errors = sum(not line.startswith("{") for line in lines)
    assert f"{len(lines)} line(s), {errors} error line(s)" in done.stderr.decode()
    assert "\r" not in done.stderr.decode()  # no progress bar off a terminal


def test_batch_lines_are_the_http_lines(run, small_gazetteer):
    client = create_app({"NORMALIZER_GAZETTEER": small_gazetteer[0]}).test_client()
    body = (
        b'{"id": "a", "text": "Khalifa Hifter in Sirt."}\n\n{"id": 2}\nnope\n'
        b'{"id": 3, "text": "Erdogan", "options": {"diacritics": "ascii"}}\n'
    )
    done = run("batch", "-", "--jobs", "1", stdin=body)
    assert done.returncode == 0
    http = client.post("/v1/clean/batch", data=body, content_type="application/x-ndjson")
    assert done.stdout == http.get_data()


def test_batch_option_flags_are_defaults_under_line_options(run, clean):
    body = (
        b'{"id": 1, "text": "Erdogan"}\n'
        b'{"id": 2, "text": "Erdogan", "options": {"diacritics": "keep"}}\n'
    )
    done = run("batch", "-", "--diacritics", "ascii", stdin=body)
    texts = [json.loads(line)["text"] for line in done.stdout.splitlines()]
    assert texts == [clean("Erdogan", {"diacritics": "ascii"}).text, clean("Erdogan").text]


def test_batch_line_limit_flag(run, clean):
    body = b'{"id": 1, "text": "' + b"x" * 300 + b'"}\n{"id": 2, "text": "Sirt"}\n'
    done = run("batch", "-", "--max-line-bytes", "100", stdin=body)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert answers[0]["error"]["type"].endswith("line-too-large")
    assert answers[1]["text"] == clean("Sirt").text


def test_batch_unreadable_input_exits_1(run, tmp_path):
    done = run("batch", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 1
    assert "missing.jsonl" in done.stderr.decode()


BAD_GAZETTEER = (
    '# a comment line\n{"gazetteer": "bad", "format": 1, "version": "1"}\n'
    '{"id": "Not An Id", "name": "X", "type": "person"}\nnot json\n'
)


def test_gazetteer_validate_reports_file_and_line(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(BAD_GAZETTEER, encoding="utf-8")
    done = run("gazetteer", "validate", str(bad))
    assert done.returncode == 1
    out = done.stdout.decode()
    assert "bad.jsonl:3:" in out and "bad.jsonl:4:" in out


def test_gazetteer_validate_a_good_file(run, small_gazetteer):
    done = run("gazetteer", "validate", small_gazetteer[0])
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(b"ok:")


def test_gazetteer_lookup_and_stats(run):
    done = run("gazetteer", "lookup", "Hifter", "--json")
    assert done.returncode == 0
    readings = json.loads(done.stdout)
    assert {(r["id"], r["name"], r["type"]) for r in readings} == {
        ("khalifa_haftar", "Khalifa Haftar", "person")
    }
    assert {"kind", "policy", "alias"} <= set(readings[0])
    human = run("gazetteer", "lookup", "Hifter").stdout.decode()
    assert "khalifa_haftar" in human and "policy rewrite" in human
    assert run("gazetteer", "lookup", "Nobody Whatsoever").returncode == 1
    stats = json.loads(run("gazetteer", "stats", "--json").stdout)
    assert stats["entities"] > 0 and stats["aliases"] >= stats["entities"]


def test_a_broken_gazetteer_setting_exits_1(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(BAD_GAZETTEER, encoding="utf-8")
    done = run("clean", stdin=b"a", env={"NORMALIZER_GAZETTEER": str(bad)})
    assert done.returncode == 1
    assert "bad.jsonl:3:" in done.stderr.decode()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {}, "required"),
        (("frobnicate",), {}, "invalid choice"),
        (("clean", "--json", "--diff"), {}, "not allowed"),
        (("clean", "--quote-style", "fancy"), {}, "invalid choice"),
        (("clean", "--categories", "entity,magic"), {}, "unknown categories"),
        (("clean", "--min-confidence", "high"), {}, "invalid float"),
        (("batch",), {}, "required"),
        (("serve", "--port", "http"), {}, "--port='http' is not valid"),
        (("serve",), {"NORMALIZER_MAX_BODY_BYTES": "huge"}, "NORMALIZER_MAX_BODY_BYTES"),
    ],
)
def test_usage_errors_exit_2(run, args, env, message):
    done = run(*args, env=env)
    assert done.returncode == 2
    assert message in done.stderr.decode()


def test_unreadable_input_exits_1(run, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9\n")
    done = run("clean", str(latin))
    assert done.returncode == 1
    assert "offset 3" in done.stderr.decode()
    assert run("clean", str(tmp_path / "absent.txt")).returncode == 1


def test_version(run):
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"normalizer {__version__}"
