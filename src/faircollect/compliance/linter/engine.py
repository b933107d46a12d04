"""The message linter: ``lint(text, context) -> LintResult``. Pure: no I/O, no clock, no database."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import ahocorasick

from faircollect.compliance.contact import Channel
from faircollect.compliance.linter import context as C
from faircollect.compliance.linter import grammar as G
from faircollect.compliance.linter import paraphrases as X
from faircollect.compliance.linter import patterns as P
from faircollect.compliance.linter.classifier import default_classifier
from faircollect.compliance.linter.lexicon import cn_insult_words, cn_ordinary_spans, profane_words
from faircollect.compliance.linter.normalise import Normalised, normalise
from faircollect.compliance.linter.reported import reported_only, taken_back
from faircollect.compliance.linter.rules import (
    EXPLANATIONS,
    RECIPIENT_RULES,
    THIRD_PARTY_RECIPIENT,
    category_rules,
    check_jurisdiction,
    obligor_roles_of,
    rule_for,
)
from faircollect.compliance.linter.triggers import (
    Prefilter,
    finditer_near,
    reach,
    skip_ahead_form,
    skips_ahead,
)
from faircollect.compliance.linter.types import Finding, LintContext, LintResult, Severity, Verdict
from faircollect.compliance.linter.variants import ABBREVIATIONS, variants
from faircollect.kit.errors import ValidationError

if TYPE_CHECKING:
    from faircollect.compliance.rulebook import Rulebook

_PLAIN, _LATIN, _ABBR = 0, 1, 2
_ALLOW = "_allow"  # a service phrase (上门办理): findings inside it are dropped


@dataclass(frozen=True, slots=True)
class _Hit:
    category: str
    length: int
    kind: int
    lawful_when: C.LawfulWhen  # context.py: the facts under which this match is lawful
    needs_act: bool = (
        False  # a workplace named (patterns.CN_WORKPLACE_MENTIONS): only with an act in its sentence
    )


class _Raw(NamedTuple):  # a tuple: built once per rule hit, cheaper than a frozen dataclass
    category: str
    start: int
    end: int
    rule: str | None = None  # overrides the category's rule
    explanation: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    #: the phrases and the Chinese structures' required literals in one automaton (one scan of the compact view
    #: serves both): key -> (the phrase hits of that key, the CN prefilter's value for it or None)
    automaton: ahocorasick.Automaton
    cn_structures: tuple[tuple[str, re.Pattern[str], C.LawfulWhen], ...]
    en_patterns: tuple[tuple[str, re.Pattern[str], C.LawfulWhen], ...]
    cn_prefilter: Prefilter  # which structures can match the compact view
    en_prefilter: Prefilter  # which expressions can match the word view
    cn_reach: tuple[int | None, ...]  # how far a structure's match reads from its start (None: unbounded)
    en_reach: tuple[int | None, ...]
    en_written: tuple[
        re.Pattern[str], ...
    ]  # the English expressions as written (``en_patterns`` may be rewritten)
    cn_whole: tuple[bool, ...]  # searched over the whole text even when long (``triggers.skips_ahead``)
    en_whole: tuple[bool, ...]
    #: the English profanity lexicon (``lexicon.py``): each word with a space either side, searched in the word view
    #: with a space either side, so every match is a whole word -> the word's length
    en_lexicon: ahocorasick.Automaton
    #: fact -> the categories of the rules that declare it: the kinds of statement the fact can make true
    #: (lawsuit_filed: false_legal_claim; visit_approved: visit_threat, workplace_threat; co_obligor: deceptive)
    fact_categories: dict[str, frozenset[str]]


_WORD_SLOT = re.compile(r"\{([^{}\d,]+)\}")


def _cn_regex(src: str) -> re.Pattern[str]:
    """Compile a compact-view structure; ``{词}`` becomes the word or any of its stand-in spellings."""

    def expand(m: re.Match[str]) -> str:
        word = m.group(1)
        spellings = sorted({word, *variants(word)}, key=len, reverse=True)
        return "(?:" + "|".join(re.escape(w) for w in spellings) + ")"

    return re.compile(_WORD_SLOT.sub(expand, src))


def _en_regex(src: str) -> re.Pattern[str]:
    # The word view has no apostrophes ("you'll" → "you ll") and may have lost spaces ("k i l l" → "kill").
    src = src.replace("'?", " ?").replace("'", " ?").replace(" ", " ?").replace(" ??", " ?")
    return re.compile(src)


@lru_cache(maxsize=1)
def compiled() -> _Compiled:
    """Build the automaton and regexes once per process."""
    table: dict[str, set[_Hit]] = {}

    def add(key: str, hit: _Hit) -> None:
        table.setdefault(key, set()).add(hit)

    for ph in (*P.CN_PHRASES, *X.CN_PHRASES):
        when = C.from_flags(ph.lawsuit_ok, ph.visit_ok)
        add(ph.text, _Hit(ph.category, len(ph.text), _PLAIN, when))
        if ph.variants and 2 <= len(ph.text) <= 4:
            for v in variants(ph.text):
                kind = _LATIN if re.search(r"[a-z]", v) else _PLAIN
                add(v, _Hit(ph.category, len(v), kind, when))
    for ph in (*P.CN_WORKPLACE_MENTIONS, *P.CN_CONTACT_MENTIONS):
        add(ph.text, _Hit(ph.category, len(ph.text), _PLAIN, C.NEVER, True))
        if ph.variants and 2 <= len(ph.text) <= 4:
            for v in variants(ph.text):
                kind = _LATIN if re.search(r"[a-z]", v) else _PLAIN
                add(v, _Hit(ph.category, len(v), kind, C.NEVER, True))
    for allowed in X.CN_ALLOW:
        add(allowed, _Hit(_ALLOW, len(allowed), _PLAIN, C.NEVER))
    # the Chinese insult lexicon (``lexicon.py``, read from installed packages): each word an insult phrase, as
    # written (no stand-in spellings), and the ordinary text a word can sit inside (生日你妈妈) a service phrase
    for word in cn_insult_words():
        add(word, _Hit("insult", len(word), _PLAIN, C.from_flags(False, False)))
    for ordinary in cn_ordinary_spans():
        add(ordinary, _Hit(_ALLOW, len(ordinary), _PLAIN, C.NEVER))
    for abbr, phrase in ABBREVIATIONS.items():
        for ph in P.CN_PHRASES:
            if ph.text.startswith(phrase):
                add(abbr, _Hit(ph.category, len(abbr), _ABBR, C.from_flags(ph.lawsuit_ok, ph.visit_ok)))
                break
    cn_structures = tuple(
        (c, _cn_regex(rx), when)
        for c, rx, when in map(C.declared, (*P.CN_STRUCTURES, *X.CN_STRUCTURES, *G.CN_STRUCTURES))
    )
    cn_prefilter = Prefilter([rx for _c, rx, _w in cn_structures])
    keys: dict[str, tuple[tuple[_Hit, ...], Any]] = {key: (tuple(hits), None) for key, hits in table.items()}
    for literal, value in cn_prefilter.automaton.items():
        keys[literal] = (keys.get(literal, ((), None))[0], value)
    automaton = ahocorasick.Automaton()
    for key, both in keys.items():
        automaton.add_word(key, both)
    automaton.make_automaton()
    en_source = tuple(
        (c, _en_regex(rx), when)
        for c, rx, when in map(C.declared, (*P.EN_PATTERNS, *X.EN_PATTERNS, *G.EN_PATTERNS))
    )
    # searched in the form the engine can skip ahead in (``triggers.skip_ahead_form``: the same matches); the
    # prefilter's literals and the reaches are read from the written expressions
    en_patterns = tuple((c, skip_ahead_form(rx) or rx, when) for c, rx, when in en_source)
    fact_categories: dict[str, set[str]] = {}
    for category, when in (
        *((h.category, h.lawful_when) for hits in table.values() for h in hits),
        *((c, w) for c, _rx, w in (*cn_structures, *en_source)),
    ):
        for fact in when:
            fact_categories.setdefault(fact, set()).add(category)
    en_lexicon = ahocorasick.Automaton()
    for word in profane_words():
        en_lexicon.add_word(f" {word} ", len(word))
    en_lexicon.make_automaton()
    return _Compiled(
        automaton=automaton,
        en_lexicon=en_lexicon,
        cn_structures=cn_structures,
        en_patterns=en_patterns,
        cn_prefilter=cn_prefilter,
        en_prefilter=Prefilter([rx for _c, rx, _w in en_source]),
        cn_reach=tuple(reach(rx) for _c, rx, _w in cn_structures),
        en_reach=tuple(reach(rx) for _c, rx, _w in en_source),
        en_written=tuple(rx for _c, rx, _w in en_source),
        cn_whole=tuple(skips_ahead(rx) for _c, rx, _w in cn_structures),
        en_whole=(False,) * len(en_source),  # near their literals: measured faster on letters, even rewritten
        fact_categories={f: frozenset(cs) for f, cs in fact_categories.items()},
    )


_NEAR_FROM = 160  # characters of a view from which expressions are searched only near their literals


def _matches(
    prefilter: Prefilter,
    patterns: tuple[tuple[str, re.Pattern[str], C.LawfulWhen], ...],
    reaches: tuple[int | None, ...],
    whole: tuple[bool, ...],
    text: str,
    facts: frozenset[str],
    hits: list[tuple[int, Any]] | None = None,
    made_true: list[tuple[int, int]] | None = None,
) -> list[tuple[str, re.Match[str]]]:
    """Every match of every expression that can match ``text``, in the order of the expressions: each one with a
    required literal and a bounded reach is searched only near its literals (``finditer_near``) unless the engine
    skips ahead by itself (``whole``), the others over the whole text. The same matches as ``rx.finditer(text)`` for
    each (a property test checks it), leaving out the expressions that ``facts`` make lawful (``context.py``): the
    spans of those that state a notice the facts made true (``context.NOTICE_FACTS``) go to ``made_true`` when it
    is given."""
    out: list[tuple[str, re.Match[str]]] = []
    if len(text) < _NEAR_FROM:  # a short text is cheaper to scan whole than to cut into windows
        append = out.append
        for i in prefilter.candidates(text, hits):
            category, rx, when = patterns[i]
            if not (when and C.lawful(when, facts)):
                for m in rx.finditer(text):
                    append((category, m))
            elif made_true is not None and C.lawful(when, facts & C.NOTICE_FACTS):
                made_true.extend(m.span() for m in rx.finditer(text))
        return out
    always, near = prefilter.occurrences(text, hits)
    for i in sorted((*always, *near)):
        category, rx, when = patterns[i]
        lawful = bool(when) and C.lawful(when, facts)
        if lawful and (made_true is None or not C.lawful(when, facts & C.NOTICE_FACTS)):
            continue
        width = reaches[i]
        occ = near.get(i)
        found = (
            rx.finditer(text)
            if width is None or occ is None or whole[i]
            else finditer_near(rx, text, occ, width)
        )
        if lawful:
            assert made_true is not None
            made_true.extend(m.span() for m in found)
        else:
            out.extend((category, m) for m in found)
    return out


_CONDITIONAL_AFTER_NEGATION = frozenset(
    {"pay", "repay", "respond", "reply", "answer", "settle", "call", "contact", "make", "force", "let"}
    # … and as a gerund, the condition as a subject: "Not calling back will lead to immediate legal action"
    | {
        "paying",
        "repaying",
        "responding",
        "replying",
        "answering",
        "settling",
        "calling",
        "contacting",
        "making",
    }
)
# A wish not to ("nobody wants to see you arrested", "you don't want us to contact your boss") is a denial only
# where nothing presses on after it: with "so …", "but …", "unless …", "otherwise", "or else" or "do you?" later in
# its sentence, and no "won't" / "never" there, it holds the harm out as the next step ("Nobody wants to see you
# arrested, so call us today."); "We don't want to contact your employer, and we won't." stays a denial.
_WISH_AFTER_NEGATION = frozenset({"want", "wants", "wanted", "wish", "wishes", "like"})
_WISH_BEFORE_NEGATION = frozenset({"rather", "prefer", "preferably"})  # "we'd rather not send anyone …"
_PRESSES_ON_EN = re.compile(r"\b(?:so|but|unless|otherwise|or else|until|do you|don'?t you)\b")
_DENIES_AFTER_EN = re.compile(
    r"\b(?:won'?t|will not|will never|never|not going to|wouldn'?t|would not|would never)\b"
)
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")


def _wish_holds_out(norm: Normalised, a: int) -> bool:
    """After a negated wish, the rest of the sentence from the harm at word-view index ``a`` presses on."""
    start = norm.words.span(a, a + 1)[0]
    text = norm.original
    end = _SENTENCE_END.search(text, start)
    rest = text[start : end.start() if end else len(text)].lower()
    return bool(_PRESSES_ON_EN.search(rest)) and not _DENIES_AFTER_EN.search(rest)


def _clause_start(norm: Normalised, pos: int) -> int:
    """Index in the original text where the clause holding ``pos`` begins (after , . ; ! ? and their CJK forms)."""
    breaks = norm.clause_breaks
    i = bisect_right(breaks, pos)
    return breaks[i - 1] if i else 0


_GUARDED = frozenset({"impersonation", "deceptive"})
#: acts the reader may ask for (a home visit, a word with a relative or the employer): an offer is not a threat
_OFFER_CATEGORIES = frozenset({"visit_threat", "third_party_disclosure"})
_PROMISE_CATEGORIES = frozenset(
    {
        "public_shaming",
        "visit_threat",
        "third_party_disclosure",
        "contact_list_threat",
        "workplace_threat",
        # advice not to borrow lists the means: "please don't take out a loan or use a credit card to pay us"
        "induce_borrowing",
    }
)
_CN_NEGATOR_RE = re.compile("|".join(re.escape(n) for n in sorted(P.CN_NEGATORS, key=len, reverse=True)))
_CN_FALSE_NEGATOR_RE = re.compile(
    "(?=(" + "|".join(re.escape(n) for n in sorted(P.CN_FALSE_NEGATORS, key=len, reverse=True)) + "))"
)


#: a negator before one of these negates the obstruction, not the harm after it: 你不能阻止我们上门, 没有任何人能阻止
#: 我们明天上门, 谁也救不了你
_CN_OBSTRUCT = re.compile(r"阻止|阻拦|拦住|拦得住|拦着|挡住|救|保护|躲|逃|避免|防止|摆脱|改变|帮得了|帮不了")
#: a negated subject: "没有任何警察或法院工作人员会因为这笔欠款上门抓人" (past the 16-character window)
_CN_NEG_SUBJECT = re.compile(r"(?:没有|并没有|绝没有|无)(?:任何|一个|哪个|哪位|谁)")
#: the reader may take the act up: 如您需要，我们可以安排工作人员上门…，请回复1预约 …
_CN_OFFER = re.compile(
    r"如您需要|如你需要|如有需要|如需|如您愿意|如您希望|应您的?要求|可预约|可以预约|回复\d*预约|可申请|可以申请"
)
#: … unless the message presses it on the reader (如果你想让我们上门，就继续拖着)
_CN_PRESSES = re.compile(
    r"不还|再不|否则|不然|拖|躲|逃|赖|别想|等着|后果|小心|安生|拒不|限你|立即还|马上还|今晚|今天|明天|马上|立即|立刻|"
    r"准备好|钱准备|到你家|找你|欠款"
)
#: … and an offer is of a service to the reader: 为您讲解, 协助办理, 上门服务 …
_CN_SERVICE = re.compile(r"为您|协助|办理|讲解|服务|咨询|面谈|帮您")


_CN_STATUS_VERBS = ("构成", "属于", "涉及", "存在", "涉嫌")


@lru_cache(maxsize=1024)
def _offered_cn_text(text: str) -> bool:
    """Cached per compact text: asked for every visit, third-party or workplace hit of a message."""
    return bool(_CN_OFFER.search(text) and _CN_SERVICE.search(text)) and not _CN_PRESSES.search(text)


def _offered_cn(norm: Normalised) -> bool:
    return _offered_cn_text(norm.compact.text)


@lru_cache(maxsize=1024)
def _has_neg_subject_cn(text: str) -> bool:
    """The compact text holds a negated subject anywhere (cached: most hits of most texts need not look again)."""
    return _CN_NEG_SUBJECT.search(text) is not None


def _negated_cn(norm: Normalised, a: int, category: str) -> bool:
    """A Chinese match at compact index ``a`` is denied by a negator just before it in the same clause (not one that
    negates an obstruction: 你不能阻止我们上门), by a negated subject in the clause (没有任何警察…会…上门抓人), or
    offered to the reader (如您需要，…上门…，请回复1预约)."""
    compact = norm.compact
    text = compact.text
    if category in _OFFER_CATEGORIES and _offered_cn(norm):
        return True
    # The usual case first: no negator in the 16 characters before ``a`` (the window below is a part of them), no
    # negated subject in the 40 before it and no impersonation guard anywhere before it (the clause is a part of
    # that): not denied, and no offset map or clause start is needed to say so.
    lo = max(a - 16, 0)
    subject = _has_neg_subject_cn(text) and _CN_NEG_SUBJECT.search(text, max(a - 40, 0), a)
    if (
        not subject
        and not _CN_NEGATOR_RE.search(text, lo, a)
        and text[a - 1 : a] != "不"
        and (category not in _GUARDED or not any(g in text[:a] for g in P.CN_IMPERSONATION_GUARDS))
    ):
        return False
    starts = compact.starts
    clause = _clause_start(norm, starts[a])
    k = bisect_left(starts, clause, 0, a)
    if category in _GUARDED and any(g in compact.text[k:a] for g in P.CN_IMPERSONATION_GUARDS):
        return True
    if subject:
        for m in _CN_NEG_SUBJECT.finditer(text, k, a):
            if not _CN_OBSTRUCT.search(text, m.end(), a):
                return True
    if text[a - 1 : a] == "不" and text.startswith(_CN_STATUS_VERBS, a):
        return True  # 不构成犯罪: the negator's second half is the match's first
    k = max(k, a - 16)
    window = compact.text[k:a]
    if not window or not _CN_NEGATOR_RE.search(window):
        return False
    # phrases that contain a negator but are not denials (不会放过, 要不要, 未还 ...)
    extended = compact.text[k : a + 4]
    covered = [(m.start(), m.start() + len(m.group(1))) for m in _CN_FALSE_NEGATOR_RE.finditer(extended)]
    for neg in P.CN_NEGATORS:
        pos = window.find(neg)
        while pos >= 0:
            if not any(q <= pos and pos + len(neg) <= e for q, e in covered) and not _CN_OBSTRUCT.search(
                window, pos + len(neg)
            ):
                return True
            pos = window.find(neg, pos + 1)
    return False


_NO_IDIOM_AFTER = frozenset(
    {
        "choice",
        "option",
        "alternative",
        "later",
        "doubt",
        "matter",
        "question",
        "mistake",
        "escape",
        "exceptions",
    }
)
#: a negator before one of these negates the obstruction, not the harm after it: "Nobody can stop the sheriff from
#: arresting you", "No lawyer can save you from a home visit", "we will not hesitate to send officers"
_EN_OBSTRUCT = frozenset(
    {
        "stop", "stops", "prevent", "prevents", "save", "saves", "protect", "protects", "help", "helps", "hide",
        "escape", "avoid", "delay", "block", "hesitate", "change", "spare", "shield",
    }
)  # fmt: skip
#: the words of a negated subject ("No sheriff or police officer will …", "no real court, police officer or sheriff
#: will …", "Neither our staff nor our agents will …"): determiners, agents and institutions, and what joins them
_EN_NP = (
    r"(?:real|genuine|legitimate|actual|official|federal|state|local|county|city|law|legal|enforcement|police|"
    r"policem[ae]n|officers?|sheriffs?|deputy|deputies|marshals?|constables?|courts?|judges?|bailiffs?|agents?|"
    r"agency|agencies|government|departments?|offices?|authority|authorities|collectors?|debt|staff|employees?|"
    r"members?|representatives?|lawyers?|attorneys?|solicitors?|banks?|lenders?|company|companies|firms?|persons?|"
    r"people|one|body|single|other|field|team|advis[eo]rs?|of|our|the|a|an|any|us|them|these|those|from|at|with|in|"
    r"this|that|s)"
)
_EN_NEG_SUBJECT_HEAD = (
    rf"(?:\b(?:no|neither|none|not a single|not one) {_EN_NP}(?:(?:, | |, or |, and | or | and | nor ){_EN_NP})*"
    r"|\b(?:nobody|no ?one|no body))"
    r" (?:will|would|can|could|shall|may|might|is going to|are going to|is|are)(?: (?:ever|again|now|personally|"
    r"actually|really|be|been))*"
)
#: … right before the harm ("… will arrest you"); for impersonation and deceptive findings anywhere before it in the
#: sentence ("… will call you demanding payment by gift card"), as a denial anywhere in the clause is for them
_EN_NEG_SUBJECT = re.compile(_EN_NEG_SUBJECT_HEAD + r" ?$")
_EN_NEG_SUBJECT_ANY = re.compile(_EN_NEG_SUBJECT_HEAD + r"\b")
_EN_NEG_SUBJECT_HINT = re.compile(r"\b(?:no|neither|none|nobody|noone|not a single|not one)\b")
_SPACES = re.compile(r"\s+")
_CLAUSE_BREAK_EN = re.compile(r"[,;:\u2013\u2014]| - |\b(?:but|so|then|instead)\b")


def _sentence_before(norm: Normalised, pos: int) -> str:
    """The original text of the sentence holding ``pos``, up to ``pos``: lower case, spaces collapsed, apostrophes
    read as a space (as the word view does)."""
    text = norm.original
    lo = max(pos - 240, 0)
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, pos):
        start = m.end()
    return _SPACES.sub(" ", text[start:pos].lower().replace("’", " ").replace("'", " ")).strip()


@lru_cache(maxsize=1024)
def _plain_hints(text: str) -> tuple[bool, bool, bool]:
    """Per original text (cached; asked for every English hit): whether it holds a subject negator, an offer, and
    something that presses an offer on the reader — the sentence's own checks only run where the text holds them."""
    plain = _SPACES.sub(" ", text.lower().replace("’", " ").replace("'", " "))
    return (
        _EN_NEG_SUBJECT_HINT.search(plain) is not None,
        _EN_OFFER.search(plain) is not None,
        _EN_PRESSES.search(plain) is not None,
    )


