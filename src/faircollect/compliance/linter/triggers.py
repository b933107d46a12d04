"""Which rules can possibly match: the required literals of each regular expression, found in one pass.

The linter holds well over a hundred structures and English expressions. Running every one on every message costs
more than everything else together, and most cannot match: a structure about visits needs one of its visit words
in the text. ``required_literals(pattern)`` reads a compiled expression's parse tree and returns a set of strings
one of which every match must contain (the most selective such set it can prove), or ``None`` when it cannot
prove one. ``Prefilter`` puts all those strings in one Aho-Corasick automaton: one pass over the text gives the
expressions worth running; expressions without a required literal always run. It never changes what matches,
only what is tried (a property test checks this against running every expression).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from itertools import product
from typing import Any

import ahocorasick

sre_constants: Any = importlib.import_module("re._constants")  # the regular-expression parser (Python 3.11+)
sre_parse: Any = importlib.import_module("re._parser")

_MAX_STRINGS = 4000
_LITERAL, _IN, _BRANCH, _SUBPATTERN = (
    sre_constants.LITERAL,
    sre_constants.IN,
    sre_constants.BRANCH,
    sre_constants.SUBPATTERN,
)
_REPEATS = (
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    getattr(sre_constants, "POSSESSIVE_REPEAT", None),
)
_AT = sre_constants.AT


def _strings(items: Any, limit: int = _MAX_STRINGS) -> set[str] | None:
    """Every string a (sub)pattern can match, if it is a finite set of at most ``limit`` plain strings; else None."""
    out = {""}
    for op, av in items:
        if op is _LITERAL:
            alts: set[str] | None = {chr(av)}
        elif op is _IN:
            alts = set()
            for iop, iav in av:
                if iop is not _LITERAL:
                    return None
                alts.add(chr(iav))
        elif op is _SUBPATTERN:
            alts = _strings(av[-1], limit)
        elif op is _BRANCH:
            alts = set()
            for branch in av[1]:
                got = _strings(branch, limit)
                if got is None:
                    return None
                alts |= got
        elif op in _REPEATS and op is not None:
            lo, hi, sub = av
            inner = _strings(sub, limit)
            if inner is None or hi > 2:
                return None
            alts = set()
            for n in range(lo, hi + 1):
                alts |= {"".join(p) for p in product(inner, repeat=n)}
        elif op is _AT:
            continue  # \b and friends match no character
        else:
            return None
        if alts is None:
            return None
        out = {a + b for a in out for b in alts}
        if len(out) > limit:
            return None
    return out


#: Words so common in messages (English, and Chinese single characters) that a required literal made of one of them
#: selects nothing: a set holding one ranks below any set without.
_COMMON = (
    "a an and are as at be but by can do for get have he i if in is it ll me my not of on or our re s she t that "
    "the they this to up we will with you your yours pay call now today "
    "你 您 你们 您们 我 我们 他 她 的 了 就 会 要 将 是 在 让 给 还 钱 还钱 欠 有 去 到 都 也 再 把 被"
)
_COMMON_WORDS = frozenset(_COMMON.split())


def _rank(cand: set[str]) -> tuple[int, int, int]:
    """How selective a set of required literals is: its weakest string decides (a common word counts as 0), then
    its shortest string, then how few strings it holds."""
    weakest = min((0 if x.strip(" ") in _COMMON_WORDS else len(x.strip(" "))) for x in cand)
    return weakest, min(map(len, cand)), -len(cand)


def _factor(items: Any) -> set[str] | None:
    """A set of strings one of which every match of the sequence ``items`` contains (the most selective one)."""
    best: set[str] | None = None

    def better(cand: set[str] | None) -> None:
        nonlocal best
        if cand and "" not in cand and (best is None or _rank(cand) > _rank(best)):
            best = cand

    run: list[Any] = []
    for op, av in [*list(items), (None, None)]:
        # runs of literal-like items are joined: "上门" is more selective than "上"
        if op in (_LITERAL, _IN, _SUBPATTERN) and op is not None and _strings([(op, av)]) is not None:
            run.append((op, av))
            continue
        if run:
            better(_strings(run))
            run = []
        if op is _SUBPATTERN:
            better(_factor(av[-1]))
        elif op is _BRANCH:
            parts = [_factor(b) for b in av[1]]
            if all(p for p in parts):
                better(set().union(*parts))  # type: ignore[arg-type]
        elif op in _REPEATS and op is not None and av[0] >= 1:
            better(_factor(av[2]))
    return best


_ASSERTS = (sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_GROUPREFS = (sre_constants.GROUPREF, getattr(sre_constants, "GROUPREF_EXISTS", None))
_MAX_REACH = 400


def _lookahead_width(items: Any) -> int | None:
    """The sum of the widest matches of every lookahead in ``items`` (None: a back reference, or unbounded)."""
    total = 0
    for op, av in items:
        if op in _GROUPREFS and op is not None:
            return None
        subs: list[Any] = []
        if op in _ASSERTS:
            direction, sub = av
            if direction == 1:
                total += sub.getwidth()[1]
            subs = [sub]
        elif op is _SUBPATTERN:
            subs = [av[-1]]
        elif op is _BRANCH:
            subs = list(av[1])
        elif op in _REPEATS and op is not None:
            subs = [av[2]]
        elif op is sre_constants.ATOMIC_GROUP:
            subs = [av]
        for sub in subs:
            got = _lookahead_width(sub)
            if got is None:
                return None
            total += got
    return total if total < _MAX_REACH else None


def reach(pattern: re.Pattern[str]) -> int | None:
    """How far past a match's start the matcher can read (its widest match, every lookahead's width, and one
    character for ``\\b``, plus a margin), when that is bounded and the pattern cannot match the empty string;
    else None. A match containing a literal that ends at ``q`` then starts at or after ``q - reach``, and searching
    with ``endpos = start + reach`` finds exactly what a search of the whole text finds at that start."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    lo, hi = parsed.getwidth()
    if lo == 0 or hi >= _MAX_REACH:
        return None
    ahead = _lookahead_width(parsed)
    if ahead is None:
        return None
    return hi + ahead + 2


