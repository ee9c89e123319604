"""The time as the second factor and the OpenID Connect checks read it: one function, so
tests move time (TOTP steps, token expiry) by replacing it instead of sleeping."""

from __future__ import annotations

import time


def now() -> float:
    """Seconds since the epoch (UTC)."""
    return time.time()
