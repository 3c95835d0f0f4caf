"""What a stage sees: the current text, the options, the gazetteer, and what it reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from normalizer.changes import Edit, Flag

if TYPE_CHECKING:
    from gazetteer import Entity, Gazetteer
    from normalizer.options import CleanOptions


@dataclass
class DocumentState:
    """Facts about the document that live across passes (never across documents)."""

    #: Lines the encoding stage has verified as ftfy fixed points.
    clean_lines: set[str] = field(default_factory=set)
    #: Folded misspellings corrected with strong evidence earlier: token -> (entity, canonical).
    corrected_variants: dict[str, tuple[Entity, str]] = field(default_factory=dict)
    language: str = "und"
    #: Text no stage may rewrite (links, titles, native-script glosses), in input
    #: offsets; found once per document, after the encoding stage (``normalizer.protected``).
    protected: tuple | None = None


@dataclass
class Context:
    """One stage's view of one pass over one document."""

    text: str
    options: CleanOptions
    gazetteer: Gazetteer
    state: DocumentState
    edits: list[Edit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    #: Set by a self-idempotent stage when its own edits may give it more to do after
    #: all (the pipeline then runs it again).
    unsettled: bool = False

    def edit(
        self,
        start: int,
        end: int,
        replacement: str,
        rule: str,
        message: str,
        *,
        confidence: float = 1.0,
        entity: dict | None = None,
    ) -> None:
        """Propose replacing ``text[start:end]``; below ``min_confidence`` it becomes a flag."""
        if self.text[start:end] == replacement:
            return
        start, end, replacement = _trim(self.text, start, end, replacement)
        if confidence < self.options.min_confidence:
            stated = f" (confidence {confidence:.2f})"
            if message.endswith(stated):  # the evidence messages end with it: say it once
                message = message[: -len(stated)]
            note = (
                f"{message} (confidence {confidence:.2f}, below min_confidence "
                f"{self.options.min_confidence:.2f}: not applied; suggested {replacement!r})"
            )
            self.flag(start, end, rule, note, entity=entity)
            return
        self.edits.append(Edit(start, end, replacement, rule, message, confidence, entity))

    def flag(
        self, start: int, end: int, rule: str, message: str, *, entity: dict | None = None
    ) -> None:
        """Report ``text[start:end]`` for a human to look at, without changing it."""
        category = rule.partition(".")[0]
        self.flags.append(Flag(start, end, category, rule, message, entity))


def _trim(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """Narrow an edit to the words that change: "Valery Grasimov" -> "Valery Gerasimov"
    becomes "Grasimov" -> "Gerasimov", so each change names just what it changes."""
    original = text[start:end]
    prefix = 0
    for index, (a, b) in enumerate(zip(original, replacement)):
        if a != b:
            break
        if a == " ":
            prefix = index + 1
    suffix = 0
    limit = min(len(original), len(replacement)) - prefix
    for index in range(1, limit + 1):
        a, b = original[-index], replacement[-index]
        if a != b:
            break
        if a == " ":
            suffix = index
    return start + prefix, end - suffix, replacement[prefix : len(replacement) - suffix]
