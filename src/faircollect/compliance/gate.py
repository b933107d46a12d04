"""The one contact gate: ``decide(request, facts) -> Decision``. Pure (no I/O) and fast.

Every contact — planned by the nightly run, typed by an agent, requested through the API, released by the
dispatcher — is decided here, against the jurisdiction's rulebook (``compliance/rulebooks/*.yaml``). The rulebook is
compiled once into per-route plans (channel × recipient role × purpose), so a decision is a few comparisons over
the history; denials name every rule that decided them, in English and Chinese, and ``next_allowed_at`` is the
real next instant when the denial is only about time or frequency.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    Outcome,
    Purpose,
    Reason,
    RecipientRole,
)
from faircollect.compliance.rulebook import Rule, Rulebook, load_rulebook
from faircollect.kit.errors import ValidationError

ROLE_ZH = {
    RecipientRole.BORROWER: "借款人",
    RecipientRole.GUARANTOR: "担保人",
    RecipientRole.JOINT_DEBTOR: "连带责任人",
    RecipientRole.REGISTERED_CONTACT: "登记联系人",
    RecipientRole.THIRD_PARTY: "第三人",
}
ROLE_EN = {
    RecipientRole.BORROWER: "borrower",
    RecipientRole.GUARANTOR: "guarantor",
    RecipientRole.JOINT_DEBTOR: "joint debtor",
    RecipientRole.REGISTERED_CONTACT: "registered contact",
    RecipientRole.THIRD_PARTY: "third party",
}
CHANNEL_ZH = {
    Channel.SMS: "短信",
    Channel.CALL: "电话",
    Channel.VOICEMAIL: "语音留言",
    Channel.EMAIL: "电子邮件",
    Channel.LETTER: "信函",
    Channel.VISIT: "外访",
    Channel.IM: "即时通讯",
}
HOLD_ZH = {
    "dispute": "债务异议",
    "complaint": "投诉",
    "cease_contact": "停止联系请求",
    "hardship": "经济困难",
    "bankruptcy": "破产",
    "deceased": "身故",
    "payment_plan": "还款计划执行中",
    "breathing_space": "债务喘息期",
}
#: Outcomes that mean the debtor was not reached (for lost contact: CN-3P-LOST-CONTACT-ONLY).
UNREACHED = frozenset(
    {Outcome.NO_ANSWER, Outcome.BUSY, Outcome.WRONG_PARTY, Outcome.INVALID_NUMBER, Outcome.FAILED}
)
_OBLIGORS = frozenset({RecipientRole.BORROWER, RecipientRole.GUARANTOR, RecipientRole.JOINT_DEBTOR})
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_HORIZON = timedelta(days=400)
_FORMATTER = string.Formatter()


class _Ctx(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(template: str, ctx: dict[str, Any]) -> str:
    return template.format_map(_Ctx(ctx))


# ------------------------------------------------------------------------------------------ zones and days

_ZONES: dict[str, ZoneInfo] = {}
_MIDNIGHTS: dict[str, dict[int, datetime]] = {}


def zone_of(name: str, *, field: str = "borrower_timezone") -> ZoneInfo:
    """A cached ZoneInfo; an unknown name is a validation error naming the field."""
    z = _ZONES.get(name)
    if z is None:
        try:
            z = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(f"unknown IANA time zone {name!r}", field=field) from exc
        _ZONES[name] = z
    return z


def _midnight(z: ZoneInfo, day: date) -> datetime:
    """The UTC instant of local midnight starting ``day`` in zone ``z`` (cached per zone and day)."""
    return _midnight_ord(z, day.toordinal())


def _midnight_ord(z: ZoneInfo, ordinal: int) -> datetime:
    cache = _MIDNIGHTS.get(z.key)
    if cache is None:
        cache = _MIDNIGHTS[z.key] = {}
    m = cache.get(ordinal)
    if m is None:
        if len(cache) > 20_000:
            cache.clear()
        day = date.fromordinal(ordinal)
        m = cache[ordinal] = datetime(day.year, day.month, day.day, tzinfo=z).astimezone(UTC)
    return m


def _local_at(z: ZoneInfo, day: date, seconds: int) -> datetime:
    """The UTC instant of local wall time ``seconds`` after midnight on ``day`` (24:00 = next midnight)."""
    if seconds >= 86400:
        return _midnight(z, day + _ONE_DAY)
    h, rest = divmod(seconds, 3600)
    return datetime(day.year, day.month, day.day, h, rest // 60, rest % 60, tzinfo=z).astimezone(UTC)


def _secs(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _in_window(s: int, start: int, end: int) -> bool:
    return start <= s < end if start < end else (s >= start or s < end)


def _next_window_start(local: datetime, z: ZoneInfo, s: int, start: int, end: int) -> datetime:
    day = local.date()
    if start < end and s >= start:  # after today's window: tomorrow's start
        day = day + _ONE_DAY
    return _local_at(z, day, start)


# ------------------------------------------------------------------------------------------ compiled plan


@dataclass(slots=True)
class _Quiet:
    rule: Rule
    start: int
    end: int
    agree: bool


@dataclass(slots=True)
class _Freq:
    rule: Rule
    max: int
    days: int
    channels: frozenset[Channel]
    outcomes: frozenset[Outcome]  # empty = every outcome
    per: str
    cooldown_days: int
    cooldown_outcomes: frozenset[Outcome]


@dataclass(slots=True)
class _Route:
    quiet: tuple[_Quiet, ...]
    holiday: _Quiet | None
    holiday_mode: str
    freq: tuple[_Freq, ...]
    not_allowed_recipient: Rule | None  # the recipient rule that refuses collection from this role
    registered_only: Rule | None  # refuses this role (not a registered contact)
    third_party: Rule | None  # conditions to check for a third-party contact
    holds: tuple[tuple[Rule, frozenset[str]], ...]
    opt_out: Rule | None
    consent: Rule | None
    visit: Rule | None
    pass_reasons: tuple[Reason, ...]


class _Plan:
    """A rulebook compiled for fast decisions: routes by (channel, role, purpose), text rules by category."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.rules = {r.id: r for r in rulebook.rules}
        self.candidates = tuple(zone_of(z, field="candidate_timezones") for z in rulebook.candidate_timezones)
        self.routes: dict[tuple[Channel, RecipientRole, Purpose], _Route] = {}
        self.category_rule: dict[str, Rule] = {}
        for r in rulebook.rules:
            if r.enabled:
                for cat in r.linter_categories:
                    self.category_rule.setdefault(cat, r)
        self.text_pass = tuple(
            Reason(r.id, r.pass_en, r.pass_zh) for r in rulebook.rules if r.enabled and r.kind == "text"
        )
        self._holidays: dict[int, frozenset[date]] = {}

    def holidays(self, year: int) -> frozenset[date]:
        got = self._holidays.get(year)
        if got is None:
            got = frozenset()
            cal = self.rulebook.holiday_calendar
            if cal:
                import holidays as holidays_lib

                try:
                    got = frozenset(holidays_lib.country_holidays(cal, years=year).keys())
                except NotImplementedError:
                    got = frozenset()
            self._holidays[year] = got
        return got

    def route(self, channel: Channel, role: RecipientRole, purpose: Purpose) -> _Route:
        key = (channel, role, purpose)
        got = self.routes.get(key)
        if got is None:
            got = self._build(channel, role, purpose)
            self.routes[key] = got
        return got

    def _build(self, channel: Channel, role: RecipientRole, purpose: Purpose) -> _Route:
        quiet: list[_Quiet] = []
        freq: list[_Freq] = []
        holiday: _Quiet | None = None
        holiday_mode = "none"
        not_allowed = registered_only = third_party = opt_out = consent = visit = None
        holds: list[tuple[Rule, frozenset[str]]] = []
        passing: list[Rule] = []
        for r in self.rulebook.rules:
            if not r.enabled or channel not in r.channels:
                continue
            p = r.params
            if r.kind == "quiet_hours":
                quiet.append(_Quiet(r, _secs(p["start"]), _secs(p["end"]), bool(p["agreement_override"])))
            elif r.kind == "holiday" and p["mode"] != "none":
                holiday = _Quiet(r, _secs(p["start"]), _secs(p["end"]), False)
                holiday_mode = p["mode"]
            elif r.kind == "frequency":
                freq.append(
                    _Freq(
                        r,
                        int(p["max"]),
                        int(p["days"]),
                        frozenset(Channel(c) for c in p["count_channels"]),
                        frozenset(Outcome(o) for o in p["count_outcomes"]),
                        p["per"],
                        int(p.get("cooldown_days") or 0),
                        frozenset(Outcome(o) for o in p.get("cooldown_outcomes") or ()),
                    )
                )
            elif r.kind == "recipients":
                if role not in p["roles"] and purpose == Purpose.COLLECT:
                    not_allowed = r
                elif role in p["roles"]:
                    pass
                else:
                    continue
            elif r.kind == "registered_only":
                if role in _OBLIGORS:
                    pass
                elif role not in p["roles"]:
                    registered_only = r
            elif r.kind == "third_party":
                if role in _OBLIGORS:
                    continue
                third_party = r
            elif r.kind == "hold":
                if purpose.value in p["purposes"]:
                    holds.append((r, frozenset(p["holds"])))
                else:
                    continue
            elif r.kind == "opt_out":
                opt_out = r
            elif r.kind == "consent":
                consent = r
            elif r.kind == "visit":
                visit = r
            else:  # text / principle rules: text rules are added when a message is linted
                continue
            passing.append(r)
        return _Route(
            quiet=tuple(quiet),
            holiday=holiday,
            holiday_mode=holiday_mode,
            freq=tuple(freq),
            not_allowed_recipient=not_allowed,
            registered_only=registered_only,
            third_party=third_party,
            holds=tuple(holds),
            opt_out=opt_out,
            consent=consent,
            visit=visit,
            pass_reasons=tuple(Reason(r.id, r.pass_en, r.pass_zh) for r in passing),
        )


