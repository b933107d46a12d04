"""Build ``messages.jsonl`` from the hand-written ``seeds.txt``.

Run: ``python -m faircollect.compliance.linter.corpus.build`` (a test checks the committed file is up to date).

Every Chinese seed also appears in traditional script (OpenCC ``s2t``); every Chinese positive also with
separators inserted between its characters and full-width digits; every English positive also in one disguised
form (full-width, leetspeak, Cyrillic look-alikes, zero-width characters or a spaced-out word), chosen by the seed.
The split (``train`` / ``test``) is fixed per seed line (3 in 10 seeds of each category are held out), so a seed's variants never straddle
the two; the linter's patterns are tuned on ``train`` only and ``test`` is the held-out measure.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path
from typing import Any

from opencc import OpenCC

from faircollect.compliance.linter.types import CATEGORIES

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds.txt"
MESSAGES = HERE / "messages.jsonl"
_TEST_SLOTS = frozenset({1, 4, 7})  # 3 of every 10 seeds

_FLAGS = {
    "tp": ("recipient_role", "third_party"),
    "rc": ("recipient_role", "registered_contact"),
    "gu": ("recipient_role", "guarantor"),
    "va": ("visit_approved", True),
    "lf": ("lawsuit_filed", True),
    "sms": ("channel", "sms"),
}
_SEPARATORS = [" ", "*", ".", "-", "\u200b", "·", "_", "/", "~", "|", "　", "❤"]
_HOMOGLYPHS = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с"})
_LEET = str.maketrans({"a": "4", "e": "3", "o": "0"})
_CJK = re.compile(r"[\u3400-\u9fff]")


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


def _spaced(s: str, seed: int) -> str:
    out: list[str] = []
    for i, c in enumerate(s):
        out.append(c)
        if _CJK.match(c) and i + 1 < len(s) and _CJK.match(s[i + 1]):
            out.append(_SEPARATORS[(seed + i) % len(_SEPARATORS)])
    return "".join(out).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _disguise_en(s: str, seed: int) -> tuple[str, str]:
    kind = seed % 5
    words = s.split(" ")
    longest = max(range(len(words)), key=lambda i: len(re.sub(r"\W", "", words[i])))
    if kind == 0:
        return "fullwidth", _fullwidth(s)
    if kind == 1:
        words[longest] = words[longest].translate(_LEET)
        return "leet", " ".join(words)
    if kind == 2:
        return "homoglyph", " ".join(w.translate(_HOMOGLYPHS) if len(w) > 3 else w for w in words)
    if kind == 3:
        return "zero_width", " ".join("\u200b".join(w) if len(w) > 3 else w for w in words)
    words[longest] = " ".join(words[longest])
    return "spaced_letters", " ".join(words)


def _parse(line: str, lineno: int) -> tuple[list[str], dict[str, Any], set[str], str]:
    parts = [p.strip() for p in line.split("|", 2)]
    if len(parts) != 3 or not parts[2]:
        raise ValueError(f"{SEEDS.name}:{lineno}: expected 'labels | flags | text'")
    labels = [] if parts[0] == "-" else [x.strip() for x in parts[0].split(",")]
    for label in labels:
        if label not in CATEGORIES:
            raise ValueError(f"{SEEDS.name}:{lineno}: unknown category {label!r}")
    flags = set() if parts[1] == "-" else {x.strip() for x in parts[1].split(",")}
    context: dict[str, Any] = {}
    for flag in sorted(flags - {"ob", "train", "test", "novel"}):
        if flag not in _FLAGS:
            raise ValueError(f"{SEEDS.name}:{lineno}: unknown flag {flag!r}")
        key, value = _FLAGS[flag]
        context[key] = value
    return labels, context, flags, parts[2]


def build() -> list[dict[str, Any]]:
    """Every corpus message, in seed order."""
    s2t = OpenCC("s2t")
    rows: list[dict[str, Any]] = []
    seen_in_group: dict[str, int] = {}
    for lineno, raw in enumerate(SEEDS.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        labels, context, flags, text = _parse(line, lineno)
        h = zlib.crc32(text.encode("utf-8"))
        # stratified: within each group (first label, or negatives), seeds 1, 4, 7 of every 10 are held out
        group = labels[0] if labels else "-"
        index = seen_in_group.get(group, 0)
        seen_in_group[group] = index + 1
        split = "test" if index % 10 in _TEST_SLOTS and "train" not in flags else "train"
        if "test" in flags:
            split = "test"
        forms: list[tuple[str, str]] = []
        if "novel" in flags:
            forms.append(("novel", text))
        elif "ob" in flags:
            forms.append(("obfuscated", text))
        elif _CJK.search(text):
            forms.append(("zh", text))
            forms.append(("zh_hant", s2t.convert(text)))
            if labels:
                forms.append(("zh_separated", _spaced(text, h)))
        else:
            forms.append(("en", text))
            if labels:
                forms.append(_disguise_en(text, h))
        for form, body in forms:
            row: dict[str, Any] = {"id": f"s{lineno:04d}-{form}", "text": body}
            if context:
                row["context"] = context
            row.update({"labels": labels, "split": split, "form": form, "seed": lineno})
            rows.append(row)
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main() -> None:
    rows = build()
    MESSAGES.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} messages to {MESSAGES}")


if __name__ == "__main__":
    main()