_sre_compiler: Any = importlib.import_module("re._compiler")


def skips_ahead(pattern: re.Pattern[str]) -> bool:
    """Whether the regular-expression engine can skip to the places where a match may start (the expression begins
    with a literal string or a set of first characters it finds with a fast scan). Such an expression is cheaper
    to search over a whole letter than window by window near its literals (``finditer_near``): measured on the
    benchmark's letters, 7,000 window searches of 62 such Chinese structures cost about a third more than whole-text
    ones. Either way the matches are the same; this only chooses how to search."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        prefix = _sre_compiler._get_literal_prefix(parsed, pattern.flags)[0]
        return bool(prefix) or bool(_sre_compiler._get_charset_prefix(parsed, pattern.flags))
    except (AttributeError, TypeError, ValueError):  # the private helpers moved: search near the literals
        return False


_MAX_FIRST = 64  # alternatives at most in a rewritten expression
_WORD_CHAR = re.compile(r"\w")


def _first_chars(items: list[Any]) -> list[tuple[int, list[Any]]] | None:
    """The ways ``items`` can begin, in the order the engine tries them: (first character, the items after it);
    None when one of them does not begin with a plain character (or there are too many)."""
    if not items:
        return None  # could match the empty string here
    op, av = items[0]
    rest = items[1:]
    if op is _LITERAL:
        return [(av, rest)]
    if op is _IN:
        if not av or any(o is not _LITERAL for o, _ in av):
            return None
        return [(a, rest) for _o, a in av]
    if op is _SUBPATTERN:
        group, add_flags, del_flags, sub = av
        if group is not None or add_flags or del_flags:
            return None
        return _first_chars(list(sub.data) + rest)
    if op is _BRANCH:
        out: list[tuple[int, list[Any]]] = []
        for branch in av[1]:
            got = _first_chars(list(branch.data) + rest)
            if got is None or len(out) + len(got) > _MAX_FIRST:
                return None
            out += got
        return out
    if op is sre_constants.MAX_REPEAT and av[:2] == (0, 1):  # X? tries X first, then nothing
        with_it, without = _first_chars(list(av[2].data) + rest), _first_chars(rest)
        if with_it is None or without is None or len(with_it) + len(without) > _MAX_FIRST:
            return None
        return with_it + without
    return None


def skip_ahead_form(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``\\b(?:we ?know|post …|…)`` rewritten so that the engine can skip ahead to the first characters: one
    alternative per first character ``c``, as ``c(?<!\\wc)…`` (the word boundary checked after ``c``, as in the
    warnings' expressions), in the order the engine tried them. Same matches at the same places (every first
    character is a word character, so ``\\b`` before it means no word character before it); a test checks it on
    the corpus and generated text. None when the expression does not have that shape (or has groups)."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        if pattern.groups or not parsed.data or parsed.data[0] != (_AT, sre_constants.AT_BOUNDARY):
            return None
        alternatives = _first_chars(list(parsed.data[1:]))
        if not alternatives or not all(_WORD_CHAR.fullmatch(chr(c)) for c, _rest in alternatives):
            return None
        state = parsed.state
        word = (_IN, [(sre_constants.CATEGORY, sre_constants.CATEGORY_WORD)])
        branches = [
            sre_parse.SubPattern(
                state,
                [
                    (_LITERAL, c),
                    (sre_constants.ASSERT_NOT, (-1, sre_parse.SubPattern(state, [word, (_LITERAL, c)]))),
                    *rest,
                ],
            )
            for c, rest in alternatives
        ]
        compiled: re.Pattern[str] = _sre_compiler.compile(
            sre_parse.SubPattern(state, [(_BRANCH, (None, branches))]), pattern.flags
        )
        return compiled
    except (
        AttributeError,
        TypeError,
        ValueError,
        re.error,
    ):  # the private parser changed: keep the expression
        return None


_MAX_CONJUNCTIONS = 64  # alternatives at most in a condition (``required_condition``)
Condition = list[list[frozenset[str]]]  # any of these conjunctions: every set of one has a string in the text


_MAX_CONDITION_SET = 64  # strings at most in a set of a condition (the automaton stays small)
_MIN_CONDITION_LITERAL = (
    4  # shorter strings ('pa', 'co', 'ill', 'out') are in most letters: asking costs more
)


def _selective(strings: set[str]) -> bool:
    """A set worth asking about: no common word (``_COMMON``), no string shorter than four characters (two for
    Chinese, whose characters select more), no empty string, at most ``_MAX_CONDITION_SET`` strings. (Also refusing
    English strings of common words only — 'we will', 'if you' — was measured: fewer hits, but fewer expressions
    left out; 3.78 M -> 3.94 M instructions a benchmark letter.)"""
    if "" in strings or len(strings) > _MAX_CONDITION_SET:
        return False
    weakest = _rank(strings)[0]
    return weakest >= _MIN_CONDITION_LITERAL or (weakest >= 2 and all(not x.isascii() for x in strings))


def _condition(items: Any) -> Condition | None:
    """What every match of the sequence ``items`` must contain, as alternatives of conjunctions of literal sets
    (``None``: nothing known). A sequence needs each of its parts, an alternation one of its branches."""
    out: Condition = [[]]

    def conjoin(part: Condition | None) -> None:
        nonlocal out
        if part is None:
            return
        if len(out) * len(part) > _MAX_CONJUNCTIONS:  # too many alternatives: the part's best single set
            merged = _merge_condition(part)
            if merged is None:
                return
            part = [[merged]]
        out = [a + b for a in out for b in part]

    # runs of literal-like items are joined, across optional ones too ("pay ?for" gives "payfor", "pay for": one
    # set, selective where "pay" and "for" are not), while they spell few strings
    run: set[str] | None = None  # the strings of the run up to its last required item
    tail: set[str] = {""}  # the strings of the optional items after it

    def flush() -> None:
        nonlocal run, tail
        if run is not None and _selective(run):
            conjoin([[frozenset(run)]])
        run, tail = None, {""}

    for op, av in [*list(items), (None, None)]:
        if op in (_LITERAL, _IN, _SUBPATTERN, _BRANCH) and op is not None:
            got = _strings([(op, av)], _MAX_CONDITION_SET)
            if got is not None and (
                op is not _BRANCH or len(got) <= _MAX_RUN_STRINGS
            ):  # else: by its branches
                if run is not None and len(run) * len(tail) * len(got) > _MAX_RUN_STRINGS:
                    flush()
                run = set(got) if run is None else {a + t + g for a in run for t in tail for g in got}
                tail = {""}
                continue
        elif op in _REPEATS and op is not None and av[0] == 0 and av[1] == 1:
            inner = _strings(av[2], _MAX_RUN_STRINGS)
            if inner is not None:  # optional: it requires nothing, and a run may go on across it
                if run is not None:
                    grown = {t + x for t in tail for x in (*inner, "")}
                    if len(run) * len(grown) > _MAX_RUN_STRINGS:
                        flush()
                    else:
                        tail = grown
                continue
        flush()
        if op is _SUBPATTERN:
            conjoin(_condition(av[-1]))
        elif op is _BRANCH:
            branches: Condition = []
            for b in av[1]:
                got_b = _condition(b)
                if got_b is None or any(not conj for conj in got_b):
                    branches = []
                    break
                branches.extend(got_b)
            if branches:
                if all(
                    len(conj) == 1 for conj in branches
                ):  # one set per branch: their union, the same condition
                    branches = [[frozenset().union(*(conj[0] for conj in branches))]]
                conjoin(branches)
        elif op in _REPEATS and op is not None and av[0] >= 1:
            conjoin(_condition(av[2]))
    return out if any(out) and all(out) else None


_MAX_RUN_STRINGS = 16


def _merge_condition(cond: Condition) -> frozenset[str] | None:
    """One set implied by ``cond``: the union of each alternative's most selective set."""
    union: set[str] = set()
    for conj in cond:
        if not conj:
            return None
        union |= max(conj, key=lambda s: _rank(set(s)))
    return frozenset(union)


