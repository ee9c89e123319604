"""Input types shared by every domain: database-safe ids and text."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, Field

# Ids are 64-bit on every backend; anything larger can name nothing (and must not reach a driver).
MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no database stores lone surrogates (JSON allows
    # "\ud800"): refuse both as invalid input rather than fail on insert.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
NoNul = AfterValidator(_no_nul)
SafeStr = Annotated[str, NoNul]
HexColor = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
