"""Collection strategies as data (催收策略): segments, timed treatments, champion/challenger arms.

Pure: no database, no web. A strategy is a versioned YAML file::

    id: cn-default
    version: 3
    jurisdiction: CN
    currency: CNY
    control_share: "0.05"          # no-treatment control group
    capacity: {calls: 400}         # per-day limits per capacity group
    segments:                      # first matching segment wins
      - id: early
        when: {dpd_max: 30}
        treatments:
          - {at_dpd: -3, channel: sms, template: reminder_pre_due, priority: 1}
          - {at_dpd: 3, channel: call, priority: 2, capacity_group: calls}
    challengers:
      - id: digital-first
        share: "0.10"
        segments: [...]            # same shape as the champion's

Assignment to an arm is a deterministic hash of (experiment, borrower id): the same borrower always lands in the
same arm of the same experiment, and the probability of that arm is known and logged with every contact, so that
later analysis can weight outcomes by it (inverse-probability weighting).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from faircollect.compliance.contact import Channel
from faircollect.kit.errors import ValidationError
from faircollect.kit.money import check_currency, to_minor

#: Treatments that are not a contact through the gate: they hand the case to people.
AGENCY = "agency"  # hand to a collection agency (委外)
LEGAL_REVIEW = "legal_review"  # refer to the legal team for review
ACTION_CHANNELS: frozenset[str] = frozenset({AGENCY, LEGAL_REVIEW})
TREATMENT_CHANNELS: frozenset[str] = frozenset({c.value for c in Channel}) | ACTION_CHANNELS

CHAMPION = "champion"
CONTROL = "control"


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """When a segment applies. ``None`` means no limit. Ranges are inclusive."""

    buckets: tuple[str, ...] | None = None
    dpd_min: int | None = None
    dpd_max: int | None = None
    balance_min_minor: int | None = None
    balance_max_minor: int | None = None
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    products: tuple[str, ...] | None = None
    flags_any: tuple[str, ...] | None = None  # at least one of these flags
    flags_none: tuple[str, ...] | None = None  # none of these flags

    def conditions(self) -> tuple[Condition, ...]:
        """The rule as data: every limit that is set, as (field, op, value). The one definition of what a rule
        means; ``matches`` evaluates it on one loan and ``portfolio.segments.rule_predicate`` on a whole book."""
        return _conditions(self)

    def _build_conditions(self) -> tuple[Condition, ...]:
        out: list[Condition] = []
        for name, op, value in (
            ("bucket", "in", self.buckets),
            ("dpd", "ge", self.dpd_min),
            ("dpd", "le", self.dpd_max),
            ("balance_minor", "ge", self.balance_min_minor),
            ("balance_minor", "le", self.balance_max_minor),
            ("score", "ge", self.score_min),  # an unknown score never passes a score limit
            ("score", "le", self.score_max),
            ("product", "in", self.products),
            ("flags", "any", self.flags_any),
            ("flags", "none", self.flags_none),
        ):
            if value is not None:
                out.append(Condition(name, op, value))
        return tuple(out)

    def matches(
        self,
        *,
        bucket: str | None,
        dpd: int,
        balance_minor: int,
        score: Decimal | None,
        product: str | None,
        flags: Iterable[str],
    ) -> bool:
        """True when every limit holds. A rule with a score limit never matches an unknown score."""
        row = {
            "bucket": bucket,
            "dpd": dpd,
            "balance_minor": balance_minor,
            "score": score,
            "product": product,
            "flags": flags if isinstance(flags, frozenset) else frozenset(flags),
        }
        return all(_holds(c, row[c.field]) for c in _conditions(self))


@dataclass(frozen=True, slots=True)
class Condition:
    """One limit of a segment rule: ``field op value`` with op in (in, ge, le, any, none); null never passes."""

    field: str
    op: str
    value: Any


@functools.lru_cache(maxsize=4096)
def _conditions(rule: SegmentRule) -> tuple[Condition, ...]:
    return rule._build_conditions()


def _holds(c: Condition, value: Any) -> bool:
    if c.op == "any":
        return bool(value.intersection(c.value))
    if c.op == "none":
        return not value.intersection(c.value)
    if value is None:
        return False
    if c.op == "in":
        return value in c.value
    if c.op == "ge":
        return bool(value >= c.value)
    if c.op == "le":
        return bool(value <= c.value)
    raise ValueError(f"unknown condition op {c.op!r}")


@dataclass(frozen=True, slots=True)
class Treatment:
    """One step: on day ``at_dpd`` (negative = before the due date), contact by ``channel`` with ``template``.

    ``priority``: lower runs first. ``repeat_every_days``: repeat every N days after ``at_dpd`` while the segment
    applies. ``capacity_group``: counts against the strategy's per-day capacity for that group.
    """

    at_dpd: int
    channel: str
    template: str | None = None
    priority: int = 100
    capacity_group: str | None = None
    repeat_every_days: int | None = None

    @property
    def is_contact(self) -> bool:
        """True for a contact that passes the gate (sms, call, visit ...); False for agency / legal hand-offs."""
        return self.channel not in ACTION_CHANNELS


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    when: SegmentRule
    treatments: tuple[Treatment, ...]


@dataclass(frozen=True, slots=True)
class Challenger:
    """A challenger arm: its own segments, served to ``share`` of borrowers."""

    id: str
    share: Decimal
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class VisitPolicy:
    """Prerequisites for a field visit (上门/外访), the governed last resort. Configurable per strategy."""

    min_dpd: int = 61
    required_failed_channels: tuple[str, ...] = ("sms", "call")  # each tried at least once without a result
    min_balance_minor: int = 0
    no_hold: bool = True
    min_staff: int = 2


@dataclass(frozen=True, slots=True)
class Strategy:
    id: str
    version: int
    jurisdiction: str
    segments: tuple[Segment, ...]
    challengers: tuple[Challenger, ...] = ()
    control_share: Decimal = Decimal(0)
    currency: str = "CNY"
    experiment: str = ""  # defaults to the strategy id: assignment is stable across versions
    capacity: Mapping[str, int] = field(default_factory=dict)
    visit_policy: VisitPolicy = field(default_factory=VisitPolicy)
    description: str = ""

    @property
    def key(self) -> str:
        """``id@version``, logged with every contact the strategy plans."""
        return f"{self.id}@{self.version}"

    @property
    def experiment_id(self) -> str:
        return self.experiment or self.id

    @property
    def champion_share(self) -> Decimal:
        return Decimal(1) - self.control_share - sum((c.share for c in self.challengers), Decimal(0))

    def arms(self) -> list[tuple[str, Decimal]]:
        """Every arm with its share, in hash order: control, challengers, champion."""
        out = [(CONTROL, self.control_share)] if self.control_share > 0 else []
        out += [(c.id, c.share) for c in self.challengers]
        out.append((CHAMPION, self.champion_share))
        return out

    def segments_for_arm(self, arm: str) -> tuple[Segment, ...]:
        """The segments an arm uses; the control group has none (it gets no treatment)."""
        if arm == CHAMPION:
            return self.segments
        if arm == CONTROL:
            return ()
        for c in self.challengers:
            if c.id == arm:
                return c.segments
        raise ValidationError(f"strategy {self.key} has no arm {arm!r}", field="arm")


# --- evaluation -----------------------------------------------------------------------------------------------


def segment_for(
    strategy: Strategy,
    *,
    bucket: str | None,
    dpd: int,
    balance_minor: int,
    score: Decimal | None = None,
    product: str | None = None,
    flags: Iterable[str] = (),
    arm: str = CHAMPION,
) -> Segment | None:
    """The first segment of ``arm`` (champion by default) whose rule matches; None when none does."""
    flag_tuple = tuple(flags)
    for seg in strategy.segments_for_arm(arm):
        if seg.when.matches(
            bucket=bucket,
            dpd=dpd,
            balance_minor=balance_minor,
            score=score,
            product=product,
            flags=flag_tuple,
        ):
            return seg
    return None


def treatments_due(segment: Segment, dpd: int) -> list[Treatment]:
    """Treatments that fall on ``dpd`` (exactly, or on a repeat day), lowest priority number first."""
    due = []
    for t in segment.treatments:
        if dpd == t.at_dpd or (
            t.repeat_every_days and dpd > t.at_dpd and (dpd - t.at_dpd) % t.repeat_every_days == 0
        ):
            due.append(t)
    return sorted(due, key=lambda t: (t.priority, t.at_dpd, t.channel))


_SCALE = 1 << 64


@functools.lru_cache(maxsize=1 << 17)
def assignment_point(experiment: str, borrower_id: str) -> Decimal:
    """A uniform point in [0, 1) from SHA-256 of ``experiment:borrower_id`` (stable across runs and machines)."""
    digest = hashlib.sha256(f"{experiment}:{borrower_id}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big")) / Decimal(_SCALE)


def assign_arm(strategy: Strategy, borrower_id: str) -> tuple[str, Decimal]:
    """The borrower's arm in the strategy's experiment and that arm's assignment probability."""
    return arm_at(strategy.arms(), assignment_point(strategy.experiment_id, borrower_id))


