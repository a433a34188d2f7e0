"""Runs that end: heavy simulations in a worker process with a wall-clock and a memory limit.

A scenario from a file or a link can ask for the heaviest run the work budget allows (``pkmodels.fields``):
two years of doses every half hour, thousands of rate pieces.  In the server's own process such a run holds the
interpreter (and a core) for seconds while every other session waits.  :class:`BoundedRunner` sends such calls
to a small pool of worker processes instead:

* each worker has an address-space limit (``RLIMIT_AS``): a run that needs more fails with :class:`RunTooBig`
  instead of taking the server's memory;
* each call has a wall-clock limit: when it expires the worker is killed (SIGKILL) and replaced, and the caller
  gets :class:`RunTimeout`, so a run never outlives the request (or the closed tab) by more than the limit;
* at most ``workers`` heavy runs at once; a call that cannot get a worker within the limit gets
  :class:`RunBusy` -- other sessions keep their in-process (light) runs meanwhile.

Workers start with ``spawn`` (never ``fork``: the server runs threads) and are reused while they live.  What
travels to and from a worker is produced by this program's own code (a scenario the parser already checked, a
result table), never bytes from outside.  Light calls skip the pool (:func:`is_heavy` decides from the
scenario's size, before any work).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import resource
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from pkmodels.model import PRIOR_STEP_H
from pkmodels.scenario import Scenario

__all__ = [
    "HEAVY_WORK_UNITS",
    "BoundedRunner",
    "RunBusy",
    "RunFailed",
    "RunTimeout",
    "RunTooBig",
    "is_heavy",
    "work_units",
]

LOG = logging.getLogger(__name__)
_START_TIMEOUT_S = 60.0
HEAVY_WORK_UNITS = 300_000  # about 0.3 s of model work on the 2-core reference machine (~1 us per unit)
_EVENT_WEIGHT = 30  # an event (dose, rate change) costs about 30 output points of work (measured)


class RunFailed(RuntimeError):
    """A worker run that did not produce a result; the message is fixed and safe to show."""


class RunTimeout(RunFailed):
    pass


class RunTooBig(RunFailed):
    pass


class RunBusy(RunFailed):
    pass


def work_units(scenario: Scenario) -> float:
    """A size estimate of one simulation (output points, prior-therapy grid points and weighted events),
    computed from the scenario alone."""
    prior_h = scenario.prior_therapy_days * 24.0
    events = sum(r.event_bound(scenario.duration_h, prior_h) for r in scenario.regimens)
    return scenario.n_points + prior_h / PRIOR_STEP_H + _EVENT_WEIGHT * events


def is_heavy(scenario: Scenario) -> bool:
    return work_units(scenario) > HEAVY_WORK_UNITS


def _address_space_bytes() -> int:
    """This process's current virtual size (Linux), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the loaded libraries already take plus ``memory_mb`` for the run (the
    libraries' own reservations -- thread stacks, BLAS buffers -- are not the run's)."""
    import pandas  # noqa: F401  (loaded before the limit: its reservations are not the run's)

    limit = _address_space_bytes() + memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # a platform without the limit runs unlimited
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(conn: Connection, memory_mb: int) -> None:
    """Worker loop: receive (function, args), send ("ok", value) or ("error", kind)."""
    _limit_memory(memory_mb)
    conn.send("ready")
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("error", "memory"))
        except Exception:  # the parent logs it; the browser sees a fixed message
            conn.send(("error", traceback.format_exc(limit=5)))


@dataclass
class _Worker:
    process: Any
    conn: Connection


@dataclass(frozen=True)
class RunStats:
    """Counters for tests and the load benchmark."""

    calls: int
    timeouts: int
    too_big: int
    restarts: int


class BoundedRunner:
    """A pool of ``workers`` processes, each limited to ``memory_mb`` of address space; calls time out after
    ``timeout_s`` (the worker is killed and replaced)."""

    def __init__(self, workers: int = 1, timeout_s: float = 30.0, memory_mb: int = 1500) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._ctx = mp.get_context("spawn")
        self._idle: list[_Worker] = []
        self._slots = threading.Semaphore(workers)
        self._lock = threading.Lock()
        self._calls = self._timeouts = self._too_big = self._restarts = 0

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child, self.memory_mb), daemon=True, name="bounded-run")
        proc.start()
        child.close()
        if not parent.poll(_START_TIMEOUT_S) or parent.recv() != "ready":  # imports done, limit set
            self._kill(_Worker(proc, parent))
            raise RunFailed("the run could not be started")
        return _Worker(proc, parent)

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                w = self._idle.pop()
                if w.process.is_alive():
                    return w
        return self._start()

    def _give_back(self, w: _Worker) -> None:
        with self._lock:
            self._idle.append(w)

    @staticmethod
    def _kill(w: _Worker) -> None:
        try:
            w.process.kill()
            w.process.join(timeout=5)
        finally:
            w.conn.close()

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker; ``fn`` must be importable by name (a module-level function)."""
        if not self._slots.acquire(timeout=self.timeout_s):
            raise RunBusy("the server is busy with other long runs; try again in a minute")
        try:
            with self._lock:
                self._calls += 1
            w = self._take()  # starting a worker (imports) does not count against the run's time
            deadline = time.monotonic() + self.timeout_s
            try:
                w.conn.send((fn, args))
                if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                    with self._lock:
                        self._timeouts += 1
                        self._restarts += 1
                    self._kill(w)
                    raise RunTimeout(f"this run needs more than {self.timeout_s:g} s; make it shorter or coarser")
                status, value = w.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                with self._lock:
                    self._restarts += 1
                self._kill(w)
                raise RunFailed("the run stopped unexpectedly") from None
            self._give_back(w)
            if status == "ok":
                return value
            if value == "memory":
                with self._lock:
                    self._too_big += 1
                raise RunTooBig(f"this run needs more than {self.memory_mb} MB; make it shorter or coarser")
            LOG.error("worker run failed:\n%s", value)
            raise RunFailed("the run failed")
        finally:
            self._slots.release()

    def stats(self) -> RunStats:
        with self._lock:
            return RunStats(self._calls, self._timeouts, self._too_big, self._restarts)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for w in idle:
            self._kill(w)


def default_runner() -> BoundedRunner:
    """The process-wide runner: settings from the environment (``BOUNDED_RUN_TIMEOUT_S``, ``BOUNDED_RUN_MEMORY_MB``,
    ``BOUNDED_RUN_WORKERS``)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = BoundedRunner(
                workers=int(os.environ.get("BOUNDED_RUN_WORKERS", "1")),
                timeout_s=float(os.environ.get("BOUNDED_RUN_TIMEOUT_S", "30")),
                memory_mb=int(os.environ.get("BOUNDED_RUN_MEMORY_MB", "1500")),
            )
        return _DEFAULT


_DEFAULT: BoundedRunner | None = None
_DEFAULT_LOCK = threading.Lock()
