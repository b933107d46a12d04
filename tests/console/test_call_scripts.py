"""Call scripts are data, in zh and en, and every line passes the linter."""

from __future__ import annotations

import pytest

from faircollect.compliance.linter.engine import lint
from faircollect.console.call_scripts import SAMPLE, default_scripts, parse_scripts, script_for
from faircollect.kit.errors import ValidationError


def test_every_jurisdiction_and_bucket_has_a_script_that_opens_by_identifying_the_caller() -> None:
    for jurisdiction in ("CN", "US", "UK"):
        for bucket in ("M1", "M2", "M3", "M4+"):
            s = script_for(jurisdiction, bucket)
            assert s is not None, (jurisdiction, bucket)
            first = s.steps[0].text
            for lang in ("zh", "en"):
                result = lint(first[lang].format_map(SAMPLE), jurisdiction=jurisdiction)
                assert "missing_identity" not in result.categories, (s.id, lang)


def test_no_line_of_any_script_is_blocked() -> None:
    for s in default_scripts():
        for lang in ("zh", "en"):
            for _, line, _ in s.render(lang, SAMPLE):
                assert not lint(line, jurisdiction=s.jurisdiction).blocked, line


def test_render_fills_the_case_values() -> None:
    s = script_for("CN", "M2")
    assert s is not None
    lines = dict((k, t) for k, t, _ in s.render("zh", {**SAMPLE, "amount": "¥88.00", "days": "40"}))
    assert "¥88.00" in lines["purpose"] and "40" in lines["purpose"]


def test_a_threatening_line_is_refused_when_loaded() -> None:
    data = {
        "scripts": [
            {
                "id": "x",
                "jurisdiction": "CN",
                "buckets": ["M1"],
                "title": {"zh": "x", "en": "x"},
                "steps": [{"key": "a", "zh": "再不还钱就上门找你家人", "en": "Pay now."}],
            }
        ]
    }
    with pytest.raises(ValidationError, match=r"steps\[0\]\.zh is blocked by the linter"):
        parse_scripts(data)


def test_an_unknown_placeholder_is_named() -> None:
    data = {
        "scripts": [
            {
                "id": "x",
                "jurisdiction": "CN",
                "buckets": ["M1"],
                "title": {"zh": "x", "en": "x"},
                "steps": [{"key": "a", "zh": "您好{name}", "en": "Hi"}],
            }
        ]
    }
    with pytest.raises(ValidationError, match=r"unknown placeholder \{name\}"):
        parse_scripts(data)
