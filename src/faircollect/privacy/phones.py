"""Phone numbers validated and normalised to E.164 (``+8613800138000``) with Google's libphonenumber."""

from __future__ import annotations

import re

import phonenumbers

from faircollect.kit.errors import ValidationError

#: A Chinese mobile number: 11 ASCII digits from 13-19 (but not 179: a leading ``179xx`` or ``11``/``12`` may be read
#: as a carrier prefix and stripped by the parser), in E.164 (``+86``), after the international prefix ``0086`` or in
#: national form (``13812345678``, what Chinese lenders' files hold), spaces and dashes allowed between the digits.
#: For these, libphonenumber's parse gives exactly country code 86 and the 11 digits, so validity is decided on them
#: directly (``_cn_valid``, the library's own check) and the E.164 text is written without the parse — most of the
#: cost of a phone's blind index in the bulk import. ``tests/privacy/test_phone_fast_path.py`` holds it to the full
#: path on every prefix 100-199 and on the odd forms.
_CN_MOBILE = re.compile(r"(\+86|0086)?(1(?:[3-68-9][0-9]|7[0-8])[0-9]{8})")
_SEPARATORS = str.maketrans("", "", " -")


def _desc_patterns(length: int) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """The CN metadata's general pattern and the patterns of every number type a national number of ``length``
    digits may match (a type whose possible lengths exclude it is skipped, as libphonenumber does)."""
    md = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert md is not None and md.general_desc is not None
    types = [
        getattr(md, name)
        for name in (
            "premium_rate",
            "toll_free",
            "shared_cost",
            "voip",
            "personal_number",
            "pager",
            "uan",
            "voicemail",
            "fixed_line",
            "mobile",
        )
    ]
    wanted = tuple(
        re.compile(d.national_number_pattern)
        for d in types
        if d is not None
        and d.national_number_pattern
        and (not d.possible_length or length in d.possible_length)
    )
    general = md.general_desc
    assert general.national_number_pattern
    assert not general.possible_length or length in general.possible_length
    return re.compile(general.national_number_pattern), wanted


_CN_GENERAL, _CN_TYPES = _desc_patterns(11)


def _cn_valid(nsn: str) -> bool:
    """``phonenumbers.is_valid_number`` of +86 ``nsn`` (11 digits): the general pattern and one number type's
    pattern match it whole (``phonenumberutil._number_type_helper`` is not UNKNOWN)."""
    return _CN_GENERAL.fullmatch(nsn) is not None and any(p.fullmatch(nsn) for p in _CN_TYPES)


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
    region = region_for(jurisdiction)
    m = _CN_MOBILE.fullmatch(text.translate(_SEPARATORS)) if len(text) <= 32 else None
    if m is not None and (m[1] == "+86" or region == "CN") and _cn_valid(m[2]):
        return "+86" + m[2]  # what parsing, validating and formatting it would give, without the parse
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"not a phone number: {exc}", field=field) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            f"not a valid phone number for {region} (give +<country code> for others)",
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
