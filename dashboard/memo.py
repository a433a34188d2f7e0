"""A cache bounded by bytes, not only by entries.

Streamlit's ``st.cache_data(max_entries=...)`` bounds how many results it keeps, not how large they are: 256
entries of a two-year run on a fine grid are gigabytes.  :class:`ByteLRU` keeps results while their total size
stays under a budget and drops the least recently used first; a single result larger than the budget is
returned but not kept.  Thread-safe (Streamlit runs sessions in threads); a computation that two sessions start
at once may run twice, never corrupts the cache.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

__all__ = ["ByteLRU", "size_of"]

V = TypeVar("V")


def size_of(value: Any) -> int:
    """Bytes held by a result: DataFrames and arrays by their buffers, containers by their items."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(index=True, deep=True))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sys.getsizeof(value) + sum(size_of(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return sys.getsizeof(value) + sum(size_of(getattr(value, f)) for f in value.__dataclass_fields__)
    return sys.getsizeof(value)


class ByteLRU(Generic[V]):
    """Least-recently-used cache holding at most ``max_bytes`` of values (and ``max_entries`` keys)."""

    def __init__(self, max_bytes: int, max_entries: int = 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        value = compute()  # outside the lock: other sessions are not held up
        size = size_of(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes or len(self._items) > self.max_entries:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
