"""The HTTP service through Flask's test client: results, options, every error class."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizer import clean
from normalizer.batch import OversizedLine, iter_lines
from normalizer.errors import ConfigError, GazetteerError
from normalizer.problems import PROBLEM_TYPES, TYPE_PREFIX
from normalizer.service import create_app
from normalizer.settings import gazetteer_files, parse_paths

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("[0-9]*.txt"))[0]
SENTENCE = 'Khalifa Hifter met "Sergei Lavrov" in Sirt.'
NDJSON = "application/x-ndjson"


def assert_problem(response, status: int, slug: str) -> dict:
    """The response is problem+json with the given status and type; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.get_data(as_text=True))
    assert body["type"] == PROBLEM_TYPES[slug].uri
    assert body["title"] == PROBLEM_TYPES[slug].title
    assert body["status"] == status
    assert isinstance(body["detail"], str) and len(body["detail"]) > 10
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def batch_lines(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == NDJSON
    return [json.loads(line) for line in response.get_data().splitlines()]


# -- results ----------------------------------------------------------------------------


def test_one_article_as_json(client):
    text = SEED.read_text(encoding="utf-8")
    response = client.post("/v1/clean", json={"text": text})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == clean(text).to_dict()


def test_one_article_as_plain_text(client):
    text = SEED.read_text(encoding="utf-8")
    response = client.post(
        "/v1/clean", data=text.encode(), content_type="text/plain; charset=utf-8"
    )
    assert response.status_code == 200
    assert response.get_json() == clean(text).to_dict()


@pytest.mark.parametrize(
    "options",
    [
        {"quote_style": "straight"},
        {"quote_style": "curly"},
        {"diacritics": "ascii"},
        {"categories": ["entity"]},
        {"categories": []},
        {"min_confidence": 1.0},
    ],
)
def test_options_are_passed_to_the_library(client, options):
    text = SENTENCE + " Mevlut Cavusoglu spoke."
    response = client.post("/v1/clean", json={"text": text, "options": options})
    assert response.status_code == 200
    assert response.get_json() == clean(text, options).to_dict()


def test_options_change_the_result(client):
    def cleaned(options):
        return client.post("/v1/clean", json={"text": SENTENCE, "options": options}).get_json()

    default = cleaned({})
    assert default["text"] != SENTENCE and default["changes"]
    curly = cleaned({"quote_style": "curly"})["text"]
    assert '"' not in curly and "“" in curly and "”" in curly
    entity_only = cleaned({"quote_style": "curly", "categories": ["entity"]})
    assert entity_only["changes"] and {c["category"] for c in entity_only["changes"]} == {"entity"}
    assert cleaned({"categories": []})["text"] == SENTENCE


def test_a_lone_surrogate_is_answered_as_valid_json(client):
    body = b'{"text": "Hifter \\ud800 met"}'
    response = client.post("/v1/clean", data=body, content_type="application/json")
    assert response.status_code == 200
    result = json.loads(response.get_data())  # strict UTF-8 and JSON
    assert result == clean("Hifter \ud800 met").to_dict()


# -- malformed requests ---------------------------------------------------------------

JSON_CT = "application/json"
MALFORMED = [
    ("truncated JSON", b'{"text": "a', JSON_CT, 400, "invalid-json"),
    ("empty JSON body", b"", JSON_CT, 400, "invalid-json"),
    ("NaN", b'{"text": "a", "options": {"min_confidence": NaN}}', JSON_CT, 400, "invalid-json"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, JSON_CT, 400, "invalid-json"),
    ("array body", b'["text"]', JSON_CT, 400, "invalid-body"),
    ("text is a number", b'{"text": 12}', JSON_CT, 400, "invalid-body"),
    ("text is an object", b'{"text": {"a": 1}}', JSON_CT, 400, "invalid-body"),
    ("unknown field", b'{"text": "a", "option": {}}', JSON_CT, 400, "invalid-body"),
    ("missing text", b'{"options": {}}', JSON_CT, 400, "missing-text"),
    ("null text", b'{"text": null}', JSON_CT, 400, "missing-text"),
    ("empty text", b'{"text": ""}', JSON_CT, 400, "missing-text"),
    ("options not an object", b'{"text": "a", "options": "fast"}', JSON_CT, 400, "invalid-options"),
    ("unknown option", b'{"text": "a", "options": {"speed": 1}}', JSON_CT, 400, "invalid-options"),
    (
        "bad quote style",
        b'{"text": "a", "options": {"quote_style": "x"}}',
        JSON_CT,
        400,
        "invalid-options",
    ),
    (
        "bad category",
        b'{"text": "a", "options": {"categories": ["x"]}}',
        JSON_CT,
        400,
        "invalid-options",
    ),
    (
        "categories a string",
        b'{"text": "a", "options": {"categories": "entity"}}',
        JSON_CT,
        400,
        "invalid-options",
    ),
    (
        "confidence > 1",
        b'{"text": "a", "options": {"min_confidence": 2}}',
        JSON_CT,
        400,
        "invalid-options",
    ),
    ("invalid UTF-8 in JSON", b'{"text": "caf\xe9"}', JSON_CT, 400, "invalid-utf8"),
    ("invalid UTF-8 text", b"caf\xe9", "text/plain", 400, "invalid-utf8"),
    ("empty text body", b"", "text/plain", 400, "missing-text"),
    ("no content type", b"hello", None, 415, "unsupported-media-type"),
    ("XML", b"<text/>", "application/xml", 415, "unsupported-media-type"),
    ("form", b"text=a", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
    ("Latin-1", b"caf\xe9", "text/plain; charset=latin-1", 415, "unsupported-media-type"),
    ("NDJSON on /v1/clean", b'{"text": "a"}', NDJSON, 415, "unsupported-media-type"),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "slug"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_clean_requests_get_problem_json(client, body, content_type, status, slug):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/clean", data=body, headers=headers)
    problem = assert_problem(response, status, slug)
    assert problem["instance"] == "/v1/clean"
    if status == 415:
        assert response.headers["Accept-Post"] == "application/json, text/plain"


def test_unknown_option_names_the_option(client):
    response = client.post("/v1/clean", json={"text": "a", "options": {"speed": 1}})
    assert "speed" in assert_problem(response, 400, "invalid-options")["detail"]


def test_body_over_the_limit_is_413(monkeypatch):
    monkeypatch.setenv("NORMALIZER_MAX_BODY_BYTES", "1KiB")
    client = create_app({"TESTING": True}).test_client()
    assert client.post("/v1/clean", json={"text": "a" * 900}).status_code == 200
    response = client.post("/v1/clean", json={"text": "a" * 2000})
    assert "1024 bytes" in assert_problem(response, 413, "body-too-large")["detail"]


def test_unknown_route_is_404(client):
    response = client.get("/v1/nothing")
    assert assert_problem(response, 404, "not-found")["instance"] == "/v1/nothing"


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/v1/clean"), ("put", "/v1/clean/batch"), ("post", "/healthz")]
)
def test_wrong_method_is_405(client, method, path):
    response = getattr(client, method)(path)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["Allow"]


def test_an_unexpected_error_is_a_500_problem(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("normalizer.service.clean", broken)
    body = assert_problem(client.post("/v1/clean", json={"text": "a"}), 500, "internal-error")
    assert "a bug" not in body["detail"]  # internals stay in the log


# -- token ------------------------------------------------------------------------------


@pytest.fixture
def guarded():
    return create_app({"TESTING": True, "NORMALIZER_TOKEN": "s3cret"}).test_client()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/v1/clean"),
        ("post", "/v1/clean/batch"),
        ("get", "/metrics"),
        ("get", "/openapi.json"),
        ("get", "/v1/gazetteer"),
    ],
)
def test_token_guards_endpoints(guarded, method, path):
    response = getattr(guarded, method)(path)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="normalizer"'
    wrong = getattr(guarded, method)(path, headers={"Authorization": "Bearer nope"})
    assert_problem(wrong, 401, "unauthorized")
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]


