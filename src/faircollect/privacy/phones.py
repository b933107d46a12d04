"""Phone numbers validated and normalised to E.164 (``+8613800138000``) with Google's libphonenumber."""

from __future__ import annotations

import re

import phonenumbers

from faircollect.kit.errors import ValidationError

#: A Chinese mobile number already in E.164 (``+86`` and 11 digits from 13-19, but not 179: a leading ``179xx`` or
#: ``11``/``12`` may be read as a carrier prefix and stripped by the parser). ``parse`` gives exactly country code
#: 86 and these digits, so validity is decided on them directly (the bulk import's borrowers: the parse is most of
#: the cost of a phone's blind index). ``tests/privacy/test_phone_fast_path.py`` holds it to the full path.
_CN_MOBILE_E164 = re.compile(r"\+861(?:[3-68-9]\d|7[0-8])\d{8}")

#: The region a national number (no ``+``) is read in, per rulebook jurisdiction.
JURISDICTION_REGION = {"CN": "CN", "US": "US", "UK": "GB", "GB": "GB"}


def region_for(jurisdiction: str | None) -> str:
    """The libphonenumber region for a jurisdiction (``UK`` → ``GB``); CN when unknown."""
    return JURISDICTION_REGION.get((jurisdiction or "CN").upper(), "CN")


def normalise_phone(value: str, *, jurisdiction: str | None = None, field: str = "phone") -> str:
    """A valid phone number in E.164, or a ValidationError naming ``field``.

    A number without ``+`` is read as a national number of the jurisdiction's region (CN by default).
    """
    text = (value or "").strip()
    if _CN_MOBILE_E164.fullmatch(text) and phonenumbers.is_valid_number(
        phonenumbers.PhoneNumber(country_code=86, national_number=int(text[3:]))
    ):
        return text  # already E.164 and valid: what parsing and formatting it would give, without the parse
    try:
        parsed = phonenumbers.parse(text, region_for(jurisdiction))
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"not a phone number: {exc}", field=field) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            f"not a valid phone number for {region_for(jurisdiction)} (give +<country code> for others)",
            field=field,
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(value: str, *, jurisdiction: str | None = None) -> str | None:
    """E.164 if ``value`` is a valid phone number, else None (never raises)."""
    try:
        return normalise_phone(value, jurisdiction=jurisdiction)
    except ValidationError:
        return None


def national_digits(value: str) -> str:
    """The national significant number of an E.164 phone (``+8613800138000`` → ``13800138000``) for display."""
    if value.startswith("+"):
        try:
            return phonenumbers.national_significant_number(phonenumbers.parse(value, None))
        except phonenumbers.NumberParseException:
            return value
    return value
