"""``normalise_phone``'s shortcut for Chinese mobiles already in E.164 gives exactly what the full libphonenumber path
(parse, validate, format) gives — on every 3-digit mobile prefix, valid and invalid numbers, and near misses."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from faircollect.kit.errors import ValidationError
from faircollect.privacy.phones import normalise_phone, try_normalise_phone


def full_path(text: str, region: str = "CN") -> str | None:
    try:
        parsed = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def test_the_shortcut_equals_the_full_path_on_every_mobile_prefix() -> None:
    rnd = random.Random(15)
    numbers = [f"+86{p}{rnd.randrange(10**8):08d}" for p in range(100, 200) for _ in range(60)]
    numbers += [f"+86{p}00000000" for p in range(100, 200)] + [f"+86{p}99999999" for p in range(100, 200)]
    numbers += ["+8613800138000", " +8613800138000 ", "+861380013800", "+86138001380001", "+8617912345678"]
    for text in numbers:
        for jurisdiction in (None, "CN", "US", "UK"):
            region = {"US": "US", "UK": "GB"}.get(jurisdiction or "CN", "CN")
            assert try_normalise_phone(text, jurisdiction=jurisdiction) == full_path(text, region), text


def test_an_invalid_number_is_still_refused_with_the_full_message() -> None:
    with pytest.raises(ValidationError, match="not a valid phone number for CN"):
        normalise_phone("+8610000000000")
