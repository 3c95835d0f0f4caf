"""Reload and the compiled-index cache: what is cached under a digest is what was hashed.

A curator saving a file while a reload runs must never leave the cache holding the index
of one version under the digest of another: that index would be served from then on,
across restarts, with no error.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

import gazetteer
from gazetteer import GazetteerDataError, load

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
