"""The README documents the outside surface: kept honest by tests, as Datasette does.

Every endpoint, every cleaning option, every setting (as its NORMALIZER_* variable),
every CLI command and the make targets a newcomer needs must appear in README.md.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from normalizer.options import OPTION_FIELDS
from normalizer.settings import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"
SPEC = json.loads(resources.files("normalizer").joinpath("openapi.json").read_text("utf-8"))
COMMANDS = (
    "normalizer serve",
    "normalizer clean",
    "normalizer batch",
    "normalizer gazetteer validate",
    "normalizer gazetteer stats",
    "normalizer gazetteer lookup",
    "normalizer gazetteer import",
    "normalizer report",
)


def readme() -> str:
    assert README.exists(), "README.md is missing"
    return README.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(SPEC["paths"]))
def test_every_endpoint_is_documented(path):
    assert path in readme()


@pytest.mark.parametrize("name", OPTION_FIELDS)
def test_every_option_is_documented(name):
    assert name in readme()


@pytest.mark.parametrize("env_var", [setting.env_var for setting in SETTINGS])
def test_every_setting_is_documented(env_var):
    assert env_var in readme()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command):
    assert command in readme()


@pytest.mark.parametrize("target", ["make serve", "make test"])
def test_make_targets_are_documented(target):
    assert target in readme()
