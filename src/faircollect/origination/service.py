"""Origination operations: submit an application (facts → decision → stored, audited → a loan when approved),
read it back, write its adverse-action notice, keep the block list. Keyword-only; never commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, func, or_, select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.money import check_currency, format_minor
from faircollect.kit.time import utc_now
from faircollect.ledger import repository as ledger_repo
from faircollect.ledger import service as ledger_service
from faircollect.ledger.models import Borrower, Loan
from faircollect.ledger.types import LoanTerms
from faircollect.origination import decide as core
from faircollect.origination.models import Application, BlockListEntry
from faircollect.origination.notice import Notice, render_notice
from faircollect.origination.policy import Policy, load_policy, load_scorecard
from faircollect.privacy.blind import blind_index
from faircollect.privacy.phones import normalise_phone

#: Consent a decision cannot be made without (PIPL art. 13-14: a purpose the applicant agreed to).
REQUIRED_CONSENT = "credit_assessment"


@dataclass(frozen=True, slots=True)
class ApplicationData:
    """One application as received (amounts already in minor units)."""

    name: str
    phone: str
    id_number: str
    birth_date: date
    amount_minor: int
    term: int
    monthly_income_minor: int
    monthly_obligations_minor: int
    consents: Mapping[str, str]  # purpose → ISO time given
    currency: str = "CNY"
    product: str | None = None
    language: str = "zh-CN"
    external_ref: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


def _facts_statement() -> Any:
    """The facts query, built once with bound parameters (building and caching a statement per call cost more
    than running it): applications in the velocity and duplicate windows, the block list, the exposure."""
    phone, ident = bindparam("phone_idx", type_=String()), bindparam("id_idx", type_=String())
    same = or_(Application.phone_bidx == phone, Application.id_number_bidx == ident)

    def since(name: str) -> Any:
        return (
            select(func.count())
            .select_from(Application)
            .where(same, Application.received_at >= bindparam(name, type_=Application.received_at.type))
            .scalar_subquery()
        )

    blocked = (
        select(func.count())
        .select_from(BlockListEntry)
        .where(or_(BlockListEntry.phone_bidx == phone, BlockListEntry.id_number_bidx == ident))
        .scalar_subquery()
    )
    # Original principal: the conservative measure of exposure. An approved loan not yet paid out counts.
    exposure = (
        select(func.coalesce(func.sum(Loan.principal_minor), 0))
        .select_from(Loan)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(Borrower.id_number_bidx == ident, Loan.status.in_(("approved", "active")))
        .scalar_subquery()
    )
    return select(since("velocity_since"), since("duplicate_since"), blocked, exposure)


_FACTS = _facts_statement()


def _facts(
    session: Session, policy: Policy, phone_idx: str, id_idx: str, today: date, now: datetime
) -> core.Facts:
    """What the database knows about the person, through blind indexes, in one round trip: applications in the
    velocity and duplicate windows, the block list, and the original principal of every open loan in the ledger
    to a borrower with the same ID number (imported from a core system or originated here)."""
    velocity, duplicates, blocked, open_principal = session.execute(
        _FACTS,
        {
            "phone_idx": phone_idx,
            "id_idx": id_idx,
            "velocity_since": now - timedelta(days=policy.velocity_days),
            "duplicate_since": now - timedelta(days=policy.duplicate_days),
        },
    ).one()
    return core.Facts(
        today=today,
        blocked=bool(blocked),
        applications_in_velocity_window=int(velocity),
        applications_in_duplicate_window=int(duplicates),
        open_principal_minor=int(open_principal),
    )


def product_terms(session: Session, code: str, data: ApplicationData, today: date) -> tuple[LoanTerms, str]:
    """The product's current terms for this amount and term (the ledger's own resolution), and its version id."""
    product = ledger_repo.product_by_code(session, code)
    if product is None:
        raise NotFound(
            f"no product {code!r} in the ledger (create it first: POST /v1/products)", field="product"
        )
    if product.currency != data.currency:
        raise ValidationError(
            f"product {code} lends {product.currency}, not {data.currency}", field="currency"
        )
    version = ledger_repo.latest_product_version(session, product.id)
    assert version is not None
    terms, _v, _j, _w = ledger_service.resolve_terms(
        session,
        product_version_id=version.id,
        terms={
            "principal": format_minor(data.amount_minor, data.currency),
            "term": data.term,
            "start_date": today.isoformat(),
        },
    )
    return terms, version.id


def submit(
    session: Session,
    *,
    data: ApplicationData,
    policy: Policy | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> Application:
    """Decide an application in one call and store it; an approved one becomes an approved loan in the ledger."""
    policy = policy or load_policy()
    now = now or utc_now()
    today = now.date()
    currency = check_currency(data.currency)
    if REQUIRED_CONSENT not in data.consents:
        raise ValidationError(
            f"consent {REQUIRED_CONSENT!r} is required before any decision", field="consents"
        )
    if not data.name.strip():
        raise ValidationError("an application needs the applicant's name", field="applicant.name")
    phone = normalise_phone(data.phone, jurisdiction=policy.jurisdiction, field="applicant.phone")
    if not data.id_number.strip():
        raise ValidationError("an application needs an ID number", field="applicant.id_number")
    if data.monthly_income_minor <= 0:
        raise ValidationError("declared monthly income must be positive", field="monthly_income")
    if data.external_ref is not None:
        dup = session.execute(
            select(Application).where(Application.external_ref == data.external_ref)
        ).scalar_one_or_none()
        if dup is not None:
            raise Conflict(
                f"an application with external_ref {data.external_ref!r} exists ({dup.id})",
                field="external_ref",
            )
    phone_idx = blind_index("phone", phone)
    id_idx = blind_index("id_number", data.id_number)
    facts = _facts(session, policy, phone_idx, id_idx, today, now)
    code = data.product or policy.product
    terms, version_id = product_terms(session, code, data, today)
    card = load_scorecard(policy.scorecard)
    app = core.Application(
        amount_minor=data.amount_minor,
        term=data.term,
        birth_date=data.birth_date,
        monthly_income_minor=data.monthly_income_minor,
        monthly_obligations_minor=data.monthly_obligations_minor,
        currency=currency,
        attributes=dict(data.attributes),
    )
    decision = core.decide(app, facts, policy, card, terms)
    row = Application(
        id=new_id("app"),
        external_ref=data.external_ref,
        received_at=now,
        product_code=code,
        currency=currency,
        amount_minor=data.amount_minor,
        term=data.term,
        jurisdiction=policy.jurisdiction,
        language=data.language,
        age_at_application=core.age_on(data.birth_date, today),
        monthly_income_minor=data.monthly_income_minor,
        monthly_obligations_minor=data.monthly_obligations_minor,
        attributes=dict(data.attributes),
        consents=dict(data.consents),
        outcome=decision.outcome,
        score=decision.score,
        decision=decision.as_dict(),
        policy_key=decision.policy,
        model_key=decision.model,
        inputs_hash=decision.inputs_hash,
    )
    row.name = data.name.strip()
    row.birth_date = data.birth_date.isoformat()
    row.phone = phone
    row.id_number = data.id_number.strip().upper()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="origination.decided",
        subject_type="application",
        subject_id=row.id,
        payload={
            "outcome": decision.outcome,
            "score": decision.score,
            "policy": decision.policy,
            "model": decision.model,
            "inputs_hash": decision.inputs_hash,
            "rules": list(decision.rules),
            "reasons": [r["code"] + ":" + r.get("characteristic", "") for r in decision.reasons],
            "offer": None if decision.offer is None else decision.offer.as_dict(),
        },
    )
    if decision.outcome == core.APPROVE and decision.offer is not None:
        _book_loan(session, row, decision.offer, version_id, today, actor)
    return row


def _book_loan(
    session: Session, row: Application, offer: core.Offer, version_id: str, today: date, actor: str
) -> None:
    borrower = ledger_service.create_borrower(
        session,
        name=row.name,
        phone=row.phone,
        id_number=row.id_number,
        jurisdiction=row.jurisdiction,
        language=row.language,
        actor=actor,
    )
    loan = ledger_service.create_loan(
        session,
        borrower_id=borrower.id,
        product_version_id=version_id,
        terms={
            "principal": format_minor(offer.amount_minor, offer.currency),
            "term": offer.term,
            "annual_rate": str(offer.annual_rate),
            "start_date": today.isoformat(),
        },
        external_ref=f"application:{row.id}",
        approve=True,
        actor=actor,
    )
    row.borrower_id, row.loan_id = borrower.id, loan.id
    session.flush()


def get(session: Session, application_id: str) -> Application:
    row = session.get(Application, application_id)
    if row is None:
        raise NotFound(f"no application {application_id}", field="application_id")
    return row


def notice(session: Session, application_id: str, *, lender: str) -> Notice:
    """The adverse-action notice of a declined or referred application (zh and en)."""
    row = get(session, application_id)
    if row.outcome == core.APPROVE:
        raise Conflict(
            f"application {application_id} was approved; there is no adverse-action notice", field="outcome"
        )
    return render_notice(
        name=row.name or "",
        application_id=row.id,
        received=row.received_at.date(),
        outcome=row.outcome,
        amount=format_minor(row.amount_minor, row.currency),
        currency=row.currency,
        reasons=row.decision.get("reasons", []),
        score=row.score,
        lender=lender,
    )


def block(session: Session, *, kind: str, value: str, reason: str, actor: str) -> BlockListEntry:
    """Add a phone or ID number to the block list: sealed, with its keyed blind index (rotatable)."""
    if kind not in ("phone", "id_number"):
        raise ValidationError("kind must be phone or id_number", field="kind")
    if not value.strip():
        raise ValidationError("an empty value cannot be blocked", field="value")
    if not reason.strip():
        raise ValidationError("a block needs its reason", field="reason")
    entry = BlockListEntry(id=new_id("blk"), kind=kind, reason=reason, added_by=actor)
    if kind == "phone":
        # As submit() does: the E.164 form, so the index equals the one an application computes.
        entry.phone = normalise_phone(value, field="value")
    else:
        entry.id_number = value.strip().upper()
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="origination.blocked",
        subject_type="application_block",
        subject_id=entry.id,
        payload={"kind": kind, "reason": reason},
    )
    return entry


def block_list(session: Session) -> list[BlockListEntry]:
    """Every block-list entry, newest first (values read through their seals; show them masked)."""
    return list(
        session.execute(select(BlockListEntry).order_by(BlockListEntry.added_at.desc(), BlockListEntry.id))
        .scalars()
        .all()
    )


def masked_value(entry: BlockListEntry) -> str:
    """A block-list entry's value as views show it: phone or ID number masked; never the value itself."""
    from faircollect.kit.masking import mask_id_number, mask_phone

    if entry.kind == "phone" and entry.phone:
        return mask_phone(entry.phone)
    if entry.kind == "id_number" and entry.id_number:
        return mask_id_number(entry.id_number)
    return "(index only: added before origination_0002; re-enter it)"


