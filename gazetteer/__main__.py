"""``python -m gazetteer FILE...``: compile the files into the index cache (as
:func:`gazetteer.load` does); their problems on stdout and status 1 when they are invalid.

The server's reload compiles a changed gazetteer in such a fresh interpreter
(``normalizer.reload.compile_apart``): this package alone imports in a fifth of the time
the whole normalizer takes (0.1 s against 0.4 s).
"""

from __future__ import annotations

import sys

from gazetteer import GazetteerDataError, load


def main(paths: list[str]) -> int:
    """Load (and so compile and cache) ``paths``; 1 with the problems printed."""
    try:
        load(paths)
    except GazetteerDataError as error:
        print(error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
