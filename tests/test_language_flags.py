"""``language.other_language``: a paragraph in another language is flagged; a few
English words among names and technical terms are not, whatever the detector guesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from normalizer import clean

ROOT = Path(__file__).resolve().parent.parent


def language_flags(text: str) -> list[str]:
    return [f.message for f in clean(text).flags if f.rule == "language.other_language"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Le gouvernement a annoncé des mesures, mais les habitants restent inquiets."),
        ("de", "Die Regierung hat Maßnahmen angekündigt, aber die Menschen sind besorgt."),
        ("tr", "Hükümet yeni önlemler açıkladı, ancak halk endişeli olmaya devam ediyor."),
        ("da", "Regeringen har annonceret nye tiltag, men indbyggerne er stadig bekymrede."),
        ("ca", "El govern ha anunciat noves mesures, però els habitants continuen preocupats."),
        ("es", "El gobierno anunció nuevas medidas, pero los habitantes siguen preocupados."),
        ("it", "Il governo ha annunciato nuove misure, ma gli abitanti restano preoccupati."),
        ("id", "Pemerintah telah mengumumkan langkah baru, tetapi warga masih khawatir sekali."),
    ],
)
def test_a_paragraph_in_another_language_is_flagged(language, text):
    [message] = language_flags(text)
    assert message.startswith(f"paragraph in another language ({language}, ")


@pytest.mark.parametrize(
    "text",
    [
        # Before, the detector's guess alone flagged these (Indonesian, French, French):
        # none has a frequent word of the language it was taken for.
        "Turkish President Rajab Tayyip Erdogan spoke in Ankara.",
        "Parse, manipulate and translate ADQL queries (API doc)",
        "GNOME development IDE, for C/C++ - development files",
        "Fortran77 subroutines to solve large scale eigenvalue problems (development)",
    ],
)
def test_names_and_terms_are_not_taken_for_another_language(text):
    assert language_flags(text) == []


def test_the_witness_words_are_what_their_script_writes(tmp_path):
    from importlib.metadata import version

    shipped = (ROOT / "normalizer" / "witness_words.py").read_text("utf-8")
    if f"from wordfreq {version('wordfreq')};" not in shipped.splitlines()[0]:
        pytest.skip("another wordfreq than the lists were made from: regenerate them with "
                    "scripts/build_witness_words.py")  # fmt: skip
    written = tmp_path / "witness_words.py"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_witness_words.py"), str(written)],
        check=True,
        capture_output=True,
    )
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", "w.py", "-"],
        input=written.read_text("utf-8"),
        capture_output=True,
        text=True,
    )
    text = formatted.stdout if formatted.returncode == 0 else written.read_text("utf-8")
    assert text == shipped
