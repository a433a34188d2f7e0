"""Exceptions of the class poll.  Every message is one short line, safe to show as it is: it never echoes
what a user typed (beyond a single letter or digit) and never names a database, a path or a password."""

from __future__ import annotations

__all__ = [
    "ClassFull",
    "NotInstructor",
    "PollError",
    "PollInputError",
    "QuestionClosed",
    "RateLimited",
    "SessionEnded",
    "SessionNotFound",
    "StoreConfigError",
    "StoreError",
]


class PollError(Exception):
    """Base class: an operation of the class poll was refused; ``str(exc)`` is the message for the user."""


class PollInputError(PollError, ValueError):
    """What a student or a URL supplied is not usable (an answer, a code, an id, a scene name)."""


class SessionNotFound(PollError):
    """No class session with this code, or it has expired (the caller says so and nothing more)."""

    def __init__(self, message: str = "Class session not found or expired.") -> None:
        super().__init__(message)


class NotInstructor(PollError):
    """The instructor secret does not match: only the instructor's browser may steer the session."""

    def __init__(self, message: str = "Only the instructor of this class session can do that.") -> None:
        super().__init__(message)


class SessionEnded(PollError):
    """The instructor has ended the session: no more answers, no more steering (the export still works)."""

    def __init__(self, message: str = "This class poll has ended.") -> None:
        super().__init__(message)


class QuestionClosed(PollError):
    """The answer is for a question that is not open: another scene, or already revealed."""


class RateLimited(PollError):
    """The same student submits too often."""


class ClassFull(PollError):
    """The session has reached its cap of students or answers."""


class StoreError(PollError):
    """The store itself cannot work (a newer schema, a pool exhausted for too long)."""


class StoreConfigError(StoreError):
    """The environment names a store that cannot be used (one line; never echoes a database URL)."""
