"""The README's shell examples run as written, and its before/after excerpt is true.

Its Python examples run as doctests (``--doctest-glob=README.md``); here every ``sh``
block runs in bash, from a fresh folder holding what a fresh clone holds (the seeds, the
sample files of ``examples/``, the virtual environment), with a real server for the
``curl`` examples: the one change made to a command is the port (a free one, not 8080).
Blocks of ``make`` targets and ``docker`` commands are not run here: the first are the
suite itself and its kin, the second are ``make image-test``'s.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from normalizer import clean
from tests.conftest import NORMALIZER

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)
NOT_RUN_HERE = ("make ", "docker ")


def runnable(block: str) -> bool:
    return not block.lstrip().startswith(NOT_RUN_HERE)


def test_every_block_is_run_or_named_as_not_run_here():
    assert BLOCKS
    for block in BLOCKS:
        commands = [line for line in block.splitlines() if line and not line.startswith(" ")]
        starts = {runnable(command) for command in commands if not command.startswith("#")}
        assert len(starts) == 1, f"mixes commands run here and not:\n{block}"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A folder laid out like a fresh clone, as far as the examples look."""
    folder = tmp_path_factory.mktemp("clone")
    for name in ("seeds", "examples"):
        (folder / name).symlink_to(ROOT / name)
    (folder / ".venv").symlink_to(Path(sys.executable).parent.parent)
    return folder


@pytest.fixture(scope="module")
def server_port(start_server, new_port, child_env):
    """A real server on the built-in gazetteer, as ``make serve`` starts it."""
    port = new_port()
    executable = NORMALIZER
    with start_server([executable, "serve", "--port", str(port), "--workers", "1"], port):
        yield port


def run_block(block: str, folder: Path, port: int, child_env) -> subprocess.CompletedProcess:
    script = "set -euo pipefail\n" + block.replace("localhost:8080", f"localhost:{port}")
    return subprocess.run(
        ["bash", "-c", script], cwd=folder, env=child_env(), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is missing: apt-get install curl")
@pytest.mark.parametrize(
    "block", [block for block in BLOCKS if runnable(block)], ids=lambda block: block[:40]
)
def test_shell_example_runs_as_written(block, clone, server_port, child_env):
    done = run_block(block, clone, server_port, child_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip(), "the example printed nothing"
    if "curl" in block:  # the service answered JSON, not an error page
        answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        assert all("status" not in answer for answer in answers), done.stdout
    for source, target in re.findall(r"normalizer batch (\S+\.jsonl) -o (\S+\.jsonl)", block):
        lines = (clone / source).read_text(encoding="utf-8").splitlines()
        out = (clone / target).read_text(encoding="utf-8").splitlines()
        assert len(out) == len(lines), (source, target)


def excerpt(label: str) -> list[str]:
    """The ' … '-separated fragments of the README's **Before** or **After** quote."""
    match = re.search(rf"\*\*{label}\*\*[^\n]*\n\n((?:> [^\n]*\n)+)", README)
    assert match, f"no {label} excerpt"
    quote = " ".join(line[2:] for line in match.group(1).splitlines())
    return [fragment.strip() for fragment in quote.split("…")]


def test_the_before_and_after_excerpt_is_what_the_seed_and_its_cleaning_say():
    seed = (ROOT / "seeds" / "000_71306772a7e6a987.txt").read_text(encoding="utf-8")
    cleaned = clean(seed).text
    before, after = excerpt("Before"), excerpt("After")
    assert len(before) == len(after) >= 3
    for fragment in before:
        assert fragment in " ".join(seed.split()), fragment
    for fragment in after:
        assert fragment in " ".join(cleaned.split()), fragment
