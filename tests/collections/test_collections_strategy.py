"""Strategies as data: parsing errors name file and path; segments; treatments due; deterministic arms."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.collections.strategy import (
    CHAMPION,
    CONTROL,
    assign_arm,
    default_strategy_path,
    load_strategy,
    parse_strategy,
    segment_for,
    treatments_due,
)
from faircollect.kit.errors import ValidationError

BASE = {
    "id": "t",
    "version": 1,
    "jurisdiction": "CN",
    "control_share": "0.10",
    "capacity": {"calls": 10},
    "segments": [
        {
            "id": "early",
            "when": {"dpd_max": 30},
            "treatments": [
                {"at_dpd": -3, "channel": "sms", "template": "reminder_pre_due", "priority": 1},
                {"at_dpd": 3, "channel": "call", "priority": 2, "capacity_group": "calls"},
                {"at_dpd": 7, "channel": "sms", "template": "f", "priority": 1, "repeat_every_days": 7},
            ],
        },
        {"id": "big", "when": {"dpd_min": 31, "balance_min": "1000.00"}, "treatments": []},
        {"id": "rest", "when": {"dpd_min": 31}, "treatments": [{"at_dpd": 91, "channel": "agency"}]},
    ],
    "challengers": [{"id": "ch", "share": "0.30", "segments": [{"id": "all", "treatments": []}]}],
}


def _with(path: list[object], value: object) -> dict[str, object]:
    obj = yaml.safe_load(yaml.safe_dump(BASE))
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


def test_example_strategies_load() -> None:
    for j in ("CN", "US"):
        s = load_strategy(default_strategy_path(j))
        assert s.jurisdiction == j and s.version >= 1 and s.control_share > 0


def test_cn_default_is_self_cure_first() -> None:
    s = load_strategy(default_strategy_path("CN"))
    early = segment_for(s, bucket="M0", dpd=-3, balance_minor=100_00)
    assert early is not None
    first = min(early.treatments, key=lambda t: t.at_dpd)
    assert first.channel == "sms" and first.at_dpd == -3
    first_call = min(t.at_dpd for t in early.treatments if t.channel == "call")
    first_sms_overdue = min(t.at_dpd for t in early.treatments if t.channel == "sms" and t.at_dpd > 0)
    assert first_sms_overdue < first_call
    visits = [t.at_dpd for seg in s.segments for t in seg.treatments if t.channel == "visit"]
    agency = [t.at_dpd for seg in s.segments for t in seg.treatments if t.channel == "agency"]
    assert visits and min(visits) > max(agency)


def test_error_names_file_and_path_of_bad_channel(tmp_path: Path) -> None:
    bad = _with(["segments", 2, "treatments", 0, "channel"], "pigeon")
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(bad))
    with pytest.raises(ValidationError) as ei:
        load_strategy(f)
    assert ei.value.field == "segments[2].treatments[0].channel"
    assert ei.value.file == str(f)
    assert "pigeon" in str(ei.value) and str(f) in str(ei.value)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["segments", 0, "treatments", 1, "at_dpd"], "three", "segments[0].treatments[1].at_dpd"),
        (["segments", 0, "treatments", 0, "template"], None, "segments[0].treatments[0].template"),
        (["segments", 1, "when", "balance_min"], 10.5, "segments[1].when.balance_min"),
        (["segments", 1, "when", "colour"], "red", "segments[1].when.colour"),
        (["segments", 0, "when", "dpd_min"], 40, "segments[0].when.dpd_min"),
        (["control_share"], "0.80", "challengers"),
        (["challengers", 0, "id"], "control", "challengers[0].id"),
        (["segments", 0, "treatments", 1, "capacity_group"], "robots", "capacity"),
        (["version"], 0, "version"),
        (
            ["segments", 0, "treatments", 2, "repeat_every_days"],
            0,
            "segments[0].treatments[2].repeat_every_days",
        ),
    ],
)
def test_parse_errors_name_the_path(path: list[object], value: object, field: str) -> None:
    with pytest.raises(ValidationError) as ei:
        parse_strategy(_with(path, value), file="x.yaml")
    assert ei.value.field == field, str(ei.value)
    assert ei.value.file == "x.yaml"


def test_invalid_yaml_names_file(tmp_path: Path) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text("id: [unclosed\n")
    with pytest.raises(ValidationError, match=r"broken\.yaml"):
        load_strategy(f)


def test_segment_for_first_match_and_limits() -> None:
    s = parse_strategy(BASE)
    assert segment_for(s, bucket="M1", dpd=5, balance_minor=1).id == "early"  # type: ignore[union-attr]
    assert segment_for(s, bucket="M2", dpd=40, balance_minor=100_000).id == "big"  # type: ignore[union-attr]
    assert segment_for(s, bucket="M2", dpd=40, balance_minor=99_999).id == "rest"  # type: ignore[union-attr]
    assert segment_for(s, bucket="M1", dpd=5, balance_minor=1, arm=CONTROL) is None
    assert segment_for(s, bucket="M1", dpd=5, balance_minor=1, arm="ch").id == "all"  # type: ignore[union-attr]


def test_segment_rule_flags_score_product_and_buckets() -> None:
    obj = _with(
        ["segments", 0, "when"],
        {
            "buckets": ["M1"],
            "score_min": "0.2",
            "products": ["cash"],
            "flags_any": ["vip"],
            "flags_none": ["x"],
        },
    )
    s = parse_strategy(obj)
    kw = {"bucket": "M1", "dpd": 5, "balance_minor": 1, "score": Decimal("0.5"), "product": "cash"}
    assert segment_for(s, **kw, flags=["vip"]).id == "early"  # type: ignore[arg-type,union-attr]
    assert segment_for(s, **kw, flags=["vip", "x"]) is None  # type: ignore[arg-type]
    assert segment_for(s, **kw, flags=[]) is None  # type: ignore[arg-type]
    assert segment_for(s, **{**kw, "score": None}, flags=["vip"]) is None  # type: ignore[arg-type]
    assert segment_for(s, **{**kw, "bucket": "M2"}, flags=["vip"]) is None  # type: ignore[arg-type]


def test_treatments_due_exact_and_repeat_days_sorted_by_priority() -> None:
    seg = parse_strategy(BASE).segments[0]
    assert [t.channel for t in treatments_due(seg, -3)] == ["sms"]
    assert treatments_due(seg, 0) == []
    assert [t.at_dpd for t in treatments_due(seg, 14)] == [7]
    assert [t.at_dpd for t in treatments_due(seg, 21)] == [7]
    assert treatments_due(seg, 15) == []


@given(st.text(min_size=1, max_size=40))
def test_assignment_is_deterministic_per_borrower(borrower: str) -> None:
    s = parse_strategy(BASE)
    first = assign_arm(s, borrower)
    assert assign_arm(s, borrower) == first
    assert dict(s.arms())[first[0]] == first[1]


@settings(max_examples=20, deadline=None)
@given(
    control=st.decimals(min_value="0", max_value="0.3", places=2),
    challenger=st.decimals(min_value="0", max_value="0.5", places=2),
    salt=st.integers(min_value=0, max_value=10**6),
)
def test_traffic_shares_hold_within_tolerance(control: Decimal, challenger: Decimal, salt: int) -> None:
    obj = _with(["control_share"], str(control))
    obj["challengers"][0]["share"] = str(challenger)  # type: ignore[index]
    obj["experiment"] = f"exp-{salt}"
    s = parse_strategy(obj)
    n = 4000
    counts = Counter(assign_arm(s, f"b{i}")[0] for i in range(n))
    for arm, share in s.arms():
        p = float(share)
        sd = (p * (1 - p) / n) ** 0.5
        assert abs(counts[arm] / n - p) <= 4.5 * sd + 1e-9, (arm, counts[arm], p)


def test_assignment_depends_on_experiment_not_version() -> None:
    s1 = parse_strategy(BASE)
    s2 = parse_strategy({**BASE, "version": 2})
    s3 = parse_strategy({**BASE, "experiment": "other"})
    ids = [f"b{i}" for i in range(500)]
    assert [assign_arm(s1, b) for b in ids] == [assign_arm(s2, b) for b in ids]
    assert [assign_arm(s1, b) for b in ids] != [assign_arm(s3, b) for b in ids]
    assert CHAMPION in {assign_arm(s1, b)[0] for b in ids}
