"""The strategy desk: validation with locations, a diff against the live version, dry run, publish."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from faircollect.collections.strategy import default_strategy_path
from faircollect.console import strategy_service
from faircollect.console.strategy_desk import check_yaml, diff, dry_run_summary
from faircollect.db import make_engine, session_factory, upgrade
from faircollect.kit.errors import Conflict, ValidationError

LIVE = default_strategy_path("CN").read_text(encoding="utf-8")
_found = re.search(r"^version: (\d+)$", LIVE, re.M)
assert _found is not None
V = int(_found.group(1))  # the shipped strategy's version (bumped on every change to the file)


def bumped(text: str = LIVE, to: int = V + 1) -> str:
    return text.replace(f"version: {V}\n", f"version: {to}\n", 1)


def test_a_bad_draft_is_refused_naming_the_path_inside_it() -> None:
    with pytest.raises(ValidationError, match="channel"):
        check_yaml(bumped().replace("channel: email", "channel: carrier_pigeon", 1))
    with pytest.raises(ValidationError, match=r"not valid YAML \(line"):
        check_yaml("id: x\n  version: [")
    with pytest.raises(ValidationError, match="empty"):
        check_yaml("  ")


def test_diff_names_changed_treatments_and_capacity_and_checks_the_version() -> None:
    live = check_yaml(LIVE)
    head, seg, tail = bumped().replace("calls: 400", "calls: 300").partition("id: pre-due-and-early")
    draft_text = (
        head
        + seg
        + tail.replace(
            "{at_dpd: 10, channel: email, template: overdue, priority: 3}",
            "{at_dpd: 12, channel: email, template: overdue, priority: 3}",
            1,
        )
    )
    d = diff(live, LIVE, check_yaml(draft_text), draft_text)
    assert "capacity calls: 400 → 300" in d.changes
    assert "segment champion/pre-due-and-early: treatment added (dpd 12 · email · overdue)" in d.changes
    assert "segment champion/pre-due-and-early: treatment removed (dpd 10 · email · overdue)" in d.changes
    assert d.version_ok and d.unified.startswith(f"--- live v{V}")
    assert not diff(live, LIVE, live, LIVE).version_ok


def test_dry_run_summary_counts_denials_by_rule() -> None:
    s = check_yaml(LIVE)
    rows = [
        {"status": "allowed", "segment": "m2", "channel": "sms", "rule_ids": None},
        {"status": "denied", "segment": "m2", "channel": "call", "rule_ids": "CN-HOURS-22-08,CN-FREQ-CALLS"},
        {"status": "denied", "segment": "m2", "channel": "call", "rule_ids": "CN-FREQ-CALLS"},
    ]
    d = dry_run_summary(s, rows)
    assert d.proposals == 3 and d.by_status == {"allowed": 1, "denied": 2}
    assert d.denials_by_rule == {"CN-FREQ-CALLS": 2, "CN-HOURS-22-08": 1}
    assert d.by_segment_channel[("m2", "call")] == 2


def test_publish_needs_a_higher_version_and_retires_the_previous_live(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    with session_factory(make_engine(sqlite_url))() as s:
        assert isinstance(s, Session)
        with pytest.raises(Conflict):
            strategy_service.save_draft(s, text=LIVE, actor="u1")
            strategy_service.save_draft(s, text=LIVE, actor="u1")
        s.rollback()
        same = strategy_service.save_draft(s, text=LIVE, actor="u1")
        with pytest.raises(ValidationError, match=f"not above the live version {V}"):
            strategy_service.publish(s, version_id=same.id, actor="u2")
        v2 = strategy_service.save_draft(s, text=bumped(), actor="u1")
        strategy_service.publish(s, version_id=v2.id, actor="u2")
        assert strategy_service.live(s, "CN")[0].version == V + 1
        v3 = strategy_service.save_draft(s, text=bumped(to=V + 2), actor="u1")
        strategy_service.publish(s, version_id=v3.id, actor="u2")
        s.refresh(v2)
        assert v2.status == "retired" and strategy_service.live(s, "CN")[0].version == V + 2
        assert strategy_service.compare(s, bumped()).version_ok is False
        d = strategy_service.dry_run(s, LIVE, date(2026, 5, 1))  # an empty book: nothing planned
        assert d.proposals == 0