def test_right_token_passes(guarded):
    headers = {"Authorization": "Bearer s3cret"}
    assert guarded.post("/v1/clean", json={"text": "Hifter"}, headers=headers).status_code == 200
    assert guarded.get("/metrics", headers=headers).status_code == 200


def test_probes_need_no_token(guarded):
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/readyz").status_code == 200


def test_no_token_by_default(client):
    assert client.post("/v1/clean", json={"text": "Hifter"}).status_code == 200
    assert client.get("/v1/gazetteer").status_code == 200


# -- batch ------------------------------------------------------------------------------


def test_batch_answers_every_line_in_order(client):
    good = {"id": "a", "text": SENTENCE}
    lines = [
        json.dumps(good).encode(),
        b"",  # blank
        b"not json",
        b"[1, 2]",  # not an object
        b'{"id": 5}',  # no text
        b'{"id": 6, "text": 7}',
        b'{"id": [1], "text": "a"}',  # bad id
        b'{"id": 8, "text": "a", "options": {"speed": 1}}',
        b'{"id": 9, "text": "caf\xe9"}',  # not UTF-8
        b'{"id": 10, "text": "Hifter", "options": {"categories": ["entity"]}}\r',  # CRLF
        b'{"id": null, "text": "a", "extra": 1}',
        json.dumps({"id": 12.5, "text": "Sirt"}).encode(),  # last line, no line end
    ]
    response = client.post("/v1/clean/batch", data=b"\n".join(lines), content_type=NDJSON)
    answers = batch_lines(response)
    assert len(answers) == len(lines)
    assert [answer["id"] for answer in answers] == [
        "a",
        None,
        None,
        None,
        5,
        6,
        None,
        8,
        None,
        10,
        None,
        12.5,
    ]
    types = [answer["error"]["type"] if "error" in answer else "ok" for answer in answers]
    expected = [
        "ok",
        "blank-line",
        "invalid-json",
        "invalid-line",
        "missing-text",
        "invalid-line",
        "invalid-line",
        "invalid-options",
        "invalid-utf8",
        "ok",
        "invalid-line",
        "ok",
    ]
    assert types == [slug if slug == "ok" else TYPE_PREFIX + slug for slug in expected]
    assert answers[0] == {"id": "a", **clean(SENTENCE).to_dict()}
    assert answers[9]["text"] == clean("Hifter", {"categories": ["entity"]}).text
    assert [a["error"]["line"] for a in answers if "error" in a] == [2, 3, 4, 5, 6, 7, 8, 9, 11]