def arm_at(arms: Sequence[tuple[str, Decimal]], point: Decimal) -> tuple[str, Decimal]:
    """The arm (of ``Strategy.arms()``) whose share covers ``point``: ``assign_arm`` once the arms are known (a
    caller assigning many borrowers computes them once)."""
    lower = Decimal(0)
    for name, share in arms:
        if share > 0 and point < lower + share:
            return name, share
        lower += share
    return arms[-1]  # rounding slack at the very top belongs to the champion


# --- loading --------------------------------------------------------------------------------------------------


class _Ctx:
    """Carries the file name into every error so that it names file and path (``segments[2].channel``)."""

    def __init__(self, file: str) -> None:
        self.file = file

    def err(self, path: str, message: str) -> ValidationError:
        return ValidationError(message, file=self.file, field=path)

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.err(path, f"expected a mapping, got {type(value).__name__}")
        return value

    def seq(self, value: Any, path: str) -> Sequence[Any]:
        if not isinstance(value, list):
            raise self.err(path, f"expected a list, got {type(value).__name__}")
        return value

    def known_keys(self, obj: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        allowed_set = set(allowed)
        for key in obj:
            if key not in allowed_set:
                where = f"{path}.{key}" if path else str(key)
                raise self.err(
                    where, f"unknown key {key!r}; expected one of {', '.join(sorted(allowed_set))}"
                )

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.err(path, "expected a non-empty string")
        return value.strip()

    def integer(self, value: Any, path: str, *, minimum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.err(path, f"expected an integer, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.err(path, f"must be ≥ {minimum}, got {value}")
        return value

    def decimal(self, value: Any, path: str) -> Decimal:
        if isinstance(value, float):
            raise self.err(path, f'write decimals as strings ("{value}"), never floats')
        if isinstance(value, bool):
            raise self.err(path, f"expected a decimal, got {value!r}")
        try:
            dec = Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise self.err(path, f"not a decimal: {value!r}") from exc
        if not dec.is_finite():
            raise self.err(path, f"not a finite decimal: {value!r}")
        return dec

    def share(self, value: Any, path: str) -> Decimal:
        dec = self.decimal(value, path)
        if dec < 0 or dec > 1:
            raise self.err(path, f"a share must be between 0 and 1, got {value}")
        return dec

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        items = self.seq(value, path)
        return tuple(self.text(v, f"{path}[{i}]") for i, v in enumerate(items))


_RULE_KEYS = (
    "buckets",
    "dpd_min",
    "dpd_max",
    "balance_min",
    "balance_max",
    "balance_min_minor",
    "balance_max_minor",
    "score_min",
    "score_max",
    "products",
    "flags_any",
    "flags_none",
)
_TREATMENT_KEYS = ("at_dpd", "channel", "template", "priority", "capacity_group", "repeat_every_days")


def _parse_rule(ctx: _Ctx, raw: Any, path: str, currency: str) -> SegmentRule:
    if raw is None:
        return SegmentRule()
    obj = ctx.mapping(raw, path)
    ctx.known_keys(obj, _RULE_KEYS, path)

    def opt_int(key: str) -> int | None:
        return ctx.integer(obj[key], f"{path}.{key}") if obj.get(key) is not None else None

    def money(key: str) -> int | None:
        minor_key = f"{key}_minor"
        if obj.get(key) is not None and obj.get(minor_key) is not None:
            raise ctx.err(f"{path}.{key}", f"give {key} or {minor_key}, not both")
        if obj.get(minor_key) is not None:
            return ctx.integer(obj[minor_key], f"{path}.{minor_key}", minimum=0)
        if obj.get(key) is not None:
            if isinstance(obj[key], float):
                raise ctx.err(f"{path}.{key}", "write amounts as decimal strings, never floats")
            try:
                return to_minor(str(obj[key]), currency, field=key)
            except ValidationError as exc:
                raise ctx.err(f"{path}.{key}", exc.message) from exc
        return None

    def opt_dec(key: str) -> Decimal | None:
        return ctx.decimal(obj[key], f"{path}.{key}") if obj.get(key) is not None else None

    def opt_strs(key: str) -> tuple[str, ...] | None:
        return ctx.strings(obj[key], f"{path}.{key}") if obj.get(key) is not None else None

    rule = SegmentRule(
        buckets=opt_strs("buckets"),
        dpd_min=opt_int("dpd_min"),
        dpd_max=opt_int("dpd_max"),
        balance_min_minor=money("balance_min"),
        balance_max_minor=money("balance_max"),
        score_min=opt_dec("score_min"),
        score_max=opt_dec("score_max"),
        products=opt_strs("products"),
        flags_any=opt_strs("flags_any"),
        flags_none=opt_strs("flags_none"),
    )
    for lo, hi, name in (
        (rule.dpd_min, rule.dpd_max, "dpd"),
        (rule.balance_min_minor, rule.balance_max_minor, "balance"),
        (rule.score_min, rule.score_max, "score"),
    ):
        if lo is not None and hi is not None and lo > hi:
            raise ctx.err(f"{path}.{name}_min", f"{name}_min ({lo}) is above {name}_max ({hi})")
    return rule


def _parse_treatment(ctx: _Ctx, raw: Any, path: str) -> Treatment:
    obj = ctx.mapping(raw, path)
    ctx.known_keys(obj, _TREATMENT_KEYS, path)
    if "at_dpd" not in obj:
        raise ctx.err(f"{path}.at_dpd", "missing: the day (days past due; negative = before due) to act")
    if "channel" not in obj:
        raise ctx.err(f"{path}.channel", "missing")
    channel = ctx.text(obj["channel"], f"{path}.channel").lower()
    if channel not in TREATMENT_CHANNELS:
        raise ctx.err(
            f"{path}.channel",
            f"unknown channel {obj['channel']!r}; expected one of {', '.join(sorted(TREATMENT_CHANNELS))}",
        )
    template = obj.get("template")
    if template is not None:
        template = ctx.text(template, f"{path}.template")
    if (
        channel in {Channel.SMS, Channel.EMAIL, Channel.IM, Channel.LETTER, Channel.VOICEMAIL}
        and not template
    ):
        raise ctx.err(f"{path}.template", f"a {channel} treatment needs a template key")
    repeat = obj.get("repeat_every_days")
    return Treatment(
        at_dpd=ctx.integer(obj["at_dpd"], f"{path}.at_dpd"),
        channel=channel,
        template=template,
        priority=ctx.integer(obj.get("priority", 100), f"{path}.priority"),
        capacity_group=(
            ctx.text(obj["capacity_group"], f"{path}.capacity_group") if obj.get("capacity_group") else None
        ),
        repeat_every_days=ctx.integer(repeat, f"{path}.repeat_every_days", minimum=1)
        if repeat is not None
        else None,
    )


def _parse_segments(ctx: _Ctx, raw: Any, path: str, currency: str) -> tuple[Segment, ...]:
    items = ctx.seq(raw, path)
    if not items:
        raise ctx.err(path, "at least one segment is needed")
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        p = f"{path}[{i}]"
        obj = ctx.mapping(item, p)
        ctx.known_keys(obj, ("id", "when", "treatments"), p)
        if "id" not in obj:
            raise ctx.err(f"{p}.id", "missing")
        seg_id = ctx.text(obj["id"], f"{p}.id")
        if seg_id in seen:
            raise ctx.err(f"{p}.id", f"duplicate segment id {seg_id!r}")
        seen.add(seg_id)
        treatments = ctx.seq(obj.get("treatments", []), f"{p}.treatments")
        out.append(
            Segment(
                id=seg_id,
                when=_parse_rule(ctx, obj.get("when"), f"{p}.when", currency),
                treatments=tuple(
                    _parse_treatment(ctx, t, f"{p}.treatments[{j}]") for j, t in enumerate(treatments)
                ),
            )
        )
    return tuple(out)


def _parse_visit_policy(ctx: _Ctx, raw: Any, currency: str) -> VisitPolicy:
    if raw is None:
        return VisitPolicy()
    path = "visit_policy"
    obj = ctx.mapping(raw, path)
    keys = ("min_dpd", "required_failed_channels", "min_balance", "min_balance_minor", "no_hold", "min_staff")
    ctx.known_keys(obj, keys, path)
    default = VisitPolicy()
    min_balance = default.min_balance_minor
    if obj.get("min_balance_minor") is not None:
        min_balance = ctx.integer(obj["min_balance_minor"], f"{path}.min_balance_minor", minimum=0)
    elif obj.get("min_balance") is not None:
        try:
            min_balance = to_minor(str(obj["min_balance"]), currency, field="min_balance")
        except ValidationError as exc:
            raise ctx.err(f"{path}.min_balance", exc.message) from exc
    channels = default.required_failed_channels
    if obj.get("required_failed_channels") is not None:
        channels = ctx.strings(obj["required_failed_channels"], f"{path}.required_failed_channels")
        for i, ch in enumerate(channels):
            if ch not in {c.value for c in Channel}:
                raise ctx.err(f"{path}.required_failed_channels[{i}]", f"unknown channel {ch!r}")
    no_hold = obj.get("no_hold", default.no_hold)
    if not isinstance(no_hold, bool):
        raise ctx.err(f"{path}.no_hold", "expected true or false")
    if no_hold is False:
        # A hold (dispute, complaint, hardship, cease-contact) stops every contact; a visit is a contact.
        raise ctx.err(
            f"{path}.no_hold", "visits are never allowed while a hold is active; no_hold must be true"
        )
    return VisitPolicy(
        min_dpd=ctx.integer(obj.get("min_dpd", default.min_dpd), f"{path}.min_dpd", minimum=1),
        required_failed_channels=channels,
        min_balance_minor=min_balance,
        no_hold=True,
        min_staff=ctx.integer(obj.get("min_staff", default.min_staff), f"{path}.min_staff", minimum=2),
    )


_TOP_KEYS = (
    "id",
    "version",
    "jurisdiction",
    "currency",
    "description",
    "experiment",
    "control_share",
    "capacity",
    "segments",
    "challengers",
    "visit_policy",
)


def parse_strategy(obj: Any, *, file: str = "<strategy>") -> Strategy:
    """Validate a strategy mapping (as loaded from YAML); errors name the file and the path inside it."""
    ctx = _Ctx(file)
    top = ctx.mapping(obj, "")
    ctx.known_keys(top, _TOP_KEYS, "")
    for key in ("id", "version", "segments"):
        if key not in top:
            raise ctx.err(key, "missing")
    currency_raw = top.get("currency", "CNY")
    try:
        currency = check_currency(str(currency_raw))
    except ValidationError as exc:
        raise ctx.err("currency", exc.message) from exc
    jurisdiction = ctx.text(top.get("jurisdiction", "CN"), "jurisdiction").upper()
    segments = _parse_segments(ctx, top["segments"], "segments", currency)
    control = ctx.share(top.get("control_share", "0"), "control_share")
    challengers = []
    seen = {CHAMPION, CONTROL}
    for i, raw in enumerate(ctx.seq(top.get("challengers", []), "challengers")):
        p = f"challengers[{i}]"
        c = ctx.mapping(raw, p)
        ctx.known_keys(c, ("id", "share", "segments"), p)
        for key in ("id", "share", "segments"):
            if key not in c:
                raise ctx.err(f"{p}.{key}", "missing")
        cid = ctx.text(c["id"], f"{p}.id")
        if cid in seen:
            raise ctx.err(
                f"{p}.id", f"arm id {cid!r} is taken (champion, control and challengers are unique)"
            )
        seen.add(cid)
        challengers.append(
            Challenger(
                id=cid,
                share=ctx.share(c["share"], f"{p}.share"),
                segments=_parse_segments(ctx, c["segments"], f"{p}.segments", currency),
            )
        )
    capacity: dict[str, int] = {}
    if top.get("capacity") is not None:
        cap = ctx.mapping(top["capacity"], "capacity")
        for k, v in cap.items():
            capacity[str(k)] = ctx.integer(v, f"capacity.{k}", minimum=0)
    strategy = Strategy(
        id=ctx.text(top["id"], "id"),
        version=ctx.integer(top["version"], "version", minimum=1),
        jurisdiction=jurisdiction,
        segments=segments,
        challengers=tuple(challengers),
        control_share=control,
        currency=currency,
        experiment=ctx.text(top["experiment"], "experiment") if top.get("experiment") else "",
        capacity=capacity,
        visit_policy=_parse_visit_policy(ctx, top.get("visit_policy"), currency),
        description=str(top.get("description") or ""),
    )
    if strategy.champion_share <= 0:
        raise ctx.err(
            "challengers",
            f"control_share plus challenger shares is {1 - strategy.champion_share}; "
            "it must leave the champion a share above 0",
        )
    groups = {t.capacity_group for seg in _all_segments(strategy) for t in seg.treatments if t.capacity_group}
    for g in sorted(groups - set(capacity)):
        raise ctx.err("capacity", f"capacity group {g!r} is used by a treatment but has no daily limit")
    return strategy


def _all_segments(strategy: Strategy) -> list[Segment]:
    return list(strategy.segments) + [s for c in strategy.challengers for s in c.segments]


def load_strategy(path: str | Path) -> Strategy:
    """Load and validate a strategy YAML file. Errors name the file and the path, e.g. ``segments[2].channel``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot read strategy file: {exc.strerror or exc}", file=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"cannot read strategy file: not UTF-8 text (byte {exc.start}: {exc.reason})", file=str(p)
        ) from None
    try:
        obj = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(f"not valid YAML: {exc}", file=str(p)) from exc
    return parse_strategy(obj, file=str(p))


#: The built-in example strategies, shipped inside the package (``faircollect/collections/strategies/``).
STRATEGIES_DIR = Path(__file__).resolve().parent / "strategies"


def default_strategy_path(jurisdiction: str = "CN") -> Path:
    """The example strategy for a jurisdiction (``collections/strategies/cn-default.yaml`` ...)."""
    return STRATEGIES_DIR / f"{jurisdiction.lower()}-default.yaml"
