"""Pacing Python's cyclic garbage collector through bulk work.

An import builds hundreds of thousands of small objects (parsed JSON, values,
rows) and keeps a batch's worth alive until it is written. With the default
thresholds the collector runs every 700 allocations and scans those young,
acyclic objects again and again: about a tenth of an import's CPU time.
:func:`fewer_collections` raises the first threshold for the duration of a
bulk task and then puts back what was set; the collector stays enabled, so
cycles are still freed, only less often. The count is of objects allocated
and not yet freed, so a threshold above what one batch of work holds alive is
rarely reached: the batch is freed first.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between young-generation collections during bulk work (default 700).
#: Above what an import batch of 1,000 packages holds alive at once (~140,000
#: objects): a batch's rows are freed by reference counting when it is written,
#: before the young generation fills, so a 20,000-package import collects once
#: (0.06 s of CPU) rather than 62 times (0.70 s) as it did at 50,000.
BULK_THRESHOLD = 500_000


@contextmanager
def fewer_collections(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    """Collect the young generation every ``threshold`` allocations inside the block."""
    previous = gc.get_threshold()
    gc.set_threshold(max(threshold, previous[0]), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextmanager
def kept_objects() -> Iterator[None]:
    """Build objects meant to be kept, in bulk, without the collector scanning them young.

    Scoring the country builds millions of objects that are kept (each unit's
    values, outcomes and score), none of them in a cycle. Each object the
    collector sees young is scanned in the first generation, again in the
    second and again in a full collection: three scans of millions of objects
    (about 4 s of CPU of a national scoring's 19 s at a threshold of 1,000,000).

    The collector is paused inside the block and, at its end, every object tracked is
    moved to the oldest generation (``gc.freeze`` then ``gc.unfreeze``), as if it had
    survived the young collections, without their scans: a cycle made in the block (or
    young before it) is freed by the next full collection. The promotion is left out
    when something else keeps objects frozen (``gc.freeze`` is the process's, and
    unfreezing would undo it).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


__all__ = ["BULK_THRESHOLD", "fewer_collections", "kept_objects"]
