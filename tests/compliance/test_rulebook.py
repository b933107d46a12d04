"""Rulebooks as data: every required rule present, validation names the file and field, overrides."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from faircollect.compliance.rulebook import (
    RULEBOOK_DIR,
    RulebookError,
    load_overrides_file,
    load_rulebook,
    parse_rulebook,
)

REQUIRED = {
    "CN": [
        "CN-HOURS-22-08",
        "CN-FREQ-CONNECTED-3",
        "CN-FREQ-ATTEMPTS-6",
        "CN-WHO-ALLOWED",
        "CN-3P-LOST-CONTACT-ONLY",
        "CN-NO-CONTACT-LIST",
        "CN-NO-DISCLOSURE",
        "CN-PROHIBIT-VIOLENCE-THREAT",
        "CN-PROHIBIT-IMPERSONATION",
        "CN-PROHIBIT-FALSE-CONSEQUENCE",
        "CN-PROHIBIT-VISIT-THREAT",
    ],
    "US": ["US-HOURS", "US-CALL-FREQ", "US-3P", "US-LOCATION-3P", "US-MEDIUM-OPTOUT", "US-TCPA", "US-CEASE"],
    "UK": ["UK-CONTACT-TIMES", "UK-BREATHING-SPACE", "UK-3P-DISCLOSURE", "UK-NO-PRESSURE", "UK-NO-MISLEAD"],
}


def _raw(j: str = "CN") -> dict[str, Any]:
    data = yaml.safe_load((RULEBOOK_DIR / f"{j.lower()}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("j", ["CN", "US", "UK"])
def test_rulebook_has_versioned_rules_with_ids_citations_and_confidence(j: str) -> None:
    rb = load_rulebook(j)
    assert rb.version and rb.jurisdiction == j
    assert set(REQUIRED[j]) <= rb.rule_ids
    for r in rb.rules:
        assert r.citation and r.confidence in ("C", "S", "M", "X", "derived", "policy")
        if r.confidence in ("S", "M", "X") and r.kind not in ("text", "principle"):
            assert r.configurable
        figures = {k: v for k, v in r.params.items() if v is not None}  # an unset optional is no figure
        if r.confidence in ("S", "M", "X") and figures:
            assert "configurable" in r.note, f"{r.id}: an uncertain figure must say it is configurable"


@pytest.mark.parametrize("j", ["CN", "US", "UK"])
def test_every_linter_block_category_maps_to_a_rule(j: str) -> None:
    from faircollect.compliance.linter.types import CATEGORIES

    rb = load_rulebook(j)
    mapped = {c for r in rb.rules for c in r.linter_categories}
    assert set(CATEGORIES) <= mapped


def test_cn_figures_are_the_ones_in_the_research() -> None:
    rb = load_rulebook("CN")
    assert rb.rule("CN-HOURS-22-08").params["start"] == "08:00"
    assert rb.rule("CN-HOURS-22-08").params["end"] == "22:00"
    assert rb.rule("CN-HOURS-NIFA2018").params["end"] == "21:00"
    assert rb.rule("CN-FREQ-CONNECTED-3").params["max"] == 3
    assert rb.rule("CN-FREQ-ATTEMPTS-6").params["max"] == 6
    assert rb.rule("CN-WHO-ALLOWED").params["roles"] == {"borrower", "guarantor", "joint_debtor"}
    us = load_rulebook("US").rule("US-CALL-FREQ").params
    assert (us["max"], us["days"], us["cooldown_days"]) == (7, 7, 7)


@pytest.mark.parametrize(
    ("rule", "change", "field_part"),
    [
        ("CN-FREQ-CONNECTED-3", {"params": {"max": 4}}, "max: 3 → 4"),
        ("CN-FREQ-ATTEMPTS-6", {"params": {"max": 10}}, "max: 6 → 10"),
        ("CN-HOURS-22-08", {"params": {"end": "23:00"}}, "end: 22:00 → 23:00"),
        ("CN-HOURS-22-08", {"params": {"start": "07:00"}}, "start: 08:00 → 07:00"),
        (
            "CN-WHO-ALLOWED",
            {"params": {"roles": ["borrower", "guarantor", "joint_debtor", "third_party"]}},
            "roles",
        ),
        ("CN-NO-CONTACT-LIST", {"params": {"roles": ["registered_contact", "third_party"]}}, "roles"),
        ("CN-3P-LOST-CONTACT-ONLY", {"params": {"require_lost_contact": False}}, "require_lost_contact"),
        ("CN-CIVIL-PRIVACY", {"enabled": False}, "enabled: True → False"),
        ("CN-HOURS-22-08", {"channels": ["call"]}, "channels"),
    ],
)
def test_loosening_a_confirmed_rule_is_refused_with_an_explanation(
    rule: str, change: dict[str, Any], field_part: str
) -> None:
    with pytest.raises(RulebookError) as e:
        load_rulebook("CN", overrides=[{"rule": rule, "reason": "we want more calls", **change}])
    msg = str(e.value)
    assert "refused" in msg and "[C]" in msg and rule in msg and field_part in msg


def test_tightening_a_confirmed_rule_is_allowed_and_recorded() -> None:
    rb = load_rulebook(
        "CN",
        overrides=[
            {
                "rule": "CN-FREQ-CONNECTED-3",
                "params": {"max": 2},
                "reason": "board policy 2026-11",
                "actor": "cco",
            }
        ],
    )
    assert rb.rule("CN-FREQ-CONNECTED-3").params["max"] == 2
    (o,) = rb.overrides
    assert (o.rule, o.direction, o.reason, o.actor) == (
        "CN-FREQ-CONNECTED-3",
        "tighten",
        "board policy 2026-11",
        "cco",
    )
    assert rb.effective_version.startswith(rb.version + "+")
    assert load_rulebook("CN").rule("CN-FREQ-CONNECTED-3").params["max"] == 3  # the base is untouched


def test_loosening_an_uncertain_rule_needs_a_reason_and_is_recorded() -> None:
    with pytest.raises(RulebookError) as e:
        load_rulebook("CN", overrides=[{"rule": "CN-VISIT-PER-DAY-1", "params": {"max": 2}}])
    assert e.value.field == "overrides[0].reason"
    rb = load_rulebook(
        "CN",
        overrides=[{"rule": "CN-VISIT-PER-DAY-1", "params": {"max": 2}, "reason": "legal opinion 2026-09"}],
    )
    assert rb.overrides[0].direction == "loosen" and rb.rule("CN-VISIT-PER-DAY-1").params["max"] == 2


def test_policy_figure_inside_a_confirmed_rule_may_be_loosened_with_reason() -> None:
    rb = load_rulebook(
        "CN",
        overrides=[{"rule": "CN-FREQ-NO-BOMBING", "params": {"max": 4}, "reason": "SMS reminders policy"}],
    )
    assert rb.overrides[0].direction == "loosen"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"rule": "CN-NOPE", "reason": "x"}, "overrides[0].rule"),
        (
            {"rule": "CN-FREQ-CONNECTED-3", "params": {"maximum": 2}, "reason": "x"},
            "overrides[0].params.maximum",
        ),
        ({"rule": "CN-FREQ-CONNECTED-3", "params": {"max": "two"}, "reason": "x"}, "overrides[0].params.max"),
        (
            {"rule": "CN-HOURS-NIFA2018", "params": {"start": "8 am"}, "reason": "x"},
            "overrides[0].params.start",
        ),
        (
            {"rule": "CN-HOURS-NIFA2018", "params": {"start": "20:00", "end": "19:00"}, "reason": "x"},
            "overrides[0].params",
        ),
    ],
)
def test_bad_overrides_name_the_field(override: dict[str, Any], field: str) -> None:
    with pytest.raises(RulebookError) as e:
        load_rulebook("CN", overrides=[override])
    assert e.value.field == field


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["rules"][0].update(kind="vibes"), "rules[0].kind"),
        (lambda d: d["rules"][0].update(confidence="Z"), "rules[0].confidence"),
        (lambda d: d["rules"][0]["params"].update(start="25:00"), "rules[0].params.start"),
        (lambda d: d["rules"][0]["params"].update(colour="red"), "rules[0].params.colour"),
        (lambda d: d["rules"][0].pop("citation"), "rules[0].citation"),
        (lambda d: d["rules"][0].update(channels=["fax"]), "rules[0].channels"),
        (lambda d: d["rules"][1].update(id="CN-HOURS-22-08"), "rules[1].id"),
        (lambda d: d.update(candidate_timezones=["Mars/Base"]), "candidate_timezones[0]"),
        (lambda d: d["rules"][4]["params"].pop("max"), "rules[4].params"),
    ],
)
def test_rulebook_validation_errors_name_file_and_field(mutate: Any, field: str) -> None:
    data = copy.deepcopy(_raw("CN"))
    mutate(data)
    with pytest.raises(RulebookError) as e:
        parse_rulebook(data, file="cn.yaml")
    assert e.value.field == field and e.value.file == "cn.yaml"


def test_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(RulebookError) as e:
        load_rulebook("XX")
    assert e.value.field == "jurisdiction" and "CN, US, UK" in str(e.value)


def test_overrides_file(tmp_path: Path) -> None:
    p = tmp_path / "lender.yaml"
    p.write_text(
        "overrides:\n  - rule: CN-FREQ-CONNECTED-3\n    params: {max: 2}\n    reason: stricter\n    actor: cco\n",
        encoding="utf-8",
    )
    rb = load_rulebook("CN", overrides=load_overrides_file(p))
    assert rb.rule("CN-FREQ-CONNECTED-3").params["max"] == 2


def test_history_days_covers_the_longest_rule() -> None:
    assert load_rulebook("CN").history_days == 1
    assert load_rulebook("US").history_days == 7
