"""The password policy: length in code points as sent, common and context words refused."""

from __future__ import annotations

import pytest

from taskflow.core.passwords import common_passwords, password_problem


def test_the_common_list_comes_from_a_maintained_package() -> None:
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"password", "123456789", "iloveyou"} <= listed


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "a" * 7 + "ß", "ñøçåéüîß", "x" * 128, "lower case only"],
)
def test_acceptable_passwords(password: str) -> None:
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 8"),
        ("x" * 129, "at most 128"),
        ("password", "too common"),
        ("PASSWORD", "too common"),
        ("Password123!", "too common"),
        ("sunshine2024", "too common"),
        ("taskflow1", "site's name"),
    ],
)
def test_refused_passwords(password: str, reason: str) -> None:
    problem = password_problem(password)
    assert problem is not None
    assert reason in problem


def test_length_is_counted_in_code_points_as_sent() -> None:
    # What the API schema states (minLength 8, maxLength 128); NFKC only decides what is
    # compared and hashed. U+FB00 (one code point) becomes "ff": 7 code points sent.
    assert password_problem("\ufb00zqxjvk") is not None
    # 8 code points that NFKC composes into 4 characters: 8 sent, accepted.
    assert password_problem("e\u0301" * 4) is None
    assert password_problem("é" * 129) is not None


def test_context_words_are_refused() -> None:
    assert password_problem("GraceHopper1906", ("gracehopper",)) is not None
    assert password_problem("GraceHopper1906", ("someone else",)) is None