def test_batch_of_nothing_is_an_empty_answer(client):
    assert batch_lines(client.post("/v1/clean/batch", data=b"", content_type=NDJSON)) == []


def test_batch_line_over_the_limit_gets_an_error_line(monkeypatch):
    monkeypatch.setenv("NORMALIZER_MAX_LINE_BYTES", "100")
    client = create_app({"TESTING": True}).test_client()
    long_line = json.dumps({"id": 2, "text": "x" * 200}).encode()
    body = b'{"id": 1, "text": "Hifter"}\n' + long_line + b'\n{"id": 3, "text": "Sirt"}\n'
    answers = batch_lines(client.post("/v1/clean/batch", data=body, content_type=NDJSON))
    assert [a.get("id") for a in answers] == [1, None, 3]
    assert answers[1]["error"]["type"] == TYPE_PREFIX + "line-too-large"
    assert "100 bytes" in answers[1]["error"]["detail"]


def test_batch_over_the_total_limit_with_content_length_is_413():
    client = create_app({"TESTING": True, "NORMALIZER_MAX_BATCH_BYTES": "100"}).test_client()
    body = b'{"text": "Hifter"}\n' * 10
    response = client.post("/v1/clean/batch", data=body, content_type=NDJSON)
    assert (
        "NORMALIZER_MAX_BATCH_BYTES" in assert_problem(response, 413, "batch-too-large")["detail"]
    )


