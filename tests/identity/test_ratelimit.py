"""Rate limits: the client address through trusted proxies only, and limits shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircollect.identity.ratelimit import RateLimits, client_address, parse_trusted_proxies

PROXIES = parse_trusted_proxies("10.0.0.0/8, 192.0.2.1")

ips = st.ip_addresses(v=4).map(str)


@given(
    peer=ips.filter(lambda a: not a.startswith("10.") and a != "192.0.2.1"), forged=st.lists(ips, max_size=5)
)
def test_forwarding_headers_from_an_untrusted_peer_are_ignored(peer: str, forged: list[str]) -> None:
    assert client_address(peer, ", ".join(forged), PROXIES) == peer


def test_the_right_most_untrusted_hop_is_the_client_behind_trusted_proxies() -> None:
    # the client can prepend anything; the trusted proxies append what they saw
    assert client_address("10.1.1.1", "1.1.1.1, 203.0.113.5, 10.2.2.2", PROXIES) == "203.0.113.5"
    assert client_address("192.0.2.1", "198.51.100.4", PROXIES) == "198.51.100.4"
    assert client_address("10.1.1.1", "10.2.2.2", PROXIES) == "10.1.1.1"  # only proxies: the nearest one
    assert client_address("10.1.1.1", "not-an-ip", PROXIES) == "10.1.1.1"
    assert client_address(None, None, ()) == "unknown"
    with pytest.raises(ValueError, match="not an IP"):
        parse_trusted_proxies("10.0.0.0/8, proxy.example")


def test_memory_limits_count_per_key() -> None:
    limits = RateLimits("memory://", namespace=uuid.uuid4().hex)
    assert [limits.hit("2/minute", "a").allowed for _ in range(3)] == [True, True, False]
    assert limits.hit("2/minute", "b").allowed
    v = limits.peek("2/minute", "a")
    assert not v.allowed and 0 < v.retry_after <= 61


def _redis_or_skip() -> str:
    import redis

    url = os.environ.get("FAIRCOLLECT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {url} is unreachable in CI: {exc}")
        pytest.skip(f"Redis at {url} unreachable: {exc}")
    return url


def test_redis_limits_are_shared_between_processes_and_expire() -> None:
    import redis

    url = _redis_or_skip()
    ns = "fc-test-" + uuid.uuid4().hex
    server_a = RateLimits(url, namespace=ns)  # two server processes, one store
    server_b = RateLimits(url, namespace=ns)
    seen = [
        server_a.hit("3/minute", "verify", "203.0.113.9").allowed,
        server_b.hit("3/minute", "verify", "203.0.113.9").allowed,
    ]
    seen += [
        server_a.hit("3/minute", "verify", "203.0.113.9").allowed,
        server_b.hit("3/minute", "verify", "203.0.113.9").allowed,
    ]
    assert seen == [True, True, True, False]
    keys = redis.Redis.from_url(url).keys(f"*{ns}*")
    assert keys and all(redis.Redis.from_url(url).ttl(k) > 0 for k in keys)  # idle clients are forgotten


def test_an_ipv6_client_is_counted_by_its_64_network(sqlite_url: str) -> None:
    """One IPv6 subscriber holds a whole /64 (2^64 addresses): counting per address would let it rotate past every
    public limit (verification codes, sign-in codes). Addresses of one /64 share a count; another /64 does not;
    IPv4 (and IPv4-mapped IPv6) is counted per address."""
    from fastapi.testclient import TestClient

    from faircollect.api.app import create_app
    from faircollect.config import Settings
    from faircollect.db import upgrade

    assert client_address("2001:db8:1:2::1", None, ()) == client_address("2001:db8:1:2:ffff:1:2:3", None, ())
    assert client_address("2001:db8:1:2::1", None, ()) != client_address("2001:db8:1:3::1", None, ())
    assert client_address("::ffff:198.51.100.7", None, ()) == "198.51.100.7"
    assert client_address("198.51.100.7", None, ()) != client_address("198.51.100.8", None, ())
    six = parse_trusted_proxies("2001:db8:ffff::/48")
    assert client_address("2001:db8:ffff::1", "2001:db8:5:6::7", six) == client_address(
        "2001:db8:5:6::8", None, ()
    )

    upgrade(sqlite_url)
    app = create_app(Settings(verify_per_minute=3), database_url=sqlite_url)
    seen = []
    for n in range(4):
        with TestClient(app, client=(f"2001:db8:1:2:{n}::{n + 1}", 40000)) as c:
            seen.append(c.get("/v1/verify/6X44S49G").status_code)
    assert seen == [200, 200, 200, 429]
    with TestClient(app, client=("2001:db8:1:3::1", 40000)) as c:
        assert c.get("/v1/verify/6X44S49G").status_code == 200
    app.state.engine.dispose()


def test_an_unreachable_store_is_logged_without_its_password() -> None:
    """Falling back to process memory is logged with the store's address, never with the password in its URL."""
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        limits = RateLimits("redis://:s3cret-pass@127.0.0.1:1/0", namespace=uuid.uuid4().hex)
        assert limits.hit("2/minute", "a").allowed  # counted in process memory
    (entry,) = [e for e in logs if e["event"].startswith("rate-limit store unreachable")]
    assert "s3cret-pass" not in repr(entry) and entry["uri"] == "redis://:***@127.0.0.1:1/0"
