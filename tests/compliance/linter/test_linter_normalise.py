"""Disguised spellings are found, and every finding's span points at the ORIGINAL text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircollect.compliance.linter import lint
from faircollect.compliance.linter.normalise import normalise

VISIT_DISGUISES = [
    "明天上门找你",  # plain
    "明天上門找你",  # traditional
    "明天上 门找你",  # space
    "明天上*门找你",  # symbol
    "明天上.门找你",
    "明天上\u200b门找你",  # zero-width space
    "明天上　门找你",  # ideographic space
    "明天上❤门找你",  # emoji
    "明天shangmen找你",  # pinyin
    "明天 shang men 找你",
    "明天ＳＨＡＮＧＭＥＮ找你",  # full-width pinyin
    "明天sm找你",  # initials
    "明天尚门找你",  # homophones
    "明天上们找你",
    "明天上men找你",  # mixed
]


@pytest.mark.parametrize("text", VISIT_DISGUISES)
def test_visit_threat_found_in_disguise(text: str) -> None:
    result = lint(text)
    found = [f for f in result.findings if f.category == "visit_threat"]
    assert found, text
    f = found[0]
    assert text[f.start : f.end] == f.excerpt
    # the span covers the disguised word itself, separators included, and nothing of 明天/找你
    assert f.excerpt.startswith(("上", "尚", "s", "S", "Ｓ")) and f.excerpt.endswith(
        ("门", "門", "们", "n", "N", "Ｎ", "m")
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("法院傳票72小時內送達", "false_legal_claim"),
        ("爆你通訊錄", "contact_list_threat"),
        ("你這個老賴", "insult"),
        ("全網曝光你", "public_shaming"),
        ("ｋｉｌｌ ｙｏｕ", "violence_threat"),
        ("you will be 4rr3sted", "false_legal_claim"),
        ("you will be a r r e s t e d", "false_legal_claim"),
        ("you will be a.r.r.e.s.t.e.d", "false_legal_claim"),
        ("you will be arr\u200bested", "false_legal_claim"),
        ("you will be аrrеstеd", "false_legal_claim"),  # Cyrillic а and е
        ("YOU WILL BE ARRESTED", "false_legal_claim"),
        ("You'll be in JAIL", "false_legal_claim"),
        ("txl里的人都会知道", "contact_list_threat"),
        ("准备好zuolao吧", "false_legal_claim"),
        ("等着被bao光", "public_shaming"),
        ("暴光你的照片", "public_shaming"),
        ("你跑不le的", "intimidation"),
    ],
)
def test_disguised_phrase_is_found(text: str, category: str) -> None:
    assert category in lint(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "Please sign the form by hand a sign-up sheet is attached.",  # 'dasi' hides in 'handasign'
        "The smart meter reading is attached.",  # 'sm' inside a word is not 上门
        "SM Example Ltd: your statement is ready.",  # 'sm' without Chinese text is not 上门
        "We offer a discount for early repayment.",
        "Please issue the receipt.",  # 'sue' inside 'issue'
    ],
)
def test_pinyin_and_initials_need_word_boundaries(text: str) -> None:
    assert lint(text).verdict != "block", [(f.category, f.excerpt) for f in lint(text).findings]


def test_span_of_traditional_text_maps_to_original_characters() -> None:
    text = "張三您好，我們明天上門拜訪。"
    f = next(f for f in lint(text).findings if f.category == "visit_threat")
    assert (f.start, f.end) == (text.index("上門拜訪"), text.index("上門拜訪") + 4)
    assert f.excerpt == "上門拜訪"


def test_span_of_full_width_and_spaced_english_maps_to_original() -> None:
    text = "Hello.  ＷＥ  ＫＮＯＷ  where you live!!"
    f = next(f for f in lint(text).findings if f.category == "intimidation")
    assert f.excerpt == "ＷＥ  ＫＮＯＷ  where you live"


def test_normalise_offsets_point_at_source_characters() -> None:
    text = "Ａ上*門b\u200bc"
    n = normalise(text)
    assert n.compact.text == "a上门bc"
    for i, ch in enumerate(n.compact.text):
        src = text[n.compact.starts[i]]
        assert normalise(src).compact.text == ch
    assert n.words.text.replace(" ", "") == "a上门bc"


@given(st.text(max_size=60))
def test_the_fast_path_builds_the_same_views_as_the_full_pass(text: str) -> None:
    from faircollect.compliance.linter.normalise import _full

    fast, full = normalise(text), _full(text)
    assert (fast.compact.text, fast.words.text, fast.has_cjk, fast.has_latin) == (
        full.compact.text,
        full.words.text,
        full.has_cjk,
        full.has_latin,
    )
    assert fast.compact.starts == full.compact.starts and fast.words.starts == full.words.starts
    assert fast.token_start == full.token_start and fast.clause_breaks == full.clause_breaks


@given(
    st.text(
        alphabet=st.sampled_from(list("上门打死你 还钱a r e s t4!@$|，。.　\u200b❤0123①²Ⅻ㎏ＡＢé老賴")),
        max_size=40,
    )
)
def test_the_fast_path_agrees_on_disguise_alphabets(text: str) -> None:
    test_the_fast_path_builds_the_same_views_as_the_full_pass.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def _same_maps_in_either_order(text: str) -> None:
    """The fast path's lazily built maps (word offsets per token, token starts from the word-table text) equal the
    full pass's, whichever is asked for first."""
    from faircollect.compliance.linter.normalise import _full

    full = _full(text)
    a = normalise(text)
    assert a.token_start == full.token_start
    assert a.words.starts == full.words.starts and a.compact.starts == full.compact.starts
    b = normalise(text)
    assert b.words.starts == full.words.starts
    assert b.token_start == full.token_start and b.compact.starts == full.compact.starts


