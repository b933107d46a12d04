"""The decision (审批决策) in one pure call: identity checks → policy rules → scorecard → cut-offs → offer.

``decide(application, facts, policy, card, product_terms)`` returns approve / refer / decline with the offered
amount, term and price, the rules that fired and the principal reasons, ranked. Hard stops (age, block list,
velocity, a price above the legal cap, no affordable amount, no exposure room) decline whatever the score; a
duplicate application is referred. The price comes from the policy's bands and is checked by the ledger's own cap
check (``ledger.caps.check_terms``); affordability uses the ledger's schedule core for the real instalment.
Reasons: policy reasons first, then the scorecard's (points lost against each characteristic's best bin), at most
four in all — ECOA / Regulation B 12 CFR 1002.9(b)(2) and PIPL art. 24 (an explanation of automated decisions).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Protocol

from faircollect.kit.errors import CapExceeded
from faircollect.kit.money import format_minor
from faircollect.ledger import caps
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.types import Disbursement, LoanTerms
from faircollect.origination.policy import Policy
from faircollect.scoring.artefact import Scorecard
from faircollect.scoring.points import MAX_REASONS, explain

APPROVE, REFER, DECLINE = "approve", "refer", "decline"

#: Policy reason codes with their notice texts (en, zh).
POLICY_REASONS: dict[str, tuple[str, str]] = {
    "AGE": ("Age outside the range we lend to", "年龄不在本产品可借款范围内"),
    "BLOCKED": ("Identity on our exclusion list", "身份信息在本机构拒绝名单内"),
    "VELOCITY": ("Too many recent applications", "近期申请次数过多"),
    "DUPLICATE": ("Another recent application with the same phone or ID", "近期存在相同手机号或证件号的申请"),
    "AFFORDABILITY": ("Repayments too high relative to income", "还款额相对收入过高"),
    "EXPOSURE": ("Total borrowing with us would exceed our limit", "在本机构的借款总额将超过上限"),
    "COST-CAP": ("The price of this credit would exceed the legal cap", "该借款的综合成本将超过法定上限"),
    "TERM": ("Term not offered", "不提供所申请的借款期限"),
    "AMOUNT": ("Amount outside what we lend", "申请金额超出可借范围"),
    "SCORE": ("Credit score below our threshold", "信用评分低于审批标准"),
}


@dataclass(frozen=True, slots=True)
class Application:
    """What the decision reads. Amounts in minor units; ``attributes`` are the scorecard's other inputs."""

    amount_minor: int
    term: int
    birth_date: date
    monthly_income_minor: int
    monthly_obligations_minor: int
    currency: str = "CNY"
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the shell knows about the person (through blind indexes): past applications, exposure, block list."""

    today: date
    blocked: bool = False
    applications_in_velocity_window: int = 0  # earlier applications with the same phone or ID
    applications_in_duplicate_window: int = 0
    open_principal_minor: int = 0  # our open loans to the same person


@dataclass(frozen=True, slots=True)
class PolicyReason:
    code: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        en, zh = POLICY_REASONS[self.code]
        return {"code": self.code, "text_en": en, "text_zh": zh, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Offer:
    amount_minor: int
    term: int
    annual_rate: Decimal
    instalment_minor: int
    apr: Decimal
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": format_minor(self.amount_minor, self.currency),
            "currency": self.currency,
            "term": self.term,
            "annual_rate": str(self.annual_rate),
            "instalment": format_minor(self.instalment_minor, self.currency),
            "apr": str(self.apr.quantize(Decimal("0.0001"))),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str
    score: int | None
    offer: Offer | None
    reasons: tuple[dict[str, Any], ...]
    rules: tuple[str, ...]  # every rule evaluated, with its result: "AGE:pass", "AFFORDABILITY:counter-offer"
    policy: str
    model: str
    inputs_hash: str
    inputs: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "score": self.score,
            "offer": None if self.offer is None else self.offer.as_dict(),
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "policy": self.policy,
            "model": self.model,
            "inputs_hash": self.inputs_hash,
        }


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class FormFields(Protocol):
    """What the form says besides the age: an ``Application`` or a stored application row."""

    @property
    def amount_minor(self) -> int: ...
    @property
    def term(self) -> int: ...
    @property
    def monthly_income_minor(self) -> int: ...
    @property
    def monthly_obligations_minor(self) -> int: ...
    @property
    def attributes(self) -> Mapping[str, Any]: ...


def scorecard_inputs(form: FormFields, card: Scorecard, age: int) -> dict[str, Any]:
    """The card's inputs: the application's attributes plus what the form itself says (age, amount, term, income).

    ``age`` in whole years on the decision date (``age_on``); it is what the stored application keeps in clear
    (``age_at_application``) — the birth date itself is sealed."""
    exp = Decimal(10) ** -2
    derived: dict[str, Any] = {
        "age": age,
        "age_in_years": age,
        "term": form.term,
        "duration_in_month": form.term,
        "amount": float(Decimal(form.amount_minor) * exp),
        "credit_amount": float(Decimal(form.amount_minor) * exp),
        "monthly_income": float(Decimal(form.monthly_income_minor) * exp),
        "debt_to_income": float(Decimal(form.monthly_obligations_minor) / max(form.monthly_income_minor, 1)),
    }
    return {name: derived.get(name, form.attributes.get(name)) for name in card.inputs}


def inputs_hash(inputs: Mapping[str, Any]) -> str:
    """SHA-256 of the decision's inputs as canonical JSON: what the audit record pins the decision to."""
    return hashlib.sha256(
        json.dumps(inputs, sort_keys=True, default=str, separators=(",", ":")).encode()
    ).hexdigest()


