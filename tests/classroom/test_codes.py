"""Join codes, student ids and the instructor secret (no database)."""

from __future__ import annotations

import hashlib
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.classroom import codes
from dashboard.classroom.codes import (
    ALPHABET,
    check_student_id,
    hash_secret,
    new_code,
    new_secret,
    new_student_id,
    parse_code,
    verify_secret,
)
from dashboard.classroom.errors import PollInputError

LOOKALIKES = "0OQD1IL2Z5S8BGU"  # never in a code (G and U are read as 6 and V)
code_chars = st.sampled_from(sorted(ALPHABET))
well_formed = st.text(code_chars, min_size=4, max_size=6)


def test_the_alphabet_has_no_look_alikes_and_only_capitals_and_digits():
    assert not set(ALPHABET) & set(LOOKALIKES)
    assert set(ALPHABET) <= set(string.ascii_uppercase + string.digits)
    assert len(set(ALPHABET)) == len(ALPHABET) == 21


@pytest.mark.parametrize(("length", "expected"), [(None, 5), (4, 4), (6, 6)])
def test_generated_codes_have_the_length_and_alphabet(length, expected):
    for _ in range(200):
        code = new_code() if length is None else new_code(length)
        assert len(code) == expected
        assert set(code) <= set(ALPHABET)
        assert parse_code(code) == code


@pytest.mark.parametrize("length", [0, 3, 7])
def test_code_length_outside_four_to_six_is_a_programming_error(length):
    with pytest.raises(ValueError, match="length"):
        new_code(length)


def test_codes_are_drawn_with_the_secrets_module(monkeypatch):
    calls = []

    def choice(seq):
        calls.append(seq)
        return seq[0]

    monkeypatch.setattr(codes.secrets, "choice", choice)
    assert new_code() == "33333"
    assert calls == [ALPHABET] * 5


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ACEFH", "ACEFH"),
        ("acefh", "ACEFH"),
        ("  ac efh ", "ACEFH"),
        ("AC-EFH", "ACEFH"),
        ("ac–efh", "ACEFH"),  # en dash
        ("ac\u00a0e f\th", "ACEFH"),  # no-break space, tab
        ("ＡＣＥＦＨ", "ACEFH"),  # full width
        ("g7u9", "67V9"),  # G -> 6, U -> V
        ("АСЕК", "ACEK"),  # Cyrillic capitals
        ("асек", "ACEK"),  # Cyrillic small letters
        ("ΑΚΜΝ", "AKMN"),  # Greek capitals
        ("3467", "3467"),
        ("34679A", "34679A"),
    ],
)
def test_typed_codes_are_normalised(typed, code):
    assert parse_code(typed) == code


@pytest.mark.parametrize("c", list("0O1IL2Z5S8B"))
def test_a_look_alike_without_a_partner_is_refused_by_name(c):
    with pytest.raises(PollInputError, match=f"no '{c}'"):
        parse_code(f"AC{c}EF")
    with pytest.raises(PollInputError, match=f"no '{c}'"):
        parse_code(f"ac{c.lower()}ef")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the class code"),
        ("   - ", "Type the class code"),
        (None, "Type the class code"),
        (12345, "Type the class code"),
        ("ACE", "this has 3"),
        ("ACEFHJK", "this has 7"),
        ("A" * 41, "4 to 6 characters"),
        ("AC<EF", "only letters and digits"),
        ("AC\x00EF", "only letters and digits"),
        ("ACé", "only letters and digits"),
    ],
)
def test_malformed_codes_get_one_line(typed, message):
    with pytest.raises(PollInputError, match=message) as err:
        parse_code(typed)
    assert "\n" not in str(err.value)


@settings(max_examples=300)
@given(code=well_formed, data=st.data())
def test_any_decoration_of_a_code_reads_back_as_the_code(code, data):
    seps = st.sampled_from([" ", "-", "  ", "\t", "\u2013", ""])
    typed = "".join(data.draw(st.sampled_from([c, c.lower()])) + data.draw(seps) for c in code)
    assert parse_code(data.draw(seps) + typed) == code


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec="utf-8")),
        st.binary().map(repr),
        st.text(code_chars | st.sampled_from(list("0O1IL-  gu")), max_size=12),
    )
)
def test_arbitrary_text_gives_a_valid_code_or_a_one_line_poll_input_error(text):
    try:
        code = parse_code(text)
    except PollInputError as exc:
        msg = str(exc)
        assert "\n" not in msg
        assert len(msg) < 100
        assert msg.isascii()
    else:
        assert 4 <= len(code) <= 6
        assert set(code) <= set(ALPHABET)


def test_secrets_are_long_random_url_safe_tokens():
    a, b = new_secret(), new_secret()
    assert a != b
    assert len(a) >= 32
    assert set(a) <= set(string.ascii_letters + string.digits + "-_")


def test_only_a_sha256_of_the_secret_is_kept_and_verification_is_exact():
    secret = new_secret()
    stored = hash_secret(secret)
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in stored
    assert verify_secret(secret, stored)
    for wrong in [
        secret[:-1],
        secret + "x",
        secret.upper() if secret.upper() != secret else secret + "y",
        "",
        " " + secret,
        stored,
        new_secret(),
        None,
        42,
        b"x",
        "x" * 10_000,
        "\ud800",
    ]:
        assert not verify_secret(wrong, stored), wrong


def test_verification_compares_in_constant_time(monkeypatch):
    seen = []
    real = codes.hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes.hmac, "compare_digest", spy)
    secret = new_secret()
    assert verify_secret(secret, hash_secret(secret))
    assert not verify_secret("other", hash_secret(secret))
    assert len(seen) == 2


def test_student_ids():
    sid = new_student_id()
    assert check_student_id(sid) == sid
    assert new_student_id() != sid
    check_student_id("a" * 16)
    check_student_id("A-_9" * 16)
    for bad in [
        "",
        "a" * 15,
        "a" * 65,
        "a" * 15 + "!",
        "a" * 15 + "é",
        "a" * 16 + "\n",
        None,
        1234567890123456789,
        "ａ" * 16,
    ]:
        with pytest.raises(PollInputError, match="reload the page"):
            check_student_id(bad)
