"""The result cache stays under its byte budget whatever is put in it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.memo import ByteLRU, size_of


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"a": np.arange(rows, dtype=float), "b": np.ones(rows)})


def test_size_of_counts_the_buffers():
    assert size_of(frame(1000)) >= 16_000
    assert size_of(np.zeros(500)) == 4000
    assert size_of({"t": frame(1000), "x": np.zeros(500)}) > 20_000


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 5000)), min_size=1, max_size=60))
def test_never_holds_more_than_its_budget(puts):
    cache: ByteLRU[pd.DataFrame] = ByteLRU(max_bytes=200_000, max_entries=20)
    for key, rows in puts:
        got = cache.get_or_compute((key, rows), lambda rows=rows: frame(rows))
        assert len(got) == rows
        assert cache.bytes <= 200_000
        assert len(cache) <= 20
        assert cache.bytes == sum(size_of(v) for v, _ in cache._items.values())


def test_hits_do_not_recompute_and_the_oldest_goes_first():
    calls: list[int] = []
    cache: ByteLRU[pd.DataFrame] = ByteLRU(max_bytes=3 * size_of(frame(100)) + 10)

    def make(k: int) -> pd.DataFrame:
        calls.append(k)
        return frame(100)

    for k in (1, 2, 3, 1, 4):  # 1 is used again, so 2 is the least recently used when 4 arrives
        cache.get_or_compute(k, lambda k=k: make(k))
    assert calls == [1, 2, 3, 4]
    cache.get_or_compute(2, lambda: make(2))
    assert calls == [1, 2, 3, 4, 2]


def test_a_value_larger_than_the_budget_is_returned_not_kept():
    cache: ByteLRU[pd.DataFrame] = ByteLRU(max_bytes=1000)
    assert len(cache.get_or_compute("big", lambda: frame(10_000))) == 10_000
    assert len(cache) == 0
