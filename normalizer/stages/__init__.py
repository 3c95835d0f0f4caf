"""The cleaning stages.  Each takes a :class:`~normalizer.context.Context` and reports
edits and flags on it; :mod:`normalizer.pipeline` declares their order once."""
