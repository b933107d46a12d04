"""The one contact gate: ``decide(request, facts) -> Decision``. Pure (no I/O) and fast.

Every contact — planned by the nightly run, typed by an agent, requested through the API, released by the
dispatcher — is decided here, against the jurisdiction's rulebook (``compliance/rulebooks/*.yaml``). The rulebook is
compiled once into per-route plans (channel × recipient role × purpose), so a decision is a few comparisons over
the history; denials name every rule that decided them, in English and Chinese, and ``next_allowed_at`` is the
real next instant when the denial is only about time or frequency.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from faircollect.compliance.contact import (
    ContactFacts,
    ContactRequest,
    Decision,
    Outcome,
    Reason,
    RecipientRole,
)
from faircollect.compliance.gate_plan import (
    _OBLIGORS,
    CHANNEL_ZH,
    HOLD_ZH,
    ROLE_EN,
    ROLE_ZH,
    UNREACHED,
    _fmt,
    _Plan,
    _reason,
    _Route,
    compile_rulebook,
)
from faircollect.compliance.gate_timing import _timing
from faircollect.compliance.hours import zone_of
from faircollect.compliance.rulebook import Rule, Rulebook
from faircollect.kit.errors import ValidationError

__all__ = [
    "CHANNEL_ZH",
    "HOLD_ZH",
    "ROLE_EN",
    "ROLE_ZH",
    "UNREACHED",
    "compile_rulebook",
    "decide",
    "zone_of",
]

_ONE_MINUTE = timedelta(minutes=1)
_HORIZON = timedelta(days=400)


# ------------------------------------------------------------------------------------------ other checks


def _lost_contact(facts: ContactFacts, needed: int) -> bool:
    """The debtor has lost contact: facts say so, the last attempt found the number invalid, or the last
    ``needed`` attempts to the debtor all failed to reach them (CN-3P-LOST-CONTACT-ONLY)."""
    if facts.lost_contact:
        return True
    own = sorted(
        (ev for ev in facts.history if ev.recipient_role == RecipientRole.BORROWER), key=lambda e: e.at
    )
    if own and own[-1].outcome == Outcome.INVALID_NUMBER:
        return True
    return needed > 0 and len(own) >= needed and all(ev.outcome in UNREACHED for ev in own[-needed:])


def _third_party_problems(
    rule: Rule, request: ContactRequest, facts: ContactFacts
) -> tuple[list[str], list[str]]:
    p = rule.params
    en: list[str] = []
    zh: list[str] = []
    if request.channel.value not in p["third_party_channels"]:
        allowed = ", ".join(sorted(p["third_party_channels"]))
        en.append(f"{request.channel.value} may not be used for a third party (allowed: {allowed})")
        zh.append(f"不得以{CHANNEL_ZH[request.channel]}联系第三人")
    if request.purpose.value not in p["purposes"]:
        allowed = ", ".join(sorted(p["purposes"]))
        en.append(f"the purpose must be {allowed}, not {request.purpose.value}")
        zh.append("联系第三人仅限获取债务人联系方式或请求转告")
    if p["require_lost_contact"] and not _lost_contact(facts, int(p["consecutive_failed_attempts"])):
        en.append(
            "the debtor has not lost contact (number valid and fewer than "
            f"{p['consecutive_failed_attempts']} consecutive failed attempts)"
        )
        zh.append(f"债务人未失联（号码有效且未连续{p['consecutive_failed_attempts']}次无法联系）")
    if p["stop_on_request"] and facts.third_party_stop_requested:
        en.append("this third party asked not to be contacted again")
        zh.append("该第三人已要求不再联系")
    limit = p.get("max_contacts_per_address")
    if limit is not None:
        if request.address is None:
            en.append("the address is needed to enforce the per-person contact limit")
            zh.append("缺少联系地址，无法执行每人联系次数限制")
        else:
            n = sum(
                1
                for ev in facts.history
                if ev.address == request.address and ev.recipient_role not in _OBLIGORS
            )
            if n >= limit:
                en.append(f"this person was already contacted {n} time(s) (limit {limit})")
                zh.append(f"已联系该人{n}次（上限{limit}次）")
    return en, zh


_linter: Any = None


def _lint(
    request: ContactRequest, facts: ContactFacts, rulebook: Any, prior: Mapping[str, Any] | None = None
) -> tuple[Any, str]:
    """Lint the text, or reuse ``prior`` (a stored verdict, ``linter.reuse``) when it was made on the same text,
    context, jurisdiction and linter. Returns (result, lint key)."""
    global _linter
    if _linter is None:
        from faircollect.compliance import linter as linter_mod

        _linter = linter_mod
    from faircollect.compliance.linter.reuse import lint_key, stored_result
    from faircollect.compliance.linter.rules import obligor_roles_of

    ctx = _linter.LintContext(
        recipient_role=request.recipient_role,
        channel=request.channel,
        visit_approved=facts.visit_approved,
        lawsuit_filed=facts.lawsuit_filed,
    )
    # who owes the debt comes from the lender's rulebook with its overrides, as every other rule the gate applies
    jurisdiction = rulebook.jurisdiction
    key = lint_key(request.text or "", ctx, jurisdiction, obligor_roles_of(rulebook))
    reused = stored_result(prior, key)
    if reused is not None:
        return reused, key
    return _linter.lint(request.text, ctx, jurisdiction=jurisdiction, rulebook=rulebook), key


# ------------------------------------------------------------------------------------------ decide


def decide(
    request: ContactRequest,
    facts: ContactFacts,
    *,
    rulebook: Rulebook,
    prior_lint: Mapping[str, Any] | None = None,
) -> Decision:
    """Allow or deny one proposed contact; every rule that decided it is named (zh + en).

    ``rulebook`` is required: the caller passes the lender's rulebook (``compliance.facts.lender_rulebook``, stored
    overrides applied) or a shipped one (``rulebook.load_rulebook``) — the gate never loads one itself.
    ``prior_lint``: a verdict stored when this message was planned (``linter.reuse.result_to_stored``). It is used
    only if its key equals the key of this text in this context (nothing changed); otherwise the text is linted."""
    plan = compile_rulebook(rulebook)
    if rulebook.jurisdiction != request.jurisdiction.upper():
        raise ValidationError(
            f"request is for {request.jurisdiction} but the rulebook is {rulebook.jurisdiction}",
            field="jurisdiction",
        )
    at = request.at
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError("datetime must carry a time zone", field="at")
    route = plan.route(request.channel, request.recipient_role, request.purpose)
    if facts.borrower_timezone:
        zones: tuple[ZoneInfo, ...] = (zone_of(facts.borrower_timezone),)
    elif facts.candidate_timezones:
        zones = tuple(zone_of(z, field="candidate_timezones") for z in facts.candidate_timezones)
    else:
        zones = plan.candidates

    denials: list[Reason] = []

    # Whom to contact: CN-WHO-ALLOWED, CN-NO-CONTACT-LIST, CN-3P-LOST-CONTACT-ONLY (and US/UK equivalents).
    role = request.recipient_role
    for r in (route.not_allowed_recipient, route.registered_only):
        if r is not None:
            denials.append(_reason(r, {"role": ROLE_EN[role], "role_zh": ROLE_ZH[role]}))
    if route.third_party is not None:
        en, zh = _third_party_problems(route.third_party, request, facts)
        if en:
            denials.append(
                _reason(route.third_party, {"problem": "; ".join(en), "problem_zh": "；".join(zh)})
            )
    # Holds.
    if facts.holds:
        for r, kinds in route.holds:
            hit = sorted(h.value for h in facts.holds if h.value in kinds)
            if hit:
                hold_en = ", ".join(h.replace("_", " ") for h in hit)
                denials.append(
                    _reason(r, {"hold": hold_en, "hold_zh": "、".join(HOLD_ZH.get(h, h) for h in hit)})
                )
    # Opt-outs and consents per channel.
    ch = request.channel
    if route.opt_out is not None and ch in facts.opt_outs:
        denials.append(_reason(route.opt_out, {"channel": ch.value, "channel_zh": CHANNEL_ZH[ch]}))
    if route.consent is not None and ch not in facts.consents:
        denials.append(_reason(route.consent, {"channel": ch.value, "channel_zh": CHANNEL_ZH[ch]}))
    # Visits: an approved request, inside its window (the start of the window is a timing matter).
    if route.visit is not None:
        en, zh = _visit_problems(route.visit, facts, at)
        if en:
            denials.append(_reason(route.visit, {"problem": "; ".join(en), "problem_zh": "；".join(zh)}))
    # Hours, holidays, frequency (timing-only denials).
    timing_reasons: list[Reason] = []
    first_try = _timing(plan, route, request, facts, zones, at, timing_reasons)
    # Text: the linter.
    lint_verdict = None
    findings: tuple[object, ...] = ()
    text_reasons: list[Reason] = []
    key: str | None = None
    if request.text:
        lint_verdict, findings, text_reasons, key = _text_check(plan, request, facts, prior_lint)

    if not denials and not timing_reasons and not text_reasons:
        reasons = route.pass_reasons + plan.text_pass if request.text else route.pass_reasons
        return Decision(True, reasons, None, lint_verdict, findings, key)
    next_allowed = None
    if not denials and not text_reasons:
        next_allowed = _next_allowed(plan, route, request, facts, zones, at, first_try)
    return Decision(
        False, tuple(denials + timing_reasons + text_reasons), next_allowed, lint_verdict, findings, key
    )


def _visit_problems(rule: Rule, facts: ContactFacts, at: datetime) -> tuple[list[str], list[str]]:
    en: list[str] = []
    zh: list[str] = []
    if rule.params["require_approval"] and not facts.visit_approved:
        en.append("no approved visit request")
        zh.append("外访申请未获批准")
    if rule.params["require_window"] and facts.visit_window is None:
        en.append("no approved visit window")
        zh.append("无批准的外访时段")
    elif facts.visit_window is not None and at > facts.visit_window[1]:
        en.append(f"the approved visit window ended at {facts.visit_window[1].isoformat()}")
        zh.append(f"批准的外访时段已于{facts.visit_window[1].isoformat()}结束")
    return en, zh


def _text_check(
    plan: _Plan, request: ContactRequest, facts: ContactFacts, prior: Mapping[str, Any] | None = None
) -> tuple[str | None, tuple[object, ...], list[Reason], str | None]:
    """Lint the text; every blocking finding names the linter's rule and the rulebook's rule for its category
    (e.g. CN-NO-DISCLOSURE for third_party_disclosure). Fails closed when the linter cannot run."""
    from faircollect.compliance.linter.decoding import unreadable

    why = unreadable(request.text or "")
    if why:  # a text nobody can read cannot be checked: deny, never allow
        return (
            None,
            (),
            [
                Reason(
                    "GATE-TEXT-UNREADABLE",
                    f"The message text cannot be read, so it cannot be checked ({why}).",
                    "消息内容无法读取（存在无法解码的字符），无法检查，不得发送。",
                )
            ],
            None,
        )
    try:
        result, key = _lint(request, facts, plan.rulebook, prior)
    except (ImportError, AttributeError) as exc:
        msg = f"The message text could not be checked (linter unavailable: {exc})."
        return (
            None,
            (),
            [Reason("GATE-LINTER-UNAVAILABLE", msg, "消息内容无法检查（合规检查器不可用）。")],
            None,
        )
    by_rule: dict[str, tuple[Rule | None, list[Any]]] = {}
    for f in result.findings:
        if f.severity != "block":
            continue
        named = [r for r in (plan.rules.get(f.rule), plan.category_rule.get(f.category)) if r is not None]
        if not named:
            by_rule.setdefault(f.rule or f"LINT-{f.category}", (None, []))[1].append(f)
        for named_rule in named:
            by_rule.setdefault(named_rule.id, (named_rule, []))[1].append(f)
    reasons = []
    for rid, (rule, fs) in by_rule.items():
        excerpt = " / ".join(dict.fromkeys(f.excerpt for f in fs if f.excerpt))
        msg_en = "; ".join(dict.fromkeys(f.explanation for f in fs))
        zh_parts = dict.fromkeys(getattr(f, "explanation_zh", "") for f in fs)
        if rule is not None and rule.kind == "text":
            msg_zh = _fmt(rule.deny_zh, {"excerpt": excerpt})
            msg_en = f"{_fmt(rule.deny_en, {'excerpt': excerpt})} {msg_en}".strip()
        else:
            msg_zh = "；".join(z for z in zh_parts if z) or f"消息内容违规：“{excerpt}”。"
        reasons.append(Reason(rid, msg_en, msg_zh))
    return result.verdict, tuple(result.findings), reasons, key


def _next_allowed(
    plan: _Plan,
    route: _Route,
    request: ContactRequest,
    facts: ContactFacts,
    zones: tuple[ZoneInfo, ...],
    at: datetime,
    first_try: datetime | None,
) -> datetime | None:
    """The first instant at or after ``at`` when every time and frequency rule allows the contact
    (``first_try``: the candidate the evaluation at ``at`` already found)."""
    t = at.astimezone(UTC)
    if first_try is not None:
        t = first_try if first_try > t else t + _ONE_MINUTE
    for _ in range(200):
        cand = _timing(plan, route, request, facts, zones, t, None)
        if cand is None:
            return t
        t = cand if cand > t else t + _ONE_MINUTE
        if t - at > _HORIZON:
            return None
    return None
