"""Fixtures for the class poll tests: a fake clock, and a fresh empty database per test on each backend.

``backend`` is parametrised over ``sqlite`` (a file in the test's tmp_path) and ``postgresql`` (a schema
of its own in one throw-away cluster per test session, see ``pg.py``; the cluster starts only when a
PostgreSQL test runs, and those tests are skipped, with a message, only when the server binaries are
missing).  ``raw`` reads the database with the driver directly, so tests check what is stored
without trusting the store's own queries.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator

import pytest

from dashboard.classroom.store import ClassStore

from .pg import Cluster, find_bindir, start_cluster

T0 = 1_800_000_000.0  # 2027-01-15T08:00:00Z


class FakeClock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb and pg_ctl): "
            "apt-get install postgresql"
        )
    cluster = start_cluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def location(backend, tmp_path, request) -> Iterator[str]:
    """A fresh, empty database: a SQLite file path, or a PostgreSQL URL whose search_path is a new schema."""
    if backend == "sqlite":
        yield str(tmp_path / "classroom.sqlite3")
        return
    import psycopg

    cluster: Cluster = request.getfixturevalue("pg_cluster")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield cluster.url(search_path=schema)
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def open_at(backend: str, location: str, **kwargs) -> ClassStore:
    if backend == "sqlite":
        return ClassStore.sqlite(location, **kwargs)
    return ClassStore.postgresql(location, **kwargs)


@pytest.fixture
def make_store(backend, location) -> Iterator[Callable[..., ClassStore]]:
    """Open (more) stores on this test's database; all are closed at the end of the test."""
    opened: list[ClassStore] = []

    def make(**kwargs) -> ClassStore:
        store = open_at(backend, location, **kwargs)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(make_store, clock) -> ClassStore:
    return make_store(clock=clock)


@pytest.fixture
def raw(backend, location) -> Callable[..., list[tuple]]:
    """raw(sql, params) -> rows, with the driver itself ("?" placeholders; converted for psycopg)."""

    def query(sql: str, params: tuple = ()) -> list[tuple]:
        if backend == "sqlite":
            conn = sqlite3.connect(location, isolation_level=None)  # autocommit: raw writes are kept
            try:
                return conn.execute(sql, params).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []

    return query


def student(i: int) -> str:
    """A well-formed anonymous student id, numbered (tests only)."""
    return f"student-{i:012d}"
