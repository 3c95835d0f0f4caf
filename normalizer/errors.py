"""One small exception hierarchy; third-party errors are translated at the boundary."""

from __future__ import annotations


class NormalizerError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(NormalizerError, ValueError):
    """The text or the options given to :func:`normalizer.clean` are not acceptable."""


class OptionsError(InputError):
    """An option is unknown or has a value of the wrong type or range."""


class ConfigError(NormalizerError):
    """A setting (environment variable or command-line flag) is invalid."""


class GazetteerError(NormalizerError):
    """The gazetteer could not be loaded; the message names file, line and problem."""
