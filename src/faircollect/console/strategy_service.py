"""Strategy versions in the database: save a draft, dry-run it on today's book, publish it (audited). Never commits.

The live version of a strategy id is the one row with status ``live``; before any is published, the strategy
shipped with the package for the jurisdiction is live (``collections/strategies/*-default.yaml``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.strategy import Strategy, default_strategy_path
from faircollect.compliance.audit import service as audit
from faircollect.console.models import StrategyVersion
from faircollect.console.strategy_desk import DryRun, StrategyDiff, check_yaml, diff, dry_run_summary
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now


def live(session: Session, jurisdiction: str = "CN") -> tuple[Strategy, str]:
    """The live strategy for a jurisdiction and its YAML text."""
    row = session.execute(
        select(StrategyVersion).where(
            StrategyVersion.status == "live", StrategyVersion.jurisdiction == jurisdiction.upper()
        )
    ).scalar_one_or_none()
    if row is not None:
        return check_yaml(row.yaml, file=f"{row.strategy_id} v{row.version}"), row.yaml
    path = default_strategy_path(jurisdiction)
    if not path.exists():
        raise NotFound(f"no strategy for jurisdiction {jurisdiction!r}", field="jurisdiction")
    text = path.read_text(encoding="utf-8")
    return check_yaml(text, file=path.name), text


def save_draft(session: Session, *, text: str, actor: str) -> StrategyVersion:
    """Validate and store a draft (a version already stored for that id is refused)."""
    s = check_yaml(text)
    taken = session.execute(
        select(StrategyVersion.id).where(
            StrategyVersion.strategy_id == s.id, StrategyVersion.version == s.version
        )
    ).first()
    if taken is not None:
        raise Conflict(f"{s.id} version {s.version} is already stored; bump the version", field="version")
    row = StrategyVersion(
        id=new_id("strat"),
        strategy_id=s.id,
        version=s.version,
        jurisdiction=s.jurisdiction,
        yaml=text,
        status="draft",
        created_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="console.strategy.draft_saved",
        subject_type="strategy",
        subject_id=f"{s.id}@{s.version}",
    )
    return row


def compare(session: Session, text: str) -> StrategyDiff:
    """The draft against the live version of its jurisdiction."""
    draft = check_yaml(text)
    current, current_text = live(session, draft.jurisdiction)
    return diff(current, current_text, draft, text)


def dry_run(session: Session, text: str, as_of: date) -> DryRun:
    """Plan today's book with the draft through the gate; nothing is written (the nightly run only reads)."""
    from faircollect.portfolio.nightly import run_nightly

    draft = check_yaml(text)
    result = run_nightly(session, as_of, strategy=draft)
    return dry_run_summary(draft, result.plan.to_pylist())


def publish(session: Session, *, version_id: str, actor: str) -> StrategyVersion:
    """Make a stored draft live (the previous live version of its jurisdiction retires); audited."""
    row = session.get(StrategyVersion, version_id)
    if row is None:
        raise NotFound(f"no strategy version {version_id}", field="version_id")
    if row.status != "draft":
        raise Conflict(f"{row.strategy_id} v{row.version} is {row.status}, not a draft", field="version_id")
    current, _ = live(session, row.jurisdiction)
    if row.strategy_id == current.id and row.version <= current.version:
        raise ValidationError(
            f"version {row.version} is not above the live version {current.version}; bump the version",
            field="version",
        )
    for old in session.execute(
        select(StrategyVersion).where(
            StrategyVersion.status == "live", StrategyVersion.jurisdiction == row.jurisdiction
        )
    ).scalars():
        old.status = "retired"
    row.status = "live"
    row.activated_by = actor
    row.activated_at = utc_now()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="console.strategy.published",
        subject_type="strategy",
        subject_id=f"{row.strategy_id}@{row.version}",
        payload={"previous": f"{current.id}@{current.version}"},
    )
    return row


def versions(session: Session, strategy_id: str | None = None) -> list[StrategyVersion]:
    """Stored versions, newest first."""
    q = select(StrategyVersion).order_by(StrategyVersion.created_at.desc())
    if strategy_id:
        q = q.where(StrategyVersion.strategy_id == strategy_id)
    return list(session.execute(q).scalars())
