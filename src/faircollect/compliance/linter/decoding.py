"""Strict decoding of message input (``faircollect lint``, ``faircollect gate``): never guess, never fail open.

A text the linter cannot read cannot be checked, and a check that silently reads mojibake says "ok" to a threat. So
input bytes are decoded in exactly one of two ways, or refused:

1. UTF-8 (an optional byte-order mark is dropped), strictly: one invalid byte and the input is not UTF-8.
2. GB18030, the superset of GBK and GB2312, when the charset detector (charset-normalizer) lists a GB encoding as
   a plausible reading of the bytes, the bytes decode strictly, and the result reads as Chinese: at least
   ``COMMON_SHARE`` of its Chinese characters are among the 3,755 commonest (GB2312 level 1, simplified or as the
   traditional form of one). The last test matters for short inputs, where the detector cannot tell GBK from Big5
   or Korean: those bytes also decode as GB18030, but into rare characters.

Anything else (Big5, Shift-JIS, Latin-1, binary, UTF-8 with a broken byte) raises ``ValidationError`` naming the
first line that is not valid UTF-8. Big5 is refused, not read: it cannot be told apart from GBK reliably.
"""

from __future__ import annotations

from functools import lru_cache

from faircollect.kit.errors import ValidationError

GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "hz"})
COMMON_SHARE = 0.8
_BOM = b"\xef\xbb\xbf"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


@lru_cache(maxsize=8192)
def _common(ch: str) -> bool:
    """GB2312 level 1 (lead byte 0xB0-0xD7): the 3,755 commonest simplified characters."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xD7


def _reads_as_chinese(text: str) -> bool:
    from faircollect.compliance.linter.normalise import to_simplified

    cjk = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    if not cjk:
        return False
    common = sum(1 for ch in cjk if _common(ch) or _common(to_simplified(ch)))
    return common >= COMMON_SHARE * len(cjk)


def _detector_allows_gb(data: bytes) -> bool:
    from charset_normalizer import from_bytes

    return any(m.encoding in GB_FAMILY for m in from_bytes(data))


def decode_bytes(data: bytes, *, source: str = "<stdin>") -> tuple[str, str]:
    """Decode message input; returns (text, encoding used: "utf-8" or "gb18030"). Raises ``ValidationError``."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _reads_as_chinese(text) and _detector_allows_gb(data):
        return text, "gb18030"
    raise ValidationError(
        "not valid UTF-8, and not GBK/GB18030 Chinese either; refusing to guess (save the file as UTF-8)",
        file=source,
        row=_line_of(data, first_bad),
    )


def unreadable(text: str) -> str | None:
    """Why a str that was already decoded cannot be checked (None when it can): lone surrogates are bytes a
    decoder could not read (``surrogateescape``), U+FFFD is a character a decoder replaced."""
    for i, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            return f"character {i} is an undecodable byte (lone surrogate)"
        if ch == "\ufffd":
            return f"character {i} is U+FFFD, a character lost when the text was decoded"
    return None
