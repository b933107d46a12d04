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

    def pinyin_aligned(self, a: int, b: int) -> bool:
        """True when the compact slice ``[a, b)`` starts and ends on token boundaries."""
        return self.token_start[a] and self.token_start[b]


def normalise(text: str) -> Normalised:
    """Build the compact and word views of ``text`` (see the module docstring)."""
    c_chars: list[str] = []
    c_starts: list[int] = []
    tok: list[bool] = []
    # tokens for the word view: each is (chars, starts)
    tokens: list[tuple[list[str], list[int]]] = []
    cur_chars: list[str] = []
    cur_starts: list[int] = []
    prev_sep = True
    prev_latin = False
    prev_alnum = False
    has_cjk = False
    has_latin = False
    n = len(text)
    for i, c in enumerate(text):
        if c in _LEET_SYMBOLS and 0 < i < n - 1 and prev_latin and not prev_sep:
            nxt = _norm_char(text[i + 1])[0]
            if nxt and _is_latin(nxt[0]):
                ch = _LEET_SYMBOLS[c]
                c_chars.append(ch)
                c_starts.append(i)
                tok.append(False)
                cur_chars.append(ch)
                cur_starts.append(i)
                continue
        kept, sep = _norm_char(c)
        if sep and not kept:
            prev_sep = True
            if cur_chars:
                tokens.append((cur_chars, cur_starts))
                cur_chars, cur_starts = [], []
            continue
        for ch in kept:
            latin = _is_latin(ch)
            if latin:
                has_latin = True
            elif not has_cjk and _is_cjk(ch):
                has_cjk = True
            boundary = prev_sep or latin != prev_latin or not latin
            c_chars.append(ch)
            c_starts.append(i)
            tok.append(boundary)
            alnum = latin or ch.isdigit()
            if cur_chars and (prev_sep or alnum != prev_alnum):
                tokens.append((cur_chars, cur_starts))
                cur_chars, cur_starts = [], []
            cur_chars.append(ch)
            cur_starts.append(i)
            prev_sep = False
            prev_latin = latin
            prev_alnum = alnum
        if sep:
            prev_sep = True
            if cur_chars:
                tokens.append((cur_chars, cur_starts))
                cur_chars, cur_starts = [], []
    if cur_chars:
        tokens.append((cur_chars, cur_starts))
    tok.append(True)
    w_chars, w_starts = _word_view(tokens)
    return Normalised(
        original=text,
        compact=View("".join(c_chars), tuple(c_starts)),
        token_start=tuple(tok),
        words=View("".join(w_chars), tuple(w_starts)),
        has_cjk=has_cjk,
        has_latin=has_latin,
    )


def _word_view(tokens: list[tuple[list[str], list[int]]]) -> tuple[list[str], list[int]]:
    merged: list[tuple[list[str], list[int]]] = []
    i = 0
    while i < len(tokens):
        # a r r e s t → arrest: join runs of >= 3 single Latin letters
        j = i
        while j < len(tokens) and len(tokens[j][0]) == 1 and _is_latin(tokens[j][0][0]):
            j += 1
        if j - i >= 3:
            chars = [t[0][0] for t in tokens[i:j]]
            starts = [t[1][0] for t in tokens[i:j]]
            merged.append((chars, starts))
            i = j
            continue
        merged.append(tokens[i])
        i += 1
    out_chars: list[str] = []
    out_starts: list[int] = []
    for chars, starts in merged:
        word = "".join(chars)
        letters = sum(1 for ch in word if _is_latin(ch))
        if letters >= 2 and letters < len(word) and any(_is_latin(ch) for ch in word):
            word = word.translate(_LEET)
        if out_chars:
            out_chars.append(" ")
            out_starts.append(out_starts[-1])
        out_chars.extend(word)
        out_starts.extend(starts)
    return out_chars, out_starts
