"""The prefilter never changes what matches: an expression it skips could not have matched."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from faircollect.compliance.linter.engine import compiled
from faircollect.compliance.linter.evaluate import load_corpus
from faircollect.compliance.linter.normalise import normalise
from faircollect.compliance.linter.triggers import Prefilter, required_condition, required_literals

_CORPUS = [i.text for i in load_corpus()]


def test_every_rule_has_a_required_literal() -> None:
    comp = compiled()
    assert all(required_literals(rx) for _c, rx, _w in comp.cn_structures)
    assert all(required_literals(rx) for rx in comp.en_written)


def test_required_literals_of_simple_expressions() -> None:
    assert required_literals(re.compile("(?:去|到)你家")) == {"去你家", "到你家"}
    lits = required_literals(re.compile(r"\bwe ?will (?:call|visit)\b"))
    assert lits
    for text in ("we will call", "wewill visit"):
        assert any(lit in text for lit in lits)
    assert required_literals(re.compile(r".*")) is None


def _check(text: str) -> None:
    comp = compiled()
    norm = normalise(text)
    for view, patterns, pre in (
        (norm.compact.text, comp.cn_structures, comp.cn_prefilter),
        (norm.words.text, comp.en_patterns, comp.en_prefilter),
    ):
        chosen = set(pre.candidates(view))
        for i, (_c, rx, _w) in enumerate(patterns):
            if rx.search(view):
                assert i in chosen, (i, view)


def test_prefilter_keeps_every_expression_that_matches_the_corpus() -> None:
    for text in _CORPUS:
        _check(text)


@given(st.lists(st.sampled_from(_CORPUS), min_size=1, max_size=3), st.text(max_size=10))
def test_prefilter_keeps_every_expression_that_matches_mixed_text(parts: list[str], noise: str) -> None:
    _check(noise.join(parts))


def test_required_condition_asks_for_more_than_the_lookup_literal() -> None:
    # "your" is a common word: not asked about; one of the nouns is
    cond = required_condition(re.compile(r"\byour ?(?:\w+ ?)?(?:employer|boss)\b"))
    assert cond == [[frozenset({"employer", "boss"})]]
    # a sequence needs each of its parts, an alternation one of its branches
    cond = required_condition(re.compile(r"\b(?:visit ?(?:\w+ ?)?your ?(?:home|office)|coffin)\b"))
    assert cond is not None and len(cond) == 2
    assert [frozenset({"visit"}), frozenset({"your home", "yourhome", "your office", "youroffice"})] in cond
    assert [frozenset({"coffin"})] in cond
    # runs go on across optional spaces: "pay ?for ?(?:this|it)" needs one of its spellings, not "pay" or "for"
    cond = required_condition(re.compile(r"\bpay ?for ?(?:this|it)\b"))
    assert cond is not None and len(cond) == 1 and len(cond[0]) == 1
    assert {"pay for it", "payforthis"} <= cond[0][0]
    assert required_condition(re.compile(r".*")) is None


def _check_condition(text: str) -> None:
    """Every match of every expression meets the expression's condition by itself, and the long-text lookup
    (``occurrences``) keeps the expression."""
    comp = compiled()
    norm = normalise(text)
    for view, patterns, pre in (
        (norm.compact.text, comp.cn_structures, comp.cn_prefilter),
        (norm.words.text, comp.en_patterns, comp.en_prefilter),
    ):
        always, near = pre.occurrences(view)
        for i, (_c, rx, _w) in enumerate(patterns):
            for m in rx.finditer(view):
                assert i in always or i in near, (i, view)
                if m.group():
                    assert i in pre.candidates(m.group()), (i, m.group())


def test_every_match_in_the_corpus_meets_its_expression_s_condition() -> None:
    for text in _CORPUS:
        _check_condition(text)


@given(st.lists(st.sampled_from(_CORPUS), min_size=2, max_size=4), st.sampled_from(["。", " ", ", ", "\n"]))
def test_every_match_in_joined_text_meets_its_expression_s_condition(parts: list[str], glue: str) -> None:
    _check_condition(glue.join(parts))


def test_an_empty_prefilter_runs_nothing() -> None:
    assert Prefilter([]).candidates("anything") == []


def _check_near(text: str) -> None:
    """Searching only near the required literals finds exactly the whole-text matches, for every expression."""
    from faircollect.compliance.linter.triggers import finditer_near

    comp = compiled()
    norm = normalise(text)
    for view, patterns, pre, reaches in (
        (norm.compact.text, comp.cn_structures, comp.cn_prefilter, comp.cn_reach),
        (norm.words.text, comp.en_patterns, comp.en_prefilter, comp.en_reach),
    ):
        always, near = pre.occurrences(view)
        assert sorted((*always, *near)) == pre.candidates(view)
        for i, (_c, rx, _w) in enumerate(patterns):
            whole = [m.span() for m in rx.finditer(view)]
            width = reaches[i]
            if width is None or i not in near:
                assert not whole or i in always or i in near
                continue
            assert [m.span() for m in finditer_near(rx, view, near[i], width)] == whole, i


def _letters(texts: list[str], size: int = 400) -> list[str]:
    out, current = [], ""
    for t in texts:
        current = f"{current}。{t}" if current else t
        if len(current) >= size:
            out.append(current)
            current = ""
    return out


def test_windowed_search_equals_whole_text_search_on_corpus_letters() -> None:
    for text in _letters(_CORPUS):
        _check_near(text)


@given(
    st.lists(st.sampled_from(_CORPUS), min_size=1, max_size=12), st.sampled_from(["", " ", "。", ", ", "x"])
)
def test_windowed_search_equals_whole_text_search_on_mixed_text(parts: list[str], glue: str) -> None:
    _check_near(glue.join(parts))


@given(
    st.text(alphabet=st.sampled_from(list("you will kill arrest 你上门家人 .,!")), min_size=100, max_size=400)
)
def test_windowed_search_equals_whole_text_search_on_generated_text(text: str) -> None:
    _check_near(text)


def test_windowed_search_keeps_left_context_and_cuts_only_past_the_reach() -> None:
    from faircollect.compliance.linter.triggers import finditer_near, reach

    rx = re.compile(r"\bkill (?:you|him)\b")
    width = reach(rx)
    assert width is not None
    text = "skill you " * 5 + "kill youth kill you " + "x" * 300 + " kill him"
    occ = [(m.start(), m.end()) for m in re.finditer("kill", text)]
    assert [m.span() for m in finditer_near(rx, text, occ, width)] == [m.span() for m in rx.finditer(text)]
    assert reach(re.compile(r"a\w*")) is None and reach(re.compile(r"a?")) is None
    assert reach(re.compile(r"ab(?=cde)")) == 2 + 3 + 2


def _shared_scan_equals_own_scan(text: str) -> None:
    comp = compiled()
    shared = [(end, lit) for end, (_hits, lit) in comp.automaton.iter(text) if lit is not None]
    assert shared == list(comp.cn_prefilter.automaton.iter(text))
    assert comp.cn_prefilter.candidates(text, shared) == comp.cn_prefilter.candidates(text)
    assert comp.cn_prefilter.occurrences(text, shared) == comp.cn_prefilter.occurrences(text)


def test_the_phrase_scan_gives_the_prefilter_its_own_hits_on_the_corpus() -> None:
    """The engine scans the compact view once with an automaton holding the phrases and the Chinese structures'
    required literals; the literals' hits must be exactly what the prefilter's own automaton finds."""
    for item in load_corpus():
        _shared_scan_equals_own_scan(normalise(item.text).compact.text)


@given(st.lists(st.sampled_from(_CORPUS), min_size=1, max_size=4), st.text(max_size=10))
def test_the_phrase_scan_gives_the_prefilter_its_own_hits_on_mixed_text(parts: list[str], glue: str) -> None:
    _shared_scan_equals_own_scan(normalise(glue.join(parts)).compact.text)
    _shared_scan_equals_own_scan(glue.join(parts))


def test_expressions_searched_whole_are_those_the_engine_skips_ahead_for() -> None:
    """``skips_ahead``: a literal or a set of first characters the engine scans for; not ``\\b`` first."""
    from faircollect.compliance.linter.triggers import skips_ahead

    assert skips_ahead(re.compile("法院(?:已经|马上)"))
    assert skips_ahead(re.compile("(?:去|到)(?:你|您)家"))
    assert not skips_ahead(re.compile(r"\b(?:we ?know|watch)"))
    assert not skips_ahead(re.compile(r"(?:你|您)|.{0,3}家"))
    comp = compiled()
    assert any(comp.cn_whole) and len(comp.cn_whole) == len(comp.cn_structures)


def _same_matches_rewritten(view: str) -> None:
    comp = compiled()
    for written, (_c, searched, _w) in zip(comp.en_written, comp.en_patterns, strict=True):
        assert [m.span() for m in searched.finditer(view)] == [m.span() for m in written.finditer(view)]
        assert [m.span() for m in searched.finditer(view, 3, len(view) - 2)] == [
            m.span() for m in written.finditer(view, 3, len(view) - 2)
        ]


def test_rewritten_english_expressions_match_as_written_on_the_corpus() -> None:
    """``skip_ahead_form``: the English expressions the linter searches give the written ones' matches."""
    comp = compiled()
    assert sum(rx is not w for w, (_c, rx, _w) in zip(comp.en_written, comp.en_patterns, strict=True)) > 60
    texts = [normalise(t).words.text for t in _CORPUS]
    for view in texts:
        _same_matches_rewritten(view)
    for i in range(0, len(texts), 12):
        _same_matches_rewritten(" ".join(texts[i : i + 12]))


