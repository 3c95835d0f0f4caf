"""The code passes ruff (rules and the reasons for each ignored one: pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
FOLDERS = ["normalizer", "gazetteer", "tests", "bench", "scripts"]


@pytest.mark.skipif(RUFF is None, reason="ruff is installed by the Makefile's test extra")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command):
    done = subprocess.run(
        [RUFF, *command, *FOLDERS], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