def required_condition(pattern: re.Pattern[str]) -> Condition | None:
    """Alternatives of conjunctions of literal sets, one of which every match of ``pattern`` satisfies (each set of
    it has a string in the match): ``\\byour ?(?:\\w+ ?)?(?:employer|boss)`` needs one of employer/boss besides
    "your" (a common word, not asked about). A finer necessary condition than ``required_literals``."""
    return _condition(sre_parse.parse(pattern.pattern, pattern.flags))


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    got = _factor(parsed)
    return frozenset(got) if got else None


class Prefilter:
    """One automaton over every expression's required literals; ``candidates(text)`` → indices worth running.

    Besides the one set of literals an expression is looked up by (``required_literals``: its occurrences are
    where ``finditer_near`` searches), the automaton holds the literals of its finer condition
    (``required_condition``): an expression whose condition the text does not meet cannot match and is not
    returned (a vet only, never a search)."""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self.always: list[int] = []
        table: dict[str, list[int]] = {}
        conditions: dict[int, Condition] = {}
        for i, p in enumerate(patterns):
            lits = required_literals(p)
            if lits is None:
                self.always.append(i)
                continue
            for lit in lits:
                table.setdefault(lit, []).append(i)
            cond = None if p.flags & re.IGNORECASE else required_condition(p)  # the literals are as written
            if cond is not None and cond != [[lits]]:
                conditions[i] = cond
        lids = {lit: lid for lid, lit in enumerate(table)}
        bits: dict[frozenset[str], int] = {}  # each literal set of a condition: one bit
        for cond in conditions.values():
            for conj in cond:
                for strings in conj:
                    bits.setdefault(strings, 1 << len(bits))
                    for lit in strings:
                        lids.setdefault(lit, len(lids))
        lit_bits: dict[str, int] = {}
        for strings, bit in bits.items():
            for lit in strings:
                lit_bits[lit] = lit_bits.get(lit, 0) | bit
        #: expression -> its condition, one mask of set bits per conjunction: met when every bit of one is seen
        self.conditions: dict[int, tuple[int, ...]] = {
            i: tuple(sum(bits[strings] for strings in set(conj)) for conj in cond)
            for i, cond in conditions.items()
        }
        self.automaton = ahocorasick.Automaton()
        for (
            lit,
            lid,
        ) in lids.items():  # value: (length, the expressions it looks up, literal id, condition bits)
            self.automaton.add_word(lit, (len(lit), tuple(table.get(lit, ())), lid, lit_bits.get(lit, 0)))
        if lids:
            self.automaton.make_automaton()
        self.size = len(patterns)

    def candidates(self, text: str, hits: Iterable[tuple[int, Any]] | None = None) -> list[int]:
        """``hits``: this automaton's ``iter(text)`` when the caller has it already (another automaton holding
        these literals among its keys, with these values, scanned the text: see ``engine.compiled``)."""
        if not text:
            return []
        found: set[int] = set(self.always)
        if len(self.automaton):
            seen = 0
            for _end, (_n, idx, _lid, got) in self.automaton.iter(text) if hits is None else hits:
                seen |= got
                if idx:
                    found.update(idx)
            conditions = self.conditions
            kept = [i for i in found if i not in conditions or _meets(conditions[i], seen)]
            kept.sort()
            return kept
        return sorted(found)

    def occurrences(
        self, text: str, hits: Iterable[tuple[int, Any]] | None = None
    ) -> tuple[list[int], dict[int, list[tuple[int, int]]]]:
        """The expressions without a required literal (run on the whole text), and for every other candidate the
        ``(start, end)`` of each occurrence of its required literals (grouped by literal, not in text order).
        ``hits`` as for ``candidates``."""
        found: dict[int, list[tuple[int, int]]] = {}
        if not text or not len(self.automaton):
            return ([], found) if not text else (self.always, found)
        by_literal: dict[int, tuple[tuple[int, ...], list[tuple[int, int]]]] = {}
        seen = 0
        for end, (n, idx, lid, got_bits) in self.automaton.iter(text) if hits is None else hits:
            if not idx:  # a literal of conditions only: where it is does not matter
                seen |= got_bits
                continue
            got = by_literal.get(lid)
            if got is None:
                by_literal[lid] = (idx, [(end + 1 - n, end + 1)])
                seen |= got_bits
            else:
                got[1].append((end + 1 - n, end + 1))
        conditions = self.conditions
        for idx, occ in by_literal.values():
            for i in idx:
                have = found.get(i)
                if have is None:
                    if i in conditions and not _meets(conditions[i], seen):
                        continue
                    found[i] = occ[:]
                else:
                    have.extend(occ)
        return self.always, found


