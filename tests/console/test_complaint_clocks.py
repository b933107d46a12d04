"""The regulator's complaint clock: one pure function (``portal.clocks``) from the data in ``complaints.yaml``, the
same clock in the borrower portal and the staff console, extensions in order, with a reason, before the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from faircollect.kit.errors import ValidationError
from faircollect.portal import care, clocks

RECEIVED = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def _clock(
    j: str, kind: str = "complaint", exts: tuple[clocks.Extension, ...] = (), **kw: object
) -> clocks.Clock:
    at = kw.pop("now", RECEIVED + timedelta(days=1))
    return clocks.regulator_clock(
        care.rules_for(j),
        kind=kind,
        received_at=RECEIVED,
        extensions=exts,
        now=at,
        **kw,  # type: ignore[arg-type]
    )


def test_each_regulator_has_its_own_clock_from_the_data() -> None:
    cn, us, uk = (_clock(j) for j in ("CN", "US", "UK"))
    assert cn.due_by == RECEIVED + timedelta(days=15) and cn.days_left == 14
    assert us.due_by == RECEIVED + timedelta(days=15)
    assert uk.due_by == RECEIVED + timedelta(weeks=8)  # DISP 1.6.2R
    assert [s.to_days for s in care.rules_for("CN").steps] == [30, 60]
    assert [s.to_days for s in care.rules_for("US").steps] == [60]
    assert care.rules_for("UK").steps == ()
    assert care.rules_for("XX").jurisdiction == "CN"  # no data of its own: the CN clock


def test_a_us_validation_dispute_has_no_regulator_deadline() -> None:
    c = _clock("US", kind="dispute")
    assert c.status == "none" and c.due_by is None
    assert "1692g(b)" in c.rules.no_clock_en
    with pytest.raises(ValidationError, match="no regulator deadline"):
        clocks.check_extension(c, reason="r", by="x", senior=True, now=RECEIVED)


def test_cn_extends_to_30_with_a_reason_then_to_60_only_with_a_senior_manager() -> None:
    now = RECEIVED + timedelta(days=10)
    c = _clock("CN", now=now)
    with pytest.raises(ValidationError, match="reason"):
        clocks.check_extension(c, reason="  ", by="staff:sup", senior=False, now=now)
    first = clocks.check_extension(
        c, reason="needs the call recordings", by="staff:sup", senior=False, now=now
    )
    assert (first.step, first.to_days) == (1, 30)
    c = _clock("CN", exts=(first,), now=now)
    assert c.due_by == RECEIVED + timedelta(days=30) and c.first_due_by == RECEIVED + timedelta(days=15)
    assert c.status == "open" and c.days_left == 20 and c.extended
    with pytest.raises(ValidationError, match="senior manager"):
        clocks.check_extension(c, reason="still complex", by="staff:sup", senior=False, now=now)
    second = clocks.check_extension(c, reason="external appraisal", by="staff:co", senior=True, now=now)
    assert (second.step, second.to_days) == (2, 60)
    c = _clock("CN", exts=(first, second), now=now)
    assert c.due_by == RECEIVED + timedelta(days=60) and c.next_step is None
    with pytest.raises(ValidationError, match="maximum of 60 days"):
        clocks.check_extension(c, reason="more", by="staff:co", senior=True, now=now)


def test_an_extension_cannot_revive_a_breached_clock_and_uk_allows_none() -> None:
    late = RECEIVED + timedelta(days=15, hours=1)
    c = _clock("CN", now=late)
    assert c.status == "overdue" and c.days_left == -1 and c.escalation
    with pytest.raises(ValidationError, match="before it runs out"):
        clocks.check_extension(c, reason="complex", by="staff:sup", senior=True, now=late)
    with pytest.raises(ValidationError, match="FCA allows no extension"):
        clocks.check_extension(_clock("UK"), reason="complex", by="staff:co", senior=True, now=RECEIVED)


def test_answered_late_against_the_extended_deadline() -> None:
    ext = clocks.Extension(1, 30, "complex", "staff:sup", RECEIVED + timedelta(days=3))
    in_time = _clock("CN", exts=(ext,), answered_at=RECEIVED + timedelta(days=20))
    assert in_time.status == "answered" and not in_time.late
    late = _clock("CN", answered_at=RECEIVED + timedelta(days=20))
    assert late.status == "answered" and late.late


def test_a_clock_that_would_shrink_is_refused() -> None:
    bad = {"clock_days": 15, "extensions": [{"to_days": 10, "when_en": "", "when_zh": ""}]}
    with pytest.raises(ValidationError, match="lengthen"):
        clocks.rules_from("CN", bad)


@given(
    j=st.sampled_from(["CN", "US", "UK"]),
    taken=st.integers(0, 2),
    hours=st.integers(0, 24 * 80),
)
def test_the_deadline_never_moves_earlier_and_days_left_agrees_with_it(
    j: str, taken: int, hours: int
) -> None:
    rules = care.rules_for(j)
    exts = tuple(
        clocks.Extension(i + 1, s.to_days, "r", "x", RECEIVED) for i, s in enumerate(rules.steps[:taken])
    )
    now = RECEIVED + timedelta(hours=hours)
    c = clocks.regulator_clock(rules, kind="complaint", received_at=RECEIVED, extensions=exts, now=now)
    assert c.due_by is not None and c.first_due_by is not None
    assert c.first_due_by <= c.due_by <= RECEIVED + timedelta(days=rules.max_days)
    assert (c.status == "overdue") == (now > c.due_by)
    if c.status == "open":
        assert c.days_left >= 0 and c.due_by - timedelta(days=c.days_left) <= now
    else:
        assert c.days_left < 0 and c.due_by - timedelta(days=c.days_left) >= now


def test_portal_and_console_read_the_same_stored_clock(demo_url: str) -> None:
    from faircollect.collections.contacts import log_complaint
    from faircollect.collections.models import Complaint
    from faircollect.compliance.audit.models import AuditRecord
    from faircollect.db import make_engine, session_factory, unit_of_work
    from faircollect.ledger.models import Borrower
    from faircollect.web.console.supervisor import complaint_rows

    factory = session_factory(make_engine(demo_url))
    with unit_of_work(factory) as s:
        b = s.execute(select(Borrower).where(Borrower.jurisdiction == "CN")).scalars().first()
        assert b is not None
        c = log_complaint(
            s, borrower_id=b.id, kind="complaint", channel="phone", summary="called at night",
            received_at=RECEIVED, actor="staff:test",
        )  # fmt: skip
        cid = c.id
    with unit_of_work(factory) as s:
        care.extend_clock(
            s, complaint_id=cid, reason="needs the recordings", actor="staff:sup", senior=False,
            now=RECEIVED + timedelta(days=2),
        )  # fmt: skip
    with unit_of_work(factory) as s, pytest.raises(ValidationError, match="senior"):
        care.extend_clock(s, complaint_id=cid, reason="x", actor="staff:sup", senior=False, now=RECEIVED)
    with unit_of_work(factory) as s:
        c = s.get(Complaint, cid)
        assert c is not None
        at = RECEIVED + timedelta(days=20)
        portal = care.clock(s, c, at)
        assert portal.due_by == RECEIVED + timedelta(days=30) and portal.status == "open"
        assert [e.reason for e in portal.extensions] == ["needs the recordings"]
        audit = s.execute(select(AuditRecord).where(AuditRecord.subject_id == cid)).scalars().all()
        extended = [a for a in audit if a.action == "complaint.clock_extended"]
        assert len(extended) == 1 and "recordings" not in str(extended[0].payload)  # the reason is sealed
        raw = s.execute(
            text("select reason_enc from complaint_extension where complaint_id = :c"), {"c": cid}
        )
        assert "recordings" not in str(raw.scalar_one())  # sealed at rest under the borrower's key

        request = SimpleNamespace(
            app=SimpleNamespace(state=SimpleNamespace(console_clock=lambda: at)),
            state=SimpleNamespace(locale="en"),
        )
        row = next(r for r in complaint_rows(request, s) if r["id"] == cid)  # type: ignore[arg-type]
        assert row["due"] == portal.due_by.date() and row["clock"] == "10 days left"
        assert "needs the recordings" in row["extensions"] and row["regulator"].startswith("CN")
