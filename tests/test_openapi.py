"""The OpenAPI spec: valid, complete, in step with the code, and true of real responses."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from normalizer import Change, CleanOptions, Flag, __version__, clean
from normalizer.changes import CATEGORIES
from normalizer.cli import build_parser
from normalizer.options import DIACRITICS, OPTION_FIELDS, QUOTE_STYLES, STAGE_NAMES
from normalizer.problems import PROBLEM_TYPES
from normalizer.settings import SETTINGS

SPEC = json.loads(resources.files("normalizer").joinpath("openapi.json").read_text("utf-8"))
SCHEMAS = SPEC["components"]["schemas"]
REGISTRY = Registry().with_resource(
    "urn:spec", Resource.from_contents(SPEC, default_specification=DRAFT202012)
)
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def schema_validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"urn:spec#{pointer}"}, registry=REGISTRY)


def assert_valid(instance, pointer: str) -> None:
    errors = [error.message for error in schema_validator(pointer).iter_errors(instance)]
    assert not errors, f"{pointer}: {errors}"


def response_pointer(path: str, method: str, status: int, media_type: str) -> str:
    """The JSON pointer of the schema the spec promises for this response."""
    responses = SPEC["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} {status} is not in the spec"
    response = responses[str(status)]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        response = SPEC["components"]["responses"][name]
    assert media_type in response["content"], f"{media_type} not promised for {path} {status}"
    return response["content"][media_type]["schema"]["$ref"].removeprefix("#")


def test_the_spec_is_valid_openapi_3_1():
    assert SPEC["openapi"].startswith("3.1")
    validate(SPEC)
    assert SPEC["info"]["version"] == __version__


def test_the_served_spec_is_the_packaged_file(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == SPEC


def test_every_route_is_in_the_spec_and_every_path_is_a_route(app):
    routes = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods & METHODS
    }
    documented = {
        (path, method)
        for path, item in SPEC["paths"].items()
        for method in item
        if method in {m.lower() for m in METHODS}
    }
    assert routes == documented


def test_every_option_is_in_the_spec_with_its_choices_and_default():
    options = SCHEMAS["CleanOptions"]["properties"]
    assert set(options) == set(OPTION_FIELDS)
    assert options["categories"]["items"]["enum"] == list(STAGE_NAMES)
    assert options["quote_style"]["enum"] == list(QUOTE_STYLES)
    assert options["diacritics"]["enum"] == list(DIACRITICS)
    defaults = CleanOptions().to_dict()
    assert {name: spec["default"] for name, spec in options.items()} == defaults


def test_change_flag_and_result_schemas_match_the_dataclasses():
    assert SCHEMAS["Change"]["required"] == [field.name for field in dataclasses.fields(Change)]
    assert SCHEMAS["Flag"]["required"] == [field.name for field in dataclasses.fields(Flag)]
    assert SCHEMAS["Change"]["properties"]["category"]["enum"] == list(CATEGORIES)
    assert set(SCHEMAS["CleanResult"]["required"]) == set(clean("a").to_dict())
    assert SCHEMAS["EntityRef"]["required"] == ["id", "name", "type"]


def test_every_problem_type_is_in_the_spec():
    uris = [problem.uri for problem in PROBLEM_TYPES.values()]
    assert SCHEMAS["Problem"]["properties"]["type"]["enum"] == uris
    assert SCHEMAS["LineError"]["properties"]["type"]["enum"] == uris


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_setting_is_in_the_spec_and_a_serve_flag(setting):
    assert setting.env_var in json.dumps(SPEC)
    args = build_parser().parse_args(["serve", setting.flag, setting.default])
    assert getattr(args, f"setting_{setting.name}") == setting.default


@pytest.mark.parametrize("command", ["clean", "batch"])
@pytest.mark.parametrize("name", OPTION_FIELDS)
def test_every_option_is_a_cli_flag(command, name):
    default = getattr(CleanOptions(), name)
    value = ",".join(default) if isinstance(default, tuple) else str(default)
    argv = [command, "--" + name.replace("_", "-"), value] + (
        ["in.jsonl"] if command == "batch" else []
    )
    args = build_parser().parse_args(argv)
    assert getattr(args, f"option_{name}") == default


# -- real responses against the spec ----------------------------------------------------

CLEAN_CASES = [
    ({"json": {"text": "Khalifa Hifter met Sergei Lavrov in Sirt."}}, 200),
    ({"json": {"text": "Erdogan", "options": {"diacritics": "ascii", "min_confidence": 0.5}}}, 200),
    ({"data": "Mevlut Cavusoglu", "content_type": "text/plain"}, 200),
    ({"data": b"{", "content_type": "application/json"}, 400),
    ({"json": {"text": 1}}, 400),
    ({"json": {"text": "a", "options": {"x": 1}}}, 400),
    ({"data": b"\xff", "content_type": "text/plain"}, 400),
    ({"data": b"a", "content_type": "image/png"}, 415),
]


@pytest.mark.parametrize(("kwargs", "status"), CLEAN_CASES)
def test_clean_responses_match_the_spec(client, kwargs, status):
    response = client.post("/v1/clean", **kwargs)
    assert response.status_code == status
    body = json.loads(response.get_data())
    assert_valid(body, response_pointer("/v1/clean", "post", status, response.mimetype))


def test_seed_results_match_the_spec(client):
    seeds = sorted(Path(__file__).resolve().parent.parent.glob("seeds/*.txt"))
    for seed in (path for path in seeds if ".expected" not in path.name):
        response = client.post("/v1/clean", json={"text": seed.read_text(encoding="utf-8")})
        assert_valid(response.get_json(), "/components/schemas/CleanResult")


def test_batch_lines_match_the_spec(client):
    body = b'{"id": 1, "text": "Hifter"}\n\nnope\n{"id": "x", "text": "Sirt"}\n{"id": 2}\n'
    response = client.post("/v1/clean/batch", data=body, content_type="application/x-ndjson")
    pointer = response_pointer("/v1/clean/batch", "post", 200, "application/x-ndjson")
    lines = response.get_data().splitlines()
    assert len(lines) == 5
    for line in lines:
        assert_valid(json.loads(line), pointer)
    for line in body.splitlines()[:1]:
        assert_valid(json.loads(line), "/components/schemas/BatchLine")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/healthz", 200),
        ("get", "/readyz", 200),
        ("get", "/v1/gazetteer", 200),
        ("get", "/v1/clean", 405),
        ("post", "/v1/clean/batch", 415),
    ],
)
def test_other_responses_match_the_spec(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    spec_method = method if method in SPEC["paths"][path] else "post"
    pointer = (
        "/components/schemas/Problem"
        if status == 405
        else response_pointer(path, spec_method, status, response.mimetype)
    )
    assert_valid(json.loads(response.get_data()), pointer)


def test_not_found_and_unauthorized_match_the_problem_schema():
    from normalizer.service import create_app

    client = create_app({"TESTING": True, "NORMALIZER_TOKEN": "t"}).test_client()
    for response, status in ((client.get("/nope"), 404), (client.get("/v1/gazetteer"), 401)):
        assert response.status_code == status
        assert_valid(json.loads(response.get_data()), "/components/schemas/Problem")
    assert response_pointer("/v1/gazetteer", "get", 401, "application/problem+json")


def test_the_schemas_can_fail():
    # A result missing a member, or with an unknown change category, is rejected.
    result = clean("Khalifa Hifter").to_dict()
    del result["flags"]
    assert list(schema_validator("/components/schemas/CleanResult").iter_errors(result))
    change = clean("Khalifa Hifter").to_dict()["changes"][0] | {"category": "magic"}
    assert list(schema_validator("/components/schemas/Change").iter_errors(change))