@given(
    st.lists(
        st.sampled_from(
            [
                "shang men",
                "a r r e s t",
                "k1ll",
                "上门",
                "老賴",
                "you ll",
                "。",
                " ",
                "\u200b",
                "ab",
                "4",
                "é",
                "x!y",
            ]
        ),
        max_size=30,
    )
)
def test_fast_offset_maps_equal_the_full_pass_on_generated_text(parts: list[str]) -> None:
    _same_maps_in_either_order("".join(parts))


@given(
    st.lists(
        st.sampled_from(["上门", "老賴", "\u200b", "\u00ad", "\ufeff", "。", " ", "you ll", "k1ll", "x!y"]),
        min_size=60,
    )
)
def test_fast_offset_maps_past_vanished_characters_in_long_text(parts: list[str]) -> None:
    # from 96 characters the compact map comes from the word-table text, mapped past zero-width characters
    _same_maps_in_either_order("".join(parts))


@given(st.text(max_size=200))
def test_fast_offset_maps_equal_the_full_pass_on_any_text(text: str) -> None:
    _same_maps_in_either_order(text)


def test_fast_offset_maps_equal_the_full_pass_on_corpus_letters() -> None:
    from faircollect.compliance.linter.evaluate import load_corpus

    texts = [i.text for i in load_corpus()]
    for text in texts:
        _same_maps_in_either_order(text)
    for i in range(0, len(texts), 12):  # letters of about 400 characters, as in benchmarks/lint_bench.py
        _same_maps_in_either_order("。".join(texts[i : i + 12]))


@given(
    st.text(
        alphabet=st.sampled_from(
            list("shangmen dasi上门打死你 还钱a r e s t4!@$|，。.　\u200b0123ＡＢé老賴")
        ),
        max_size=80,
    )
)
def test_starts_token_equals_the_full_pass_token_starts(text: str) -> None:
    from faircollect.compliance.linter.normalise import _full

    full = _full(text).token_start
    fresh = normalise(text)
    assert [fresh.starts_token(i) for i in range(len(full))] == list(full)