def _meets(masks: tuple[int, ...], seen: int) -> bool:
    """One conjunction of a condition has all its literal sets seen in the text."""
    for m in masks:  # noqa: SIM110 (a loop: no generator per call, this runs per candidate)
        if m & seen == m:
            return True
    return False


def finditer_near(
    rx: re.Pattern[str], text: str, occurrences: list[tuple[int, int]], width: int
) -> list[re.Match[str]]:
    """``list(rx.finditer(text))`` for an expression every match of which contains one of the literal
    ``occurrences`` and reads at most ``width`` characters from its start (``reach``): only the stretches where a
    match could start are searched, each with an end just past the farthest character a match there can read.
    Searching from ``pos`` keeps the text before it as context (``\\b``, lookbehind), as a whole-text search does."""
    n = len(text)
    spans: list[tuple[int, int]] = []
    for a, b in sorted((max(q - width, 0), p) for p, q in occurrences):
        if spans and a <= spans[-1][1] + 1:
            if b > spans[-1][1]:
                spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    out: list[re.Match[str]] = []
    pos = 0
    for lo, hi in spans:
        lo = max(lo, pos)
        while lo <= hi:
            m = rx.search(text, lo, min(n, hi + width))
            if m is None or m.start() > hi:
                break
            out.append(m)
            pos = lo = m.end()
    return out
