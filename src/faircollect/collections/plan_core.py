"""The one planning decision (pure): loans in play, the gate's facts, the strategy and the lender's rulebooks in;
proposals and denials out.

``collections.planner.plan`` (per contact, against the database) and ``portfolio.propose.propose`` (the nightly
run over a whole book) both call :func:`plan`; they only differ in how they gather the items and facts and in what
they do with an allowed proposal (enqueue it, or write it to ``plan.parquet``). Everything that decides *what* is
proposed lives here, once:

* the borrower's arm (``assign_arm``) and the first matching segment (the control group logs what the champion
  would have done);
* the treatments due on the day (``treatments_due``); one message per borrower, channel and template a day;
* the order: lowest priority number first, then the largest overdue amount, then the loan id;
* the send time: ``send_hour`` in the borrower's zone, or — zone unknown — in the westernmost of the rulebook's
  candidate zones, the latest of those instants, so that every zone the borrower may be in sees the same hour or
  later (the gate checks them all: US-HOURS);
* the gate, with the lender's rulebook (overrides applied) passed in by the caller — nothing is loaded here;
* an allowed contact joins the borrower's history before the next one is decided (caps hold across loans);
* capacity per group is used by what goes ahead (allowed contacts and hand-offs): a denied contact uses none; a
  group without a limit has none (``parse_strategy`` refuses such a strategy; code-built ones fail closed).
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from faircollect.collections.strategy import (
    CHAMPION,
    CONTROL,
    Segment,
    Strategy,
    Treatment,
    arm_at,
    assignment_point,
    segment_for,
    treatments_due,
)
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    Outcome,
    PastContact,
    Purpose,
    Reason,
    RecipientRole,
)
from faircollect.compliance.gate import decide
from faircollect.compliance.rulebook import Rulebook
from faircollect.kit.errors import ValidationError

_T = TypeVar("_T")

#: Channels that carry a rendered text (the gate lints it).
MESSAGE_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL, Channel.IM, Channel.VOICEMAIL, Channel.LETTER})
#: Statuses of proposals that go ahead and so use their capacity group.
GOES_AHEAD = frozenset({"allowed", "action"})


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One loan in play on the day, as both paths see it."""

    loan_id: str
    borrower_id: str
    jurisdiction: str  # the rulebook's key: CN, US, UK
    timezone: str | None  # IANA; None = unknown
    bucket: str | None
    dpd: int  # days past due, or −(days to the next due date) before it
    balance_minor: int
    overdue_minor: int
    score: Decimal | None = None
    product: str | None = None
    flags: tuple[str, ...] = ()
    case_id: str | None = None
    on_hold: bool = False  # a case-scoped hold (collections)
    promise_pending: bool = False  # a promise to pay falls due after today
    visit_today: bool = False  # an approved visit window covers the day
    addresses: Mapping[str, str] | None = None  # channel → address; None = every channel, address unknown


@dataclass(frozen=True, slots=True)
class Proposal:
    """What happens to one treatment due.

    ``status``: allowed | denied | control | held | promise_pending | over_capacity | action (agency / legal
    hand-off) | visit_needs_request | visit_scheduled | no_address | no_template."""

    item: PlanItem
    arm: str
    probability: Decimal
    segment: str
    treatment: Treatment
    planned_at: datetime
    status: str
    decision: Decision | None = None
    text: str | None = None

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return self.decision.rule_ids if self.decision is not None and not self.decision.allowed else ()

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.decision.reasons if self.decision is not None and not self.decision.allowed else ()


def maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor for the frozen, slotted record ``cls`` that makes the same object as ``cls(...)`` (the same
    arguments, positional or by keyword, the same defaults) without ``__init__``'s ``object.__setattr__`` per field:
    each field is set through its slot directly. For the nightly shell, which makes one ``PlanItem`` per loan in
    play and the core one ``Proposal`` per treatment due (80,738 and 53,584 on the 1,000,000-loan book: 0.11 and
    0.044 s of CPU through ``__init__``, 0.05 and 0.025 s this way, 2026-12-05). Only for records without
    ``__post_init__`` or default factories (checked here)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    params = getattr(cls, "__dataclass_params__", None)
    if (
        params is None
        or not params.frozen
        or "__slots__" not in cls.__dict__
        or hasattr(cls, "__post_init__")
    ):
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass without __post_init__")
    ns: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    args, body = [], []
    for i, f in enumerate(fields):
        if f.default_factory is not dataclasses.MISSING or not f.init:
            raise TypeError(
                f"{cls.__name__}.{f.name}: default factories and non-init fields are not supported"
            )
        ns[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            args.append(f.name)
        else:
            ns[f"_default{i}"] = f.default
            args.append(f"{f.name}=_default{i}")
        body.append(f"    _set{i}(o, {f.name})")
    src = f"def make({', '.join(args)}):\n    o = _new(_cls)\n" + "\n".join(body) + "\n    return o\n"
    exec(src, ns)  # generated from the field names, as ``dataclasses`` makes ``__init__``
    made: Callable[..., _T] = ns["make"]
    return made


#: ``PlanItem(...)``, ``Proposal(...)`` and ``ContactRequest(...)`` made through their slots (``maker``): the same
#: objects.
new_item = maker(PlanItem)
_new_proposal = maker(Proposal)
_new_request = maker(ContactRequest)


@dataclass(slots=True)
class Plan:
    proposals: list[Proposal] = field(default_factory=list)
    denials: Counter[str] = field(default_factory=Counter)  # rule id → denials
    duplicates: int = 0


def dedupe_key(as_of: date | str, item: PlanItem, t: Treatment) -> str:
    """One message per borrower, channel and template a day; one hand-off per loan and channel a day. ``as_of``
    may be given as its ISO string already (a caller keying many items formats the day once: the same key)."""
    if t.is_contact:
        return f"{as_of}|{item.borrower_id}|{t.channel}|{t.template or ''}"
    return f"{as_of}|{item.loan_id}|{t.channel}"


def send_time(as_of: date, timezone: str | None, rulebook: Rulebook, hour: int) -> datetime:
    """``hour`` o'clock on ``as_of`` in the borrower's zone; zone unknown: the latest such instant over the
    rulebook's candidate zones (the westernmost), which every candidate zone sees at ``hour`` or later."""
    zones = [timezone] if timezone else list(rulebook.candidate_timezones)
    if not zones:
        raise ValidationError(
            f"rulebook {rulebook.jurisdiction} names no candidate time zone", field="candidate_timezones"
        )
    return max(datetime.combine(as_of, time(hour), tzinfo=ZoneInfo(z)).astimezone(UTC) for z in zones)


#: Fields a segment rule may limit with ``ge`` / ``le`` whose values are many (amounts, scores): the matcher's memo
#: keys them by the interval they fall in between the rules' limits (``_limit_class``), not by the value.
_RANGED = ("balance_minor", "score")


def _limit_class(cuts: tuple[Any, ...] | None, value: Any) -> Any:
    """What every ``ge`` / ``le`` limit in ``cuts`` (sorted) can tell about ``value``: its interval among the
    limits and whether it equals one. Two values with the same class pass exactly the same limits, so the
    matcher's answer is the same for both. ``cuts`` None: the field is read otherwise too (the value itself)."""
    if cuts is None or value is None:
        return value
    i = bisect.bisect_left(cuts, value)
    return i, i < len(cuts) and cuts[i] == value


def _matcher_reads(segments: Iterable[Segment]) -> tuple[frozenset[str], dict[str, tuple[Any, ...] | None]]:
    """The fields an arm's rules read, and for each of ``_RANGED`` the sorted limits (None: read as a value)."""
    conds = [c for seg in segments for c in seg.when.conditions()]
    cuts: dict[str, tuple[Any, ...] | None] = {}
    for f in _RANGED:
        mine = [c for c in conds if c.field == f]
        ranged = all(c.op in ("ge", "le") for c in mine)
        cuts[f] = tuple(sorted({c.value for c in mine})) if ranged else None
    return frozenset(c.field for c in conds), cuts


def _work(
    items: Iterable[PlanItem], strategy: Strategy
) -> list[tuple[PlanItem, Treatment, str, Decimal, str]]:
    arms: dict[str, tuple[str, Decimal]] = {}
    all_arms = strategy.arms()
    experiment = strategy.experiment_id
    # Each borrower's arm is memoised here (``arms``): its point is computed without the function's cache.
    point_of = assignment_point.__wrapped__
    work = []
    # ``segment_for`` (the one matcher) memoised on what the arm's rules read: most books have thousands of loans
    # per (bucket, days past due) and rules that never look at the balance, or look at it (or the score) only
    # through a few limits. Per arm: (reads the balance, its limits, reads the score, its limits, reads the
    # product, reads the flags).
    reads: dict[str, tuple[bool, tuple[Any, ...] | None, bool, tuple[Any, ...] | None, bool, bool]] = {}
    found: dict[tuple[Any, ...], tuple[Segment | None, list[Treatment]]] = {}
    for item in items:
        borrower = item.borrower_id
        assigned = arms.get(borrower)
        if assigned is None:
            assigned = arms[borrower] = arm_at(all_arms, point_of(experiment, borrower))
        arm, prob = assigned
        # The control group gets nothing; what the champion would have done is logged as its counterfactual.
        seg_arm = CHAMPION if arm == CONTROL else arm
        known = reads.get(seg_arm)
        if known is None:
            used, cuts = _matcher_reads(strategy.segments_for_arm(seg_arm))
            known = reads[seg_arm] = (
                "balance_minor" in used,
                cuts["balance_minor"],
                "score" in used,
                cuts["score"],
                "product" in used,
                "flags" in used,
            )
        by_balance, balance_cuts, by_score, score_cuts, by_product, by_flags = known
        key = (
            seg_arm,
            item.bucket,
            item.dpd,
            _limit_class(balance_cuts, item.balance_minor) if by_balance else None,
            _limit_class(score_cuts, item.score) if by_score else None,
            item.product if by_product else None,
            tuple(item.flags) if by_flags else None,
        )
        hit = found.get(key)
        if hit is None:
            seg = segment_for(
                strategy,
                arm=seg_arm,
                bucket=item.bucket,
                dpd=item.dpd,
                balance_minor=item.balance_minor,
                score=item.score,
                product=item.product,
                flags=item.flags,
            )
            hit = found[key] = (seg, treatments_due(seg, item.dpd) if seg is not None else [])
        seg, due = hit
        if seg is None:
            continue
        for t in due:
            work.append((item, t, arm, prob, seg.id))
    # Capacity goes to the most urgent treatments first, then the largest overdue amounts.
    work.sort(
        key=lambda w: (
            w[1].priority,
            -w[0].overdue_minor,
            w[0].loan_id,
            w[1].at_dpd,
            w[1].channel,
            w[1].template or "",
        )
    )
    return work


def plan(
    items: Iterable[PlanItem],
    facts: Mapping[str, ContactFacts],
    strategy: Strategy,
    rulebooks: Mapping[str, Rulebook],
    *,
    as_of: date,
    send_hour: int = 10,
    capacity_used: Mapping[str, int] | None = None,
    already_planned: frozenset[str] | set[str] = frozenset(),
    text_for: Callable[[PlanItem, Treatment], str | None] | None = None,
) -> Plan:
    """Plan ``as_of`` for ``items``: every treatment due, decided (pure; the caller writes the results).

    ``facts``: the gate's facts per borrower id (a borrower without any: nothing known, zone from the item);
    ``rulebooks``: the lender's rulebook per jurisdiction, overrides applied (a missing one is an error);
    ``capacity_used``: what each group has already used today; ``already_planned``: dedupe keys planned earlier
    today (re-planning is idempotent); ``text_for``: the rendered message (None = no template) — without it
    messages are decided without text."""
    out = Plan()
    used: Counter[str] = Counter(capacity_used or {})
    seen = set(already_planned)
    history: dict[str, list[PastContact]] = {}
    send_at: dict[tuple[str | None, str], datetime] = {}  # one send time per zone and jurisdiction
    day = str(as_of)  # what the keys' f-string makes of the date, formatted once
    for item, t, arm, prob, seg_id in _work(items, strategy):
        rulebook = rulebooks.get(item.jurisdiction)
        if rulebook is None:
            raise ValidationError(
                f"no rulebook for jurisdiction {item.jurisdiction!r} (loan {item.loan_id})",
                field="jurisdiction",
            )
        zone_key = (item.timezone, item.jurisdiction)
        at = send_at.get(zone_key)
        if at is None:
            at = send_at[zone_key] = send_time(as_of, item.timezone, rulebook, send_hour)
        key = dedupe_key(day, item, t)
        if key in seen:
            out.duplicates += 1
            continue
        seen.add(key)
        status, decision, text = _decide(item, t, arm, at, used, strategy, rulebook, facts, history, text_for)
        if decision is not None and not decision.allowed:
            out.denials.update(decision.rule_ids)
        if status in GOES_AHEAD and t.capacity_group:
            used[t.capacity_group] += 1
        out.proposals.append(_new_proposal(item, arm, prob, seg_id, t, at, status, decision, text))
    return out


def _decide(
    item: PlanItem,
    t: Treatment,
    arm: str,
    at: datetime,
    used: Counter[str],
    strategy: Strategy,
    rulebook: Rulebook,
    facts: Mapping[str, ContactFacts],
    history: dict[str, list[PastContact]],
    text_for: Callable[[PlanItem, Treatment], str | None] | None,
) -> tuple[str, Decision | None, str | None]:
    if arm == CONTROL:
        return "control", None, None
    if item.on_hold:
        return "held", None, None
    if item.promise_pending and t.is_contact:
        return "promise_pending", None, None
    group = t.capacity_group
    if group and used[group] >= strategy.capacity.get(group, 0):
        return "over_capacity", None, None
    if not t.is_contact:
        return "action", None, None
    if t.channel == Channel.VISIT:
        # A visit is never requested by a plan: a person requests it and another approves it (visits.py).
        return ("visit_scheduled" if item.visit_today else "visit_needs_request"), None, None
    channel = Channel(t.channel)
    address = None
    if item.addresses is not None:
        address = item.addresses.get(channel.value)
        if not address:
            return "no_address", None, None
    text = None
    if text_for is not None and channel in MESSAGE_CHANNELS:
        text = text_for(item, t)
        if text is None:
            return "no_template", None, None
    known = facts.get(item.borrower_id) or ContactFacts(borrower_timezone=item.timezone)
    past = history.get(item.borrower_id)
    if past is None:
        past = history[item.borrower_id] = list(known.history)
    request = _new_request(
        jurisdiction=item.jurisdiction,
        channel=channel,
        recipient_role=RecipientRole.BORROWER,
        at=at,
        purpose=Purpose.SERVICE if item.dpd < 0 else Purpose.COLLECT,
        address=address,
        text=text,
    )
    seen = known if len(past) == len(known.history) else dataclasses.replace(known, history=tuple(past))
    decision = decide(request, seen, rulebook=rulebook)
    if not decision.allowed:
        return "denied", decision, text
    past.append(PastContact(channel, at, Outcome.NO_ANSWER if channel == Channel.CALL else Outcome.SENT))
    return "allowed", decision, text
