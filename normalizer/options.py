"""The options of one cleaning: one immutable object, each field documented once.

:data:`OPTION_FIELDS` is the single declaration the HTTP schema, the CLI flags, the
README and the tests are checked against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from normalizer.errors import OptionsError

STAGE_NAMES = (
    "encoding",
    "boilerplate",
    "whitespace",
    "script",
    "punctuation",
    "entity",
    "language",
)
QUOTE_STYLES = ("preserve", "straight", "curly")
DIACRITICS = ("keep", "ascii")
#: Units of the change log's offsets: Unicode code points (Python, the contract's
#: default) or UTF-16 code units (JavaScript and Java string indexes).
OFFSET_UNITS = ("code_points", "utf16")


@dataclass(frozen=True)
class CleanOptions:
    """How to clean one text.  Every field has a safe default.

    >>> CleanOptions.from_mapping({"quote_style": "straight"}).quote_style
    'straight'
    """

    #: The stages (categories) to run, by name; default all of them.
    categories: tuple[str, ...] = STAGE_NAMES
    #: ``preserve`` leaves quotes as written; ``straight`` or ``curly`` impose a style.
    quote_style: str = "preserve"
    #: ``keep`` writes canonical names with native diacritics (Erdoğan); ``ascii`` folds them.
    diacritics: str = "keep"
    #: A rewrite less certain than this is reported as a flag instead of applied.
    min_confidence: float = 0.8
    #: ``code_points`` (default) or ``utf16``: the units of the changes' and flags' offsets.
    offsets: str = "code_points"

    def __post_init__(self) -> None:
        unknown = [name for name in self.categories if name not in STAGE_NAMES]
        if unknown:
            raise OptionsError(
                f"unknown categories {unknown}; choose from {', '.join(STAGE_NAMES)}"
            )
        if self.quote_style not in QUOTE_STYLES:
            raise OptionsError(
                f"quote_style must be one of {', '.join(QUOTE_STYLES)}, not {self.quote_style!r}"
            )
        if self.diacritics not in DIACRITICS:
            raise OptionsError(
                f"diacritics must be one of {', '.join(DIACRITICS)}, not {self.diacritics!r}"
            )
        if self.offsets not in OFFSET_UNITS:
            raise OptionsError(
                f"offsets must be one of {', '.join(OFFSET_UNITS)}, not {self.offsets!r}"
            )
        confidence = self.min_confidence
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
            raise OptionsError(f"min_confidence must be a number from 0 to 1, not {confidence!r}")
        if not 0.0 <= confidence <= 1.0:
            raise OptionsError(f"min_confidence must be between 0 and 1, not {confidence}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> CleanOptions:
        """Build options from a JSON-like mapping, rejecting unknown names and bad types."""
        if mapping is None:
            return cls()
        if not isinstance(mapping, Mapping):
            raise OptionsError("options must be an object mapping option names to values")
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise OptionsError(
                f"unknown option(s) {', '.join(unknown)}; known options: {', '.join(sorted(known))}"
            )
        values = dict(mapping)
        if "categories" in values:
            categories = values["categories"]
            if not isinstance(categories, (list, tuple)) or not all(
                isinstance(name, str) for name in categories
            ):
                raise OptionsError("categories must be a list of stage names")
            values["categories"] = tuple(categories)
        for name in ("quote_style", "diacritics", "offsets"):
            if name in values and not isinstance(values[name], str):
                raise OptionsError(f"{name} must be a string, not {type(values[name]).__name__}")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The options as a JSON-ready mapping."""
        return {
            "categories": list(self.categories),
            "quote_style": self.quote_style,
            "diacritics": self.diacritics,
            "min_confidence": self.min_confidence,
            "offsets": self.offsets,
        }


OPTION_FIELDS = tuple(field.name for field in fields(CleanOptions))