def _negated_subject_en(norm: Normalised, pos: int, category: str) -> bool:
    """The harm at original index ``pos`` is what a negated subject will not do: "No sheriff or police officer will
    arrest you for this debt." (the negator is six words before the harm, past the window), "Scam alert: no real
    court, police officer or sheriff will call you demanding payment by gift card." (the commas of the list end the
    clause). The subject must be made of agents and institutions (``_EN_NP``): "No payment by Friday means officers
    will arrest you", "No, we will arrest you", "No doubt the sheriff will arrest you" are not denials."""
    if not _plain_hints(norm.original)[0]:
        return False
    before = _sentence_before(norm, pos)
    if not _EN_NEG_SUBJECT_HINT.search(before):
        return False
    if category in _GUARDED:
        # … in the same clause: "No court will ever call you, but we will: pay with gift cards today." is no denial
        return any(
            not _EN_OBSTRUCT.intersection(before[m.end() :].split())
            and not _CLAUSE_BREAK_EN.search(before, m.end())
            for m in _EN_NEG_SUBJECT_ANY.finditer(before)
        )
    return bool(_EN_NEG_SUBJECT.search(before))


#: the reader may take the act up: "If you would like a home visit, reply VISIT.", "Would you like a home visit?"
_EN_OFFER = re.compile(
    r"\b(?:if you(?: would| d| ll)? (?:like|prefer|want|wish|need|ask)|if preferred|would you like|do you want|"
    r"you can (?:request|ask for|book|arrange|choose)|(?:on|upon|at your) request|if requested|we can (?:arrange|offer|"
    r"book)|we could (?:arrange|offer)|we offer|we are happy to arrange|we re happy to arrange|free of charge)\b"
)
#: … unless the message presses it on the reader ("If you want a home visit, keep ignoring our calls.")
_EN_PRESSES = re.compile(
    r"\b(?:ignor\w*|keep (?:on )?(?:ignoring|avoiding|dodging|hiding|running)|continue to (?:ignore|avoid)|refus\w*|"
    r"unless|or else|otherwise|until you pay|don t pay|do not pay|dont pay|fail to pay|won t pay|not pay|last chance|"
    r"final (?:warning|notice|chance)|get one|whether you like it|like it or not|no choice|"
    # … or with a payment demand, a deadline or an alternative beside it: "We offer two options: pay today, or a home
    # visit from our team tonight.", "Would you like a home visit? Pay now and you will avoid one."
    r"pay(?:ment)? (?:today|now|tonight|immediately|in full|by|within|before|up)|payment is not|if payment|"
    r"avoid|anyway|either way|whether or not|or (?:we|our|a|an|the)|tonight|today|tomorrow|"
    r"\d ?(?:am|pm)|by \d|within \d)\b"
)