def test_streamed_batch_over_the_total_limit_ends_with_an_error_line():
    client = create_app({"TESTING": True, "NORMALIZER_MAX_BATCH_BYTES": "100"}).test_client()
    line = b'{"id": 0, "text": "Hifter in Sirt"}\n'  # 36 bytes: two fit in 100
    response = client.post(
        "/v1/clean/batch",
        input_stream=io.BytesIO(line * 10),  # no Content-Length, like a chunked upload
        content_type=NDJSON,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    answers = batch_lines(response)
    assert len(answers) == 3
    assert [a["text"] for a in answers[:2]] == [clean("Hifter in Sirt").text] * 2
    assert answers[2]["error"]["type"] == TYPE_PREFIX + "batch-too-large"
    assert answers[2]["error"]["line"] == 3


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain"])
def test_batch_needs_ndjson(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/clean/batch", data=b'{"text": "a"}\n', headers=headers)
    assert_problem(response, 415, "unsupported-media-type")
    assert response.headers["Accept-Post"] == NDJSON


@given(
    lines=st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    read_size=st.integers(1, 50),
    limit=st.integers(1, 30),
)
def test_iter_lines_splits_any_stream_like_split(lines, read_size, limit):
    data = b"\n".join(lines)
    stream = io.BytesIO(data)
    got = list(iter_lines(lambda size: stream.read(min(size, read_size)), limit))
    parts = data.split(b"\n")
    if parts[-1] == b"":
        parts.pop()  # a final line end does not start another line
    assert got == [
        part if len(part) <= limit else OversizedLine(len(part), limit) for part in parts
    ]


# -- other endpoints, request ids, logs, settings ---------------------------------------


def test_probes_and_gazetteer(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    gazetteer = app.extensions["normalizer"].gazetteer
    assert ready == {
        "status": "ready",
        "gazetteer": {"name": gazetteer.name, "version": gazetteer.version},
    }
    expected = {**json.loads(json.dumps(gazetteer.stats())), "reload_interval_s": 5}
    assert client.get("/v1/gazetteer").get_json() == expected


def test_metrics_count_requests(client):
    client.post("/v1/clean", json={"text": SENTENCE}).close()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'normalizer_http_requests_total{endpoint="/v1/clean",method="POST",status="200"}' in text
    assert 'normalizer_changes_total{category="entity"}' in text


def test_a_sane_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "trace-42.a:b"})
    assert response.headers["X-Request-ID"] == "trace-42.a:b"


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 129, "bad\u00e9"])
def test_an_insane_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming.encode().decode("latin-1")})
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32


def test_every_request_is_logged_as_one_json_line(client, capsys):
    capsys.readouterr()
    with client.post("/v1/clean", json={"text": "Hifter"}, headers={"X-Request-ID": "r1"}):
        pass
    with client.get("/v1/nothing"):
        pass
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    access = [line for line in lines if line["logger"] == "normalizer.access"]
    assert [(a["method"], a["path"], a["status"]) for a in access] == [
        ("POST", "/v1/clean", 200),
        ("GET", "/v1/nothing", 404),
    ]
    assert access[0]["request_id"] == "r1"
    logged_ms = access[0]["duration_ms"]  # a field the log line must carry, not a budget
    assert isinstance(logged_ms, int | float) and logged_ms >= 0


def test_text_log_format(capsys):
    client = create_app({"TESTING": True, "NORMALIZER_LOG_FORMAT": "text"}).test_client()
    capsys.readouterr()
    with client.get("/healthz", headers={"X-Request-ID": "r2"}):
        pass
    err = capsys.readouterr().err
    assert "GET /healthz 200" in err and "request_id=r2" in err
    assert not err.lstrip().startswith("{")


