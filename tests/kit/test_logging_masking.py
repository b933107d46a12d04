"""Structured logs mask personal data at any depth: a phone or ID number nested in dicts, lists or tuples (as a
value or a key) never reaches the line; numbers and the shape of the data stay."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircollect.kit.logging import _mask_processor, get_logger, mask_value

PHONES = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
IDS = st.builds(
    lambda body, last: body + last,
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.sampled_from("0123456789X"),
)
WORDS = st.text(alphabet="abcxyz 借款人：,.-", max_size=8)
PII = st.one_of(PHONES, IDS)


def _with_pii(pii: str, before: str, after: str) -> str:
    """The number in a sentence (words around it never continue it with a digit)."""
    return f"{before} {pii} {after}".strip()


@st.composite
def nested(draw: Any) -> tuple[Any, list[str]]:
    planted: list[str] = []

    def leaf_pii(t: tuple[str, str, str]) -> str:
        planted.append(t[0])
        return _with_pii(*t)

    pii_leaf = st.tuples(PII, WORDS, WORDS).map(leaf_pii)
    leaves = st.one_of(pii_leaf, WORDS, st.integers(-1000, 1000), st.none(), st.booleans())
    keys = st.one_of(WORDS, st.tuples(PII, WORDS, WORDS).map(leaf_pii))
    tree = draw(
        st.recursive(
            leaves,
            lambda children: st.one_of(
                st.lists(children, max_size=4),
                st.tuples(children, children),
                st.dictionaries(keys, children, max_size=4),
            ),
            max_leaves=12,
        )
    )
    # Always at least one number, at the bottom of a nested structure.
    must = draw(st.tuples(PII, WORDS, WORDS))
    planted.append(must[0])
    return {"outer": [tree, {"deep": [(_with_pii(*must),)]}]}, planted


@given(nested())
def test_any_nested_structure_with_a_phone_or_id_number_comes_out_masked(case: tuple[Any, list[str]]) -> None:
    value, planted = case
    event = {"event": "something happened", "payload": value}
    line = json.dumps(_mask_processor(None, "info", dict(event)), ensure_ascii=False)
    for pii in planted:
        assert pii not in line, (pii, line)


def test_masking_keeps_numbers_and_honours_sensitive_keys_below_the_top() -> None:
    out = mask_value(
        {
            "loan": {"amount_minor": 13800138000, "borrower": {"phone": "13800138000", "name": "张三丰"}},
            "phones": ["13900139000", ("110101199003071234",)],
            "id_number": ["110101199003071234"],
        }
    )
    assert out["loan"]["amount_minor"] == 13800138000  # a number is not text: left alone
    assert out["loan"]["borrower"] == {"phone": "138****8000", "name": "张**"}
    assert out["phones"] == ["139****9000", ["110***********1234"]]
    assert out["id_number"] == ["110***********1234"]


def test_objects_and_tracebacks_are_masked_in_the_written_line(capsys: pytest.CaptureFixture[str]) -> None:
    class Holder:
        def __repr__(self) -> str:
            return "Holder(phone=13800138000)"

    log = get_logger("faircollect.test")
    log.info("nested", data={"who": [{"contact": "call 13800138000"}]}, obj=Holder())
    try:
        raise ValueError("bad id 110101199003071234")
    except ValueError:
        log.error("failed", exc_info=True)
    err = capsys.readouterr().err
    assert "13800138000" not in err and "110101199003071234" not in err
    assert "138****8000" in err and "110***********1234" in err
