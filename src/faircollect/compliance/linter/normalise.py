"""Text normalisation with an offset map back to the original text.

Two views of one message are built in a single pass over its characters:

* ``compact`` — every character NFKC-normalised (full-width → half-width), case-folded, traditional → simplified
  Chinese (OpenCC ``t2s``, per character), Cyrillic look-alikes → Latin, and every separator removed (spaces,
  punctuation, symbols, emoji, zero-width characters). ``上 門``, ``上*门`` and ``上\u200b门`` all become ``上门``.
  ``token_start[i]`` says whether a new token begins at ``i`` (after a separator, at a change between Latin and
  other characters, or at any non-Latin character); pinyin matches must start and end on token boundaries so that
  ``shangmen`` is found in ``shang men`` but ``dasi`` is not found in ``handasign``.
* ``words`` — the same characters with each run of separators replaced by one space (and a space at every change
  between Latin and other characters), runs of three or more single letters joined (``a r r e s t`` → ``arrest``)
  and digits inside Latin words read as letters (``4rrest`` → ``arrest``). English rules match here with ``\\b``.

Each view keeps ``starts[i]``: the index in the original text of the character that produced view character
``i``. A match ``[a, b)`` in a view maps back to ``[starts[a], starts[b - 1] + 1)`` in the original.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")
_T2S_LOCK = threading.Lock()

# Cyrillic and Greek letters that look like Latin ones (used to dodge English keyword lists).
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ο": "o",
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
    }
)
# Digits read as letters inside a Latin word (leetspeak): k1ll, 4rrest, ja1l.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
# Symbols read as letters when squeezed between Latin letters: k!ll, @rrest is not handled (no left letter).
_LEET_SYMBOLS = {"!": "i", "@": "a", "$": "s", "|": "l"}


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``)."""
    with _T2S_LOCK:
        return str(_T2S.convert(text))


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z"


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0002ffff"


@lru_cache(maxsize=65536)
def _norm_char(c: str) -> tuple[str, bool]:
    """One original character → (the letters/digits it stands for, whether it also acts as a separator)."""
    s = unicodedata.normalize("NFKC", c).casefold().translate(_CONFUSABLES)
    if any(_is_cjk(ch) for ch in s):
        with _T2S_LOCK:
            s = _T2S.convert(s)
    if s and all(unicodedata.category(ch) == "Cf" for ch in s):
        return "", False  # zero-width and other format characters vanish without splitting a word
    kept = "".join(ch for ch in s if unicodedata.category(ch)[0] in "LN")
    return kept, len(kept) < len(s) or not s