def _offered_en(norm: Normalised, pos: int) -> bool:
    """The visit, contact or workplace act at original index ``pos`` is offered to the reader, who may take it up,
    and nothing in the message presses it on them."""
    _neg, offer, presses = _plain_hints(norm.original)
    return offer and not presses and bool(_EN_OFFER.search(_sentence_before(norm, pos)))


#: a delivery or a tradesperson's call, not a collector's visit (2026-12-05, enprec): "Your package was left at your
#: front door at 2:14 pm.", "Our technician will visit your home on Wednesday … to install the broadband router." —
#: the sentence up to the visit names the parcel left or delivered, or a trade (technician, engineer, plumber,
#: courier …) as the one who comes. A lender's people are not a trade ("Our agent will visit your home", "our field
#: team will be at your door" still block), and nothing of a debt may stand anywhere in the text (``_EN_DEBT``):
#: "Our engineer will visit your home about the arrears." still blocks
_EN_SERVICE_VISIT = re.compile(
    r"\b(?:(?:your|the|a|an|this|that) (?:\w+ )?(?:package|packages|parcel|parcels|order|delivery|deliveries|groceries|"
    r"shopping|flowers|item|items|food|meal|box|boxes)\b(?: \w+){0,5} (?:was|were|has been|have been|will be|is being|"
    r"is|are|got) (?:safely )?(?:left|delivered|dropped off|dropped|placed|handed in)"
    r"|(?:our|the|a|an|your) (?:\w+ )?(?:technician|technicians|engineer|engineers|plumber|plumbers|electrician|"
    r"electricians|installer|installers|fitter|fitters|courier|couriers|driver|drivers|meter reader|meter readers|"
    r"surveyor|surveyors|nurse|nurses|carer|carers|gardener|gardeners|cleaner|cleaners|decorator|decorators|"
    r"handyman|locksmith|glazier|roofer|builder|builders|delivery team|installation team)\b)"
)
_EN_DEBT = re.compile(
    r"\b(?:debt|debts|owe|owes|owed|owing|arrears|overdue|outstanding|balance|pay|paid|payment|payments|repay\w*|loan|"
    r"loans|collect|collects|collecting|collection|collector|collectors|recover\w*|bailiffs?|enforcement|sheriff|"
    r"police|warrant|seize|repossess\w*|default\w*|ignor\w*|unless|or else|otherwise|final notice|last chance)\b"
)


def _service_visit_en(norm: Normalised, pos: int) -> bool:
    """The visit at original index ``pos`` is a delivery left or a tradesperson's call (``_EN_SERVICE_VISIT``) in a
    text that says nothing of a debt."""
    plain = _SPACES.sub(" ", norm.original.lower().replace("’", " ").replace("'", " "))
    return not _EN_DEBT.search(plain) and bool(_EN_SERVICE_VISIT.search(_sentence_before(norm, pos)))


#: a true notice of a payment that failed says what happens next: "Your scheduled payment was declined this morning, but
#: if you put money in by 2:30pm we'll retry the payment." (a building society's text alert, real train). The alarm the
#: deceptive rule is for ("ALERT ALERT ALERT .. YOUR PAYMENT WAS DECLINED DUE TO AN INSUFFICIENT ACH TRANSACTION…CALL")
#: offers no retry, and its other words ("alert alert", "insufficient … transaction") are matched on their own
_EN_RETRY = re.compile(
    r"\b(?:(?:we ll|we will|we shall|we re going to|we are going to) (?:retry|try again|re try)|"
    r"retry (?:the|your|this) payment|try (?:the|your|this) payment again)\b"
)
_EN_ALARM = re.compile(
    r"\b(?:alert alert|insufficient (?:ach|funds) transaction|immediately|urgent|gift cards?)\b"
)


def _retried_payment_en(norm: Normalised, pos: int) -> bool:
    """The payment failure at original index ``pos`` is a servicing notice: the same sentence says the payment will be
    tried again, and nothing in the text raises an alarm (``_EN_ALARM``)."""
    text = norm.original
    if not text[pos : pos + 7].lower().startswith("payment"):
        return False
    end = _SENTENCE_END.search(text, pos)
    rest = _SPACES.sub(
        " ", text[pos : end.start() if end else len(text)].lower().replace("’", " ").replace("'", " ")
    )
    plain = _SPACES.sub(" ", text.lower().replace("’", " ").replace("'", " "))
    return bool(_EN_RETRY.search(rest)) and not _EN_ALARM.search(plain)


#: the reader's own circumstance, asked about (a vulnerability notice): "If you are in prison or hospital, tell us …"
_EN_CIRCUMSTANCE = re.compile(
    r"\b(?:if|while|whilst) you (?:are|re|have been|ve been|were) (?:currently |recently |now )?(?:in|released from)$"
)


#: … where the sentence goes on to the help or the telling, with no time of its own ("If you are in prison next week,
#: do not blame us." is a menace)
_EN_HELPED_AFTER = re.compile(
    r"\b(?:tell us|let us know|contact us|call us|speak to us|talk to us|we can|we will (?:put|pause|hold|help|stop|"
    r"freeze|suspend|support)|on hold|pause|help|support|someone can)\b"
)
_EN_TIME_AFTER = re.compile(
    r"\b(?:next|tomorrow|tonight|today|soon|by|within|before|after|until|because|where|going|gonna|end up|anyway)\b"
)


def _circumstance_helped(norm: Normalised, pos: int) -> bool:
    text = norm.original
    end = _SENTENCE_END.search(text, pos)
    rest = text[pos : end.start() if end else len(text)].lower()
    return bool(_EN_HELPED_AFTER.search(rest)) and not _EN_TIME_AFTER.search(rest)


def _negated_en(norm: Normalised, a: int, category: str) -> bool:
    """An English match at word-view index ``a`` is denied by not/never/… among the 5 words before it, by a negated
    subject ("No sheriff or police officer will …"), offered to the reader ("If you would like a home visit"), or the
    reader's own circumstance asked about ("If you are in prison or hospital, tell us")."""
    words = norm.words
    pos = words.index(a)
    if _negated_subject_en(norm, pos, category) or (category in _OFFER_CATEGORIES and _offered_en(norm, pos)):
        return True
    if category == "visit_threat" and _service_visit_en(norm, pos):
        return True
    if category == "deceptive" and _retried_payment_en(norm, pos):
        return True
    if (
        category == "false_legal_claim"
        and _EN_CIRCUMSTANCE.search(words.text, max(a - 40, 0), a - 1 if a else 0)
        and _circumstance_helped(norm, pos)
    ):
        return True
    clause = _clause_start(norm, pos)
    k = words.first_from(clause, a)
    tokens = words.text[k:a].split()
    if category in _GUARDED and any(t in P.EN_IMPERSONATION_GUARDS for t in tokens):
        return True
    # impersonation / deceptive: a denial anywhere earlier in the clause ("we will never ask you to pay into a
    # personal account") counts
    # promises not to do a thing ("we will never post anything about your debt on social media", "nobody from our
    # company will come to your home") put more words between the negator and the harm: a wider window there
    window = (
        tokens if category in _GUARDED else tokens[-10:] if category in _PROMISE_CATEGORIES else tokens[-5:]
    )
    for i, tok in enumerate(window):
        if tok in P.EN_NEGATORS:
            nxt = window[i + 1] if i + 1 < len(window) else ""
            if nxt in _CONDITIONAL_AFTER_NEGATION:
                continue
            prev = window[i - 1] if i else ""
            if (nxt in _WISH_AFTER_NEGATION or prev in _WISH_BEFORE_NEGATION) and _wish_holds_out(norm, a):
                continue
            # "why don't you …" urges, it does not deny ("why don't you just kill yourself")
            if tok == "t" and nxt == "you" and i >= 2 and window[i - 2] == "why":
                continue
            # "why not open another credit card", "don't think we'll let you off the hook": a suggestion or a
            # warning that the harm will come, not a denial of it
            if (tok == "not" and i >= 1 and window[i - 1] == "why") or (tok == "t" and nxt == "think"):
                continue
            # idioms with a negator that announce the harm rather than deny it: "no choice but to", "no later than",
            # "without further notice"
            if (tok == "no" and nxt in _NO_IDIOM_AFTER) or (
                tok == "without" and nxt in ("further", "a", "doubt")
            ):
                continue
            # the negator denies an obstruction, and the harm comes: "Nobody can stop the sheriff from arresting
            # you", "we will not hesitate to send officers to your home"
            if _EN_OBSTRUCT.intersection(window[i + 1 :]):
                continue
            return True
    return False


