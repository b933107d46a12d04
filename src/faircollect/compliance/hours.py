"""Contact hours in the borrower's zone: zones, local midnights and wall-clock windows (for the gate).

Pure and cached: a zone is looked up once, a local midnight once per zone and day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from faircollect.kit.errors import ValidationError

_ONE_DAY = timedelta(days=1)

_ZONES: dict[str, ZoneInfo] = {}
_MIDNIGHTS: dict[str, dict[int, datetime]] = {}


def zone_of(name: str, *, field: str = "borrower_timezone") -> ZoneInfo:
    """A cached ZoneInfo; an unknown name is a validation error naming the field."""
    z = _ZONES.get(name)
    if z is None:
        try:
            z = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(f"unknown IANA time zone {name!r}", field=field) from exc
        _ZONES[name] = z
    return z


def _midnight(z: ZoneInfo, day: date) -> datetime:
    """The UTC instant of local midnight starting ``day`` in zone ``z`` (cached per zone and day)."""
    return _midnight_ord(z, day.toordinal())


def _midnight_ord(z: ZoneInfo, ordinal: int) -> datetime:
    cache = _MIDNIGHTS.get(z.key)
    if cache is None:
        cache = _MIDNIGHTS[z.key] = {}
    m = cache.get(ordinal)
    if m is None:
        if len(cache) > 20_000:
            cache.clear()
        day = date.fromordinal(ordinal)
        m = cache[ordinal] = datetime(day.year, day.month, day.day, tzinfo=z).astimezone(UTC)
    return m


def _local_at(z: ZoneInfo, day: date, seconds: int) -> datetime:
    """The UTC instant of local wall time ``seconds`` after midnight on ``day`` (24:00 = next midnight)."""
    if seconds >= 86400:
        return _midnight(z, day + _ONE_DAY)
    h, rest = divmod(seconds, 3600)
    return datetime(day.year, day.month, day.day, h, rest // 60, rest % 60, tzinfo=z).astimezone(UTC)


def _secs(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _in_window(s: int, start: int, end: int) -> bool:
    return start <= s < end if start < end else (s >= start or s < end)


def _next_window_start(local: datetime, z: ZoneInfo, s: int, start: int, end: int) -> datetime:
    day = local.date()
    if start < end and s >= start:  # after today's window: tomorrow's start
        day = day + _ONE_DAY
    return _local_at(z, day, start)


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _time_ctx(local: datetime, z: ZoneInfo, start: int, end: int) -> dict[str, Any]:
    return {
        "local_time": f"{local.hour:02d}:{local.minute:02d}",
        "local_date": local.date().isoformat(),
        "zone": z.key,
        "start": _hhmm(start),
        "end": _hhmm(end),
    }