@given(
    st.lists(
        st.sampled_from(
            [
                "we",
                "know",
                "where",
                "you",
                "live",
                "post",
                "your",
                "photo",
                "online",
                "arrest",
                "jail",
                "xwe",
                "wex",
                "9",
                "上门",
                " ",
                "  ",
                "family",
                "will",
                "ll",
                "come",
                "to",
                "work",
                "court",
                "a",
            ]
        ),
        max_size=40,
    )
)
def test_rewritten_english_expressions_match_as_written_on_generated_text(words: list[str]) -> None:
    _same_matches_rewritten(" ".join(words))
    _same_matches_rewritten("".join(words))


def test_skip_ahead_form_keeps_the_word_boundary_and_the_order_of_alternatives() -> None:
    from faircollect.compliance.linter.triggers import skip_ahead_form

    rx = re.compile(r"\b(?:we ?know|(?:your ?)?family|watch)")
    form = skip_ahead_form(rx)
    assert form is not None
    for text in (
        "we know",
        "awe know",
        "your family",
        "yourfamily",
        "family",
        "xfamily",
        "a watch",
        "swatch",
    ):
        assert [m.span() for m in form.finditer(text)] == [m.span() for m in rx.finditer(text)], text
    assert skip_ahead_form(re.compile(r"\b(x)y")) is None  # a group: left as written
    assert skip_ahead_form(re.compile(r"(?:ab|c)\b")) is None  # no leading word boundary
    assert skip_ahead_form(re.compile(r"\b\w+y")) is None  # no plain first character