#: profane words (US-HARASS, ``patterns.py``'s profanity rule) as a censored spelling may stand for them
_PROFANE_WORDS = (
    "fuck", "fucks", "fucking", "fuckin", "fucked", "fucker", "fuckers", "motherfucker", "motherfucking", "shit",
    "shits", "shitty", "bullshit", "bitch", "bitches", "bastard", "bastards", "asshole", "assholes", "ass", "arse",
    "arsehole", "damn", "damned", "goddamn", "cunt", "dick", "dickhead", "prick", "piss", "pissed", "crap", "whore",
    "slut",
)  # fmt: skip
#: the marks that censor letters ("f**k", "b----", "sh#t"); dots only two or more between letters ("sh..t", "f..k":
#: ``_DOT_MASK``, asked only of a text holding "..", so the hot path pays one substring search for it)
_MASK_CHARS = re.compile(r"[*\-_#@$%]")
_DOT_MASK = re.compile(r"[A-Za-z]\.\.+[A-Za-z]")
#: a word with a mark in it or after it ("f**k", "b----", "a.s.s"); a sentence's full stop alone is no mark
_CENSOR_RUN = re.compile(r"[A-Za-z]+(?:[*\-_#@$%.]*[*\-_#@$%][*\-_#@$%.]*[A-Za-z]*|\.+[A-Za-z]+)+")
_MASK_SPLIT = re.compile(r"([*\-_#@$%.]+)")
#: after a capitalised censored word, the words that make it an oath, not a masked name ("F*** you", "D--- it")
_OATH_NEXT = re.compile(r"\s*(?:you|u|ya|off|yourself|it|this|that|up)\b", re.IGNORECASE)
#: before a masked word, what makes it a masked name, in either case: a title or a greeting ("Dear B****", "hi
#: b****,"), an initial ("J. F***"), a form's label ("Borrower: d***", "account holder: s***")
_TITLE_BEFORE = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|dr|dear|sir|madam|hi|hello|good (?:morning|afternoon|evening)|attn|attention)\.?,?\s*$"
    r"|\b[A-Z]\.\s*$"
    r"|\b(?:name|borrower|customer|client|holder|debtor|guarantor|co ?signer|tenant|member|payer|applicant|to|re|"
    r"attn)\s*:\s*$",
    re.IGNORECASE,
)


#: a masked name's or an initial's letters: one to three letters masked to the end ("s***", "Sm***") or one letter
#: and a full stop ("S."), before another word
_NAME_MASK = re.compile(r"(?<![\w'’])(?:[A-Za-z]{1,3}[*\-_#@$%]{2,}|[A-Za-z]\.)(?=\s*[A-Za-z])")
#: … with the surname after it ("s*** smith", "S. Smith") and a title before it ("Mr. S. Smith"): the whole name
_NAME_AFTER = re.compile(r"\s*[A-Za-z][a-z'’\-]*")
_NAME_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|mx|dr)\.?\s*$", re.IGNORECASE)


def _masked_names(norm: Normalised) -> list[tuple[int, int]]:
    """Spans of the masked names and initials in the original: a name as ``_censored_profanity`` tells one from an
    oath (capitalised with no oath after it, or after a title, a greeting, an initial or a form's label: "Dear
    J*** Doe", "customer name: s*** smith", "S. Smith"). The word view keeps their letters as one-letter words, which
    the model learned as the "s" of "he's", "that's" (``_model_findings``)."""
    o = norm.original
    if not norm.has_latin or not (_MASK_CHARS.search(o) or ". " in o):
        return []
    out = []
    for m in _NAME_MASK.finditer(o):
        a, b = m.span()
        if _OATH_NEXT.match(o, b):
            continue
        if o[a].isupper() or _TITLE_BEFORE.search(o, max(a - 40, 0), a):
            after = _NAME_AFTER.match(o, b)
            if after is not None and not _OATH_NEXT.match(o, b):
                b = after.end()
            title = _NAME_TITLE.search(o, max(a - 6, 0), a)
            out.append((title.start() if title else a, b))
    return out


#: the artefacts of a Chinese SMS template, which say nothing of what the message says (twelfth session, tmplzh):
#: * a placeholder left in or filled by a form's field name: a run of X (XX银行, 尊敬的xx, 尾号XXXX, 400-xxx-xxxx; not
#:   a word with other letters in it), a field name in braces, brackets or hashes ({name}, ${amount}, {{date}},
#:   [姓名], #金额#) — the model read 'xx' and 'name' as a threat's;
#: * an unsubscribe tail (回T退订, 退订回T, 回TD退订, 回复TD退订, 拒收请回复R, 退订请回复T; 回T退訂, 拒收請回覆R): its
#:   't' was a threat's (learned from "don't", "won't");
#: * a link (https://t.cn/A6xYz9Q, dwz.cn/k3Jd8, www.xx.com): 't', 'cn'.
#: Placeholders written in Chinese characters or marks (某某, ××, ＊＊, ***) and masked digits (138****5678, 尾号1234)
#: are left as they are: the model knows no n-gram of 某, and the compact view drops marks and digits already.
_TEMPLATE_ARTEFACTS_CN = re.compile(
    r"(?<![A-Za-zＡ-Ｚａ-ｚ])[XxＸｘ]{2,}(?![A-Za-zＡ-Ｚａ-ｚ])"
    r"|\$?\{\{?\s*[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]{0,30}\s*\}\}?"
    r"|[\[［][A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]{0,11}[\]］]"
    r"|[#＃][A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]{0,11}[#＃]"
    r"|(?:退订|退訂|拒收|取消订阅|取消訂閱|取消)[,，]?[请請]?回[复覆]?\s*(?:[A-Za-zＡ-Ｚａ-ｚ]{1,2}|0{1,4})(?![A-Za-z])"
    r"|回[复覆]?\s*(?:[A-Za-zＡ-Ｚａ-ｚ]{1,2}|0{1,4})\s*(?:退订|退訂|拒收|取消)"
    r"|(?:https?://|www\.)[A-Za-z0-9\-._~%/?#=&+:@]+"
    r"|(?<![A-Za-z0-9@.\-])(?:[A-Za-z0-9\-]+\.)+(?:cn|com|net|cc|me|top|vip|xyz|io|co|ly|gl|im|so|la|ink|link|"
    r"site|club|info|org)(?![A-Za-z])(?:/[A-Za-z0-9\-._~%/?#=&+]*)?",
)
#: a text holds an artefact only if it holds one of these
_TEMPLATE_HINT_CN = re.compile(r"[XxＸｘ{\[［#＃]|退订|退訂|拒收|取消|\.[A-Za-z]")


#: a signature: 【…】 at the start or the end of the text (before or after other signatures and the unsubscribe tail)
_SIGNATURE_CN = re.compile(r"【[^【】\n]{1,24}】")
_LATIN_RUN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]+")


def _template_artefacts(norm: Normalised) -> list[tuple[int, int]]:
    """Spans of a Chinese text's template artefacts (``_TEMPLATE_ARTEFACTS_CN``), which the model reads blanked,
    as it reads masked names: neither a threat's evidence nor a lawful text's. And the Latin words of a signature
    (【XX Pay】, 【Home Credit】: the sender's name, whose 'pay' the model read as a threat's); its Chinese (银行, 金融)
    is read as written."""
    o = norm.original
    if not norm.has_cjk or not (_TEMPLATE_HINT_CN.search(o) or "【" in o):
        return []
    out = [m.span() for m in _TEMPLATE_ARTEFACTS_CN.finditer(o)]
    if "【" in o and norm.has_latin:
        for m in _SIGNATURE_CN.finditer(o):
            a, b = m.span()
            if not _LATIN_RUN.search(o, a, b):
                continue
            before = _SIGNATURE_CN.sub("", o[:a]).strip()
            after = _SIGNATURE_CN.sub("", o[b:])
            after = _TEMPLATE_ARTEFACTS_CN.sub("", after).strip()
            if not before or not after:
                out.extend(w.span() for w in _LATIN_RUN.finditer(o, a, b))
        out = sorted(set(out))
    return out


def _censored_profanity(text: str) -> list[tuple[int, int]]:
    """Spans of the original text where a word is written with some of its letters masked ("f---- b----", "sh*t",
    "a**hole") and the letters left can only spell a profane word (``_PROFANE_WORDS``). The word view cannot read
    these: it drops the marks and joins single letters ("such a f---- b----" → "afb"). Lawful dashes and masks do
    not: the letters of "re-sent", "A-B-C" or "co-signer" spell no profane word, a mask touching a digit ("****1234",
    "b--2") is a number, one masked to its end is a masked name after a title, a greeting, an initial or a form's
    label, in either case ("Dear B****", "hi b****,", "J. F***", "Borrower: d***"), and so is a capitalised one
    anywhere unless an oath follows ("F*** you"), and a single letter needs three marks after it ("f---", not a
    form's "F--"). Dots mask only two or more between letters ("sh..t", "f..k"; "P.S." and "f.u.c.k" are the word
    view's); the caller asks for a scan only where the text holds a mark or such dots."""
    out: list[tuple[int, int]] = []
    for m in _CENSOR_RUN.finditer(text):
        a, b = m.span()
        while b > a and text[b - 1] == ".":
            b -= 1
        token = text[a:b].lower()
        if (a and text[a - 1].isalnum()) or (b < len(text) and text[b].isalnum()):
            continue  # a mask against a digit or a letter outside the run: a number or a code
        parts = _MASK_SPLIT.split(token)
        if all(p == "." for p in parts[1::2]):
            continue  # letters and single dots ("P.S", "e.g", "U.S"): an abbreviation, or spelled out ("f.u.c.k"),
            # which the word view reads already (runs of single letters are joined)
        if parts[-1] == "":  # masked to the end: "f----", "sh**"
            prefix, marks = parts[0], parts[1]
            if len(parts) != 3 or "." in marks or len(marks) < (3 if len(prefix) == 1 else 2):
                continue
            if text[a].isupper() and not _OATH_NEXT.match(text, b):
                continue  # "Dear B****,", "Account holder: J. F***" — a masked name
            if _TITLE_BEFORE.search(text, max(a - 40, 0), a) and not _OATH_NEXT.match(text, b):
                continue  # … written in lower case too: "hi b****,", "borrower: d***" (not "hi, f*** you")
        elif sum(map(len, parts[::2])) < 3 and sum(map(len, parts[1::2])) < 2:
            continue  # "s-t", "d-k": two letters and one mark are a code, "f**k", "s--t" are not
        if _spells_profanity(tuple(parts[::2])):
            out.append((a, b))
    return out