def unblock(session: Session, *, entry_id: str, reason: str, actor: str) -> None:
    """Remove a block-list entry (a mistaken block, a request reviewed): the row goes, its data key is destroyed
    (the sealed value is unreadable for good), and the removal is audited with its reason."""
    from faircollect.privacy.vault import destroy

    if not reason.strip():
        raise ValidationError("an unblock needs its reason", field="reason")
    entry = session.get(BlockListEntry, entry_id)
    if entry is None:
        raise NotFound(f"no block-list entry {entry_id}", field="entry_id")
    kind = entry.kind
    session.delete(entry)
    session.flush()
    destroy(session, [entry_id], reason=f"unblocked: {reason}")
    audit.record(
        session,
        actor=actor,
        action="origination.unblocked",
        subject_type="application_block",
        subject_id=entry_id,
        payload={"kind": kind, "reason": reason},
    )


def applicant_stability(
    session: Session, *, policy: Policy | None = None, days: int = 30, now: datetime | None = None
) -> dict[str, Any]:
    """Population stability of the last ``days`` days' applicants against the A-card's development sample:
    PSI of the scores the decisions recorded (only decisions made by the policy's current card), and the CSI of
    each characteristic."""
    rows = applicant_monitoring(session, policy=policy, days=days, now=now)
    top = rows[0]
    return {
        "model": top["model"],
        "days": days,
        "n": top["n"],
        "psi": top["value"],
        "status": top["status"],
        "characteristics": [
            {"characteristic": r["characteristic"], "csi": r["value"], "status": r["status"]}
            for r in rows[1:]
        ],
    }


