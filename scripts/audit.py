"""``make audit``: known vulnerabilities in the exact dependency set of ``.venv``.

The set audited is what ``make install`` resolved and installed (``pip freeze``, the
project itself left out), each package at its installed version, with no resolving of
its own.  pip-audit runs from a virtual environment of its own (``.venv-audit``), so its
dependencies are not mistaken for ours.

Three outcomes, three exit codes: 0 when every package was looked up and none has a known
vulnerability; 1 when some have (listed, with the fixed versions); 2 when the lookup could
not be done for every package: the vulnerability service cannot be reached, or does not
answer for a package.  Then nothing is claimed: pip-audit on its own says "No known
vulnerabilities found" and exits 0 when it could look up nothing at all.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def frozen(python: str) -> str:
    """The installed set of ``python``'s environment, as pinned requirements."""
    done = subprocess.run(
        [python, "-m", "pip", "freeze", "--exclude-editable", "--all"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if "==" in line]
    return "\n".join(line for line in lines if not line.startswith(("pip==", "setuptools=")))


def audit(pip_audit: str, requirements: Path, service: str) -> tuple[int, dict | None, str]:
    """Run pip-audit; (exit code, its JSON report or None, its error output)."""
    done = subprocess.run(
        [pip_audit, "-r", str(requirements), "--no-deps", "--disable-pip", "--format=json",
         f"--vulnerability-service={service}", "--progress-spinner=off"],
        capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = None
    return done.returncode, report, done.stderr


def verdict(report: dict | None, errors: str, service: str) -> int:
    """Print what the report says, and the exit code for it."""
    if report is None:
        last = (errors.strip().splitlines() or ["no output"])[-1]
        print(f"AUDIT NOT DONE: the vulnerability service ({service}) could not be reached: {last}")
        return 2
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(
                f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} ({fixes})"
            )
    if skipped:
        print(
            f"AUDIT NOT DONE: {len(skipped)} of {len(dependencies)} packages could not be "
            f"looked up in {service} (first: {skipped[0]['skip_reason']}); no claim is made "
            "about them."
        )
        return 2
    if vulnerable:
        return 1
    print(f"{len(dependencies)} packages audited against {service}: no known vulnerabilities.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--python", default=".venv/bin/python", help="the environment audited")
    parser.add_argument("--pip-audit", default=".venv-audit/bin/pip-audit")
    parser.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(frozen(args.python) + "\n")
    try:
        _, report, errors = audit(args.pip_audit, Path(handle.name), args.service)
    finally:
        Path(handle.name).unlink()
    return verdict(report, errors, args.service)


if __name__ == "__main__":
    sys.exit(main())