@functools.lru_cache(maxsize=4096)
def _spells_profanity(letters: tuple[str, ...]) -> bool:
    """The visible letters of a masked word (in order, each mask standing for one or more letters) can spell a
    profane word: ("f", "k") can ("fuck"), ("re", "sent") cannot. Cached: the same masked words recur."""
    rx = re.compile("[a-z]+".join(re.escape(p) for p in letters))
    return any(rx.fullmatch(w) for w in _PROFANE_WORDS)


_WORKPLACE_ACT_CN = re.compile(P.CN_WORKPLACE_ACTS)
_SENTENCE_END_CN = re.compile(r"[。！？!?；;\n]")


#: an act word that is part of a noun, not an act: 联系人 (a contact person: "是你的紧急联系人吗")
_ACT_IN_NOUN_CN = ("联系人",)
#: what the act word holds is the workplace's details ("its address or number held"): only an act where someone holds
#: them — the sender, or 有/查到/掌握 … ("你领导的电话我们有"; not the question "你单位的电话是多少？")
_DETAILS_CN = frozenset({"地址", "号码", "微信", "联系方式", "电话"})
_HELD_CN = re.compile(r"我|咱|都有|已经有|有了|查到|掌握|拿到|找到|在手")
#: the sender makes the workplace act on the reader: "我们会让你的领导联系你"
_CAUSED_CN = re.compile(r"我|咱|让|叫|逼|要求|请")
#: the reader's superior calling the reader in ("你的领导会找你谈话"): no act of a workplace's own business (客服 calling
#: back, 人事 sending an offer) — it says the boss has heard, or will hear, of the debt (CN-EMPLOYER: "do not
#: threaten to" contact the employer), whoever the sender says makes it happen
_SUPERIOR_CN = re.compile(r"领导|老板|上司|主管|经理|boss")
_SUMMONS_CN = ("找", "谈谈", "聊聊", "说说", "见见", "会会")


def _acts_on_workplace(norm: Normalised, a: int, b: int) -> bool:
    """The sentence holding the workplace (or the registered contact) named at compact ``[a, b)`` acts on it
    (``patterns.CN_WORKPLACE_ACTS``): "我们会给你单位寄一封催款函", "你的同事很快都会知道", "你们公司的电话我们已经查到了"
    — not "你们公司的会计已帮你办好分期". An act on the reader by the workplace's own people ("你们公司的客服会联系你",
    "你们公司的人事会通知你办理入职": the act is followed by 你 and the mention is its subject) is not an act on the
    workplace unless the sender makes it happen (我们会让你的领导联系你); nor is an act word inside a noun (紧急联系人)
    or the workplace's details asked for rather than held (你单位的电话是多少)."""
    text, compact = norm.original, norm.compact
    s, e = compact.span(a, b)
    ends = [m.end() for m in _SENTENCE_END_CN.finditer(text, 0, s)]
    first = ends[-1] if ends else 0
    last = _SENTENCE_END_CN.search(text, e)
    starts = compact.starts
    ca, cb = bisect_left(starts, first), bisect_left(starts, last.start() if last else len(text))
    ct = compact.text
    for m in _WORKPLACE_ACT_CN.finditer(ct, ca, cb):
        x, y = m.span()
        if any(ct.startswith(n, x) and y - x < len(n) for n in _ACT_IN_NOUN_CN):
            continue
        if m.group(0) in _DETAILS_CN:
            if _HELD_CN.search(ct, ca, cb):
                return True
            continue
        if x >= b and ct[y : y + 1] in ("你", "您") and not ct.startswith(ct[a:b], y):
            # the workplace (before the act) acts on the reader
            if _CAUSED_CN.search(ct, ca, x):
                return True
            if m.group(0) in _SUMMONS_CN and _SUPERIOR_CN.search(ct, a, b):
                return True
            continue
        return True
    return False


def _prohibited(
    norm: Normalised,
    facts: frozenset[str],
    denied: list[tuple[int, int]] | None = None,
    covered_spans: list[tuple[int, int]] | None = None,
    made_true: list[tuple[int, int]] | None = None,
) -> list[_Raw]:
    """The rule findings, leaving out what ``facts`` (``context.facts``) make lawful; ``denied`` (when given)
    receives the spans of rule matches a negator denied, ``covered_spans`` those a warning frame covered and the
    service phrases (上门办理) findings are dropped inside: words the rules read as lawful (``_stands_without``);
    ``made_true`` those of the notices that ``facts`` made true ("已起诉" with a lawsuit filed)."""
    comp = compiled()
    out: list[_Raw] = []
    allowed: list[tuple[int, int]] = [] if covered_spans is None else covered_spans
    compact = norm.compact
    if compact.text:
        literals: list[tuple[int, Any]] = []  # the CN prefilter's hits, from the same scan
        for end, (hits, literal) in comp.automaton.iter(compact.text):
            if literal is not None:
                literals.append((end, literal))
            for hit in hits:
                a, b = end - hit.length + 1, end + 1
                if hit.category == _ALLOW:
                    allowed.append(compact.span(a, b))
                    continue
                if hit.kind == _LATIN:
                    if (compact.text[a].isascii() and not norm.starts_token(a)) or (
                        compact.text[b - 1].isascii() and not norm.starts_token(b)
                    ):
                        continue
                elif hit.kind == _ABBR and not (norm.has_cjk and norm.pinyin_aligned(a, b)):
                    continue
                if hit.lawful_when and C.lawful(hit.lawful_when, facts):
                    if made_true is not None and C.lawful(hit.lawful_when, facts & C.NOTICE_FACTS):
                        made_true.append(compact.span(a, b))
                    continue
                if hit.needs_act and not _acts_on_workplace(norm, a, b):
                    continue
                if _negated_cn(norm, a, hit.category):
                    if denied is not None:
                        denied.append(compact.span(a, b))
                    continue
                s, e = compact.span(a, b)
                out.append(_Raw(hit.category, s, e))
        if norm.has_cjk:
            true_cn: list[tuple[int, int]] | None = None if made_true is None else []
            for category, m in _matches(
                comp.cn_prefilter,
                comp.cn_structures,
                comp.cn_reach,
                comp.cn_whole,
                compact.text,
                facts,
                literals,
                true_cn,
            ):
                if m.end() > m.start():
                    s, e = compact.span(m.start(), m.end())
                    if not _negated_cn(norm, m.start(), category):
                        out.append(_Raw(category, s, e))
                    elif denied is not None:
                        denied.append((s, e))
            if true_cn and made_true is not None:
                made_true.extend(compact.span(a, b) for a, b in true_cn if b > a)
    if norm.has_latin:
        words = norm.words
        true_en: list[tuple[int, int]] | None = None if made_true is None else []
        for category, m in _matches(
            comp.en_prefilter,
            comp.en_patterns,
            comp.en_reach,
            comp.en_whole,
            words.text,
            facts,
            None,
            true_en,
        ):
            a, b = m.start(), m.end()
            while b > a and words.text[b - 1] == " ":
                b -= 1
            while a < b and words.text[a] == " ":
                a += 1
            if b > a:
                if not _negated_en(norm, a, category):
                    s, e = words.span(a, b)
                    out.append(_Raw(category, s, e))
                elif denied is not None:
                    denied.append(words.span(a, b))
        if true_en and made_true is not None:
            made_true.extend(words.span(a, b) for a, b in true_en if b > a)
        # US-HARASS: a word of the profanity lexicon, whole (the key and the view both padded with a space). Not
        # denied by a negation: the word is the obscene language ("Don't be a numbnuts" uses it)
        for end, n in comp.en_lexicon.iter(f" {words.text} "):
            a = end - n - 1  # ``end`` (inclusive) is the closing space in the padded view
            s, e = words.span(a, a + n)
            out.append(_Raw("insult", s, e))
        o = norm.original
        if _MASK_CHARS.search(o) or (".." in o and _DOT_MASK.search(o)):
            out.extend(_Raw("insult", s, e) for s, e in _censored_profanity(o))
    if norm.has_cjk and any(r.category == "induce_borrowing" for r in out):
        # the reader's own loan named by its source (您在XX平台借款1,200元已逾期): not borrowing elsewhere
        allowed.extend(compact.span(m.start(), m.end()) for m in X.CN_OWN_LOAN.finditer(compact.text))
    if allowed:
        out = [r for r in out if not any(s <= r.start and r.end <= e for s, e in allowed)]
    if out:
        # a warning that quotes a threat ("Beware of callers who say the sheriff is on the way") is not the threat
        covered = reported_only(norm, out)
        if covered:
            if covered_spans is not None:
                covered_spans.extend((r.start, r.end) for i, r in enumerate(out) if i in covered)
            out = [r for i, r in enumerate(out) if i not in covered]
    return out


_SENDER_TAG = re.compile(r"[【\[〔［][^】\]〕］]{1,30}[】\]〕］]")
_AUTHORITY = re.compile(
    r"公安|警察|警方|派出所|法院|检察院|律师|律所|司法|仲裁|政府|执行局|金融办|监管局|police|court|sheriff|bailiff|attorney|lawfirm"
)


def _sender_tags(norm: Normalised) -> list[_Raw]:
    """CN-PROHIBIT-IMPERSONATION: an SMS signature such as 【某某公安】 or 【人民法院】 claims an authority as sender."""
    out: list[_Raw] = []
    for m in _SENDER_TAG.finditer(norm.original):
        inner = normalise(m.group(0)).compact.text
        if _AUTHORITY.search(inner):
            out.append(_Raw("impersonation", m.start(), m.end()))
    return out


