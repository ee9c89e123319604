"""Where a webhook may point: http(s) to a public address, checked after DNS resolution.

Loopback, private (RFC 1918, ULA), link-local (cloud metadata at 169.254.169.254 included),
shared (100.64/10), multicast, reserved and unspecified addresses are refused, also when
a public name resolves to one, and also when an IPv6 address maps an IPv4 one. The check is
made when the webhook is saved (422) and again at each delivery, which then connects to the
very address it checked (no second lookup a rebinding DNS server could answer differently).
`TASKFLOW_WEBHOOK_ALLOW_PRIVATE=true` lifts it (tests, receivers on a private network).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = frozenset({"http", "https"})
RESOLVE_TIMEOUT_SECONDS = 5.0


class TargetRefused(ValueError):
    """The URL may not be a webhook target; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    address: IpAddress


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or TargetRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetRefused(f"not a valid URL: {error}") from None
    if parts.scheme not in SCHEMES:
        raise TargetRefused("the URL must start with http:// or https://")
    if not parts.hostname:
        raise TargetRefused("the URL has no host")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def refusal(address: IpAddress) -> str | None:
    """Why a webhook may not reach `address`, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped)
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local (cloud metadata) address"
    if address.is_private or address.is_reserved or address.is_unspecified:
        return "a private or reserved address"
    if address.is_multicast or not address.is_global:
        return "an address that is not public"
    return None


async def resolve(url: str, *, allow_private: bool) -> Target:
    """The address a delivery to `url` connects to: its host resolved, every address checked
    (a name with one private address among public ones is refused)."""
    scheme, host, port = parse(url)
    try:
        literal: IpAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        addresses = await _lookup(host, port)
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise TargetRefused(f"{host} is {reason}; webhooks go to public addresses only")
    return Target(scheme, host, port, addresses[0])


async def _lookup(host: str, port: int) -> list[IpAddress]:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError):
        raise TargetRefused(f"the host {host} cannot be resolved") from None
    addresses: list[IpAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetRefused(f"the host {host} cannot be resolved")
    return addresses
