"""Python's cyclic garbage collector, set aside while a one-shot load runs.

Why: the collector runs whenever allocations outnumber frees by 700, and every so often
walks every object the process holds. A load allocates millions of short-lived tuples,
lists and dicts (rows, and the tallies rebuilt from them), nearly all freed by reference
counting alone, and holds the hundreds of thousands of objects SQLAlchemy and the models
made at import. At 300,000 tickets the collector took 2.3 of the 18-23 CPU seconds of
`cxtui ingest`'s writing process, on the critical path (docs/performance.md, "The sqlite3
CLI's .import"). Memory does not grow for this: a cycle is still collected, only after many
more allocations, and peak memory was the same (140 MB) either way.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FIRST_GENERATION_ALLOCATIONS = 100_000
"""Allocations (net of frees) before the youngest generation is collected (Python's own: 700)."""
OLDER_GENERATION_RUNS = 50
"""Collections of a generation before the next one is collected too (Python's own: 10)."""


@contextmanager
def collecting_rarely() -> Iterator[None]:
    """Inside the block, what the process held before it is left out of every collection
    (gc.freeze) and collections are far rarer; after it, both are as they were."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(FIRST_GENERATION_ALLOCATIONS, OLDER_GENERATION_RUNS, OLDER_GENERATION_RUNS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