_DEBT_CN = re.compile(
    r"欠款|欠钱|欠债|欠费|债务|逾期|还款|借款|贷款|账单|催收|拖欠|未还|本金|利息|罚息|应还|待还|还钱|网贷|还清|结清"
)
_DEBT_EN = re.compile(
    r"\b(?:debts?|owes?|owed|owing|overdue|arrears|loans?|balance|repay(?:ment)?s?|outstanding|collections?|past ?due|late ?payments?|default(?:ed)?)\b"
)
_AMOUNT = re.compile(
    r"[¥￥$£€]\s?\d|\d[\d,]*(?:\.\d+)?\s?(?:元|块|万元|rmb|cny|usd|gbp|eur|dollars?|pounds?)"
    r"|(?:rmb|cny|usd|gbp|eur|人民币)\s?\d|\{\{?\s*\w*(?:amount|金额)\w*\s*\}?\}",
    re.IGNORECASE,
)


def _word_first(first: str, rest: str) -> str:
    """``\\b`` + ``first`` + ``rest`` with the word boundary checked after the first character (the character
    before it is not a word character): the same matches, but an alternation of these begins every alternative
    with a plain character, so the search skips ahead to those characters instead of trying every position."""
    return f"{re.escape(first)}(?<!\\w{re.escape(first)}){rest}"


# ``_warnings`` only asks whether these match anywhere: the same answer as ``_IDENTITY_EN``, ``_DEMAND_EN`` and
# ``_AMOUNT`` (a property test checks it), written so that each starts with a character the search can skip to.
_IDENTITY_EN_ANY = re.compile(
    "|".join(
        [
            *(
                _word_first(c, rest + r"\s+[A-Z][\w&'.-]+")
                for c, rest in (("T", "his is"), ("t", "his is"), ("F", "rom"), ("f", "rom"))
            ),
            *(_word_first(c, r"n behalf of\s+[A-Z][\w&'.-]+") for c in "Oo"),
            *(
                _word_first(w[0], w[1:] + r"\b")
                for w in [
                    "Bank",
                    "Lending",
                    "Lender",
                    "Finance",
                    "Financial",
                    "Ltd",
                    "Limited",
                    "Inc",
                    "LLC",
                    "plc",
                    "PLC",
                    "Credit",
                    "Collections?",
                    "Capital",
                    "Loans",
                ]
            ),
            "debt collector",
        ]
    )
)
_DEMAND_EN_ANY = re.compile(
    "|".join(
        _word_first(w[0], w[1:] + r"\b")
        for w in [
            "pay",
            "payment",
            "overdue",
            "balance",
            "owe",
            "owed",
            "arrears",
            "due",
            "repay",
            "repayment",
        ]
    )
)
_CURRENCY_CODE = r"(?:rmb|cny|usd|gbp|eur|人民币)"
_AMOUNT_ANY = (
    re.compile(r"[¥￥$£€]\s?\d"),
    re.compile(
        r"\d(?:[\d,]*(?:\.\d+)?\s?(?:元|块|万元|rmb|cny|usd|gbp|eur|dollars?|pounds?)"
        rf"|(?<={_CURRENCY_CODE}\d)|(?<={_CURRENCY_CODE}\s\d))",
        re.IGNORECASE,
    ),
    re.compile(r"\{\{?\s*\w*(?:amount|金额)\w*\s*\}?\}", re.IGNORECASE),
)


def _has_amount(text: str) -> bool:
    """``_AMOUNT.search(text) is not None``."""
    a, b, c = _AMOUNT_ANY
    return bool(a.search(text) or b.search(text) or c.search(text))


#: a mention of the debt, the loan, overdue status or an amount is lawful only to those who owe it
_DEBT_MENTION_LAWFUL_WHEN = C.lawful_when(C.OBLIGOR)


def _third_party(norm: Normalised, facts: frozenset[str], jurisdiction: str) -> list[_Raw]:
    """CN-3P-LOST-CONTACT-ONLY / US-LOCATION-3P: a third party may be asked to relay a call-back, nothing more."""
    if C.lawful(_DEBT_MENTION_LAWFUL_WHEN, facts):
        return []
    rule = RECIPIENT_RULES[jurisdiction]
    out: list[_Raw] = []
    for m in _DEBT_CN.finditer(norm.compact.text):
        s, e = norm.compact.span(m.start(), m.end())
        out.append(_Raw("third_party_disclosure", s, e, rule, THIRD_PARTY_RECIPIENT))
    if norm.has_latin:
        for m in _DEBT_EN.finditer(norm.words.text):
            s, e = norm.words.span(m.start(), m.end())
            out.append(_Raw("third_party_disclosure", s, e, rule, THIRD_PARTY_RECIPIENT))
    for m in _AMOUNT.finditer(norm.original):
        out.append(_Raw("third_party_disclosure", m.start(), m.end(), rule, THIRD_PARTY_RECIPIENT))
    return out


_IDENTITY_CN = re.compile(
    r"【[^】]{2,40}】|\[[^\]]{2,40}\]|我是|我们是|这里是|本公司|我司|受.{1,30}?委托|公司|银行|金融|小贷|集团|科技|律师事务所|客服"
)
_IDENTITY_EN = re.compile(
    r"\b(?:[Tt]his is|[Ff]rom|[Oo]n behalf of)\s+[A-Z][\w&'.-]+|\b(?:Bank|Lending|Lender|Finance|Financial|Ltd|Limited|"
    r"Inc|LLC|plc|PLC|Credit|Collections?|Capital|Loans)\b|debt collector"
)
_OPT_OUT_CN = re.compile(r"退订|回t|回复t|拒收|回复td|回td|回n|回复n")
_OPT_OUT_EN = re.compile(
    r"\b(?:reply|text|send|txt) ?stop\b|\bunsubscribe\b|\bopt ?out\b|\bstop to (?:end|quit|opt)"
)
_DEMAND_CN = re.compile(r"还款|欠款|逾期|应还|待还|账单|欠费|还清|结清|还钱|未还")
_DEMAND_EN = re.compile(r"\b(?:pay|payment|overdue|balance|owe|owed|arrears|due|repay|repayment)\b")
_OPT_OUT_CHANNELS = {
    "CN": frozenset({Channel.SMS}),
    "US": frozenset({Channel.SMS, Channel.EMAIL, Channel.IM}),
    "UK": frozenset({Channel.SMS}),
}


def _warnings(norm: Normalised, ctx: LintContext, facts: frozenset[str], jurisdiction: str) -> list[str]:
    text = norm.original
    if not text.strip():
        return []
    out: list[str] = []
    if not (_IDENTITY_CN.search(text) or _IDENTITY_EN_ANY.search(text)):
        out.append("missing_identity")  # CN-IDENTIFY-SELF: 自报家门
    if ctx.channel in _OPT_OUT_CHANNELS[jurisdiction] and not (
        _OPT_OUT_CN.search(norm.compact.text) or _OPT_OUT_EN.search(norm.words.text)
    ):
        out.append("missing_opt_out")
    if C.OBLIGOR in facts:  # a payment demand to someone who owes the debt
        demand = _DEMAND_CN.search(norm.compact.text) or (
            norm.has_latin and _DEMAND_EN_ANY.search(norm.words.text)
        )
        if demand and not _has_amount(text):
            out.append("missing_amount")
    return out


def _merge(raws: list[_Raw]) -> list[_Raw]:
    """Per category, merge overlapping spans into one finding."""
    merged: list[_Raw] = []
    last: dict[str, int] = {}
    for r in sorted(raws, key=lambda r: (r.start, -r.end, r.category)):
        i = last.get(r.category)
        if i is not None and r.start < merged[i].end:
            prev = merged[i]
            if r.end > prev.end:
                merged[i] = _Raw(prev.category, prev.start, r.end, prev.rule, prev.explanation)
            continue
        last[r.category] = len(merged)
        merged.append(r)
    return merged


_MAX_MODEL_CATEGORIES = 3
_SCAM_WARNING_CN = ("冒充", "假冒", "谨防", "防范", "警惕", "自称", "冒用", "如有人", "轻信")
_SCAM_WARNING_EN = P.EN_IMPERSONATION_GUARDS | {"beware", "fraudsters", "impostors", "imposters"}


def _warns_about_scams(norm: Normalised) -> bool:
    """The text warns about impostors or scams (the rules' impersonation guards, anywhere in the text)."""
    if any(g in norm.compact.text for g in _SCAM_WARNING_CN):
        return True
    return norm.has_latin and not _SCAM_WARNING_EN.isdisjoint(norm.words.text.split())


_RIGHTS_CN = re.compile(
    r"依法.{0,12}?(?:提起诉讼|起诉|诉讼|主张|追究|追偿|追讨)|有权.{0,8}?(?:起诉|诉讼|追偿|追讨|主张)"
)
_RIGHTS_EN = re.compile(
    r"\b(?:may|might|could|can|has the right to|have the right to|is entitled to|are entitled to|reserves? the right to) "
    r"(?:take legal action|take (?:you|this) to court|sue|file a (?:lawsuit|claim)|start (?:court|legal) proceedings|"
    r"begin (?:court|legal) proceedings|refer (?:this|your account|the account) to (?:our|a|an) (?:solicitor|attorney|lawyer|"
    r"legal (?:team|department)))\b"
)


def _states_legal_rights(norm: Normalised) -> bool:
    """The text states the lender's right to go to court (依法起诉, "may take legal action"): lawful wording."""
    if norm.has_cjk and _RIGHTS_CN.search(norm.compact.text):
        return True
    return norm.has_latin and bool(_RIGHTS_EN.search(norm.words.text))


#: English reassurance and invitations to get in touch: lawful words the model reads as a threat's register. They are
#: blanked with their own subject and auxiliaries ("we ll be waiting for your call", "we re here to help"), which are
#: the generic words the model over-weights, and the rest of the text is judged without them (``_reassuring``)
_REASSURING_EN = re.compile(
    r"(?:\b(?:we|i|our team|everyone here)(?: (?:ll|will|would|d|shall|are|re|am|m|is|s|be|been|always|still|just|"
    r"really|so|very|more than|all))* )?"
    r"(?:\b(?:don t worry|do not worry|no need to worry|nothing to worry about|rest assured|(?:waiting|wait) for your "
    r"(?:call|reply|response|payment)|look(?:ing)? forward to (?:hearing(?: back)?(?: from you)?|(?:speaking|talking)(?: (?:with|to) you)?|your)|happy to help|here to "
    r"help|glad to help|at your (?:earliest )?convenience|when you are ready|when you re ready)\b"
    # lawful process: papers by post to the borrower's own address
    r"|\b(?:letters?|statements?|notices?|details|copy|copies|receipts?|invoices?|bills?|cards?|forms?)(?: \w+){0,4} "
    r"(?:will be |is being |are being |has been |have been |was |were )?(?:sent|mailed|posted|delivered|e ?mailed) to "
    r"your (?:home |postal |mailing |registered |e ?mail )?(?:address|inbox|e ?mail)\b)"
)
#: a denied future action: "nobody will come", "this won't ruin", "we will never tell"
_DENIED_FUTURE_EN = re.compile(
    r"\b(?:nobody|no one|no ?body|none of (?:us|our \w+)) (?:will|would|is going to|shall|can)\b"
    r"|\b(?:won t|will not|will never|would never|would not|shall not|is not going to|are not going to|isn t going to|"
    r"aren t going to) (?!stop\b|rest\b|give up\b|let (?:this|it|you)\b|go away\b|forget\b|be (?:so )?(?:nice|patient|"
    r"polite|safe|pretty|fun|good|easy|welcome|around)\b|wait\b|tolerate\b|accept\b|leave\b|back down\b|get away\b|be able\b|see\b|have\b|find\b|end\b|work\b|sleep\b|last\b|survive\b|live\b|walk\b|keep\b|like\b|enjoy\b|hold\b|"
    r"stay\b|recover\b|forget\b|get (?:a|another|any)\b)"
)


