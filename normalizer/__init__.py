"""Translation-artifact cleanup and name normalization for machine-translated news.

>>> from normalizer import clean
>>> clean("Foreign Minister Mevlüt Çavuşo أوlu met Valery Grasimov.").text
'Foreign Minister Mevlüt Çavuşoğlu met Valery Gerasimov.'
"""

from normalizer.changes import Change, CleanResult, Flag, apply_changes
from normalizer.errors import ConfigError, GazetteerError, InputError, NormalizerError, OptionsError
from normalizer.options import CleanOptions
from normalizer.pipeline import STAGES, clean, default_gazetteer, warm_up

__all__ = [
    "STAGES",
    "Change",
    "CleanOptions",
    "CleanResult",
    "ConfigError",
    "Flag",
    "GazetteerError",
    "InputError",
    "NormalizerError",
    "OptionsError",
    "apply_changes",
    "clean",
    "default_gazetteer",
    "warm_up",
]
__version__ = "0.1.0"
