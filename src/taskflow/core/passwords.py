"""Password policy (NIST SP 800-63B / ASVS): length in code points, no composition rules,
the most common passwords refused.

The common-password list is the 30,000 most used passwords that ship with `zxcvbn`
(maintained on PyPI), compared case-insensitively, also with trailing digits and symbols
stripped ("Password123!" is "password"), so the obvious variations of a listed word fail too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from taskflow.core.security import normalize_password

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# Words that make a password guessable on this site in particular (ASVS "context words").
SITE_WORDS = frozenset({"taskflow", "task flow"})

_TRAILING_NOISE = re.compile(r"[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, context_words: Iterable[str] = ()) -> str | None:
    """Why `password` is refused, or None when it is acceptable."""
    # Code points as sent, which is what the API schema can state (minLength/maxLength);
    # normalisation only decides what is compared and hashed.
    length = len(password)
    if length < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if length > MAX_PASSWORD_LENGTH:
        return f"Password must be at most {MAX_PASSWORD_LENGTH} characters"
    normalized = normalize_password(password)
    candidates = _variants(normalized)
    if candidates & common_passwords():
        return "This password is too common; choose a less guessable one"
    words: set[str] = set()
    for word in SITE_WORDS | {word for word in context_words if word}:
        words |= _variants(word)
    if candidates & words:
        return "Password must not be your username, your email or the site's name"
    return None


def _variants(text: str) -> set[str]:
    """The case-folded text, and its stem without trailing digits and symbols."""
    folded = text.casefold()
    stem = _TRAILING_NOISE.sub("", folded)
    # "x1234567" keeps no word worth comparing
    return {folded, stem} if len(stem) >= 4 else {folded}
