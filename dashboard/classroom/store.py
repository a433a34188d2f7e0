"""The class poll's store: sessions, anonymous answers, rate limits, expiry; SQLite or PostgreSQL.

One interface, two backends:

- **SQLite** (default): a file ``classroom.sqlite3`` in ``$CLASSROOM_DATA_DIR`` (default ``./.data``), in
  WAL mode with a busy timeout.  Writers take the database's write lock up front (``BEGIN IMMEDIATE``), so
  the Streamlit threads of one process and several processes on one host serialise their writes safely.
- **PostgreSQL**: ``$CLASSROOM_DATABASE_URL=postgresql://...`` (psycopg 3).  A write locks its session row
  (``SELECT ... FOR UPDATE``), so checks and updates of one session never interleave across replicas.

Each backend keeps a small pool of connections (a connection is used by one thread at a time, then put
back; Streamlit runs each script run in a new thread, so per-thread connections would pile up).

Everything a rule depends on is in the database, not in a process's memory: the current scene and step,
the per-student rate limit, the class caps; so the rules hold across replicas.  Times come from an
injectable clock (seconds since the epoch, ``time.time`` by default).  Codes, student ids, scene slugs and
values are validated before use and every statement takes parameters.  No personal data is stored:
a student is a random id of one browser session; the CSV export replaces it with a per-session number.

Typical use (one store per process, e.g. with ``st.cache_resource``)::

    store = open_store()
    code, secret = store.create_session("csf-barrier")       # secret stays in the instructor's session
    store.submit(code, student_id, "csf-barrier", 12.5)       # a student, after answers.parse_answer
    store.reveal(code, secret)
    store.summary(code, "csf-barrier", model_answer=1.2)
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import numbers
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import codes
from .errors import (
    ClassFull,
    NotInstructor,
    PollInputError,
    QuestionClosed,
    RateLimited,
    SessionEnded,
    SessionNotFound,
    StoreConfigError,
    StoreError,
)
from .summary import PollSummary, summarize

__all__ = [
    "DEFAULT_DATA_DIR",
    "ENV_DATABASE_URL",
    "ENV_DATA_DIR",
    "MIGRATIONS",
    "SQLITE_FILE",
    "ClassStore",
    "Limits",
    "Migration",
    "SessionSnapshot",
    "open_store",
]

ENV_DATA_DIR = "CLASSROOM_DATA_DIR"
ENV_DATABASE_URL = "CLASSROOM_DATABASE_URL"
DEFAULT_DATA_DIR = ".data"
SQLITE_FILE = "classroom.sqlite3"
DAY_S = 24 * 3600.0
MAX_ABS_VALUE = 1e12  # answers are checked against the question's range before; this bounds the store
BUSY_TIMEOUT_S = 10.0  # SQLite: how long a writer waits for the write lock
POOL_TIMEOUT_S = 30.0  # how long an operation waits for a free pooled connection
_SLUG = re.compile(r"[a-z0-9-]{1,40}")
_MIGRATION_LOCK_KEY = 730_511_742_100  # pg_advisory_xact_lock key serialising schema upgrades
_UNAVAILABLE = "The class poll is not available right now: try again in a moment."


@dataclass(frozen=True)
class Limits:
    """The rules a session enforces (defaults for a lecture hall)."""

    min_interval_s: float = 1.0  # a student's submits at least this far apart
    per_window: int = 20  # at most this many submits per student ...
    window_s: float = 60.0  # ... in a window of this length, counted from the first of them
    max_students: int = 1000  # distinct students per session
    max_answers: int = 5000  # answer rows per session (a changed answer is the same row)
    ttl_s: float = DAY_S  # a session expires this long after it was created
    purge_every_s: float = 60.0  # a process deletes expired sessions at most this often


@dataclass(frozen=True)
class SessionSnapshot:
    """What everyone may know about a session (never the secret)."""

    code: str
    scene: str  # the scene the instructor shows
    step: int  # 0 = question open, 1 = revealed
    ended: bool
    version: int  # +1 on every instructor change: clients re-read when it moves
    answer_seq: int  # +1 on every accepted answer (new or changed): the projector's live count moves
    students: int  # distinct students who have answered
    answers: int  # answer rows (all scenes)
    created_at: float
    updated_at: float  # last instructor change
    expires_at: float

    @property
    def revealed(self) -> bool:
        return self.step == 1

    @property
    def is_open(self) -> bool:
        """Students may answer the current scene."""
        return not self.ended and self.step == 0


_SELECT_SESSION = (
    "SELECT code, scene, step, ended, version, answer_seq, n_students, n_answers, created_at, "
    "updated_at, expires_at, secret_hash FROM class_session WHERE code = ? AND expires_at > ?"
)
_SELECT_SESSION_FOR_UPDATE = _SELECT_SESSION + " FOR UPDATE"  # PostgreSQL: lock the row for the transaction


def _snapshot(row: Sequence[Any]) -> SessionSnapshot:
    return SessionSnapshot(
        str(row[0]),
        str(row[1]),
        int(row[2]),
        bool(row[3]),
        int(row[4]),
        int(row[5]),
        int(row[6]),
        int(row[7]),
        float(row[8]),
        float(row[9]),
        float(row[10]),
    )


# ------------------------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Migration:
    """One numbered schema step; its statements run in one transaction with its schema_version row."""

    version: int
    name: str
    statements: tuple[str, ...]


# Portable SQL: both SQLite (type affinity) and PostgreSQL read these types; "?" becomes "%s" for psycopg.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "class sessions, students and answers",
        (
            """CREATE TABLE class_session (
            code TEXT PRIMARY KEY,
            secret_hash TEXT NOT NULL,
            scene TEXT NOT NULL,
            step INTEGER NOT NULL DEFAULT 0 CHECK (step IN (0, 1)),
            ended INTEGER NOT NULL DEFAULT 0 CHECK (ended IN (0, 1)),
            version BIGINT NOT NULL DEFAULT 1,
            answer_seq BIGINT NOT NULL DEFAULT 0,
            n_students INTEGER NOT NULL DEFAULT 0,
            n_answers INTEGER NOT NULL DEFAULT 0,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL)""",
            """CREATE TABLE class_student (
            code TEXT NOT NULL REFERENCES class_session (code) ON DELETE CASCADE,
            student_id TEXT NOT NULL,
            idx INTEGER NOT NULL,
            last_at DOUBLE PRECISION NOT NULL,
            window_start DOUBLE PRECISION NOT NULL,
            window_count INTEGER NOT NULL,
            PRIMARY KEY (code, student_id),
            UNIQUE (code, idx))""",
            """CREATE TABLE class_answer (
            code TEXT NOT NULL,
            scene TEXT NOT NULL,
            student_id TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            UNIQUE (code, scene, student_id),
            FOREIGN KEY (code, student_id) REFERENCES class_student (code, student_id) ON DELETE CASCADE)""",
        ),
    ),
    Migration(2, "index for expiry", ("CREATE INDEX class_session_expires ON class_session (expires_at)",)),
)
_SCHEMA_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
)


# ------------------------------------------------------------------------------------------- backends
class _Conflict(StoreError):
    """A uniqueness violation (internal: create_session retries with another code)."""


class _Tx:
    """One transaction's statements: ``?`` placeholders, parameters always."""

    def __init__(self, conn: Any, paramstyle: str) -> None:
        self._conn = conn
        self._pg = paramstyle == "%s"

    def _exec(self, sql: str, params: Sequence[Any]) -> Any:
        return self._conn.execute(sql.replace("?", "%s") if self._pg else sql, tuple(params))

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self._exec(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(self._exec(sql, params).fetchall())

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._exec(sql, params).rowcount


class _Pool:
    """At most ``size`` connections; a thread borrows one for one transaction."""

    def __init__(self, connect: Callable[[], Any], size: int) -> None:
        if size < 1:
            raise ValueError("pool size must be >= 1")
        self._connect = connect
        self._size = size
        self._idle: list[Any] = []
        self._open = 0
        self._closed = False
        self._cond = threading.Condition()

    def get(self) -> Any:
        deadline = time.monotonic() + POOL_TIMEOUT_S
        with self._cond:
            while True:
                if self._closed:
                    raise StoreError("The class poll store is closed.")
                if self._idle:
                    return self._idle.pop()
                if self._open < self._size:
                    self._open += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StoreError(_UNAVAILABLE)
                self._cond.wait(remaining)
        try:
            return self._connect()
        except BaseException:
            with self._cond:
                self._open -= 1
                self._cond.notify()
            raise

    def put(self, conn: Any, discard: bool = False) -> None:
        with self._cond:
            keep = not (discard or self._closed)
            if keep:
                self._idle.append(conn)
            else:
                self._open -= 1
            self._cond.notify()
        if not keep:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._cond.notify_all()
        for conn in idle:
            with contextlib.suppress(Exception):
                conn.close()


class _Backend:
    name = ""
    paramstyle = "?"
    select_for_update = _SELECT_SESSION  # SQLite: BEGIN IMMEDIATE already holds the database's write lock

    def __init__(self, pool_size: int) -> None:
        self._pool = _Pool(self._connect, pool_size)

    def _connect(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin(self, conn: Any, write: bool) -> contextlib.AbstractContextManager:  # pragma: no cover
        raise NotImplementedError

    def _errors(self) -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
        """(integrity errors, all driver errors)."""
        raise NotImplementedError  # pragma: no cover

    def _broken(self, conn: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def migration_lock(self, tx: _Tx) -> None:
        """Serialise schema upgrades of concurrent processes (SQLite: BEGIN IMMEDIATE already does)."""

    @contextlib.contextmanager
    def transaction(self, write: bool) -> Iterator[_Tx]:
        integrity, driver = self._errors()
        try:
            conn = self._pool.get()
        except driver as exc:  # cannot connect
            raise StoreError(_UNAVAILABLE) from exc
        discard = False
        try:
            with self._begin(conn, write):
                yield _Tx(conn, self.paramstyle)
        except integrity as exc:
            raise _Conflict("conflict") from exc
        except driver as exc:
            discard = self._broken(conn)
            raise StoreError(_UNAVAILABLE) from exc
        except BaseException:
            discard = self._broken(conn)
            raise
        finally:
            self._pool.put(conn, discard)

    def close(self) -> None:
        self._pool.close()


class _SQLite(_Backend):
    name = "sqlite"

    def __init__(self, path: Path, pool_size: int = 4) -> None:
        self.path = Path(path)
        super().__init__(pool_size)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = _set_wal(conn)
            if str(mode).lower() != "wal":
                raise StoreError("The class poll database needs a file system with SQLite WAL support.")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable in WAL mode except on power loss
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextlib.contextmanager
    def _begin(self, conn: sqlite3.Connection, write: bool) -> Iterator[None]:
        # IMMEDIATE: take the write lock now (waiting up to the busy timeout), so a transaction never has to
        # upgrade a read lock, which SQLite refuses without waiting.
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _errors(self) -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
        return (sqlite3.IntegrityError,), (sqlite3.Error,)

    def _broken(self, conn: sqlite3.Connection) -> bool:
        try:
            conn.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return True
        return conn.in_transaction


def _set_wal(conn: sqlite3.Connection) -> str:
    """Switch the file to WAL mode (persistent; a no-op when it already is) and return the mode.

    The switch needs an exclusive lock and, when another process opens the same new file at that moment,
    SQLite answers SQLITE_BUSY at once instead of waiting in the busy handler: retry until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
            if mode.lower() != "wal":
                mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            return mode
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class _Postgres(_Backend):
    name = "postgresql"
    paramstyle = "%s"
    select_for_update = _SELECT_SESSION_FOR_UPDATE

    def __init__(self, url: str, pool_size: int = 4) -> None:
        import psycopg  # only when PostgreSQL is used

        self._psycopg = psycopg
        self._url = url
        super().__init__(pool_size)

    def __repr__(self) -> str:  # never the URL: it may hold a password
        return "_Postgres()"

    def _connect(self) -> Any:
        return self._psycopg.connect(
            self._url, autocommit=True, connect_timeout=10, application_name="baclofen-classroom"
        )

    def _begin(self, conn: Any, write: bool) -> contextlib.AbstractContextManager:
        # Writes: one READ COMMITTED transaction, the session row locked.  Reads: autocommit, each statement
        # its own snapshot, which saves two round trips per poll of a phone or the projector.
        return conn.transaction() if write else contextlib.nullcontext()

    def _errors(self) -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
        return (self._psycopg.errors.IntegrityError,), (self._psycopg.Error,)

    def _broken(self, conn: Any) -> bool:
        return bool(conn.broken or conn.closed)

    def migration_lock(self, tx: _Tx) -> None:
        tx.one("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK_KEY,))


# ------------------------------------------------------------------------------------------- validation
def _check_slug(slug: object) -> str:
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise PollInputError("Unknown scene.")
    return slug


def _check_value(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PollInputError("An answer is one number.")
    try:
        v = float(value)
    except (OverflowError, ValueError):
        raise PollInputError("That number is out of range.") from None
    if not math.isfinite(v) or abs(v) > MAX_ABS_VALUE:
        raise PollInputError("That number is out of range.")
    return v + 0.0


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------- the store
class ClassStore:
    """Class sessions and their anonymous answers, in SQLite or PostgreSQL (see the module docstring).

    Errors are :class:`~dashboard.classroom.errors.PollError` subclasses with a one-line message for the
    user: PollInputError (malformed code, id, scene or value), SessionNotFound (missing or expired),
    NotInstructor (wrong secret), SessionEnded, QuestionClosed, RateLimited, ClassFull, StoreError
    (the database is unavailable).  Safe to share between threads.
    """

    def __init__(
        self,
        backend: _Backend,
        *,
        clock: Callable[[], float] = time.time,
        limits: Limits | None = None,
        code_factory: Callable[[], str] = codes.new_code,
        migrate: bool = True,
    ) -> None:
        self._db = backend
        self._clock = clock
        self.limits = limits or Limits()
        self._new_code = code_factory
        self._purge_lock = threading.Lock()
        self._last_purge = -math.inf
        try:
            if migrate:
                self.migrate()
                self._maybe_purge()
        except BaseException:
            backend.close()
            raise

    # ----------------------------------------------------------------------------- construction
    @classmethod
    def sqlite(cls, path: str | os.PathLike[str], *, pool_size: int = 4, **kwargs: Any) -> ClassStore:
        """A store in the SQLite file ``path`` (created with its schema if missing)."""
        return cls(_SQLite(Path(path), pool_size), **kwargs)

    @classmethod
    def postgresql(cls, url: str, *, pool_size: int = 4, **kwargs: Any) -> ClassStore:
        """A store in the PostgreSQL database at ``url`` (``postgresql://user:pw@host:port/db``)."""
        return cls(_Postgres(url, pool_size), **kwargs)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.name

    def __repr__(self) -> str:
        return f"ClassStore({self.backend})"

    def close(self) -> None:
        """Close the pooled connections (connections in use close when they are given back)."""
        self._db.close()

    def __enter__(self) -> ClassStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------- schema
    def migrate(self, target: int | None = None, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
        """Apply the missing migrations (up to ``target``) in one transaction; return the versions applied.

        Safe when several processes start at once: SQLite's write lock (SQLite) or an advisory lock
        (PostgreSQL) lets one process upgrade while the others wait, then find nothing left to do."""
        known = sorted(migrations, key=lambda m: m.version)
        with self._db.transaction(write=True) as tx:
            self._db.migration_lock(tx)
            tx.run(_SCHEMA_VERSION_TABLE)
            done = {int(r[0]) for r in tx.all("SELECT version FROM schema_version")}
            if known and done and max(done) > known[-1].version:
                raise StoreError("The class poll database was created by a newer version of this app.")
            applied = []
            for m in known:
                if m.version in done or (target is not None and m.version > target):
                    continue
                for statement in m.statements:
                    tx.run(statement)
                tx.run(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (m.version, m.name, self._clock()),
                )
                applied.append(m.version)
        return applied

    def schema_versions(self) -> list[int]:
        """The migrations applied to this database, in order."""
        with self._db.transaction(write=False) as tx:
            return [int(r[0]) for r in tx.all("SELECT version FROM schema_version ORDER BY version")]

    # ----------------------------------------------------------------------------- sessions
    def create_session(self, scene_slug: str) -> tuple[str, str]:
        """A new session showing ``scene_slug`` with its question open: (join code, instructor secret).

        The secret is returned once; the store keeps only its hash."""
        slug = _check_slug(scene_slug)
        self._maybe_purge()
        secret = codes.new_secret()
        digest = codes.hash_secret(secret)
        for _ in range(50):
            code = codes.parse_code(self._new_code())
            now = self._clock()
            try:
                with self._db.transaction(write=True) as tx:
                    tx.run(
                        "INSERT INTO class_session (code, secret_hash, scene, created_at, updated_at, expires_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (code, digest, slug, now, now, now + self.limits.ttl_s),
                    )
            except _Conflict:
                continue  # the code is taken by another session: draw again
            return code, secret
        raise StoreError("No free class code was found: try again.")

    def get_session(self, code: str) -> SessionSnapshot | None:
        """The session's public state, or None when there is none with this code or it has expired."""
        code = codes.parse_code(code)
        self._maybe_purge()
        with self._db.transaction(write=False) as tx:
            row = self._row(tx, code, self._clock())
        return None if row is None else _snapshot(row)

    def set_scene(self, code: str, secret: str, scene_slug: str) -> SessionSnapshot:
        """Instructor: show another scene (next or previous) with its question open."""
        slug = _check_slug(scene_slug)
        return self._steer(code, secret, {"scene": slug, "step": 0})

    def reveal(self, code: str, secret: str) -> SessionSnapshot:
        """Instructor: close the question and reveal the answer."""
        return self._steer(code, secret, {"step": 1})

    def reopen(self, code: str, secret: str) -> SessionSnapshot:
        """Instructor: hide the answer again and reopen the question (answers may change again)."""
        return self._steer(code, secret, {"step": 0})

    def end(self, code: str, secret: str) -> SessionSnapshot:
        """Instructor: end the poll (no more answers or steering; the export works until expiry)."""
        return self._steer(code, secret, {"ended": 1}, allow_ended=True)

    def _row(self, tx: _Tx, code: str, now: float, lock: bool = False) -> tuple | None:
        return tx.one(self._db.select_for_update if lock else _SELECT_SESSION, (code, now))

    def _instructor_row(self, tx: _Tx, code: str, secret: object, now: float, lock: bool) -> tuple:
        row = self._row(tx, code, now, lock)
        if row is None:
            raise SessionNotFound()
        if not codes.verify_secret(secret, row[11]):
            raise NotInstructor()
        return row

    def _steer(
        self, code: str, secret: str, change: Mapping[str, int | str], allow_ended: bool = False
    ) -> SessionSnapshot:
        code = codes.parse_code(code)
        now = self._clock()
        with self._db.transaction(write=True) as tx:
            row = self._instructor_row(tx, code, secret, now, lock=True)
            snap = _snapshot(row)
            if snap.ended:
                if allow_ended:
                    return snap
                raise SessionEnded()
            new = {"scene": snap.scene, "step": snap.step, "ended": int(snap.ended), **change}
            if (new["scene"], new["step"], new["ended"]) != (snap.scene, snap.step, int(snap.ended)):
                tx.run(
                    "UPDATE class_session SET scene = ?, step = ?, ended = ?, version = version + 1, "
                    "updated_at = ? WHERE code = ?",
                    (new["scene"], new["step"], new["ended"], now, code),
                )
                row = self._row(tx, code, now)
        return _snapshot(row)

    # ----------------------------------------------------------------------------- answers
    def submit(self, code: str, student_id: str, scene_slug: str, value: float) -> bool:
        """Record a student's answer to the open question of ``scene_slug``; True if it replaced the
        student's earlier answer (each student has one answer per scene).

        Refused (nothing stored) when the session is missing or expired (SessionNotFound) or ended
        (SessionEnded), when ``scene_slug`` is not the scene shown or its answer is revealed
        (QuestionClosed), when the student submits too often (RateLimited) or the class is full (ClassFull).
        ``value`` must already be checked against the question's range (``answers.parse_answer``)."""
        code = codes.parse_code(code)
        sid = codes.check_student_id(student_id)
        slug = _check_slug(scene_slug)
        v = _check_value(value)
        lim = self.limits
        now = self._clock()
        with self._db.transaction(write=True) as tx:
            row = self._row(tx, code, now, lock=True)
            if row is None:
                raise SessionNotFound()
            s = _snapshot(row)
            if s.ended:
                raise SessionEnded()
            if s.scene != slug:
                raise QuestionClosed("This question is closed: the class has moved to another scene.")
            if s.step != 0:
                raise QuestionClosed("The answer has been revealed: this question is closed.")
            student = tx.one(
                "SELECT last_at, window_start, window_count FROM class_student WHERE code = ? AND student_id = ?",
                (code, sid),
            )
            new_student = student is None
            if new_student:
                if s.students >= lim.max_students:
                    raise ClassFull(f"The class is full ({lim.max_students} students).")
                existing = None
            else:
                last_at, window_start, window_count = float(student[0]), float(student[1]), int(student[2])
                if now - last_at < lim.min_interval_s:
                    raise RateLimited("Wait a second before sending again.")
                if now - window_start >= lim.window_s:
                    window_start, window_count = now, 0
                if window_count >= lim.per_window:
                    raise RateLimited("Too many answers in a minute: wait a little.")
                existing = tx.one(
                    "SELECT 1 FROM class_answer WHERE code = ? AND scene = ? AND student_id = ?", (code, slug, sid)
                )
            if existing is None and s.answers >= lim.max_answers:
                raise ClassFull(f"This session has reached its {lim.max_answers} answers.")
            if new_student:
                tx.run(
                    "INSERT INTO class_student (code, student_id, idx, last_at, window_start, window_count) "
                    "VALUES (?, ?, ?, ?, ?, 1)",
                    (code, sid, s.students + 1, now, now),
                )
            else:
                tx.run(
                    "UPDATE class_student SET last_at = ?, window_start = ?, window_count = ? "
                    "WHERE code = ? AND student_id = ?",
                    (now, window_start, window_count + 1, code, sid),
                )
            if existing is None:
                tx.run(
                    "INSERT INTO class_answer (code, scene, student_id, value, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (code, slug, sid, v, now, now),
                )
            else:
                tx.run(
                    "UPDATE class_answer SET value = ?, updated_at = ? WHERE code = ? AND scene = ? AND student_id = ?",
                    (v, now, code, slug, sid),
                )
            tx.run(
                "UPDATE class_session SET answer_seq = answer_seq + 1, n_students = n_students + ?, "
                "n_answers = n_answers + ? WHERE code = ?",
                (int(new_student), int(existing is None), code),
            )
        return existing is not None

    def _live(self, tx: _Tx, code: str) -> None:
        if self._row(tx, code, self._clock()) is None:
            raise SessionNotFound()

    def count(self, code: str, scene_slug: str) -> int:
        """How many students have answered this scene's question."""
        code, slug = codes.parse_code(code), _check_slug(scene_slug)
        with self._db.transaction(write=False) as tx:
            self._live(tx, code)
            row = tx.one("SELECT COUNT(*) FROM class_answer WHERE code = ? AND scene = ?", (code, slug))
        return int(row[0]) if row else 0

    def answers(self, code: str, scene_slug: str) -> list[float]:
        """The room's answers to this scene's question, one per student, in ascending order."""
        code, slug = codes.parse_code(code), _check_slug(scene_slug)
        with self._db.transaction(write=False) as tx:
            self._live(tx, code)
            rows = tx.all("SELECT value FROM class_answer WHERE code = ? AND scene = ? ORDER BY value", (code, slug))
        return [float(r[0]) for r in rows]

    def summary(self, code: str, scene_slug: str, model_answer: float) -> PollSummary:
        """n, median and share within 20 % of the model's answer (:func:`summary.summarize`)."""
        return summarize(self.answers(code, scene_slug), model_answer)

    def export_csv(self, code: str, secret: str) -> str:
        """Instructor: the session's answers as CSV: ``scene,value,answered_at,student`` where student is a
        number within this session (1 = the first to answer), never the browser's id.  Also after end."""
        code = codes.parse_code(code)
        with self._db.transaction(write=False) as tx:
            self._instructor_row(tx, code, secret, self._clock(), lock=False)
            rows = tx.all(
                "SELECT a.scene, a.value, a.updated_at, s.idx FROM class_answer a JOIN class_student s "
                "ON a.code = s.code AND a.student_id = s.student_id WHERE a.code = ? "
                "ORDER BY a.updated_at, s.idx, a.scene",
                (code,),
            )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["scene", "value", "answered_at", "student"])
        for scene, value, at, idx in rows:
            writer.writerow([scene, repr(float(value)), _iso(float(at)), int(idx)])
        return out.getvalue()

    # ----------------------------------------------------------------------------- expiry
    def purge_expired(self, now: float | None = None) -> int:
        """Delete the sessions expired at ``now`` (default: the clock) with their students and answers;
        return how many sessions were deleted.  Cheap when there is nothing to delete (a read only)."""
        now = self._clock() if now is None else float(now)
        with self._db.transaction(write=False) as tx:
            if tx.one("SELECT 1 FROM class_session WHERE expires_at <= ? LIMIT 1", (now,)) is None:
                return 0
        with self._db.transaction(write=True) as tx:
            tx.run(
                "DELETE FROM class_answer WHERE code IN (SELECT code FROM class_session WHERE expires_at <= ?)", (now,)
            )
            tx.run(
                "DELETE FROM class_student WHERE code IN (SELECT code FROM class_session WHERE expires_at <= ?)", (now,)
            )
            return tx.run("DELETE FROM class_session WHERE expires_at <= ?", (now,))

    def _maybe_purge(self) -> None:
        """purge_expired at most once per ``limits.purge_every_s`` in this process."""
        now = self._clock()
        with self._purge_lock:
            if now - self._last_purge < self.limits.purge_every_s:
                return
            self._last_purge = now
        self.purge_expired(now)


def _sqlite_path(folder: Path) -> Path:
    """``folder/classroom.sqlite3``; a folder created here gets a ``.gitignore`` so its data is never committed."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        (folder / ".gitignore").write_text("# class poll data (created by dashboard.classroom.store)\n*\n")
    return folder / SQLITE_FILE


def open_store(environ: Mapping[str, str] | None = None, **kwargs: Any) -> ClassStore:
    """The store the environment asks for: PostgreSQL if ``CLASSROOM_DATABASE_URL`` is set, else SQLite in
    ``CLASSROOM_DATA_DIR`` (default ``./.data``).  Keyword arguments go to :class:`ClassStore`."""
    env = os.environ if environ is None else environ
    url = env.get(ENV_DATABASE_URL, "").strip()
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise StoreConfigError(f"{ENV_DATABASE_URL} must be a postgresql:// URL.")
        return ClassStore.postgresql(url, **kwargs)
    folder = Path(env.get(ENV_DATA_DIR, "").strip() or DEFAULT_DATA_DIR)
    try:
        path = _sqlite_path(folder)
    except OSError as exc:
        raise StoreConfigError(f"{ENV_DATA_DIR} is not a folder this app can write to.") from exc
    return ClassStore.sqlite(path, **kwargs)