def _lazy_word_positions_match(text: str) -> None:
    """The fast word view's positions mapped by counting spaces equal its offset map (and the full pass's)."""
    from bisect import bisect_left

    from faircollect.compliance.linter.normalise import _full

    lazy = normalise(text)
    starts = _full(text).words.starts
    n = len(lazy.words.text)
    got = [lazy.words.index(i) for i in range(n)]
    spans = [lazy.words.span(a, b) for a in range(0, n, 3) for b in range(a + 1, min(n, a + 9) + 1)]
    firsts = [lazy.words.first_from(o, hi) for o in range(-1, len(text) + 2) for hi in (0, n // 2, n)]
    assert got == list(starts)
    assert spans == [
        (starts[a], starts[b - 1] + 1) for a in range(0, n, 3) for b in range(a + 1, min(n, a + 9) + 1)
    ]
    assert firsts == [
        bisect_left(starts, o, 0, hi) for o in range(-1, len(text) + 2) for hi in (0, n // 2, n)
    ]


@given(
    st.text(
        alphabet=st.sampled_from(
            list("you will kill 上门打死你 还钱a r e s t4!@$|，。.　\u200b0123ＡＢé老賴")
        ),
        max_size=80,
    )
)
def test_lazy_word_positions_equal_the_offset_map(text: str) -> None:
    _lazy_word_positions_match(text)


@given(
    st.text(
        alphabet=st.sampled_from(list("you will kill 上门打死你 还钱a r e s t4，。.　\u200b0123ＡＢé老賴")),
        min_size=160,
        max_size=400,
    )
)
def test_lazy_word_positions_of_long_views_equal_the_offset_map(text: str) -> None:
    """From 160 characters ``first_from`` reads a table of non-space positions instead of counting spaces."""
    _lazy_word_positions_match(text)


def test_lazy_word_positions_equal_the_offset_map_on_corpus_letters() -> None:
    from faircollect.compliance.linter.evaluate import load_corpus

    texts = [i.text for i in load_corpus()]
    for i in range(0, len(texts), 40):
        _lazy_word_positions_match("。".join(texts[i : i + 6]))


@given(st.text(max_size=80) | st.text(alphabet="上門门 \u200b*_.-|!@$a1４ｋ😀張\t。，ab", max_size=40))
def test_one_translate_pass_gives_the_compact_view_when_no_leet_symbol_is_present(text: str) -> None:
    """``normalise`` derives the compact view from the word table's output (separators dropped) unless the text
    holds one of ! @ $ |: the invariant that shortcut relies on."""
    from faircollect.compliance.linter.normalise import _COMPACT_TABLE, _LEET_SYMBOLS, _WORDS_TABLE

    if not any(c in text for c in _LEET_SYMBOLS):
        assert text.translate(_WORDS_TABLE).replace(" ", "") == text.translate(_COMPACT_TABLE)


@given(st.text(alphabet="ab z09 3上 k4", max_size=40))
def test_single_letter_runs_found_as_with_a_leading_look_behind(text: str) -> None:
    """``_SINGLE_LETTERS`` checks its look-behind after the first letter; the matches are those of the plain form."""
    import re

    from faircollect.compliance.linter.normalise import _SINGLE_LETTERS

    plain = re.compile(r"(?<![a-z0-9])[a-z](?: [a-z](?![a-z0-9])){2,}")
    assert [m.span() for m in _SINGLE_LETTERS.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.text(alphabet=st.sampled_from(list("ab k1 上!@$|。 ,.\u200bＡа-")), max_size=40))
def test_letter_before_a_leet_symbol_found_as_in_the_compact_table_output(text: str) -> None:
    from faircollect.compliance.linter.normalise import (
        _COMPACT_TABLE,
        _LEET_NEAR,
        _letter_before_leet_symbol,
    )

    assert _letter_before_leet_symbol(text) == bool(_LEET_NEAR.search(text.translate(_COMPACT_TABLE)))
