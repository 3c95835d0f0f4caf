"""``make eval``: precision and recall per category, and false changes on real clean prose.

* Recall of a category: the share of planted artifacts whose case comes out exactly as
  expected.
* Precision of a category: of the non-typographic changes (categories ``entity``,
  ``script``, ``boilerplate``) made on that category's cases, the share that produce the
  expected text; on ``trap`` cases every such change is false.
* False changes per 10,000 words: non-typographic changes on real English prose nobody
  on this project wrote — the package descriptions of Debian's package lists
  (``apt-cache dumpavail``, after ``apt-get update``).  Every such change counts as false:
  the prose is clean; each is listed so a person can check.

Targets (issue 4): recall >= 0.95, precision >= 0.99, <= 0.5 false changes per 10k words.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

from normalizer import clean

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
CASES = EVAL_DIR / "cases.jsonl"
#: The script-stage classes of issue 10 (``tests/eval/build_script_eval.py``).
SCRIPT_CASES = EVAL_DIR / "script_cases.jsonl"
NON_TYPOGRAPHIC = ("entity", "script", "boilerplate")
#: Classes whose every case must come out unchanged: any change there is false.
UNCHANGED = ("trap", "protected", "script_trap")


def load_cases(*paths: Path) -> list[dict]:
    """The evaluation cases (by default both case files)."""
    cases = []
    for path in paths or (CASES, SCRIPT_CASES):
        with path.open(encoding="utf-8") as handle:
            cases += [json.loads(line) for line in handle if line.strip()]
    return cases


def score_cases(cases: list[dict]) -> dict:
    """Per category: cases, recall, precision, and the failures (for reading)."""
    tally: dict[str, dict] = defaultdict(
        lambda: {"cases": 0, "correct": 0, "changes": 0, "good_changes": 0, "failures": []}
    )
    for case in cases:
        result = clean(case["text"])
        row = tally[case["category"]]
        row["cases"] += 1
        correct = result.text == case["expected"]
        row["correct"] += correct
        changes = [c for c in result.changes if c.category in NON_TYPOGRAPHIC]
        row["changes"] += len(changes)
        if correct and case["category"] not in UNCHANGED:
            row["good_changes"] += len(changes)
        if not correct:
            row["failures"].append({"id": case["id"], "text": case["text"], "got": result.text})
    report = {}
    for category, row in sorted(tally.items()):
        precision = row["good_changes"] / row["changes"] if row["changes"] else 1.0
        report[category] = {
            "cases": row["cases"],
            "recall": round(row["correct"] / row["cases"], 3),
            "precision": round(precision, 4),
            "non_typographic_changes": row["changes"],
            "failures": row["failures"],
        }
    return report


def debian_descriptions(limit_words: int) -> list[str]:
    """Distinct English package descriptions from the local package lists (one document
    each: title line, blank line, body), up to ``limit_words`` words."""
    if not shutil.which("apt-cache"):
        return []
    dump = subprocess.run(
        ["apt-cache", "dumpavail"], capture_output=True, text=True, check=False
    ).stdout
    documents, seen, words = [], set(), 0
    for block in re.findall(r"^Description: (.*(?:\n .*)*)", dump, flags=re.M):
        title, _, body = block.partition("\n")
        lines = [line[1:] for line in body.split("\n") if line]
        text = title + "\n\n" + "\n".join("" if line == "." else line for line in lines)
        if text in seen:
            continue
        seen.add(text)
        documents.append(text)
        words += len(text.split())
        if words >= limit_words:
            break
    return documents


def false_change_rate(documents: list[str]) -> dict:
    """Non-typographic changes per 10,000 words over ``documents`` (each cleaned alone)."""
    words = sum(len(document.split()) for document in documents)
    false_changes = []
    for document in documents:
        for change in clean(document).changes:
            if change.category in NON_TYPOGRAPHIC:
                false_changes.append(
                    f"{change.original!r} -> {change.replacement!r} ({change.rule})"
                )
    return {
        "documents": len(documents),
        "words": words,
        "false_changes": len(false_changes),
        "per_10k_words": round(10_000 * len(false_changes) / max(words, 1), 3),
        "examples": false_changes[:40],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prose-words", type=int, default=200_000)
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    report = score_cases(load_cases())
    print(f"{'category':14} {'cases':>6} {'recall':>7} {'precision':>10} {'changes':>8}")
    for category, row in report.items():
        print(
            f"{category:14} {row['cases']:6d} {row['recall']:7.3f} {row['precision']:10.4f} "
            f"{row['non_typographic_changes']:8d}"
        )
        if args.show_failures:
            for failure in row["failures"][:15]:
                print(f"    {failure['text']!r}\n      -> {failure['got']!r}")
    documents = debian_descriptions(args.prose_words)
    if documents:
        rate = false_change_rate(documents)
        print(
            f"\nDebian package descriptions: {rate['documents']} documents, "
            f"{rate['words']} words, {rate['false_changes']} "
            f"non-typographic changes = {rate['per_10k_words']} per 10,000 words"
        )
        for example in rate["examples"]:
            print(f"    {example}")
    else:
        print("\n(no apt-cache here: run `apt-get update` on a Debian machine for the prose check)")


if __name__ == "__main__":
    main()
