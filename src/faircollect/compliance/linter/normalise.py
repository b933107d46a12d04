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
from bisect import bisect_left
from functools import lru_cache
from itertools import compress

import numpy as np
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


_NONSPACE_FROM = 160  # word views from this length keep a table of their non-space positions (``first_from``)


class View:
    """One view of a message: its text, and for every view character the index of the original character it came
    from (``starts``). ``starts`` is computed on first use: most messages never need it (no rule matched)."""

    __slots__ = ("_nonspace", "_owner", "_starts", "_which", "text")

    def __init__(
        self,
        text: str,
        starts: tuple[int, ...] | None = None,
        owner: Normalised | None = None,
        which: int = 0,
    ) -> None:
        self.text = text
        self._starts = starts
        self._owner = owner
        self._which = which
        self._nonspace: list[int] | None = None  # lazy word view: the positions of its non-space characters

    @property
    def starts(self) -> tuple[int, ...]:
        if self._starts is None:
            assert self._owner is not None
            if self._which == 0:  # compact view of a fast-path text: the kept characters, one each
                self._starts = _kept_positions(self._owner.original, self._owner._spaced)
                return self._starts
            if self._which == 1:  # word view of a fast-path text
                owner = self._owner
                self._starts = _word_starts(owner._spaced, owner.compact.starts, owner.has_latin)
                return self._starts
            self._owner._materialise()
        assert self._starts is not None
        return self._starts

    def _lazy_words(self) -> bool:
        """A fast-path word view whose offset map is not built: its non-space characters are the compact view's,
        one for one, and a space stands for the character before it, so positions map by counting spaces."""
        return self._starts is None and self._which == 1 and self._owner is not None

    def index(self, i: int) -> int:
        """``starts[i]``: the index in the original text of the character that produced view character ``i``."""
        if self._lazy_words():
            assert self._owner is not None
            text = self.text
            c = i - text.count(" ", 0, i) - (text[i] == " ")
            return self._owner.compact.starts[c]
        return self.starts[i]

    def first_from(self, origin: int, hi: int) -> int:
        """``bisect_left(starts, origin, 0, hi)``: the first view index below ``hi`` whose character comes from
        ``origin`` or later in the original (``hi`` if none)."""
        if self._lazy_words():
            assert self._owner is not None
            text = self.text
            k = bisect_left(self._owner.compact.starts, origin)
            # the k-th non-space character: spaces take the index of the character before them, so no earlier
            # position can come from ``origin`` or later
            if len(text) < _NONSPACE_FROM:  # a short view: count spaces (no table)
                if k >= len(text) - text.count(" "):
                    return hi
                p = bisect_left(range(len(text)), k + 1, key=lambda q: q + 1 - text.count(" ", 0, q + 1))
                return min(p, hi)
            if (
                self._nonspace is None
            ):  # a long one (a letter, looked up per sentence): one table of positions
                codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
                self._nonspace = np.flatnonzero(codes != 32).tolist()
            if k >= len(self._nonspace):
                return hi
            return min(self._nonspace[k], hi)
        return bisect_left(self.starts, origin, 0, hi)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Map the view slice ``[a, b)`` back to a slice of the original text."""
        if self._lazy_words():
            return self.index(a), self.index(b - 1) + 1
        starts = self.starts
        return starts[a], starts[b - 1] + 1


class Normalised:
    """The compact and word views of ``original``; ``token_start`` (per compact index, plus a final True) and
    ``clause_breaks`` (original indices where a clause begins) are computed on first use."""

    __slots__ = (
        "_clause_breaks",
        "_marks",
        "_spaced",
        "_token_start",
        "compact",
        "has_cjk",
        "has_latin",
        "original",
        "words",
    )

    def __init__(
        self,
        original: str,
        compact: View,
        words: View,
        has_cjk: bool,
        has_latin: bool,
        token_start: tuple[bool, ...] | None = None,
    ) -> None:
        self.original = original
        self.compact = compact
        self.words = words
        self.has_cjk = has_cjk
        self.has_latin = has_latin
        self._token_start = token_start
        self._clause_breaks: tuple[int, ...] | None = None
        self._spaced = ""  # fast path: the text through the word table (one character or none per character)
        self._marks: str | None = None  # fast path: per compact character, "\x00" where no token starts

    def _materialise(self) -> None:
        full = _full(self.original)
        # the fast path and the full one build the same texts (tests/compliance/linter/test_linter_normalise.py)
        if self.compact._starts is None:
            self.compact._starts = full.compact.starts
        self.words._starts = full.words.starts
        self._token_start = full.token_start

    @property
    def token_start(self) -> tuple[bool, ...]:
        if self._token_start is None:
            if self.compact._which == 0 and self.compact._owner is not None:
                self._token_start = _token_starts(self._spaced)
            else:
                self._materialise()
        assert self._token_start is not None
        return self._token_start

    @property
    def clause_breaks(self) -> tuple[int, ...]:
        if self._clause_breaks is None:
            self._clause_breaks = tuple(m.end() for m in _CLAUSE_BREAK.finditer(self.original))
        return self._clause_breaks

    def starts_token(self, i: int) -> bool:
        """``token_start[i]`` without building the tuple (on the fast path: one substitution over the text)."""
        if self._token_start is None and self.compact._which == 0 and self.compact._owner is not None:
            if self._marks is None:
                self._marks = _token_marks(self._spaced)
            return i >= len(self._marks) or self._marks[i] != "\x00"
        return self.token_start[i]

    def pinyin_aligned(self, a: int, b: int) -> bool:
        """True when the compact slice ``[a, b)`` starts and ends on token boundaries."""
        return self.starts_token(a) and self.starts_token(b)


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
# The look-behind comes after the first letter (same matches as "(?<![a-z0-9])[a-z]…"), so the search can skip
# ahead to the next letter instead of trying the look-behind at every position.
_SINGLE_LETTERS = re.compile(r"[a-z](?<![a-z0-9][a-z])(?: [a-z](?![a-z0-9])){2,}")
_LEET_WORD = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]*[0134-57])(?=[0-9]*[a-z][0-9]*[a-z])[a-z0-9]+")
_LEET_DIGIT = re.compile("[0134-57]")  # every leet word holds one: a quick test before ``_LEET_WORD``


_COMPLEX = "\x00"  # a character the fast path does not handle (it expands into several)
_LEET_MARK = "\x01"  # ! @ $ | in the compact view: a separator unless it sits between two Latin letters
_LEET_NEAR = re.compile("[a-z]\x01")
_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN_RE = re.compile("[a-z]")


class _Table(dict[int, str]):
    """A ``str.translate`` table filled on demand from the per-character normalisation (``_info``)."""

    def __init__(self, words: bool) -> None:
        super().__init__()
        self.words_view = words

    def __missing__(self, code: int) -> str:
        c = chr(code)
        kept, sep, klass = _info(c)
        if c in _LEET_SYMBOLS and not kept and sep:
            # a separator, unless squeezed between letters (k!ll)
            out = " " if self.words_view else _LEET_MARK
        elif c in _LEET_SYMBOLS or len(kept) > 1 or (kept and sep):
            out = _COMPLEX
        elif not kept:
            out = " " if sep and self.words_view else ""
        elif (klass == _DIGIT) != bool(re.fullmatch(r"\d", kept)):
            out = _COMPLEX  # a digit that \d does not see (or the reverse): leave it to the full path
        else:
            out = kept
        if not out and self.words_view:
            _VANISHING.add(c)
        self[code] = out
        return out


#: the characters the word table has dropped without a space so far (zero-width and other format characters)
_VANISHING: set[str] = set()
_VANISHING_RE: dict[int, re.Pattern[str]] = {}  # one expression finding them, by the size of the set


def _vanishing_positions(text: str) -> list[int]:
    """Where ``text`` holds a character the word table drops (every character of ``text`` is in the table)."""
    k = len(_VANISHING)
    rx = _VANISHING_RE.get(k)
    if rx is None:
        _VANISHING_RE.clear()
        rx = _VANISHING_RE[k] = re.compile("[" + "".join(re.escape(c) for c in sorted(_VANISHING)) + "]")
    return [m.start() for m in rx.finditer(text)]


_COMPACT_TABLE = _Table(words=False)
_WORDS_TABLE = _Table(words=True)


class _KeptFlags(dict[int, str]):
    """A ``str.translate`` table: "\x01" for a character the fast path keeps in the compact view, "\x00" otherwise."""

    def __missing__(self, code: int) -> str:
        out = "\x00" if _COMPACT_TABLE[code] in ("", _LEET_MARK) else "\x01"
        self[code] = out
        return out


_KEPT_FLAGS = _KeptFlags()
_KEPT_BY_NUMPY = 96  # from this length numpy finds the non-space positions faster than a generator


def _kept_positions(original: str, spaced: str) -> tuple[int, ...]:
    """The compact view's offset map on the fast path: the index of every character the compact view keeps.

    ``spaced`` is ``original`` through the word table: a kept character becomes the one character it stands for
    (never a space), a separator becomes a space, and only a format character (zero-width, ``Cf``) vanishes. So
    when nothing vanished (same length) the kept characters are the non-spaces of ``spaced``, at the same
    indices; on a long text with vanished characters, the non-spaces of ``spaced`` are mapped past them; otherwise
    the per-character flag table decides (``_KEPT_FLAGS``). Tests check these equal the full pass's map."""
    n = len(original)
    if n >= _KEPT_BY_NUMPY:
        codes = np.frombuffer(spaced.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kept = np.flatnonzero(codes != 32)
        if len(spaced) == n:
            return tuple(kept.tolist())
        # some characters vanished: spaced index j is the j-th character of ``original`` that did not vanish
        gaps = _vanishing_positions(original)
        if len(gaps) == n - len(spaced):  # every vanished character found (each one found did vanish)
            stays = np.ones(n, dtype=bool)
            stays[gaps] = False
            return tuple(np.flatnonzero(stays)[kept].tolist())
    elif len(spaced) == n:
        return tuple(compress(range(n), map(" ".__ne__, spaced)))
    flags = original.translate(_KEPT_FLAGS).encode("latin-1")  # b"\x01" kept, b"\x00" dropped
    return tuple(compress(range(n), flags))


_LEET_SYMBOLS_RE = re.compile("[" + re.escape("".join(_LEET_SYMBOLS)) + "]")
_WORD_RUN = re.compile(r"[a-z\d]+|[^a-z\d ]+")  # the word view's tokens: Latin/digit runs and other runs


def normalise(text: str) -> Normalised:
    """Build the compact and word views of ``text`` (see the module docstring).

    Fast path: when every character maps to at most one character, both views come from ``str.translate`` and a
    few regular expressions, and the offset maps are built only if something asks for them. Otherwise (or when
    asked) the full per-character pass ``_full`` builds everything."""
    spaced = text.translate(_WORDS_TABLE)
    if _COMPLEX in spaced:  # the two tables mark the same characters as complex
        return _full(text)
    if _LEET_SYMBOLS_RE.search(text) is None:
        # Without ! @ $ | the compact table gives each character what the word table gives, except that a
        # separator becomes nothing instead of a space: one translate pass serves both views.
        compact = spaced.replace(" ", "")
    else:
        if _letter_before_leet_symbol(text):  # maybe a letter in disguise (k!ll): the full pass decides
            return _full(text)
        # the compact table's output without its marks (``_COMPACT_TABLE`` turns a separating ! @ $ | into a
        # mark, the word table into a space): again the word table's output without spaces
        compact = spaced.replace(" ", "")
    has_latin = _LATIN_RE.search(compact) is not None
    words = " ".join(
        _WORD_RUN.findall(spaced)
    )  # a space at every separator run and class change, none at the ends
    if has_latin:
        words = _tidy_words(words, None)[0]
    norm = Normalised(
        text, View(compact), View(words, which=1), _CJK_RE.search(compact) is not None, has_latin
    )
    norm.compact._owner = norm
    norm.words._owner = norm
    norm._spaced = spaced
    return norm


def _letter_before_leet_symbol(text: str) -> bool:
    """``_LEET_NEAR.search(text.translate(_COMPACT_TABLE))`` without translating the text again: some ! @ $ | that
    the compact table marks has a Latin letter as the nearest character before it that the table does not drop."""
    table = _COMPACT_TABLE
    for m in _LEET_SYMBOLS_RE.finditer(text):
        i = m.start()
        if table[ord(text[i])] != _LEET_MARK:
            continue
        j = i - 1
        while j >= 0:
            out = table[ord(text[j])]
            if out:
                if len(out) == 1 and "a" <= out <= "z":
                    return True
                break
            j -= 1
    return False


def _word_starts(spaced: str, compact_starts: tuple[int, ...], has_latin: bool) -> tuple[int, ...]:
    """The word view's offset map for a fast-path text: each kept character's index; a space takes the index of
    the character before it (as in ``_full``); then the same tidying.

    Built per token, not per character: ``spaced`` is the text through the word table, whose non-space characters
    are exactly the compact view's (so their indices are ``compact_starts``); the view is its tokens joined by one
    space."""
    starts: list[int] = []
    extend, append = starts.extend, starts.append
    k = 0
    for m in _WORD_RUN.finditer(spaced):
        a, b = m.span()
        if starts:
            append(starts[-1])
        extend(compact_starts[k : k + b - a])
        k += b - a
    if has_latin:
        joined = " ".join(_WORD_RUN.findall(spaced))
        tidied = _tidy_words(joined, starts)[1]
        if tidied is not None:
            starts = tidied
    return tuple(starts)


_WORD_GOES_ON = re.compile("(?<=[a-z])[a-z]")  # a Latin letter right after another: not a token start
_NOT_CONTINUED = re.compile("[^\x00]")


def _token_starts(spaced: str) -> tuple[bool, ...]:
    """``token_start`` of a fast-path text, from the text through the word table: every compact character starts
    a token except a Latin letter right after a Latin letter (no separator between them); plus a final True."""
    marks = _NOT_CONTINUED.sub("\x01", _token_marks(spaced))
    return (*map(bool, marks.encode("latin-1")), True)


def _token_marks(spaced: str) -> str:
    """The compact view with "\x00" for every character that does not start a token (see ``_token_starts``)."""
    return _WORD_GOES_ON.sub("\x00", spaced).replace(" ", "")


def _full(text: str) -> Normalised:
    """The full per-character pass: both views with their offset maps, the token starts and the flags."""
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
        words, tidied = _tidy_words(words, w_starts)
        w_starts = tidied if tidied is not None else w_starts
    return Normalised(
        original=text,
        compact=View("".join(c_chars), tuple(c_starts)),
        words=View(words, tuple(w_starts)),
        has_cjk=has_cjk,
        has_latin=has_latin,
        token_start=tuple(tok),
    )


def _tidy_words(words: str, starts: list[int] | None) -> tuple[str, list[int] | None]:
    """Join spaced-out letters (a r r e s t → arrest) and read digits in words as letters (4rrest → arrest)."""
    if _SINGLE_LETTERS.search(words):
        # drop the spaces inside each run of single letters, slice by slice
        pieces: list[str] = []
        kept: list[int] = []
        done = 0
        for m in _SINGLE_LETTERS.finditer(words):
            a, b = m.span()
            pieces.append(words[done:a])
            pieces.append(words[a:b].replace(" ", ""))
            if starts is not None:
                kept.extend(starts[done:a])
                kept.extend(starts[j] for j in range(a, b) if words[j] != " ")
            done = b
        pieces.append(words[done:])
        words = "".join(pieces)
        if starts is not None:
            kept.extend(starts[done:])
            starts = kept
    if _LEET_DIGIT.search(words) and _LEET_WORD.search(words):
        words = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), words)
    return words, starts