def compile_rulebook(rulebook: Rulebook) -> _Plan:
    """The compiled plan of a rulebook (cached on the rulebook object)."""
    plan: _Plan | None = rulebook._cache.get("plan")
    if plan is None:
        plan = _Plan(rulebook)
        rulebook._cache["plan"] = plan
    return plan


_DEFAULT_PLANS: dict[str, _Plan] = {}


def _default_plan(jurisdiction: str) -> _Plan:
    plan = _DEFAULT_PLANS.get(jurisdiction)
    if plan is None:
        plan = compile_rulebook(load_rulebook(jurisdiction))
        _DEFAULT_PLANS[jurisdiction] = plan
    return plan


# ------------------------------------------------------------------------------------------ timing checks


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


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _time_ctx(local: datetime, z: ZoneInfo, start: int, end: int) -> dict[str, Any]:
    return {
        "local_time": f"{local.hour:02d}:{local.minute:02d}",
        "local_date": local.date().isoformat(),
        "zone": z.key,
        "start": _hhmm(start),
        "end": _hhmm(end),
    }


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


def _lint(request: ContactRequest, facts: ContactFacts, jurisdiction: str) -> Any:
    global _linter
    if _linter is None:
        from faircollect.compliance import linter as linter_mod

        _linter = linter_mod
    ctx = _linter.LintContext(
        recipient_role=request.recipient_role,
        channel=request.channel,
        visit_approved=facts.visit_approved,
        lawsuit_filed=facts.lawsuit_filed,
    )
    return _linter.lint(request.text, ctx, jurisdiction=jurisdiction)


