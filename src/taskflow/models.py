"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from taskflow.auth.models import AuthSession, OneTimeToken, RefreshToken
from taskflow.users.models import User

__all__ = ["AuthSession", "OneTimeToken", "RefreshToken", "User"]