def applicant_monitoring(
    session: Session, *, policy: Policy | None = None, days: int = 30, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Stability of the last ``days`` days' applicants against the A-card's development sample, in the rows the
    nightly run's ``score_stability`` table holds: PSI of the score the decisions recorded, then CSI of each
    characteristic's points (recomputed from the stored application with the same card). Only decisions by the
    policy's current card count; fewer than ``MIN_STABILITY_N`` applicants: ``too_few`` (no judgement)."""
    import numpy as np

    from faircollect.scoring import metrics
    from faircollect.scoring.collection import MIN_STABILITY_N
    from faircollect.scoring.points import points_matrix

    policy = policy or load_policy()
    card = load_scorecard(policy.scorecard)
    now = now or utc_now()
    apps = session.execute(
        select(
            Application.score,
            Application.amount_minor,
            Application.term,
            Application.age_at_application,
            Application.monthly_income_minor,
            Application.monthly_obligations_minor,
            Application.currency,
            Application.attributes,
            Application.received_at,
        ).where(  # columns only: no personal data is read, nothing is decrypted
            Application.model_key == card.key,
            Application.received_at >= now - timedelta(days=days),
            Application.received_at < now,
            Application.score.is_not(None),
        )
    ).all()
    n = len(apps)
    dev = card.development

    def row(measure: str, characteristic: str, value: float | None) -> dict[str, Any]:
        status = "too_few" if n < MIN_STABILITY_N or value is None else metrics.psi_status(value)
        return {
            "card": "application",
            "model": card.key,
            "measure": measure,
            "characteristic": characteristic,
            "value": None if value is None else round(value, 6),
            "n": n,
            "status": status,
        }

    if not n:
        return [row("PSI", "score", None)]
    scores = [a.score for a in apps]
    out = [row("PSI", "score", metrics.psi(dev["score_shares"], metrics.shares(scores, dev["score_edges"])))]
    inputs = [core.scorecard_inputs(a, card, a.age_at_application) for a in apps]
    matrix = points_matrix(card, {c: [r[c] for r in inputs] for c in card.inputs})
    for j, c in enumerate(card.characteristics):
        ref = dev["characteristics"][c.name]
        actual = [float(np.count_nonzero(matrix[:, j] == v)) / n for v in ref["points"]]
        out.append(row("CSI", c.name, metrics.psi(ref["shares"], actual)))
    return out
