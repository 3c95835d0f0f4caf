"""Smaller things an operator meets: forged log lines, limits the docs must state, error
details that speak of the request (not of Python), a spec that promises what the server
does, and a right-to-left override hiding inside a name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizer import clean
from normalizer.pipeline import MAX_TEXT_LENGTH
from normalizer.problems import PROBLEM_TYPES
from normalizer.service import create_app

ROOT = Path(__file__).resolve().parent.parent
SPEC = json.loads((ROOT / "normalizer" / "openapi.json").read_text(encoding="utf-8"))


@pytest.fixture
def text_log_client(monkeypatch):
    for name in ("NORMALIZER_LOG_FORMAT", "NORMALIZER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"TESTING": True, "NORMALIZER_LOG_FORMAT": "text"})
    yield app.test_client()
    create_app({"TESTING": True})  # the json log format again for the tests that follow


FORGED = "2026-11-30 12:00:00,000 INFO normalizer.access: GET /admin 200"


@pytest.mark.parametrize("encoded", ["%0A", "%0D", "%0D%0A", "%E2%80%A8", "%C2%85"])
def test_an_encoded_line_break_in_the_path_cannot_forge_a_text_log_line(
    text_log_client, capsys, encoded
):
    path = "/v1/nothing" + encoded + FORGED.replace(" ", "%20")
    with text_log_client.get(path) as response:
        assert response.status_code == 404
    lines = capsys.readouterr().err.splitlines()
    assert not [line for line in lines if line.startswith(FORGED[:20])]
    assert any("normalizer.access" in line and "404" in line for line in lines)


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"text": "Hifter"}',
        b'{"text": "Hifter", "options": {"min_confidence": ' + b"9" * 5000 + b"}}",
    ],
    ids=["byte-order-mark", "huge-integer"],
)
def test_json_errors_speak_of_the_body_not_of_python(client, body):
    response = client.post("/v1/clean", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == PROBLEM_TYPES["invalid-json"].uri
    for word in ("utf-8-sig", "sys.", "set_int_max_str_digits", "Python", "decode using"):
        assert word not in problem["detail"]


def test_the_text_length_limit_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_TEXT_LENGTH:,}" in readme
    schemas = SPEC["components"]["schemas"]
    document = SPEC["paths"]["/v1/clean"]["post"]["requestBody"]["content"]
    text_fields = [
        schemas["CleanRequest"]["properties"]["text"],
        schemas["BatchLine"]["properties"]["text"],
        document["text/plain"]["schema"],
    ]
    assert [field.get("maxLength") for field in text_fields] == [MAX_TEXT_LENGTH] * 3


def test_a_text_over_the_limit_is_a_clear_400(client):
    response = client.post(
        "/v1/clean", data="a" * (MAX_TEXT_LENGTH + 1), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert f"{MAX_TEXT_LENGTH}" in response.get_json()["detail"]


def request_id_parameters():
    for path in SPEC["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "X-Request-ID":
                    yield parameter


def test_the_spec_puts_no_pattern_on_the_request_id_the_server_does_not_enforce(client):
    parameters = list(request_id_parameters())
    assert parameters
    assert all("pattern" not in parameter["schema"] for parameter in parameters)
    response = client.get("/healthz", headers={"X-Request-ID": "has spaces, and is fine"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] != "has spaces, and is fine"


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2067", "\u200f"])
def test_a_bidirectional_control_inside_a_name_is_flagged(control):
    text = f"Khalifa Hif{control}ter met Sergei Lavrov in Sirte."
    result = clean(text)
    [flag] = [flag for flag in result.flags if flag.rule == "whitespace.bidi_control"]
    assert text[flag.start : flag.end] == control
    assert "inside a word" in flag.message


def test_bidirectional_controls_around_words_are_not_flagged():
    text = "He wrote \u202bمرحبا\u202c and left; Khalifa Haftar spoke."
    assert not [flag for flag in clean(text).flags if flag.rule == "whitespace.bidi_control"]
