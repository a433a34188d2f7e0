"""The room's guesses against the model's answer: how many, their median, the share within 20 %.

"Within" is the Lecture page's rule for one guess (``pkmodels.scenes.guess_error``): the guess minus the
answer, as a percentage of the answer, is at most 20 % either way; when the answer is 0 only an exact 0
counts.  Pure and small, so it is tested without a database (and against ``guess_error``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["WITHIN_PERCENT", "PollSummary", "summarize", "within"]

WITHIN_PERCENT = 20.0  # = pkmodels.scenes.WELL_PREDICTED_PERCENT (a test checks they agree)


@dataclass(frozen=True)
class PollSummary:
    n: int  # answers counted (one per student)
    median: float | None  # None when nobody answered
    n_within: int  # answers within WITHIN_PERCENT of the model's answer
    share_within: float | None  # n_within / n, 0..1; None when nobody answered
    model_answer: float


def within(guess: float, truth: float, percent: float = WITHIN_PERCENT) -> bool:
    """The guess is within ``percent`` of the (non-zero) truth; for a zero truth, only 0 is."""
    diff = float(guess) - float(truth)
    if truth == 0:
        return diff == 0
    return abs(100.0 * diff / abs(truth)) <= percent


def summarize(values: Iterable[float], model_answer: float, percent: float = WITHIN_PERCENT) -> PollSummary:
    """Summary of the answers (non-finite values are ignored: the store never holds any)."""
    xs = [float(v) for v in values if math.isfinite(v)]
    if not xs:
        return PollSummary(0, None, 0, None, float(model_answer))
    k = sum(within(x, model_answer, percent) for x in xs)
    return PollSummary(len(xs), float(statistics.median(xs)), k, k / len(xs), float(model_answer))
