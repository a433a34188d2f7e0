"""What the instructor's Lecture page and the students' join page share in a class poll: the store (one per
process), the model's answer to a scene, the range an answer must lie in, and the UI layer's parsing of what
a student typed and of a class code.

Parsing goes through :mod:`dashboard.classroom` (plain numbers and codes only, nothing evaluated); the
ranges are generous (a guess may be far off) but bounded, and never depend on the model's answer, so a
refused number tells nothing about the answer.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard import ui
from dashboard.classroom.answers import parse_answer
from dashboard.classroom.codes import parse_code
from dashboard.classroom.errors import PollInputError
from dashboard.classroom.store import ClassStore, open_store
from pkmodels.scenes import Scene, scene, scene_answer

__all__ = [
    "ANSWER_RANGES",
    "DEFAULT_RANGE",
    "answer_range",
    "check_answer",
    "check_code",
    "get_store",
    "model_answer",
]

# Unit of a scene's prediction -> (lowest, highest) answer accepted.  Wide enough for any honest guess,
# narrow enough that "1e300" or a phone number is refused with a message.
ANSWER_RANGES: dict[str, tuple[float, float]] = {
    "%": (0.0, 1000.0),
    "mg/day": (0.0, 10_000.0),
    "times": (0.0, 10_000.0),
    "Ashworth points": (0.0, 4.0),  # the Ashworth scale has 5 steps, 0-4
    "h": (0.0, 2000.0),  # about three months
    "index": (0.0, 1.0),
}
DEFAULT_RANGE = (0.0, 1e6)


def answer_range(sc: Scene) -> tuple[float, float]:
    """The (low, high) an answer to this scene's question must lie in."""
    return ANSWER_RANGES.get(sc.predict.unit, DEFAULT_RANGE)


def check_answer(raw: object, sc: Scene) -> float:
    """A student's answer to ``sc`` as a float, or PollInputError with a one-line message for the student.

    ``raw`` is what the answer box holds (text: "12", "12,5", "30 %", "12 h"), or a number.  Text, NaN,
    infinities, numbers outside :func:`answer_range` and anything longer than a number are refused."""
    low, high = answer_range(sc)
    value = parse_answer(raw, low, high, suffixes=("%", sc.predict.unit))
    if not math.isfinite(value):  # pragma: no cover - parse_answer refuses these; kept as a guard
        raise PollInputError("Type one number, e.g. 12 or 12.5.")
    return value


def check_code(raw: object) -> str:
    """The canonical class code for what was typed or came in the URL; PollInputError with one line."""
    if isinstance(raw, (list, tuple)):  # a URL key given twice: the first one
        raw = raw[0] if raw else ""
    return parse_code(raw)


@st.cache_resource(show_spinner=False)
def get_store() -> ClassStore:
    """The process's class poll store (SQLite in $CLASSROOM_DATA_DIR, or $CLASSROOM_DATABASE_URL)."""
    return open_store()


@st.cache_data(max_entries=32, show_spinner=False)
def model_answer(slug: str) -> float:
    """The model's answer to a scene's prediction (cached: scenes are fixed data)."""
    s = scene(slug)
    return scene_answer(s, {r.key: ui.run(r.scenario) for r in s.runs})
