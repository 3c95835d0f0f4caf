"""Reload and the compiled-index cache: what is cached under a digest is what was hashed.

A curator saving a file while a reload runs must never leave the cache holding the index
of one version under the digest of another: that index would be served from then on,
across restarts, with no error.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import gazetteer
from gazetteer import GazetteerDataError, load
from tests.conftest import NORMALIZER

HEADER = {"gazetteer": "test", "format": 1, "version": "1"}


def gazetteer_bytes(name: str) -> bytes:
    entity = {"id": "x", "name": name, "type": "person", "aliases": ["Exx Wye"]}
    return (json.dumps(HEADER) + "\n" + json.dumps(entity) + "\n").encode()


@pytest.fixture
def saved_while_hashing(monkeypatch):
    """``save(path, data)``: write ``data`` to ``path`` right after load() hashed it.

    The curator's save lands exactly between the hashing and the compiling, the window
    that a 4-second edit cycle hit for real.
    """
    pending: dict[Path, bytes] = {}
    hash_files = gazetteer.source_digest

    def hash_then_save(*args, **kwargs):
        digest = hash_files(*args, **kwargs)
        for path, data in pending.items():
            path.write_bytes(data)
        pending.clear()
        return digest

    monkeypatch.setattr(gazetteer, "source_digest", hash_then_save)
    return pending.__setitem__


def entity_name(loaded) -> str:
    return loaded.get("x").name


def test_an_edit_between_hashing_and_compiling_never_poisons_the_cache(
    tmp_path, saved_while_hashing
):
    path, cache = tmp_path / "custom.jsonl", tmp_path / "cache"
    path.write_bytes(gazetteer_bytes("Old Name"))
    saved_while_hashing(path, gazetteer_bytes("New Name"))
    first = load([path], cache_dir=cache)
    # Whatever was compiled, it is what the version names.
    assert entity_name(first) == "Old Name"
    assert entity_name(load([path], cache_dir=cache)) == "New Name"
    path.write_bytes(gazetteer_bytes("Old Name"))  # the curator undoes the edit
    again = load([path], cache_dir=cache)
    assert again.version == first.version
    assert entity_name(again) == "Old Name"


def test_a_broken_file_is_never_served_from_a_valid_files_index(tmp_path, saved_while_hashing):
    path, cache = tmp_path / "custom.jsonl", tmp_path / "cache"
    broken = gazetteer_bytes("Half Saved")[:-20]  # a save caught half-way
    path.write_bytes(broken)
    saved_while_hashing(path, gazetteer_bytes("Half Saved"))
    with contextlib.suppress(GazetteerDataError):
        load([path], cache_dir=cache)
    path.write_bytes(broken)
    with pytest.raises(GazetteerDataError):
        load([path], cache_dir=cache)


# -- the real server: start, reload -------------------------------------------------------


def get(port: int, path: str) -> tuple[int, dict]:
    """(status, JSON answer) of a GET on a new connection."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(condition, timeout: float = 180.0):
    """Poll ``condition()`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"not reached within {timeout} s")


def only_new_version(port: int, old: str) -> str | None:
    """The one version twenty answers of ``/readyz`` name, when it is not ``old``."""
    versions = {get(port, "/readyz")[1].get("gazetteer", {}).get("version") for _ in range(20)}
    return versions.pop() if len(versions) == 1 and old not in versions else None


def serve_argv(child_env, port: int, workers: int) -> list[str]:
    executable = NORMALIZER
    return [executable, "serve", "--port", str(port), "--workers", str(workers)]


@pytest.mark.slow
def test_the_port_answers_while_the_gazetteer_cannot_load_and_serves_once_it_can(
    tmp_path, start_server, new_port, child_env
):
    """Listening comes first: /healthz 200 and /readyz 503 saying what is wrong, then
    ready once the file is fixed (no restart)."""
    path = tmp_path / "custom.jsonl"
    path.write_bytes(gazetteer_bytes("Old Name")[:-20])  # broken: cut mid-line
    port = new_port()
    env = {"NORMALIZER_GAZETTEER": str(path), "NORMALIZER_RELOAD_INTERVAL": "1"}
    argv = serve_argv(child_env, port, 2)
    with start_server(argv, port, env=env, ready_path="/healthz"):
        status, problem = get(port, "/readyz")
        assert status == 503
        assert problem["type"] == "urn:normalizer:problem:not-ready"
        assert "custom.jsonl" in problem["detail"]  # waiting for it, or why it failed
        failed = wait_for(lambda: "could not be loaded" in get(port, "/readyz")[1]["detail"])
        assert failed
        assert get(port, "/v1/gazetteer")[0] == 503
        path.write_bytes(gazetteer_bytes("Fixed Name"))
        ready = wait_for(lambda: get(port, "/readyz")[0] == 200 and get(port, "/readyz")[1])
        assert ready["status"] == "ready"


def version_in_use(port: int) -> str | None:
    """The version /readyz names; None from a worker forked before the gazetteer was in,
    which may answer a last 503 as it stops."""
    return get(port, "/readyz")[1].get("gazetteer", {}).get("version")


def gazetteer_info(port: int) -> list[str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as answer:
        text = answer.read().decode()
    return re.findall(r'^normalizer_gazetteer_info\{version="([^"]+)"\} 1\.0$', text, re.M)


@pytest.mark.slow
def test_a_changed_file_is_compiled_once_and_served_by_every_worker(
    tmp_path, start_server, new_port, child_env
):
    path = tmp_path / "custom.jsonl"
    path.write_bytes(gazetteer_bytes("Old Name"))
    port = new_port()
    env = {"NORMALIZER_GAZETTEER": str(path), "NORMALIZER_RELOAD_INTERVAL": "1"}
    with start_server(serve_argv(child_env, port, 2), port, env=env) as server:
        first = wait_for(lambda: version_in_use(port))
        wait_for(lambda: gazetteer_info(port) == [first])
        path.write_bytes(gazetteer_bytes("New Name"))
        wait_for(
            lambda: get(port, "/readyz")[1].get("gazetteer", {}).get("version", first) != first
        )
        # Every worker serves the new version once the old ones have finished: polled,
        # not slept for (a busy machine may take longer to retire the old workers).
        second = wait_for(lambda: only_new_version(port, first))
        # The metric names the version in use, and only that one.
        assert gazetteer_info(port) == [second]
        records = [json.loads(line) for line in server.log_text().splitlines() if line[:1] == "{"]
        compiles = [r for r in records if r["message"].startswith("gazetteer reloaded")]
        assert len(compiles) == 1, compiles  # once, not once per worker


def test_is_compiled_says_whether_load_would_read_the_cache(tmp_path):
    path, cache = tmp_path / "custom.jsonl", tmp_path / "cache"
    path.write_bytes(gazetteer_bytes("Old Name"))
    assert not gazetteer.is_compiled([path], cache_dir=cache)
    load([path], cache_dir=cache)
    assert gazetteer.is_compiled([path], cache_dir=cache)
    path.write_bytes(gazetteer_bytes("New Name"))
    assert not gazetteer.is_compiled([path], cache_dir=cache)
    assert not gazetteer.is_compiled([tmp_path / "absent.jsonl"], cache_dir=cache)
