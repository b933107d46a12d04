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


def _forms(digits: str, rnd: random.Random) -> list[str]:
    """``digits`` written as lenders' files and people write it: national, E.164, 0086, spaced, dashed."""
    spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    dashed = f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    scattered = "".join(ch + rnd.choice(["", "", " ", "-", "  ", "--", " - "]) for ch in digits)
    return [
        digits,
        f" {digits} ",
        spaced,
        dashed,
        scattered,
        f"-{digits}",
        f"{digits}-",
        f"+86{digits}",
        f"+86 {spaced}",
        f"+86-{dashed}",
        f"0086{digits}",
        f"0086 {spaced}",
        f"86{digits}",
        f"+ 86{digits}",
        f"0{digits}",
        f"{digits}0",
        digits[:-1],
    ]


def test_national_and_odd_forms_equal_the_full_path_on_every_prefix() -> None:
    """A Chinese lender's file gives national numbers (``13812345678``): the shortcut covers them (default region
    CN), and E.164, ``0086``, spaces and dashes — each equal to libphonenumber's parse, validate and format."""
    rnd = random.Random(1586)
    digits = [f"{p}{rnd.randrange(10**8):08d}" for p in range(100, 200) for _ in range(25)]
    digits += [f"{p}00000000" for p in range(100, 200)] + [f"{p}99999999" for p in range(100, 200)]
    digits += [f"{p}{q}{rnd.randrange(10**7):07d}" for p in range(130, 200) for q in range(10)]
    checked = 0
    for d in digits:
        for text in _forms(d, rnd):
            for jurisdiction in (None, "CN", "US", "UK"):
                region = {"US": "US", "UK": "GB"}.get(jurisdiction or "CN", "CN")
                assert try_normalise_phone(text, jurisdiction=jurisdiction) == full_path(text, region), (
                    text,
                    jurisdiction,
                )
                checked += 1
    assert checked > 200_000


def test_full_width_digits_are_not_taken_by_the_shortcut() -> None:
    """Unicode digits other than ASCII go through the full path (which reads them as digits) — the result is ASCII."""
    for text in (
        "+86１３８００１３８０００",
        "+861３８００１３８０００",
        "１３８００１３８０００",
        "138００138000",
    ):
        assert try_normalise_phone(text) == full_path(text) == "+8613800138000", text


def test_the_national_shortcut_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the shortcut: a national mobile in a CN file costs no parse (about 10 us of the 16)."""
    import faircollect.privacy.phones as phones

    def no_parse(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(phones.phonenumbers, "parse", no_parse)
    for text in ("13812345678", "138 1234-5678", "+86 138 1234 5678", "008613812345678"):
        assert normalise_phone(text) == "+8613812345678"
    assert normalise_phone("+8613812345678", jurisdiction="US") == "+8613812345678"
