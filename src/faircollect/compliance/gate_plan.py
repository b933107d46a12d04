"""The gate's compiled plan: a rulebook turned, once, into per-route rule sets (channel × recipient role ×
purpose) and text rules by linter category; plus the labels and sentence formatting the gate's reasons use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from faircollect.compliance.contact import Channel, Outcome, Purpose, Reason, RecipientRole
from faircollect.compliance.hours import _secs, zone_of
from faircollect.compliance.rulebook import Rule, Rulebook

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


class _Ctx(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(template: str, ctx: dict[str, Any]) -> str:
    return template.format_map(_Ctx(ctx))


def _reason(rule: Rule, ctx: dict[str, Any], timing: bool = False) -> Reason:
    return Reason(rule.id, _fmt(rule.deny_en, ctx), _fmt(rule.deny_zh, ctx), timing)


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
