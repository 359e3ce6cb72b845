"""Checked files handed from the worker to the GUI thread while a check or an
import runs: the worker puts each file's result in a feed, and the progress
callback (throttled) lets the GUI take them, so the table fills as it goes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from app.exchange import ItemResult

#: How often the worker lets the GUI drain the buffer of checked files.
UPDATE_INTERVAL = 0.05


class ItemFeed:
    """Items checked on the worker, waiting for the GUI thread (thread-safe)."""

    def __init__(self) -> None:
        self._items: deque[ItemResult] = deque()
        self._lock = threading.Lock()

    def put(self, item: ItemResult) -> None:
        with self._lock:
            self._items.append(item)

    def take(self) -> list[ItemResult]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
        return items


def throttled(progress: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """Report at most every :data:`UPDATE_INTERVAL` seconds, and always the last file."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= UPDATE_INTERVAL:
            last[0] = now
            progress(done, total)

    return report
