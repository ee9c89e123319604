"""The forms a setting's value may take (config.py): each check returns the value, normalised,
or raises ValueError with a sentence that `load_settings()` prefixes with the setting's name."""

from __future__ import annotations

import ipaddress
import re
from email.utils import parseaddr
from urllib.parse import SplitResult, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# One DNS name (RFC 1123 labels) or an IP address: what an SMTP host may be.
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
DATABASE_SCHEMES = (
    "postgresql://",
    "postgres://",
    "sqlite://",
    "postgresql+asyncpg://",
    "sqlite+aiosqlite://",
)
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _split(value: str) -> SplitResult | None:
    """urlsplit, or None when the URL cannot be read (a port that is not a number included)."""
    if any(character.isspace() for character in value):
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return None
    return parts


def ip_or_network(value: str) -> str:
    """An IP address or a CIDR without host bits, as uvicorn's proxy middleware reads them (it
    takes anything else for a literal name that silently never matches a peer)."""
    if value == "*":
        raise ValueError(
            "'*' would believe anyone's X-Forwarded-For: list the proxies' IPs or CIDRs"
        )
    try:
        if "/" in value:
            ipaddress.ip_network(value)
        else:
            ipaddress.ip_address(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not an IP address or CIDR ({error})") from None
    return value


def origin(value: str) -> str:
    """`scheme://host[:port]`, as a browser sends it in `Origin` (lower case, no default port):
    Starlette compares origins as strings, so `https://Tasks.example.com/` would never match."""
    parts = _split(value)
    if (
        parts is None
        or parts.scheme.lower() not in _DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(f"{value!r} is not an origin like https://tasks.example.com[:port]")
    scheme = parts.scheme.lower()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = "" if parts.port in (None, _DEFAULT_PORTS[scheme]) else f":{parts.port}"
    return f"{scheme}://{host}{port}"


def http_url(value: str) -> str:
    """An absolute http(s) URL with a host (a path is allowed); no query, no fragment."""
    parts = _split(value)
    if (
        parts is None
        or parts.scheme not in _DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
    ):
        raise ValueError(f"{value!r} is not an http:// or https:// URL with a host")
    return value.rstrip("/")


def host_name(value: str) -> str:
    """A DNS name or an IP address: no scheme, no port."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if not _HOSTNAME.match(value):
            raise ValueError(
                f"{value!r} is not a host name or IP address (no scheme, no port)"
            ) from None
    return value


def mailbox(value: str) -> str:
    """`Name <user@domain>` or `user@domain`, on one line (it becomes the From header)."""
    if "\r" in value or "\n" in value or not _ADDRESS.match(parseaddr(value)[1]):
        raise ValueError(f"{value!r} is not an address like 'TaskFlow <tasks@example.com>'")
    return value


def database_url(value: str) -> str:
    if not value.startswith(DATABASE_SCHEMES):
        raise ValueError("must start with postgresql:// or sqlite:///")
    try:
        url = make_url(value)
        _ = url.port  # a port that is not a number raises
    except (ArgumentError, ValueError):
        raise ValueError("is not a valid database URL") from None
    if url.get_backend_name() == "postgresql" and not url.database:
        raise ValueError("names no database (postgresql://user@host:5432/<database>)")
    return value


def redis_url(value: str) -> str:
    if not value.startswith(REDIS_SCHEMES):
        raise ValueError("must start with redis://, rediss:// or unix://")
    parts = _split(value)
    if parts is None:
        raise ValueError("is not a valid Redis URL")
    database = parts.path.lstrip("/")
    if parts.scheme != "unix" and database and not database.isdigit():
        raise ValueError("the database after the host must be a number (redis://host:6379/0)")
    return value


# S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens (the AWS rules, which
# MinIO, Garage and the others follow).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def s3_url(value: str) -> str:
    """`s3://bucket` or `s3://bucket/prefix`: where attachments live in object storage."""
    parts = _split(value)
    if parts is None or parts.scheme != "s3" or not _BUCKET.fullmatch(parts.netloc):
        raise ValueError(f"{value!r} is not s3://bucket or s3://bucket/prefix")
    if parts.query or parts.fragment or ".." in parts.path.split("/"):
        raise ValueError(f"{value!r} is not s3://bucket or s3://bucket/prefix")
    return value.rstrip("/")