@dataclass(frozen=True, slots=True)
class View:
    text: str
    starts: tuple[int, ...]

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Map the view slice ``[a, b)`` back to a slice of the original text."""
        return self.starts[a], self.starts[b - 1] + 1


@dataclass(frozen=True, slots=True)
class Normalised:
    original: str
    compact: View
    token_start: tuple[bool, ...]  # per compact index, plus one final True (end of text)
    words: View
    has_cjk: bool
    has_latin: bool
    clause_breaks: tuple[int, ...]  # original indices where a clause begins (just after , . ; ! ? 。 ...)

    def pinyin_aligned(self, a: int, b: int) -> bool:
        """True when the compact slice ``[a, b)`` starts and ends on token boundaries."""
        return self.token_start[a] and self.token_start[b]


_LATIN, _DIGIT, _OTHER = 1, 2, 3
_CACHE: dict[str, tuple[str, bool, int]] = {}


def _info(c: str) -> tuple[str, bool, int]:
    """Cached: (kept letters/digits, acts as separator, class of the first kept character)."""
    r = _CACHE.get(c)
    if r is None:
        kept, sep = _norm_char(c)
        if not kept:
            klass = 0
        elif _is_latin(kept[0]):
            klass = _LATIN
        elif kept[0].isdigit():
            klass = _DIGIT
        else:
            klass = _OTHER
        r = _CACHE[c] = (kept, sep, klass)
    return r


# CJK sentence marks always end a clause; ASCII ones only before a space or the end (so 上.门 is one word).
_CLAUSE_BREAK = re.compile(r"[，。；！？\n…]|[,.;!?](?=\s|$)")
_SINGLE_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?: [a-z](?![a-z0-9])){2,}")
_LEET_WORD = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]*[0134-57])(?=[0-9]*[a-z][0-9]*[a-z])[a-z0-9]+")


def normalise(text: str) -> Normalised:
    """Build the compact and word views of ``text`` (see the module docstring)."""
    c_chars: list[str] = []
    c_starts: list[int] = []
    tok: list[bool] = []
    w_chars: list[str] = []
    w_starts: list[int] = []
    get = _CACHE.get
    prev_sep = True  # a separator since the last kept character
    prev_klass = 0
    has_cjk = False
    has_latin = False
    n = len(text)
    for i, c in enumerate(text):
        info = get(c) or _info(c)
        kept, sep, klass = info
        if not kept:
            if sep:
                if c in _LEET_SYMBOLS and prev_klass == _LATIN and not prev_sep and i + 1 < n:
                    nxt = get(text[i + 1]) or _info(text[i + 1])
                    if nxt[2] == _LATIN:  # k!ll, @ and $ inside a word
                        ch = _LEET_SYMBOLS[c]
                        c_chars.append(ch)
                        c_starts.append(i)
                        tok.append(False)
                        w_chars.append(ch)
                        w_starts.append(i)
                        continue
                prev_sep = True
            continue
        if len(kept) == 1:
            # the common case: one character in, one out
            if klass == _LATIN:
                has_latin = True
                tok.append(prev_sep or prev_klass != _LATIN)
            else:
                if klass == _OTHER and not has_cjk and _is_cjk(kept):
                    has_cjk = True
                tok.append(True)
            if w_chars and (prev_sep or (klass == _OTHER) != (prev_klass == _OTHER)):
                w_chars.append(" ")
                w_starts.append(w_starts[-1])
            c_chars.append(kept)
            c_starts.append(i)
            w_chars.append(kept)
            w_starts.append(i)
            prev_klass = klass
            prev_sep = sep
            continue
        for ch in kept:  # NFKC expanded one character into several (㎏ → kg)
            k = _LATIN if _is_latin(ch) else _DIGIT if ch.isdigit() else _OTHER
            has_latin = has_latin or k == _LATIN
            has_cjk = has_cjk or _is_cjk(ch)
            tok.append(k != _LATIN or prev_sep or prev_klass != _LATIN)
            if w_chars and (prev_sep or (k == _OTHER) != (prev_klass == _OTHER)):
                w_chars.append(" ")
                w_starts.append(w_starts[-1])
            c_chars.append(ch)
            c_starts.append(i)
            w_chars.append(ch)
            w_starts.append(i)
            prev_klass = k
            prev_sep = False
        prev_sep = sep
    tok.append(True)
    words = "".join(w_chars)
    if has_latin:
        words, w_starts = _tidy_words(words, w_starts)
    return Normalised(
        original=text,
        compact=View("".join(c_chars), tuple(c_starts)),
        token_start=tuple(tok),
        words=View(words, tuple(w_starts)),
        has_cjk=has_cjk,
        has_latin=has_latin,
        clause_breaks=tuple(m.end() for m in _CLAUSE_BREAK.finditer(text)),
    )


def _tidy_words(words: str, starts: list[int]) -> tuple[str, list[int]]:
    """Join spaced-out letters (a r r e s t → arrest) and read digits in words as letters (4rrest → arrest)."""
    if _SINGLE_LETTERS.search(words):
        drop: set[int] = set()
        for m in _SINGLE_LETTERS.finditer(words):
            drop.update(j for j in range(m.start(), m.end()) if words[j] == " ")
        words = "".join(ch for j, ch in enumerate(words) if j not in drop)
        starts = [st for j, st in enumerate(starts) if j not in drop]
    if _LEET_WORD.search(words):
        words = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), words)
    return words, starts
