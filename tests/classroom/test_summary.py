"""The room's summary: n, median, share within 20 % (pure, no database)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.classroom.summary import WITHIN_PERCENT, PollSummary, summarize, within
from pkmodels.scenes import WELL_PREDICTED_PERCENT, guess_error


def test_hand_computed_example():
    # model answer 10: 8 and 12 are exactly 20 % off (within), 13 and 30 are not
    s = summarize([30, 8, 12, 10, 13], 10)
    assert s == PollSummary(n=5, median=12.0, n_within=3, share_within=0.6, model_answer=10.0)


def test_even_count_median_is_the_mean_of_the_middle_two():
    assert summarize([1, 2, 3, 10], 100).median == 2.5
    assert summarize([1, 2, 3, 10], 100).share_within == 0.0


def test_nobody_answered():
    assert summarize([], 3.0) == PollSummary(0, None, 0, None, 3.0)


def test_negative_answers_use_the_size_of_the_truth():
    assert within(-9, -10)
    assert within(-12, -10)
    assert not within(-12.5, -10)
    assert not within(10, -10)


def test_a_zero_truth_counts_only_exact_zeros():
    assert summarize([0, 0.0001, -0.0001, 0], 0).n_within == 2


def test_non_finite_values_are_ignored():
    assert summarize([math.nan, 1.0, math.inf], 1.0) == PollSummary(1, 1.0, 1, 1.0, 1.0)


def test_same_threshold_as_the_lecture_page():
    assert WITHIN_PERCENT == WELL_PREDICTED_PERCENT == 20.0


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@settings(max_examples=500)
@given(guess=finite, truth=finite)
def test_within_agrees_with_the_lecture_pages_rule_for_one_guess(guess, truth):
    assert within(guess, truth) == guess_error(guess, truth).well_predicted


@settings(max_examples=300)
@given(values=st.lists(finite, min_size=1, max_size=60), truth=finite)
def test_summary_properties(values, truth):
    s = summarize(values, truth)
    ordered = sorted(values)
    n = len(values)
    assert s.n == n
    expected_median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    assert s.median == pytest.approx(expected_median, rel=1e-12, abs=1e-12)
    assert s.n_within == sum(guess_error(v, truth).well_predicted for v in values)
    assert 0.0 <= s.share_within <= 1.0
    assert s.share_within == s.n_within / n
