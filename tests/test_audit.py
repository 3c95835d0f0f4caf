"""``make audit`` never reports "no known vulnerabilities" for packages it could not look up.

pip-audit itself prints "No known vulnerabilities found" and exits 0 when its service
answered for none of the packages (every one "skipped").  ``scripts/audit.py`` reads
pip-audit's JSON report and fails (exit 2) unless every package was looked up.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(audit)


def dependency(name, skip_reason=None, vulns=()):
    entry = {"name": name, "version": "1.0", "vulns": list(vulns)}
    if skip_reason:
        entry["skip_reason"] = skip_reason
    return entry


def test_make_audit_runs_the_script():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^audit:.*\n\t.*scripts/audit\.py", makefile, re.M)


def test_an_unreachable_service_fails_and_says_so(capsys):
    assert audit.verdict(None, "ConnectionError: cannot resolve api.osv.dev\n", "osv") == 2
    out = capsys.readouterr().out
    assert "could not be reached" in out and "no known vulnerabilities" not in out.lower()


def test_packages_the_service_did_not_answer_for_fail_the_audit(capsys):
    report = {
        "dependencies": [dependency("flask", "Dependency not found on PyPI"), dependency("ftfy")]
    }
    assert audit.verdict(report, "", "pypi") == 2
    out = capsys.readouterr().out
    assert "1 of 2 packages could not be looked up" in out
    assert "no known vulnerabilities" not in out.lower()


def test_a_known_vulnerability_fails_with_its_fix(capsys):
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["2.0"]}
    report = {"dependencies": [dependency("flask", vulns=[vuln]), dependency("ftfy")]}
    assert audit.verdict(report, "", "pypi") == 1
    assert "VULNERABLE flask 1.0: GHSA-xxxx (2.0)" in capsys.readouterr().out


def test_every_package_looked_up_and_clean_passes(capsys):
    report = {"dependencies": [dependency("flask"), dependency("ftfy")]}
    assert audit.verdict(report, "", "pypi") == 0
    assert "2 packages audited" in capsys.readouterr().out
