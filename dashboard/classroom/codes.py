"""Join codes, student ids and the instructor secret.

A join code is 4 to 6 characters (5 when generated) from an alphabet without look-alikes: none of
0 O D Q, 1 I L, 2 Z, 5 S, 8 B, G (6), U (V).  What a student types is normalised first: Unicode
compatibility forms (full-width letters), case, spaces and dashes, Cyrillic and Greek capitals that look
like Latin ones, and the two look-alikes whose partner is in the alphabet (G -> 6, U -> V).  The others
(0/O, 1/I/L, 2/Z, 5/S, 8/B) have no partner in the alphabet, so they are refused with a message.

The instructor secret is a random URL-safe token held in the instructor's browser session; the store
keeps only its SHA-256 (the secret has 192 random bits, so a fast hash is enough) and compares in
constant time.  Student ids are random tokens too, one per browser session, never derived from a person.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from .errors import PollInputError

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "MAX_CODE_LENGTH",
    "MIN_CODE_LENGTH",
    "check_student_id",
    "hash_secret",
    "new_code",
    "new_secret",
    "new_student_id",
    "parse_code",
    "verify_secret",
]

ALPHABET = "34679ACEFHJKMNPRTVWXY"
CODE_LENGTH = 5
MIN_CODE_LENGTH = 4
MAX_CODE_LENGTH = 6
MAX_TYPED_CHARS = 40  # anything longer is not a code someone typed from a projector
SECRET_BYTES = 24
STUDENT_ID_BYTES = 16
_STUDENT_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.·•]+")  # spaces, dashes, minus, dots people add
# Look-alikes mapped to the alphabet: G -> 6 and U -> V (their partner is in the alphabet, so unambiguous);
# Cyrillic and Greek capitals drawn like Latin ones (after upper-casing what was typed).
_LOOKALIKES = str.maketrans("GUАСЕНКМРТХУΑΕΗΚΜΝΡΤΧΥ", "6VACEHKMPTXYAEHKMNPTXY")
_NOT_USED = "0ODQ1IL2Z5S8B"  # look-alikes without a partner: refused with a hint
_HINT = "check the code on the screen"


def new_code(length: int = CODE_LENGTH) -> str:
    """A random join code (the store retries on the rare collision with a live session)."""
    if not MIN_CODE_LENGTH <= length <= MAX_CODE_LENGTH:
        raise ValueError(f"code length must be {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH}")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def parse_code(text: object) -> str:
    """The canonical code for what a student typed (or a URL carried); PollInputError with one line if it
    is not a well-formed code.  Well-formed does not mean that such a session exists."""
    if not isinstance(text, str):
        raise PollInputError("Type the class code shown on the screen.")
    if len(text) > MAX_TYPED_CHARS:
        raise PollInputError(f"A class code has {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} characters: {_HINT}.")
    s = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    s = s.translate(_LOOKALIKES)
    if not s:
        raise PollInputError("Type the class code shown on the screen.")
    for c in s:
        if c not in ALPHABET:
            if c in _NOT_USED:
                raise PollInputError(f"Class codes have no {c!r}: {_HINT}.")
            raise PollInputError(f"Class codes have only letters and digits: {_HINT}.")
    if not MIN_CODE_LENGTH <= len(s) <= MAX_CODE_LENGTH:
        raise PollInputError(f"A class code has {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} characters; this has {len(s)}.")
    return s


def new_secret() -> str:
    """The instructor's secret for one session (kept in the instructor's browser session only)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """What the store keeps instead of the secret: hex SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def verify_secret(secret: object, stored_hash: str) -> bool:
    """True when ``secret`` is the one whose hash is stored; constant time in the secret's content."""
    if not isinstance(secret, str) or not 0 < len(secret) <= 256 or not isinstance(stored_hash, str):
        return False
    try:
        digest = hash_secret(secret)
    except UnicodeEncodeError:  # lone surrogates
        return False
    return hmac.compare_digest(digest.encode("ascii"), stored_hash.encode("ascii", "replace"))


def new_student_id() -> str:
    """An anonymous random id for one browser session (nothing about the person)."""
    return secrets.token_urlsafe(STUDENT_ID_BYTES)


def check_student_id(student_id: object) -> str:
    """The id itself if it looks like one of ours (16 to 64 URL-safe characters), else PollInputError."""
    if not isinstance(student_id, str) or not _STUDENT_ID.fullmatch(student_id):
        raise PollInputError("This browser session has no valid student id: reload the page.")
    return student_id
