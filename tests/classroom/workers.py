"""Code run in child processes (multiprocessing, spawn) by the concurrency and migration tests.

Spawned children import this module afresh, so it imports only the store (no numpy, no Streamlit).
A worker that fails raises, and the child exits non-zero; the parent checks exit codes and the database.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from dashboard.classroom.store import ClassStore

BARRIER_TIMEOUT_S = 60


def _open(backend: str, location: str) -> ClassStore:
    if backend == "sqlite":
        return ClassStore.sqlite(location)
    return ClassStore.postgresql(location)


def open_and_migrate(backend: str, location: str, barrier: threading.Barrier) -> None:
    """Start together with the other process on a fresh database: both run the migrations at once."""
    barrier.wait(BARRIER_TIMEOUT_S)
    _open(backend, location).close()


def submit_students(
    backend: str, location: str, code: str, scene: str, first: int, n: int, threads: int, barrier: threading.Barrier
) -> None:
    """Students first .. first+n-1 each submit one answer (value = the student's number), from threads."""
    store = _open(backend, location)
    try:
        barrier.wait(BARRIER_TIMEOUT_S)
        with ThreadPoolExecutor(threads) as pool:
            for result in pool.map(lambda i: store.submit(code, f"student-{i:012d}", scene, float(i)),
                                   range(first, first + n)):  # fmt: skip
                assert result is False  # a new answer, never a replaced one
    finally:
        store.close()