def _reassures(norm: Normalised, verdict: Any, denied: list[tuple[int, int]], block_at: float) -> bool:
    """The model's block is demoted to a warning where it rests on a single n-gram, or where the judged sentence
    reassures rather than threatens: a rule
    read the harm in it and found it denied ("Don't worry, nobody will come to your home": the visit is denied by
    "nobody", the model blocked at P 0.97 on 'your', 'will', 't'), or it denies a future action and its content words alone do not reach the block threshold
    (``Classifier.content_probability``: "This won't ruin your credit if you pay now.")."""
    s, e = verdict.sentence
    if any(s <= a and b <= e for a, b in denied):
        return True
    # one piece of evidence is not enough to block: "天冷了，出门注意保暖。" was blocked (P 0.94) on '出门' alone (the
    # character pair and the same word); no model block on the seed corpus or the real train items rests on fewer
    # than two distinct n-grams
    if len(set(verdict.evidence)) < 2:
        return True
    if not norm.has_latin:
        return False
    w = verdict.words
    return bool(_DENIED_FUTURE_EN.search(w)) and (
        default_classifier().content_probability(w, verdict.probability) < block_at
    )


#: an amount as a template writes it, in the compact view (separators, ¥ and spaces dropped): 1,200元, RMB 1,200.00,
#: 人民币1,200元, 1.2万元, 壹仟贰佰元整, or 元 alone where a placeholder stood ({amount}元, ××元: blanked for the model)
_CN_AMOUNT = (
    r"(?:人民币|rmb|cny)?(?:[0-9]+(?:万元|千元|元|万)?|[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]+(?:元|圆)整?|"
    r"元|万元)"
)


#: lawful formulas the model reads in a threat's register: a wish for the reader's safety or health (出门在外注意安全:
#: the seed corpus's "出门走路都小心点" taught it 出门 and 安全), papers to the reader's own mailbox ("Keep an eye on your
#: mailbox for your statement": 'keep', 'an', 'your')
_LAWFUL_FORMULA_CN = re.compile(
    r"(?:出门在外|出门|外出|出行|路上|天冷|天热|降温|下雨)?(?:请|要|也要)?(?:多)?注意(?:安全|保暖|身体|休息|防暑|防寒)"
    r"|保重身体|照顾好(?:自己|身体)|一路平安|平安健康|身体健康|生活愉快|工作顺利"
    # ninth session: advice to guard the reader's own property (请保护好您和家人的财产安全), to call the police on a
    # scammer (遇到骗子请立即报警: 报警 was learned from a collector's "我就报警抓你"). The reader is the one who acts;
    # nothing is done to the reader
    r"|(?:请|要|务必)?(?:保护|保管|守护)好(?:您|你)?(?:和|及|与|以及)?(?:家人|家庭|自己)?的?"
    r"(?:财产|资金|账户|账号|人身|个人信息|信息|密码|银行卡)(?:和(?:财产|资金|人身|信息))?安全"
    r"|(?:遇到|如遇|遇|发现|碰到|如发现|谨防)(?:.{0,8}?)(?:骗子|诈骗|可疑|冒充)(?:.{0,6}?)(?:请|可|应|要)?"
    r"(?:立即|及时|马上|尽快|第一时间)?(?:报警|拨打110|向公安机关报案)"
    # the reader's own papers sent to the sender for checking (请把你的身份证照片发给我们核实: the model read 把你, 核实
    # as exposure). The reader sends, to the sender, to be verified; sent anywhere else (朋友圈, 你家人) stays the
    # model's and the rules' to read
    r"|(?:请|麻烦|烦请)?(?:您|你)?(?:把|将)?(?:您|你)(?:的|本人的?)?(?:身份证|身份证件|证件|银行卡|工作证|户口本|营业执照|"
    r"驾驶证|护照)(?:正反面|正面|反面)?(?:的)?(?:照片|图片|复印件|扫描件|截图)?(?:发给|发送给|发至|上传给|上传至|提供给|"
    r"传给|交给)(?:我们|我司|本公司|本平台|我行|客服|工作人员)(?:进行|以便|用于|来)?(?:核实|核对|审核|验证|认证|实名认证|"
    r"身份核验|核验|确认)"
    # the workplace's own people doing the reader's own business with the reader (你们公司的人事会通知你办理入职: the
    # model read 的人, 通知). The act is for the reader's employment itself; nothing of the debt reaches the workplace
    r"|(?:(?:你们|您们|你|您)的?(?:公司|单位)的?)?(?:人事|人力资源|hr|HR)(?:部门?)?(?:会|将)?(?:通知|联系)(?:你|您)(?:去|来)?(?:办理)?(?:入职|报到|面试|签约|签合同|"
    r"培训|体检)(?:手续)?"
    # twelfth session (linzh): the reader's own debt asked to be paid off today, as a bank's reminder says it
    # (您的欠款1,200元请今天还清 / 需在今天内还清 / 请于今日还清: the model read 的欠款, 今天 and 还清 as deceptive or as
    # shaming). The reader pays the reader's own debt, nothing else: no 必须 (今天必须还清 was learned beside 找亲戚借钱),
    # and what comes after it (否则 …, 想办法去借) stays the model's and the rules' to read
    r"|(?:您|你)的?(?:欠款|借款|贷款|账单|应还款项)(?:金额)?(?:为|共计|合计)?(?:[0-9]+(?:元|万元))?"
    r"(?:请|需|须)(?:在|于)?(?:今天|今日|本日|当天|当日)(?:之内|以内|内|前|之前)?(?:还清|结清)"
    # … and the reader's own debt stated, with its amount (您的欠款1,200元, 您欠款1,200元, 您的贷款余额为1,200元, 您名下欠款
    # 1,200元待还, 您的欠款还有1,200元未还清, 你还欠1,200元没还, 您欠XX贷1,200元: the model blocked 您的欠款1,200元。 on
    # 的欠款, 的欠, 你的欠 alone — several n-grams of one word), or paid off (您的欠款已全部还清, 您在XX贷的欠款已结清).
    # The amount is the template's: digits (the compact view drops separators and ¥), 元, or a placeholder the model
    # reads blanked (_template_artefacts: 您的欠款{amount}元 is read as 您的欠款 元). A statement of the debt, nothing
    # done to the reader: what comes after it (请今天还清，否则…) stays the model's and the rules' to read
    r"|(?:您|你)(?:的|名下的?|目前的?|当前的?|尚|还|共|在[^的]{1,8}的)?(?:欠款|借款|贷款|账单|欠费|待还金额|应还金额|"
    r"待还款项|应还款项)(?:余额|金额|总额|本金)?(?:还有|尚有|仍有|剩余)?(?:(?:本期|本月|当期|当月)?(?:应还|待还|需还)"
    r"(?:金额|款项)?)?(?:为|是|共计|合计|计)?"
    + _CN_AMOUNT
    + r"(?:待还|未还清|未还|没还|尚未还清|尚未结清|未结清)?"
    r"|(?:您|你)(?:还|尚|目前|当前|共)?欠(?:款|我行|我司|本行|本平台|平台|[\u4e00-\u9fff]{0,4}?(?:贷|金融|银行|平台|"
    r"花|借))?" + _CN_AMOUNT + r"(?:待还|未还清|未还|没还|尚未还清|未结清)?"
    r"|(?:您|你)(?:在[^的]{1,8}的|的)?(?:本期)?(?:欠款|借款|贷款|账单)(?:已经?|均已)(?:全部|全额)?(?:还清|结清|还款成功)"
    # … and the reader's rights in a lawsuit (您有权委托律师并出庭答辩: the model read 诉讼, 出庭 as a false legal claim)
    # (a lawsuit as its condition goes with it: 您的欠款案件如进入诉讼，您有权…)
    r"|(?:(?:(?:您|你)的?(?:欠款|借款)?(?:案件|纠纷))?(?:如|若|如果|假如|倘若)(?:案件|本案|纠纷)?(?:进入诉讼程序|进入诉讼)"
    r"(?:后|时)?)?(?:您|你)(?:依法)?(?:有权|可以|可|享有)(?:依法)?(?:委托律师|聘请律师|应诉|答辩|出庭答辩|提出答辩意见|举证|"
    r"提出异议|申请调解|申请诉前调解|申请回避|提起上诉)(?:(?:并|和|、|及)(?:委托律师|应诉|出庭答辩|答辩|提出答辩意见|"
    r"举证|提出异议|申请调解))*"
)
_LAWFUL_FORMULA_EN = re.compile(
    r"\b(?:keep an eye on|watch|check|look out in) your (?:mailbox|mail box|mail|post|letterbox|inbox|e ?mail)"
    r" (?:(?:tomorrow|tonight|today|later|this week|next week|on (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)) )?for (?:your|the|a|an|our) (?:(?:new|next|monthly|annual|updated|revised|replacement|welcome|payment) )?"
    r"(?:statements?|letters?|cards?|bills?|invoices?|receipts?|forms?|details|copy|copies|confirmation|plan|"
    r"agreement|pack|pin)\b"
    # the service done on the reader's own account ("Your account will be updated by tonight.", "your direct debit
    # will be cancelled today"): the model blocked it on 'your', 'will', 'tonight'. Not what takes from the reader
    # (frozen, closed, suspended, sold, passed to …): those stay the model's to read
    r"|\byour (?:account|payment|payments|balance|direct debit|standing order|payment plan|plan|statement|"
    r"card|refund|details|records?|address|profile|request|application|complaint|instal?ments?|arrangement|"
    r"mandate|autopay|reference)"
    r" (?:will be|will now be|should be|has been|have been|is being|are being|was|were|is now|is) "
    r"(?:updated|cancell?ed|processed|credited|applied|received|confirmed|reviewed|adjusted|corrected|refunded|"
    r"reactivated|set up|activated|changed|amended|paused|reinstated|restored|approved|accepted|reduced|renewed|"
    r"recorded|logged|noted|sent|issued|acknowledged)\b"
    # ninth session: papers to the reader ("We know where to send your statement.": 'we know', 'where') and the
    # reader's details printed on them ("Your name and address will be printed on the statement.")
    r"|\b(?:we|i) (?:know|have|ve got|already know|will confirm|need to confirm|want to confirm) where to send "
    r"(?:your|the|a|an) (?:\w+ )?(?:statements?|letters?|bills?|invoices?|cards?|refund|cheque|check|paperwork|"
    r"documents?|forms?|receipts?|pack|copy|copies)\b"
    r"|\byour (?:full )?(?:name|address|account number|reference(?: number)?|details|postcode|customer number)"
    r"(?: and (?:your )?(?:full )?(?:name|address|account number|reference(?: number)?|postcode))? (?:will be|is|are|"
    r"will appear|appears?|should be|must be)(?: printed| shown| listed| displayed)? (?:on|at the top of) "
    r"(?:the|your|each|every) (?:statements?|letters?|envelopes?|invoices?|bills?|receipts?|cards?|forms?|"
    r"payslips?|cheques?)\b"
)


