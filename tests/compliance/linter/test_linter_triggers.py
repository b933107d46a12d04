"""The prefilter never changes what matches: an expression it skips could not have matched."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from faircollect.compliance.linter.engine import compiled
from faircollect.compliance.linter.evaluate import load_corpus
from faircollect.compliance.linter.normalise import normalise
from faircollect.compliance.linter.triggers import Prefilter, required_literals

_CORPUS = [i.text for i in load_corpus()]


def test_every_rule_has_a_required_literal() -> None:
    comp = compiled()
    assert all(required_literals(rx) for _c, rx, _l, _v in (*comp.cn_structures, *comp.en_patterns))


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
        for i, (_c, rx, _l, _v) in enumerate(patterns):
            if rx.search(view):
                assert i in chosen, (rx.pattern[:60], view)


def test_prefilter_keeps_every_expression_that_matches_the_corpus() -> None:
    for text in _CORPUS:
        _check(text)


@given(st.lists(st.sampled_from(_CORPUS), min_size=1, max_size=3), st.text(max_size=10))
def test_prefilter_keeps_every_expression_that_matches_mixed_text(parts: list[str], noise: str) -> None:
    _check(noise.join(parts))


def test_an_empty_prefilter_runs_nothing() -> None:
    assert Prefilter([]).candidates("anything") == []
