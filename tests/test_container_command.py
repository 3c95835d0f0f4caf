"""The container's command honours its configuration, which comes only from NORMALIZER_*.

The image's command used to pass ``--host 0.0.0.0 --port 8080`` as flags; flags win over
the environment, so ``docker run -e NORMALIZER_PORT=9000`` still listened on 8080.  Here
the image's command and health check run as plain processes with the image's
environment (its ``ENV`` lines) plus what a ``docker run -e`` would add.  The image
itself is built and run by ``make image-test`` (scripts/image_test.py).
"""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest

from tests.conftest import BIN
from tests.test_dockerfile import exec_form, final_stage


def image_env() -> dict[str, str]:
    """The NORMALIZER_* variables the final stage's ENV lines set."""
    env = {}
    for keyword, rest in final_stage():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                if name.startswith("NORMALIZER_"):
                    env[name] = value
    return env


def test_the_command_passes_no_settings_as_flags():
    argv = exec_form("CMD")
    assert argv == ["normalizer", "serve"]
    assert not [kw for kw, _ in final_stage() if kw == "ENTRYPOINT"]


def test_the_image_serves_on_every_interface_at_8080_by_default():
    assert image_env() == {"NORMALIZER_HOST": "0.0.0.0", "NORMALIZER_PORT": "8080"}


def healthcheck(env: dict[str, str], child_env) -> int:
    argv = exec_form("HEALTHCHECK")
    assert argv[:2] == ["python", "-c"]
    done = subprocess.run(
        [sys.executable, *argv[1:]], env=child_env(**env), capture_output=True, timeout=30
    )
    return done.returncode


@pytest.mark.slow
def test_the_command_listens_where_the_environment_says(
    start_server, new_port, child_env, small_gazetteer
):
    """``docker run -e NORMALIZER_PORT=... -e NORMALIZER_HOST=...``: honoured."""
    port = new_port()
    argv = exec_form("CMD")
    executable = str(BIN / argv[0])
    env = {
        **image_env(),
        "NORMALIZER_HOST": "127.0.0.1",
        "NORMALIZER_PORT": str(port),
        "NORMALIZER_GAZETTEER": small_gazetteer[0],
    }
    with start_server([executable, *argv[1:]], port, env=env, ready_path="/healthz") as server:
        assert healthcheck(env, child_env) == 0  # the health check follows the port too
        assert f"http://127.0.0.1:{port}" in server.log_text()
    assert healthcheck(env, child_env) != 0  # and fails once the server is gone
    assert server.process.returncode == 0  # SIGTERM: a graceful stop


@pytest.mark.slow
def test_the_image_defaults_listen_on_every_interface(
    start_server, new_port, child_env, small_gazetteer
):
    port = new_port()
    argv = exec_form("CMD")
    executable = str(BIN / argv[0])
    env = {**image_env(), "NORMALIZER_PORT": str(port), "NORMALIZER_GAZETTEER": small_gazetteer[0]}
    with start_server([executable, *argv[1:]], port, env=env, ready_path="/healthz") as server:
        assert healthcheck(env, child_env) == 0
        assert f"http://0.0.0.0:{port}" in server.log_text()