# ------------------------------------------------------------------------------------------ decide


def decide(request: ContactRequest, facts: ContactFacts, *, rulebook: Rulebook | None = None) -> Decision:
    """Allow or deny one proposed contact; every rule that decided it is named (zh + en)."""
    if rulebook is None:
        plan = _default_plan(request.jurisdiction.upper())
    else:
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
    if request.text:
        lint_verdict, findings, text_reasons = _text_check(plan, request, facts)

    if not denials and not timing_reasons and not text_reasons:
        reasons = route.pass_reasons + plan.text_pass if request.text else route.pass_reasons
        return Decision(True, reasons, None, lint_verdict, findings)
    next_allowed = None
    if not denials and not text_reasons:
        next_allowed = _next_allowed(plan, route, request, facts, zones, at, first_try)
    return Decision(
        False, tuple(denials + timing_reasons + text_reasons), next_allowed, lint_verdict, findings
    )


def _reason(rule: Rule, ctx: dict[str, Any], timing: bool = False) -> Reason:
    return Reason(rule.id, _fmt(rule.deny_en, ctx), _fmt(rule.deny_zh, ctx), timing)


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
    plan: _Plan, request: ContactRequest, facts: ContactFacts
) -> tuple[str | None, tuple[object, ...], list[Reason]]:
    """Lint the text; every blocking finding names the linter's rule and the rulebook's rule for its category
    (e.g. CN-NO-DISCLOSURE for third_party_disclosure). Fails closed when the linter cannot run."""
    try:
        result = _lint(request, facts, plan.rulebook.jurisdiction)
    except (ImportError, AttributeError) as exc:
        msg = f"The message text could not be checked (linter unavailable: {exc})."
        return None, (), [Reason("GATE-LINTER-UNAVAILABLE", msg, "消息内容无法检查（合规检查器不可用）。")]
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
    return result.verdict, tuple(result.findings), reasons


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
