"""Phone numbers validated and normalised to E.164 (``+8613800138000``) with Google's libphonenumber."""

from __future__ import annotations

import phonenumbers

from faircollect.kit.errors import ValidationError

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
