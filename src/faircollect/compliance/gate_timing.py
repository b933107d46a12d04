"""The gate's timing checks: contact hours, holidays, frequency caps and cooldowns, and the visit window's start.

``_timing`` says whether an instant is allowed and, if not, the earliest instant worth trying next (the gate's
``next_allowed_at`` search steps through these).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from faircollect.compliance.contact import ContactFacts, ContactRequest, Reason
from faircollect.compliance.gate_plan import _OBLIGORS, ROLE_EN, ROLE_ZH, _fmt, _Freq, _Plan, _reason, _Route
from faircollect.compliance.hours import (
    _ONE_DAY,
    _hhmm,
    _in_window,
    _midnight,
    _midnight_ord,
    _next_window_start,
    _secs,
    _time_ctx,
)
from faircollect.compliance.rulebook import Rule


def _counts(
    f: _Freq, request: ContactRequest, facts: ContactFacts, start: datetime, end: datetime
) -> list[datetime]:
    """Times of the history events this frequency rule counts inside [start, end)."""
    out = []
    role = request.recipient_role
    addr = request.address
    per = f.per
    outcomes = f.outcomes
    for ev in facts.history:
        if ev.channel not in f.channels or (outcomes and ev.outcome not in outcomes):
            continue
        if per != "borrower":
            if ev.recipient_role != role:
                continue
            if (
                (per == "address" or role not in _OBLIGORS)
                and addr is not None
                and ev.address not in (None, addr)
            ):
                continue
        if start <= ev.at < end:
            out.append(ev.at)
    return out


def _cooldown_last(
    f: _Freq, request: ContactRequest, facts: ContactFacts, start: datetime, end: datetime
) -> datetime | None:
    last = None
    role = request.recipient_role
    for ev in facts.history:
        if ev.channel in f.channels and ev.outcome in f.cooldown_outcomes and start <= ev.at < end:
            if f.per != "borrower" and ev.recipient_role != role:
                continue
            if last is None or ev.at > last:
                last = ev.at
    return last


def _timing(
    plan: _Plan,
    route: _Route,
    request: ContactRequest,
    facts: ContactFacts,
    zones: tuple[ZoneInfo, ...],
    t: datetime,
    reasons: list[Reason] | None,
) -> datetime | None:
    """None when every time/frequency rule allows ``t``; else the earliest instant worth trying next. When
    ``reasons`` is given, a Reason is appended for each rule that refuses ``t``."""
    nxt: datetime | None = None
    agreed = facts.agreed_contact_window
    agreed_s = (_secs(agreed[0]), _secs(agreed[1])) if agreed else None
    refused: set[str] | None = None  # rule ids already given a reason (allocated on the first refusal)
    quiet_hits: dict[str, tuple[Rule, dict[str, Any], list[str]]] | None = None
    for z in zones:
        local = t.astimezone(z)
        s = local.hour * 3600 + local.minute * 60 + local.second
        for q in route.quiet:
            start, end = agreed_s if (q.agree and agreed_s) else (q.start, q.end)
            if not (start <= s < end if start < end else (s >= start or s < end)):
                cand = _next_window_start(local, z, s, start, end)
                nxt = cand if nxt is None or cand > nxt else nxt
                if reasons is not None:
                    if quiet_hits is None:
                        quiet_hits = {}
                    if q.rule.id not in quiet_hits:
                        quiet_hits[q.rule.id] = (q.rule, _time_ctx(local, z, start, end), [])
                    quiet_hits[q.rule.id][2].append(f"{z.key} {local.hour:02d}:{local.minute:02d}")
        h = route.holiday
        if h is not None:
            day = local.date()
            if day in plan.holidays(day.year) or (
                facts.public_holidays and day.isoformat() in facts.public_holidays
            ):
                blocked = route.holiday_mode == "block" or not _in_window(s, h.start, h.end)
                if blocked:
                    if route.holiday_mode == "block":
                        cand = _midnight(z, day + _ONE_DAY)
                    else:
                        cand = _next_window_start(local, z, s, h.start, h.end)
                    nxt = cand if nxt is None or cand > nxt else nxt
                    if reasons is not None and (refused is None or h.rule.id not in refused):
                        refused = refused or set()
                        refused.add(h.rule.id)
                        rule_text = (
                            "no contact"
                            if route.holiday_mode == "block"
                            else f"contact only {_hhmm(h.start)}–{_hhmm(h.end)}"
                        )
                        ctx = {**_time_ctx(local, z, h.start, h.end), "holiday_rule": rule_text}
                        reasons.append(_reason(h.rule, ctx, True))
        if route.freq and facts.history:
            today = local.date()
            today_ord = today.toordinal()
            end_of_today = _midnight_ord(z, today_ord + 1)
            for f in route.freq:
                problems_en: list[str] | None = None
                problems_zh: list[str] = []
                win_start = _midnight_ord(z, today_ord - f.days + 1)
                times = _counts(f, request, facts, win_start, end_of_today)
                if len(times) >= f.max:
                    problems_en = []
                    times.sort(reverse=True)
                    oldest_needed = times[f.max - 1] if f.max > 0 else t
                    cand = _midnight(z, oldest_needed.astimezone(z).date() + timedelta(days=f.days))
                    nxt = cand if nxt is None or cand > nxt else nxt
                    if f.days == 1:
                        problems_en.append(f"{len(times)} counted already today (limit {f.max} a day)")
                        problems_zh.append(f"今日已计{len(times)}次（每日上限{f.max}次）")
                    else:
                        problems_en.append(f"{len(times)} calls in the last {f.days} days (limit {f.max})")
                        problems_zh.append(f"近{f.days}天已{len(times)}次（上限{f.max}次）")
                if f.cooldown_days:
                    cd_start = _midnight_ord(z, today_ord - f.cooldown_days + 1)
                    last = _cooldown_last(f, request, facts, cd_start, end_of_today)
                    if last is not None:
                        conv_day = last.astimezone(z).date()
                        cand = _midnight(z, conv_day + timedelta(days=f.cooldown_days))
                        nxt = cand if nxt is None or cand > nxt else nxt
                        problems_en = problems_en if problems_en is not None else []
                        problems_en.append(
                            f"a telephone conversation took place on {conv_day.isoformat()}; no call until "
                            f"{f.cooldown_days} days have passed"
                        )
                        problems_zh.append(f"{conv_day.isoformat()}已通话，{f.cooldown_days}天内不得再次致电")
                if problems_en and reasons is not None and (refused is None or f.rule.id not in refused):
                    refused = refused or set()
                    refused.add(f.rule.id)
                    ctx = {
                        "count": len(times),
                        "max": f.max,
                        "days": f.days,
                        "role": ROLE_EN[request.recipient_role],
                        "role_zh": ROLE_ZH[request.recipient_role],
                        "problem": "; ".join(problems_en),
                        "problem_zh": "；".join(problems_zh),
                        "zone": z.key,
                    }
                    reasons.append(_reason(f.rule, ctx, True))
    if quiet_hits:
        assert reasons is not None
        quiet_reasons = []
        for rule, ctx, where in quiet_hits.values():
            ctx_zh = ctx
            if len(where) > 1:  # unknown zone: name every candidate zone that refuses
                ctx["local_time"] = ", ".join(where)
                ctx_zh = {**ctx, "zone": "时区未知，所有候选时区均须允许"}
                ctx["zone"] = "time zone unknown: every candidate zone must allow it"
            quiet_reasons.append(Reason(rule.id, _fmt(rule.deny_en, ctx), _fmt(rule.deny_zh, ctx_zh), True))
        reasons[0:0] = quiet_reasons
    if route.visit is not None and facts.visit_window is not None and t < facts.visit_window[0]:
        cand = facts.visit_window[0]
        nxt = cand if nxt is None or cand > nxt else nxt
        if reasons is not None:
            msg_en = f"the approved visit window starts at {cand.isoformat()}"
            msg_zh = f"批准的外访时段始于{cand.isoformat()}"
            ctx = {"problem": msg_en, "problem_zh": msg_zh}
            r = route.visit
            reasons.append(_reason(r, ctx, True))
    return nxt