def test_settings_layer_env_then_test_config(monkeypatch):
    monkeypatch.setenv("NORMALIZER_TOKEN", "from-env")
    monkeypatch.setenv("NORMALIZER_MAX_BODY_BYTES", "2MiB")
    app = create_app({"NORMALIZER_TOKEN": "from-test"})
    assert app.config["NORMALIZER_TOKEN"] == "from-test"
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NORMALIZER_MAX_BODY_BYTES", "lots"),
        ("NORMALIZER_PORT", "70000"),
        ("NORMALIZER_LOG_FORMAT", "xml"),
        ("NORMALIZER_WORKERS", "0"),
        ("NORMALIZER_GAZETTEER", " , "),
    ],
)
def test_a_bad_setting_is_a_config_error_naming_it(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        create_app({"TESTING": True})


def test_a_custom_gazetteer_replaces_or_adds_to_others(tmp_path, small_gazetteer):
    custom = tmp_path / "mine.jsonl"
    custom.write_text(
        '{"gazetteer": "mine", "format": 1, "version": "1"}\n'
        '{"id": "ada_lovelace", "name": "Ada Lovelace", "type": "person", '
        '"aliases": ["Ada Lavelace"]}\n',
        encoding="utf-8",
    )
    alone = create_app({"NORMALIZER_GAZETTEER": str(custom)}).test_client()
    assert alone.get("/v1/gazetteer").get_json()["name"] == "mine"
    both = create_app({"NORMALIZER_GAZETTEER": f"{small_gazetteer[0]},{custom}"}).test_client()
    assert both.get("/v1/gazetteer").get_json()["name"] == "news+mine"
    answer = both.post("/v1/clean", json={"text": "Ada Lavelace met Khalifa Hifter."})
    assert answer.get_json()["text"] == "Ada Lovelace met Khalifa Haftar."


def test_default_names_the_built_in_files():
    import gazetteer

    built_in = tuple(str(path) for path in gazetteer.default_paths())
    assert gazetteer_files(("default",)) == built_in
    assert gazetteer_files(("/g/a.jsonl", "default")) == ("/g/a.jsonl", *built_in)
    assert parse_paths(f"default,/g/a.jsonl{os.pathsep}/g/b.jsonl") == (
        "default",
        "/g/a.jsonl",
        "/g/b.jsonl",
    )


def test_a_missing_gazetteer_file_is_a_gazetteer_error(tmp_path):
    with pytest.raises(GazetteerError, match="no such file"):
        create_app({"NORMALIZER_GAZETTEER": str(tmp_path / "absent.jsonl")})


# -- hot reload ------------------------------------------------------------------------


def _gazetteer_file(path, alias: str) -> None:
    header = {"gazetteer": "reload-test", "format": 1, "version": "1"}
    entity = {
        "id": "khalifa_haftar",
        "name": "Khalifa Haftar",
        "short": "Haftar",
        "type": "person",
        "short_aliases": [alias],
        "source": "test",
    }
    path.write_text(json.dumps(header) + "\n" + json.dumps(entity) + "\n", encoding="utf-8")


@pytest.fixture
def reload_app(tmp_path):
    """An app on a one-entity gazetteer file, checked for changes every second."""
    path = tmp_path / "g.jsonl"
    _gazetteer_file(path, "Hifter")
    app = create_app(
        {"TESTING": True, "NORMALIZER_GAZETTEER": (str(path),), "NORMALIZER_RELOAD_INTERVAL": 1}
    )
    return app, path


def test_hot_reload_swaps_a_changed_gazetteer_and_keeps_serving_a_broken_one(reload_app):
    app, path = reload_app
    client = app.test_client()
    holder = app.extensions["normalizer"].holder
    first = client.get("/v1/gazetteer").get_json()["version"]
    assert client.post("/v1/clean", json={"text": "Hifter spoke."}).get_json()["text"] == (
        "Haftar spoke."
    )

    _gazetteer_file(path, "Hafterr")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert holder.reload_now()
    second = client.get("/v1/gazetteer").get_json()
    assert second["version"] != first
    assert client.post("/v1/clean", json={"text": "Hafterr spoke."}).get_json()["text"] == (
        "Haftar spoke."
    )

    path.write_text("{not json\n", encoding="utf-8")
    os.utime(path, ns=(time.time_ns() + 2 * 10**9, time.time_ns() + 2 * 10**9))
    assert not holder.reload_now()
    broken = client.get("/v1/gazetteer").get_json()
    assert broken["version"] == second["version"]
    assert "not valid JSON" in broken["reload_error"]
    assert client.post("/v1/clean", json={"text": "Hafterr spoke."}).get_json()["text"] == (
        "Haftar spoke."
    )
    body = client.get("/metrics").get_data(as_text=True)
    assert 'normalizer_gazetteer_reloads_total{outcome="failed"}' in body
    assert f'normalizer_gazetteer_info{{version="{second["version"]}"}} 1.0' in body


def test_hot_reload_polls_in_the_background(reload_app):
    app, path = reload_app
    client = app.test_client()
    first = client.get("/v1/gazetteer").get_json()["version"]
    _gazetteer_file(path, "Hafterr")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    deadline = time.monotonic() + 20
    version = first
    while version == first and time.monotonic() < deadline:
        time.sleep(0.2)
        version = client.get("/v1/gazetteer").get_json()["version"]
    assert version != first
