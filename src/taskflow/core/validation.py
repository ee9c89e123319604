"""Input types shared by every domain: JSON-typed scalars, database-safe ids, text and times.

The OpenAPI schema must say exactly what is accepted, so each type here both validates and
declares itself (type, bounds, `pattern`):

- Bodies are JSON and nothing is coerced: `false` and `"2"` are not numbers, `0` is not a
  time (422). FastAPI validates the decoded JSON in Pydantic's Python mode, where strict mode
  would also refuse a time sent as a string; so each scalar states the JSON type it takes.
- Text never holds NUL (PostgreSQL text cannot store it) nor a lone surrogate: the one check
  is `Text`, in every text type of every request (bodies and query values), and the schema
  says so with a `pattern`. tests/test_request_schemas.py walks the whole OpenAPI schema so
  that no text input escapes it. (At login a name with NUL names nobody: 401.)
- Times are RFC 3339 strings with an offset (the SPEC: "ISO 8601 with offset"), stored in UTC.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# Ids are 64-bit in the database, but no id beyond 2**53 - 1 will ever exist, and it is the
# largest integer every JSON client (JavaScript's Number) holds exactly.
MAX_ID = 2**53 - 1

# What `str.strip()` removes (str.isspace()), spelled out so that every regex engine reading
# the schema agrees on it (`\s` differs between Python and ECMAScript).
_SPACE_CLASS = "".join(
    f"\\u{code:04x}" for code in range(sys.maxunicode + 1) if chr(code).isspace()
)
NUL_FREE_PATTERN = "^[^\\u0000]*$"
NOT_BLANK_PATTERN = f"^[^\\u0000]*[^\\u0000{_SPACE_CLASS}][^\\u0000]*$"


class RequestBody(BaseModel):
    """Base of every request body: unknown fields are refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")


# Scalars: the JSON type, nothing coerced


def json_integer(value: Any) -> Any:
    # JSON Schema's integer includes 2.0; a bool or a string is not a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# The JSON Schema integer check, applied before pydantic's int. Bounds go *before* it in the
# `Annotated` (`Annotated[int, Field(ge=…), BeforeValidator(json_integer)]`): placed after it,
# pydantic writes them into the OpenAPI schema as `ge`/`le`, which no client or fuzzer reads,
# instead of `minimum`/`maximum` (tests/test_request_schemas.py checks every schema for it).
JsonInt = Annotated[int, BeforeValidator(json_integer)]
JsonFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
JsonBool = Annotated[bool, Strict()]

Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(json_integer)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
HexColor = Annotated[str, Strict(), Field(pattern=r"^#[0-9a-fA-F]{6}$")]


# Text


@dataclass(frozen=True, slots=True)
class Text:
    """A text rule, as `Annotated` metadata after the length bounds: never NUL nor a lone
    surrogate; `not_blank`: some character that is not whitespace; `strip`: leading and
    trailing whitespace removed after the checks (bounds count the text as sent)."""

    not_blank: bool = False
    strip: bool = False

    @property
    def pattern(self) -> str:
        return NOT_BLANK_PATTERN if self.not_blank else NUL_FREE_PATTERN

    def validate(self, value: str) -> str:
        if "\x00" in value:
            raise PydanticCustomError("string_nul", "Text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which JSON's "\ud800" can carry
            raise PydanticCustomError("string_unicode", "Text must be valid Unicode") from None
        if self.not_blank and not value.strip():
            raise PydanticCustomError("string_blank", "Text must not be only whitespace")
        return value.strip() if self.strip else value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.setdefault("pattern", self.pattern)
        return json_schema


SafeStr = Annotated[str, Strict(), Text()]


# Omittable fields of a PATCH: absent means "unchanged", and null is not a value


class NotNull:
    """`Annotated[X | None, NotNull()] = None`: may be left out, but `null` is refused (422),
    and the schema does not offer null."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        arms = [arm for arm in json_schema.pop("anyOf", []) if arm.get("type") != "null"]
        if len(arms) == 1:
            json_schema.update(arms[0])
        elif arms:
            json_schema["anyOf"] = arms
        return json_schema


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("not_null", "Input may be left out, but not null")
    return value


# Times

_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_MONTH_DAY = rf"(0[1-9]|1[0-2])-{_DAY}"
_TIME = r"[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
_HOURS = r"([01][0-9]|2[0-3]):[0-5][0-9]"
_UTC = r"[Zz]|[+-]00:00"
_YEARS_2_TO_9998 = (
    r"(000[2-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])"
)
# RFC 3339 date-time, every one of which is an instant Python holds in UTC: years 1-9999,
# except that on 0001-01-01 the offset cannot be ahead of UTC, nor on 9999-12-31 behind it.
# Any UTC time (what is returned) matches it again.
DATETIME_PATTERN = (
    "^("
    rf"({_YEARS_2_TO_9998}-{_MONTH_DAY}"
    rf"|0001-(01-(0[2-9]|[12][0-9]|3[01])|(0[2-9]|1[0-2])-{_DAY})"
    rf"|9999-(12-(0[1-9]|[12][0-9]|30)|(0[1-9]|1[01])-{_DAY}))"
    rf"{_TIME}({_UTC}|[+-]{_HOURS})"
    rf"|0001-01-01{_TIME}({_UTC}|-{_HOURS})"
    rf"|9999-12-31{_TIME}({_UTC}|\+{_HOURS})"
    ")$"
)
_DATETIME = re.compile(DATETIME_PATTERN)


class _Rfc3339:
    """Only an RFC 3339 string is a time (a number is not); the schema gives the pattern."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_rfc3339, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = DATETIME_PATTERN
        return json_schema


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):  # built in Python (an export), not sent as JSON
        return value
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise PydanticCustomError(
            "datetime_format",
            "Input should be a date and time with an offset (RFC 3339), e.g. 2030-01-31T09:00:00Z",
        )
    return value


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:  # only a datetime built in Python can lack an offset
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc), _Rfc3339()]
