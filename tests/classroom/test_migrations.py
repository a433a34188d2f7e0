"""Schema creation and upgrades: numbered migrations, each in a transaction, idempotent under a race."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from dashboard.classroom.errors import StoreError
from dashboard.classroom.store import MIGRATIONS, Migration

from . import workers
from .conftest import student

TABLES = {"class_session", "class_student", "class_answer", "schema_version"}


def tables(backend, raw):
    if backend == "sqlite":
        return {r[0] for r in raw("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {r[0] for r in raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}


def has_expiry_index(backend, raw):
    if backend == "sqlite":
        rows = raw("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'class_session_expires'")
    else:
        rows = raw("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                   "AND indexname = 'class_session_expires'")  # fmt: skip
    return bool(rows)


def test_migrations_are_numbered_from_one_without_gaps():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_an_empty_database_gets_the_whole_schema(backend, make_store, raw):
    assert tables(backend, raw) == set()
    store = make_store()
    assert tables(backend, raw) == TABLES
    assert has_expiry_index(backend, raw)
    assert raw("SELECT version, name FROM schema_version ORDER BY version") == [
        (1, "class sessions, students and answers"),
        (2, "index for expiry"),
    ]
    assert store.schema_versions() == [1, 2]


def test_running_the_migrations_again_changes_nothing(backend, make_store, raw, clock):
    store = make_store(clock=clock)
    code, _ = store.create_session("taper")
    store.submit(code, student(1), "taper", 3.0)
    before = raw("SELECT * FROM schema_version ORDER BY version"), raw("SELECT * FROM class_answer")
    clock.advance(10)
    assert store.migrate() == []
    assert make_store(clock=clock).migrate() == []  # a second process starting later
    assert (raw("SELECT * FROM schema_version ORDER BY version"), raw("SELECT * FROM class_answer")) == before


def test_an_older_database_is_upgraded_and_keeps_its_data(backend, make_store, raw, clock):
    old = make_store(clock=clock, migrate=False)
    assert old.migrate(target=1) == [1]
    assert not has_expiry_index(backend, raw)
    raw("INSERT INTO class_session (code, secret_hash, scene, created_at, updated_at, expires_at) "
        "VALUES ('ACEFH', 'x', 'taper', ?, ?, ?)", (clock(), clock(), clock() + 3600))  # fmt: skip
    new = make_store(clock=clock)  # opening applies the rest
    assert new.schema_versions() == [1, 2]
    assert has_expiry_index(backend, raw)
    assert new.get_session("ACEFH").scene == "taper"


def test_a_failing_migration_leaves_nothing_behind(backend, make_store, raw):
    store = make_store()
    broken = (*MIGRATIONS, Migration(3, "broken", ("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL")))
    with pytest.raises(StoreError):
        store.migrate(migrations=broken)
    assert "half_done" not in tables(backend, raw)
    assert [v for (v,) in raw("SELECT version FROM schema_version ORDER BY version")] == [1, 2]
    good = (*MIGRATIONS, Migration(3, "extra", ("CREATE TABLE extra (x INTEGER)",)))
    assert store.migrate(migrations=good) == [3]
    assert "extra" in tables(backend, raw)


def test_a_newer_database_is_refused(backend, make_store, raw):
    make_store().close()
    raw("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from the future', 0)")
    with pytest.raises(StoreError, match="newer version"):
        make_store()


def test_two_processes_starting_at_once_migrate_once(backend, location, make_store, raw):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=workers.open_and_migrate, args=(backend, location, barrier)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert [v for (v,) in raw("SELECT version FROM schema_version ORDER BY version")] == [1, 2]
    assert tables(backend, raw) == TABLES
    make_store().create_session("taper")  # and the schema works


@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgresql_upgrades_take_turns_under_an_advisory_lock(backend, location, make_store, raw):
    """While another process holds the schema lock, a starting store waits (seen in pg_locks) and creates
    nothing; once the lock is released it migrates.  (SQLite gets the same from BEGIN IMMEDIATE, which the
    concurrency tests exercise.)  Polls until the waiter shows, so the outcome does not depend on speed."""
    import psycopg

    from dashboard.classroom.store import _MIGRATION_LOCK_KEY

    opened = {}
    with psycopg.connect(location) as holder:  # not autocommit: the lock lasts until the rollback
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_KEY,))
        thread = threading.Thread(target=lambda: opened.setdefault("store", make_store()))
        thread.start()
        waiting, deadline = False, time.monotonic() + 60
        while not waiting and thread.is_alive() and time.monotonic() < deadline:
            waiting = bool(raw("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))
            time.sleep(0.01)
        assert waiting, "the store did not wait for the schema lock"
        assert tables(backend, raw) == set()
        holder.rollback()
    thread.join(60)
    assert opened["store"].schema_versions() == [1, 2]


def test_a_new_sqlite_file_locked_by_another_process_is_waited_for(tmp_path, monkeypatch):
    """Switching a new file to WAL needs an exclusive lock, and SQLite refuses at once (no busy handler) while
    another connection holds the write lock: the store retries until it is released.  The test releases
    the lock only once the store has been refused and is retrying (seen through its sleep), so the outcome
    does not depend on speed."""
    import sqlite3

    from dashboard.classroom import store as store_module
    from dashboard.classroom.store import ClassStore

    path = tmp_path / "new.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE other (x INTEGER)")  # a rollback-journal file, as every new one is
    holder.execute("BEGIN IMMEDIATE")
    retrying, real_sleep = threading.Event(), time.sleep

    def sleep(seconds):
        retrying.set()
        real_sleep(seconds)

    monkeypatch.setattr(store_module.time, "sleep", sleep)
    result = {}

    def start():
        try:
            result["store"] = ClassStore.sqlite(path)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=start)
    thread.start()
    while not retrying.wait(0.05) and thread.is_alive():
        pass
    holder.execute("ROLLBACK")
    holder.close()
    thread.join(60)
    assert "error" not in result, result.get("error")
    assert retrying.is_set()
    with result["store"] as store:
        assert store.schema_versions() == [1, 2]