#: what may follow an English formula in its sentence: a few words of time ("… next week."), not a coordination that
#: carries its verb on to something else ("Keep an eye on your mailbox for your statement, and on your kids too.")
_CARRIED_ON_EN = re.compile(r"\b(?:and|or|but|too|also|as well|plus|while|so)\b|&")


#: every match of _REASSURING_EN holds one of these words (its subject prefix is optional): a text without any of them
#: holds no reassurance, and the large pattern, which can start at every word, is not run on it
_REASSURING_HINT = re.compile(r"worry|assured|wait|look|help|convenience|ready|sent|mailed|posted|delivered")


def _reassuring(norm: Normalised) -> list[tuple[int, int]]:
    """The English reassurance in the text, as spans of the original: lawful words, but no excuse for what stands
    beside them ("Don't worry, your wife will hear from us tonight."): the model judges the text without them."""
    if not norm.has_latin or not _REASSURING_HINT.search(norm.words.text):
        return []
    return [norm.words.span(m.start(), m.end()) for m in _REASSURING_EN.finditer(norm.words.text)]


def _blanked(norm: Normalised, spans: list[tuple[int, int]]) -> Normalised:
    """The text with ``spans`` blanked out by as many spaces: offsets into it are offsets into the original."""
    chars = list(norm.original)
    for a, b in spans:
        chars[a:b] = [" "] * (b - a)
    return normalise("".join(chars))


def _lawful_formulas(norm: Normalised) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    if norm.has_cjk:
        out.extend(
            norm.compact.span(m.start(), m.end()) for m in _LAWFUL_FORMULA_CN.finditer(norm.compact.text)
        )
    if norm.has_latin:
        text = norm.original
        out.extend(_reassuring(norm))
        for m in _LAWFUL_FORMULA_EN.finditer(norm.words.text):
            a, b = norm.words.span(m.start(), m.end())
            end = _SENTENCE_END.search(text, b)
            rest = text[b : end.start() if end else len(text)].lower()
            if len(rest.split()) <= 4 and not _CARRIED_ON_EN.search(rest):
                out.append((a, b))
    return out


#: a whole text that is only a unit of account: a label on a statement, said to no one
_LABEL_CN = re.compile(r"(?:金额|货币|计价|计量)单位[:：]?(?:为)?(?:人民币)?(?:元|万元|美元|港元|港币)[。.]?")


def _stands_without(norm: Normalised, verdict: Any, excused: list[tuple[int, int]]) -> bool:
    """The model's block stands only on words no rule excused. Where the judged sentence holds words the rules read
    as lawful — a scam warning's words a frame covered ("Scammers claim they will post your photo online. …"), a
    service phrase (上门办理), a wish for the reader's safety, papers to the reader's own mailbox, a reassurance
    (``_reassuring``: "We'll be waiting for your call.") — the text is judged
    again with them blanked out, and the block stands only if what is left still blocks: the formula does not
    launder a threat beside it ("你家孩子上学的路挺远的，出门在外注意安全。" still blocks)."""
    s, e = verdict.sentence
    spans = [(a, b) for a, b in (*excused, *_lawful_formulas(norm)) if a < e and s < b]
    if not spans:
        return True
    rest = _blanked(norm, spans)
    model = default_classifier()
    again = model.judge(rest)
    return (
        again is not None
        and again.probability >= model.block_threshold(rest.compact.text)
        and len(set(again.evidence)) >= 2
    )


def _model_findings(
    norm: Normalised,
    facts: frozenset[str],
    jurisdiction: str,
    denied: list[tuple[int, int]] | None = None,
    excused: list[tuple[int, int]] | None = None,
    made_true: list[tuple[int, int]] | None = None,
) -> list[Finding]:
    """The learned second opinion (``classifier.py``), consulted when no rule blocked."""
    model = default_classifier()
    denied = denied or []
    excused = excused or []
    made_true = made_true or []
    text = norm.original
    names = _masked_names(norm) + _template_artefacts(norm)
    if names:
        # the model reads the text with its masked names and initials blanked (same offsets): "customer name: s***
        # smith, balance due $20" blocked on 'balance', 's', 'name' — the initial read as the "'s" of "he's"; and a
        # Chinese template's placeholders, unsubscribe tail and links (【XX银行】…回T退订 blocked on 'xx', 't')
        norm = _blanked(norm, names)
    verdict = model.judge(norm)
    reassuring = _reassuring(norm)
    if reassuring and (verdict is None or verdict.probability < model.block_threshold(norm.compact.text)):
        # reassurance does not dilute a threat either: "No need to worry, we have people near your house." is judged
        # as what is left without it (the same offsets), and blocks where that does
        again = model.judge(_blanked(norm, reassuring))
        if again is not None and again.probability >= model.block_threshold(norm.compact.text):
            verdict = again
    if verdict is None or verdict.probability < model.warn_at:
        return []
    if norm.has_cjk and _LABEL_CN.fullmatch(norm.compact.text):
        return []  # a label, not speech to anyone (金额单位：元。: the model read 单位 as the workplace)
    if _warns_about_scams(norm) and not taken_back(norm.original, verdict.start, verdict.end):
        # as the rules' impersonation guards do: a warning about impostors is not the thing itself — unless the
        # message takes the words back ("… That's exactly what will happen to you.", reported.py)
        return []
    if reported_only(norm, [_Raw("false_legal_claim", verdict.start, verdict.end)]):
        return []  # the deciding words are quoted in a warning ("The scammer threatens to … put you in prison")
    # "依法…提起诉讼", "we may take legal action": a statement of the lender's rights, lawful by the rules'
    # own policy (docs/linter.md, "What is allowed"); the model, which reads 法院 and "legal action" as n-grams, may
    # warn about it but not block it
    # A model cannot tell a true notice from a bluff: with a lawsuit filed or a visit approved it only warns in a
    # sentence that states the notice (a rule's match the facts excused: "已起诉", "上门拜访") or where it reads the
    # kind of harm the notice is (false_legal_claim; visit_threat, workplace_threat: "Our field agent will be coming
    # by your house on Tuesday."). A flag excuses nothing else the model reads: "你这辈子都别想安生" blocks with a
    # lawsuit filed (until the end of the fifth session either flag made every model block a warning).
    s, e = verdict.sentence
    kinds = compiled().fact_categories
    factual = (
        any(a < e and s < b for a, b in made_true)
        or any(
            c in kinds.get(f, ())
            for f in facts & C.NOTICE_FACTS
            for c, _p in verdict.categories[:_MAX_MODEL_CATEGORIES]
        )
        or _states_legal_rights(norm)
    )
    block_at = model.block_threshold(norm.compact.text)
    severity: Severity = (
        "block"
        if verdict.probability >= block_at
        and not factual
        and not _reassures(norm, verdict, denied, block_at)
        and _stands_without(norm, verdict, excused)
        else "warn"
    )
    because = ", ".join(f"'{e}'" for e in verdict.evidence) or "the sentence as a whole"
    because_zh = "、".join(f"“{e}”" for e in verdict.evidence) or "整句"
    findings = []
    for category, _p in verdict.categories[:_MAX_MODEL_CATEGORIES]:
        en, zh = EXPLANATIONS[category]
        findings.append(
            Finding(
                category=category,
                rule=rule_for(category, jurisdiction),
                start=verdict.start,
                end=verdict.end,
                excerpt=text[verdict.start : verdict.end],
                explanation=f"{en} No listed phrase matched; the classifier reads this as {category} "
                f"(probability {verdict.probability:.2f} that the text is prohibited; decided by {because}). "
                "Review the wording.",
                severity=severity,
                explanation_zh=f"{zh}（未命中规则词表；分类模型判断此句违规的概率为 {verdict.probability:.2f}，"
                f"主要依据：{because_zh}。请复核措辞。）",
            )
        )
    return findings


_DEFAULT_CONTEXT = LintContext()


def lint(
    text: str,
    context: LintContext | None = None,
    *,
    jurisdiction: str = "CN",
    rulebook: Rulebook | None = None,
) -> LintResult:
    """Check a collection message; return the verdict and every finding with its span in ``text``. ``rulebook``:
    the lender's rulebook with its overrides (the gate's), from which who owes the debt is read; without it, the
    jurisdiction's own."""
    code = check_jurisdiction(jurisdiction)
    rules = category_rules(code)
    ctx = context or _DEFAULT_CONTEXT
    norm = normalise(text)
    if rulebook is None:
        facts = C.facts(ctx, code)
    else:
        if rulebook.jurisdiction.upper() != code:
            raise ValidationError(
                f"the rulebook is {rulebook.jurisdiction}'s, not {code}'s", field="jurisdiction"
            )
        facts = C.facts(ctx, code, obligor_roles_of(rulebook))
    denied: list[tuple[int, int]] = []
    excused: list[tuple[int, int]] = []
    made_true: list[tuple[int, int]] = []
    raws = _merge(
        _prohibited(norm, facts, denied, excused, made_true)
        + _sender_tags(norm)
        + _third_party(norm, facts, code)
    )
    findings: list[Finding] = []
    for r in raws:
        en, zh = r.explanation or EXPLANATIONS[r.category]
        # positional: category, rule, start, end, excerpt, explanation, severity, explanation_zh
        findings.append(
            Finding(
                r.category,
                r.rule or rules[r.category],
                r.start,
                r.end,
                text[r.start : r.end],
                en,
                "block",
                zh,
            )
        )
    blocked = bool(findings)  # every rule finding blocks
    if not blocked and text.strip():
        learned = _model_findings(norm, facts, code, denied, excused, made_true)
        findings.extend(learned)
        blocked = any(f.severity == "block" for f in learned)
    n = len(text)
    for category in _warnings(norm, ctx, facts, code):
        en, zh = EXPLANATIONS[category]
        findings.append(Finding(category, rules[category], n, n, "", en, "warn", zh))
    verdict: Verdict = "block" if blocked else "warn" if findings else "ok"
    return LintResult(verdict=verdict, findings=tuple(findings))
