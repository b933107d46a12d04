"""Time: events are aware UTC datetimes; business facts are ``date``s; contact hours use the borrower's IANA zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from faircollect.kit.errors import ValidationError


def utc_now() -> datetime:
    """The one clock. Tests freeze it (freezegun)."""
    return datetime.now(UTC)


def ensure_aware(value: datetime, *, field: str = "at") -> datetime:
    """Refuse naive datetimes; convert aware ones to UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("datetime must carry a time zone (e.g. 2026-03-01T09:00:00+08:00)", field=field)
    return value.astimezone(UTC)


def parse_datetime(text: str, *, field: str = "at") -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError(f"not an ISO-8601 datetime: {text!r}", field=field) from exc
    return ensure_aware(value, field=field)


#: The range of business dates accepted anywhere (the API's ``BusinessDate``, files, terms): no ledger predates
#: 1970, and a year 9999 would overflow the date arithmetic of a schedule.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def check_date_range(value: date, *, field: str = "date") -> date:
    """``value`` if it lies in ``EARLIEST_DATE`` … ``LATEST_DATE``, else a ``ValidationError`` naming ``field``."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(f"{value} is outside {EARLIEST_DATE} … {LATEST_DATE}", field=field)
    return value


def parse_date(text: str | date, *, field: str = "date") -> date:
    if isinstance(text, datetime):
        raise ValidationError("expected a date, got a datetime", field=field)
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise ValidationError(f"not an ISO date (YYYY-MM-DD): {text!r}", field=field) from exc


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown IANA time zone {name!r}", field=field) from exc


def business_date(at: datetime, business_zone: str) -> date:
    """The lender's business date of an instant."""
    return ensure_aware(at).astimezone(zone(business_zone)).date()
