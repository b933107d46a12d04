"""Rate limits in a shared store, keyed on who is asking: a user for reveals, a client address for public pages.

Built on the ``limits`` library (moving windows). The store is Redis in production, so every server process and
machine counts together and idle keys expire by themselves; process memory for SQLite development. The client
address is the TCP peer's, unless the peer is one of the configured trusted proxies: then X-Forwarded-For is
read from the right, skipping trusted proxies, and the first other address is the client. A forwarding header
sent by anyone else is ignored, so rotating it does not lift a limit.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from faircollect.config import Settings
from faircollect.identity.errors import TooManyRequests
from faircollect.kit.logging import get_logger


def redacted(uri: str) -> str:
    """A storage URI fit for a log: ``redis://:secret@host:6379/0`` → ``redis://:***@host:6379/0``."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable storage URI>"
    if parts.password is None:
        return uri
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(text: str) -> tuple[Network, ...]:
    """``FAIRCOLLECT_TRUSTED_PROXIES``: addresses or CIDR networks, comma-separated (ValueError names a bad one)."""
    out: list[Network] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"FAIRCOLLECT_TRUSTED_PROXIES: {item!r} is not an IP address or network"
            ) from None
    return tuple(out)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_key(address: str) -> str:
    """What a client is counted as: an IPv4 address as it is (IPv4-mapped IPv6 too), an IPv6 address by its /64.

    One IPv6 subscriber (a home line, a phone, a cloud machine) is given a whole /64: counted per address it could
    rotate through 2^64 of them past every public limit."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str:
    """The client, as rate limits and audit records count it (``client_key``): the peer, or — only when the peer
    is a trusted proxy — the right-most address of X-Forwarded-For that is not itself a trusted proxy."""
    address = peer or "unknown"
    if not forwarded_for or not _trusted(address, proxies):
        return client_key(address)
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, proxies):
            try:
                return client_key(str(ipaddress.ip_address(hop)))
            except ValueError:
                return client_key(address)  # a malformed hop: the proxy itself (never a forged value)
    return client_key(address)


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int
    remaining: int


class RateLimits:
    """Named limits over one storage. ``hit`` consumes one unit; ``peek`` tells without consuming."""

    def __init__(self, storage_uri: str, *, namespace: str = "faircollect") -> None:
        self.storage_uri = storage_uri
        self.namespace = namespace
        store = storage_from_string(storage_uri) if storage_uri != "memory://" else MemoryStorage()
        if not isinstance(store, Storage):
            raise ValueError(f"rate-limit storage {storage_uri!r} is asynchronous; give a synchronous one")
        self._storage: Storage = store
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._fallback: MovingWindowRateLimiter | None = None

    def _run(self, fn: str, item: RateLimitItem, *ids: str) -> object:
        limiter = self._fallback or self._limiter
        try:
            return getattr(limiter, fn)(item, *ids)
        except Exception as exc:  # the shared store is down: count in this process rather than not at all
            if self._fallback is not None:
                raise
            get_logger("faircollect.ratelimit").error(
                "rate-limit store unreachable; counting in process memory",
                uri=redacted(self.storage_uri),
                error=str(exc),
            )
            self._fallback = MovingWindowRateLimiter(MemoryStorage())
            return getattr(self._fallback, fn)(item, *ids)

    def _verdict(self, ok: bool, item: RateLimitItem, *ids: str) -> Verdict:
        limiter = self._fallback or self._limiter
        stats = limiter.get_window_stats(item, self.namespace, *ids)
        retry = max(1, int(stats.reset_time - time.time()) + 1) if not ok else 0
        return Verdict(allowed=ok, retry_after=retry, remaining=stats.remaining)

    def hit(self, limit: str, *ids: str) -> Verdict:
        """Consume one unit of ``limit`` (e.g. ``"10/minute"``) for the key ``ids``."""
        item = parse(limit)
        ok = bool(self._run("hit", item, self.namespace, *ids))
        return self._verdict(ok, item, *ids)

    def peek(self, limit: str, *ids: str) -> Verdict:
        item = parse(limit)
        ok = bool(self._run("test", item, self.namespace, *ids))
        return self._verdict(ok, item, *ids)

    def enforce(self, limit: str, *ids: str, what: str) -> None:
        """Consume one unit or raise TooManyRequests (429 with Retry-After) naming ``what`` was limited."""
        v = self.hit(limit, *ids)
        if not v.allowed:
            raise TooManyRequests(
                f"too many {what}; try again in {v.retry_after} s", retry_after=v.retry_after
            )

    def clear(self, limit: str, *ids: str) -> None:
        """Forget the count of one key (e.g. tests, or an operator lifting a limit)."""
        self._storage.clear(parse(limit).key_for(self.namespace, *ids))


def storage_uri_for(settings: Settings, database_url: str) -> str:
    """The configured store, or Redis on 127.0.0.1 with PostgreSQL and process memory with SQLite."""
    if settings.rate_limit_storage:
        return settings.rate_limit_storage
    return "memory://" if database_url.startswith("sqlite") else "redis://127.0.0.1:6379/0"


def request_client(request: Request) -> str:
    """The client address of a request, through the app's trusted proxies only."""
    proxies: tuple[Network, ...] = getattr(request.app.state, "trusted_proxies", ())
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), proxies)


def app_rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits
