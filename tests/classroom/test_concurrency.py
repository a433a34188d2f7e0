"""Nothing lost: a room submitting at once from threads, and two OS processes writing one database.

Only counts and values are asserted, never durations (the durations are printed: ``pytest -s``).
"""

from __future__ import annotations

import multiprocessing
import threading
import time

from dashboard.classroom.store import ClassStore

from . import workers
from .conftest import student

ROOM = 300


def _burst(store: ClassStore, code: str, scene: str, values: dict[int, float]) -> list[BaseException]:
    """One thread per student, released together by a barrier; returns the exceptions raised."""
    barrier = threading.Barrier(len(values))
    errors: list[BaseException] = []

    def one(i: int) -> None:
        barrier.wait(30)
        try:
            store.submit(code, student(i), scene, values[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_a_room_of_300_submitting_at_once_loses_nothing(backend, store, raw, clock):
    code, _ = store.create_session("taper")
    first = {i: float(i) for i in range(ROOM)}
    t0 = time.perf_counter()
    assert _burst(store, code, "taper", first) == []
    elapsed_first = time.perf_counter() - t0
    assert raw("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM class_answer WHERE code = ?", (code,)) == [
        (ROOM, ROOM)
    ]
    assert sorted(v for (v,) in raw("SELECT value FROM class_answer")) == [float(i) for i in range(ROOM)]
    assert raw("SELECT COUNT(*), MIN(idx), MAX(idx), COUNT(DISTINCT idx) FROM class_student") == [(ROOM, 1, ROOM, ROOM)]

    clock.advance(2)  # past the rate limit: everyone changes their answer at once
    changed = {i: 1000.0 + i for i in range(ROOM)}
    t0 = time.perf_counter()
    assert _burst(store, code, "taper", changed) == []
    elapsed_change = time.perf_counter() - t0
    assert raw("SELECT COUNT(*) FROM class_answer") == [(ROOM,)]
    assert sorted(v for (v,) in raw("SELECT value FROM class_answer")) == [1000.0 + i for i in range(ROOM)]
    s = store.get_session(code)
    assert (s.students, s.answers, s.answer_seq) == (ROOM, ROOM, 2 * ROOM)
    print(f"\n[{backend}] {ROOM} threads: new answers {elapsed_first:.2f} s, changed answers {elapsed_change:.2f} s")


def test_two_processes_writing_one_database_lose_nothing(backend, location, make_store, raw):
    store = make_store(clock=time.time)  # the children use the real clock too
    code, _ = store.create_session("kidneys")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    half = ROOM // 2
    procs = [ctx.Process(target=workers.submit_students,
                         args=(backend, location, code, "kidneys", k * half, half, 8, barrier))
             for k in range(2)]  # fmt: skip
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    elapsed = time.perf_counter() - t0
    assert [p.exitcode for p in procs] == [0, 0]
    assert raw("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM class_answer") == [(ROOM, ROOM)]
    assert sorted(v for (v,) in raw("SELECT value FROM class_answer")) == [float(i) for i in range(ROOM)]
    assert raw("SELECT COUNT(DISTINCT idx), MAX(idx) FROM class_student") == [(ROOM, ROOM)]
    s = store.get_session(code)
    assert (s.students, s.answers, s.answer_seq) == (ROOM, ROOM, ROOM)
    print(f"\n[{backend}] 2 processes x {half} students (8 threads each): {elapsed:.2f} s incl. process start")


def test_the_class_cap_holds_under_a_burst(backend, make_store, raw, clock):
    from dashboard.classroom.errors import ClassFull
    from dashboard.classroom.store import Limits

    store = make_store(clock=clock, limits=Limits(max_students=50))
    code, _ = store.create_session("taper")
    errors = _burst(store, code, "taper", dict.fromkeys(range(80), 1.0))
    assert len(errors) == 30
    assert all(isinstance(e, ClassFull) for e in errors)
    assert raw("SELECT COUNT(*) FROM class_answer") == [(50,)]
    assert raw("SELECT COUNT(*) FROM class_student") == [(50,)]