def offer_terms(
    product_terms: LoanTerms, amount_minor: int, term: int, rate: Decimal, start: date
) -> LoanTerms:
    return replace(
        product_terms,
        annual_rate=rate,
        term=term,
        start_date=start,
        first_due_date=None,
        disbursements=(Disbursement(start, amount_minor),),
    )


def _instalment(terms: LoanTerms) -> int:
    return max(i.total_minor for i in build_schedule(terms).instalments)


def _floor_step(amount: int, step: int) -> int:
    return int((Decimal(amount) / step).to_integral_value(ROUND_FLOOR)) * step


def _affordable_offer(
    app: Application,
    policy: Policy,
    product_terms: LoanTerms,
    amount: int,
    rate: Decimal,
    today: date,
    rules: list[str],
    check: Any,
) -> Offer | None:
    """Repayment-to-income: (obligations + the largest instalment) ≤ limit × income; else the largest amount that
    fits (a counter-offer, rounded down to the policy's step), else a decline."""
    room = (
        int((policy.max_repayment_to_income * app.monthly_income_minor).to_integral_value(ROUND_FLOOR))
        - app.monthly_obligations_minor
    )
    terms = offer_terms(product_terms, amount, app.term, rate, today)
    inst = _instalment(terms)
    if inst > room and room > 0:
        # Instalments are linear in the principal: scale down, round to the step, then confirm with the schedule.
        amount = _floor_step(amount * room // inst, policy.step_minor)
        while amount >= policy.min_amount_minor:
            terms = offer_terms(product_terms, amount, app.term, rate, today)
            inst = _instalment(terms)
            if inst <= room:
                break
            amount -= policy.step_minor
        if inst <= room and amount >= policy.min_amount_minor:
            rules.append("AFFORDABILITY:counter-offer")
    elif inst <= room:
        rules.append("AFFORDABILITY:pass")
    if inst > room or amount < policy.min_amount_minor:
        check(
            "AFFORDABILITY",
            False,
            f"instalment {format_minor(inst, app.currency)} + obligations "
            f"{format_minor(app.monthly_obligations_minor, app.currency)} > {policy.max_repayment_to_income} × "
            f"income {format_minor(app.monthly_income_minor, app.currency)}",
        )
        return None
    try:
        apr = caps.check_terms(terms, policy.jurisdiction).apr  # the ledger's own cap check on the offer
    except CapExceeded as exc:
        check("COST-CAP", False, exc.message)
        return None
    rules.append("COST-CAP:pass")
    return Offer(amount, app.term, rate, inst, apr, app.currency)


def decide(
    app: Application, facts: Facts, policy: Policy, card: Scorecard, product_terms: LoanTerms
) -> Decision:
    """The one decision. Pure: the same inputs give the same decision, which the audit log can re-check."""
    inputs = scorecard_inputs(app, card, age_on(app.birth_date, facts.today))
    record = {
        "application": {
            "amount_minor": app.amount_minor,
            "term": app.term,
            "age": age_on(app.birth_date, facts.today),
            "monthly_income_minor": app.monthly_income_minor,
            "monthly_obligations_minor": app.monthly_obligations_minor,
            "currency": app.currency,
        },
        "facts": {
            "today": facts.today.isoformat(),
            "blocked": facts.blocked,
            "velocity": facts.applications_in_velocity_window,
            "duplicates": facts.applications_in_duplicate_window,
            "open_principal_minor": facts.open_principal_minor,
        },
        "scorecard_inputs": inputs,
    }
    digest = inputs_hash(record)
    rules: list[str] = []
    hard: list[PolicyReason] = []
    soft: list[PolicyReason] = []

    def check(code: str, ok: bool, detail: str, *, stop: bool = True) -> None:
        rules.append(f"{code}:{'pass' if ok else 'fail'}")
        if not ok:
            (hard if stop else soft).append(PolicyReason(code, detail))

    age = age_on(app.birth_date, facts.today)
    check(
        "AGE", policy.age_min <= age <= policy.age_max, f"age {age}; policy {policy.age_min}–{policy.age_max}"
    )
    check("BLOCKED", not facts.blocked, "phone or ID on the block list")
    check(
        "VELOCITY",
        facts.applications_in_velocity_window < policy.velocity_max,
        f"{facts.applications_in_velocity_window} application(s) in {policy.velocity_days} days",
    )
    check(
        "DUPLICATE",
        facts.applications_in_duplicate_window == 0,
        f"{facts.applications_in_duplicate_window} application(s) in {policy.duplicate_days} days",
        stop=False,
    )
    check("TERM", app.term in policy.terms_allowed, f"term {app.term}; offered {list(policy.terms_allowed)}")
    check(
        "AMOUNT",
        policy.min_amount_minor <= app.amount_minor <= policy.max_amount_minor,
        f"{format_minor(app.amount_minor, app.currency)} outside "
        f"{format_minor(policy.min_amount_minor, policy.currency)}–{format_minor(policy.max_amount_minor, policy.currency)}",
    )
    score, card_reasons = explain(card, inputs, limit=MAX_REASONS)
    offer: Offer | None = None
    if not hard:
        rate = policy.rate_for(score)
        amount = min(app.amount_minor, policy.max_exposure_minor - facts.open_principal_minor)
        amount = _floor_step(amount, policy.step_minor)
        if amount < policy.min_amount_minor:
            check(
                "EXPOSURE", False, f"open principal {format_minor(facts.open_principal_minor, app.currency)}"
            )
        else:
            rules.append("EXPOSURE:" + ("pass" if amount == app.amount_minor else "counter-offer"))
            offer = _affordable_offer(app, policy, product_terms, amount, rate, facts.today, rules, check)
    rules.append(f"SCORE:{score}")
    if hard:
        outcome = DECLINE
    elif score < policy.refer_at:
        outcome = DECLINE
        soft.append(PolicyReason("SCORE", f"score {score} < {policy.refer_at}"))
    elif score < policy.approve_at or soft:
        outcome = REFER
    else:
        outcome = APPROVE
    reasons: list[dict[str, Any]] = []
    if outcome != APPROVE:
        reasons = [r.as_dict() for r in hard + [s for s in soft if s.code != "SCORE"]]
        reasons += [dict(r.as_dict(), code="SCORECARD") for r in card_reasons]
        reasons = reasons[:MAX_REASONS]
        for i, r in enumerate(reasons):
            r["rank"] = i + 1
    return Decision(
        outcome=outcome,
        score=score,
        offer=offer if outcome != DECLINE else None,
        reasons=tuple(reasons),
        rules=tuple(rules),
        policy=policy.key,
        model=card.key,
        inputs_hash=digest,
        inputs=record,
    )
