"""Property tests of the UI layer's parsing (dashboard.lecture.room): whatever a phone sends as an answer or
a code, the result is a finite number inside the scene's range or a one-line PollInputError; nothing else
escapes.  Plus a few hostile answers through the real page, which must store exactly what the parser accepts."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dashboard.classroom.codes import ALPHABET, MAX_CODE_LENGTH, MIN_CODE_LENGTH
from dashboard.classroom.errors import PollInputError
from dashboard.lecture.room import ANSWER_RANGES, answer_range, check_answer, check_code, model_answer
from pkmodels.scenes import SCENES, scene

from .poll import send, student

NASTY_TEXT = st.one_of(
    st.text(max_size=50),
    st.sampled_from(
        [
            "nan",
            "-nan",
            "inf",
            "+inf",
            "Infinity",
            "1e308",
            "1e309",
            "-0",
            "0x1f",
            "1_000",
            "1,000",
            "12,5",
            "٣",
            "１２",
            "10²",
            "①",
            "1e-400",
            " 12 ",
            "12 %",
            "12 h",
            "12%%",
            "--1",
            "+-1",
            "1e",
            ".",
            "-",
            "1 000",
            "1 000 000",
            "\u00a012",
            "12\u2009",
            "<b>1</b>",
            "${7*7}",
            "{{7*7}}",
            "9" * 33,
        ]
    ),
    st.floats().map(repr),
    st.floats().map(str),
    st.integers(-(10**40), 10**40).map(str),
)
NASTY_VALUE = st.one_of(NASTY_TEXT, st.floats(), st.integers(-(10**400), 10**400), st.none(), st.booleans())


@pytest.mark.parametrize("slug", [s.slug for s in SCENES])
@settings(max_examples=300, deadline=None)
@given(raw=NASTY_VALUE)
def test_an_answer_is_a_finite_number_in_range_or_a_one_line_message(slug, raw):
    sc = scene(slug)
    low, high = answer_range(sc)
    try:
        value = check_answer(raw, sc)
    except PollInputError as exc:
        message = str(exc)
        assert message
        assert "\n" not in message
        assert len(message) < 120
        assert not set(message) & set("<>`*[]{}#")  # no markup, and nothing typed is echoed back
        return
    assert isinstance(value, float)
    assert math.isfinite(value)
    assert low <= value <= high


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=4))
def test_plain_numbers_in_range_come_back_as_they_were_typed(x):
    sc = scene("catheter-tip")  # 0-4 Ashworth points
    assert check_answer(repr(x), sc) == x
    assert check_answer(x, sc) == x


@settings(max_examples=500, deadline=None)
@given(raw=st.one_of(st.text(max_size=60), st.lists(st.text(max_size=8), max_size=3), st.integers(), st.none()))
def test_a_code_is_canonical_or_a_one_line_message(raw):
    try:
        code = check_code(raw)
    except PollInputError as exc:
        assert "\n" not in str(exc)  # noqa: PT017
        return
    assert MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH
    assert set(code) <= set(ALPHABET)
    assert check_code(code) == code  # canonical: idempotent


@given(code=st.text(alphabet=ALPHABET, min_size=MIN_CODE_LENGTH, max_size=MAX_CODE_LENGTH))
def test_every_well_formed_code_survives_lower_case_and_separators(code):
    assert check_code(code.lower()) == code
    assert check_code(" - ".join(code)) == code


def test_every_scene_has_a_range_and_its_model_answer_lies_inside():
    for sc in SCENES:
        assert sc.predict.unit in ANSWER_RANGES, sc.predict.unit
        low, high = answer_range(sc)
        assert low <= model_answer(sc.slug) <= high, sc.slug


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(raw=NASTY_TEXT)
def test_through_the_page_exactly_what_the_parser_accepts_is_stored(store, clock, raw):
    assume(len(raw) <= 32)  # the box takes at most 32 characters (what the parser allows)
    sc = SCENES[0]
    code, _ = store.create_session(sc.slug)
    at = student(code)
    send(at, code, sc.slug, raw)
    assert not at.exception
    try:
        expected = [check_answer(raw, sc)]
    except PollInputError:
        expected = []
        assert at.error
    assert store.answers(code, sc.slug) == expected
