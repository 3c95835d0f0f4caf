"""Clean JSON Lines with Dask on a local cluster of worker processes.

    python examples/dask_clean.py examples/articles.jsonl 'cleaned-dask/*.jsonl'
    normalizer batch examples/articles.jsonl -o cleaned-local.jsonl
    cat cleaned-dask/*.jsonl | cmp - cleaned-local.jsonl   # the same bytes

Needs the ``[dask]`` extra.  For a real cluster, pass the scheduler's address to
``Client`` and put the files on storage every worker reads (see the README's Dask section).
"""

from __future__ import annotations

import sys

from distributed import Client, LocalCluster

from normalizer.dask import read_json_lines, to_json_lines


def clean_json_lines(source: str, target: str, gazetteer=("default",)) -> None:
    """Clean every line of ``source`` into numbered part files matching ``target``."""
    to_json_lines(read_json_lines(source, blocksize="8MiB", gazetteer=gazetteer), target)


def main() -> int:
    source, target = sys.argv[1:3]
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        clean_json_lines(source, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
