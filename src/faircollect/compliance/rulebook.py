"""Rulebooks as data: load and validate a jurisdiction's YAML file, apply a lender's overrides.

A lender may tighten any rule. Loosening a ``[C]`` (confirmed) rule is refused with an explanation; loosening any
other rule needs a reason, and every applied override is recorded in ``Rulebook.overrides`` (and, when stored in
the ``rule_override`` table, in the audit log).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from faircollect.compliance.contact import Channel, HoldKind, Outcome, Purpose, RecipientRole
from faircollect.kit.errors import ValidationError

RULEBOOK_DIR = Path(__file__).parent / "rulebooks"
JURISDICTIONS = ("CN", "US", "UK")
CONFIDENCES = ("C", "S", "M", "X", "derived", "policy")

KINDS = (
    "quiet_hours",
    "holiday",
    "frequency",
    "recipients",
    "registered_only",
    "third_party",
    "opt_out",
    "consent",
    "hold",
    "visit",
    "text",
    "principle",
)

# How each parameter is typed and which direction is stricter. Directions:
#   later / earlier: a "HH:MM" time; lower / higher: an int (None = no limit, the loosest);
#   true / false: the stricter boolean; subset / superset: a set (fewer / more members is stricter);
#   ordered:<a,b,c>: an enum where later members are stricter.
_ROLES = tuple(r.value for r in RecipientRole)
_CHANNELS = tuple(c.value for c in Channel)
_OUTCOMES = tuple(o.value for o in Outcome)
_PURPOSES = tuple(p.value for p in Purpose)
_HOLDS = tuple(h.value for h in HoldKind)

PARAM_SPECS: dict[str, dict[str, tuple[str, str]]] = {
    "quiet_hours": {
        "start": ("time", "later"),
        "end": ("time", "earlier"),
        "agreement_override": ("bool", "false"),
    },
    "holiday": {
        "mode": ("enum:none,window,block", "ordered"),
        "start": ("time", "later"),
        "end": ("time", "earlier"),
    },
    "frequency": {
        "max": ("int", "lower"),
        "days": ("int", "higher"),
        "count_channels": ("channels", "superset"),
        "count_outcomes": ("outcomes", "superset"),  # empty = every outcome (the strictest)
        "per": ("enum:address,recipient,borrower", "ordered"),
        "cooldown_days": ("int?", "higher"),
        "cooldown_outcomes": ("outcomes", "superset"),
    },
    "recipients": {"roles": ("roles", "subset")},
    "registered_only": {"roles": ("roles", "subset")},
    "third_party": {
        "purposes": ("purposes", "subset"),
        "require_lost_contact": ("bool", "true"),
        "consecutive_failed_attempts": ("int", "higher"),
        "stop_on_request": ("bool", "true"),
        "third_party_channels": ("channels", "subset"),
        "max_contacts_per_address": ("int?", "lower"),
    },
    "opt_out": {},
    "consent": {},
    "hold": {"holds": ("holds", "superset"), "purposes": ("purposes", "superset")},
    "visit": {"require_approval": ("bool", "true"), "require_window": ("bool", "true")},
    "text": {},
    # keep_years: how long records and the personal data in them are kept after the last activity on a
    # borrower's account; longer is stricter for record-keeping, so a lender may only raise it. The retention
    # run (privacy.retention) erases personal data past the longest keep_years of the borrower's rulebook.
    "principle": {"keep_years": ("int?", "higher")},
}
_REQUIRED_MESSAGES = ("deny_en", "deny_zh", "pass_en", "pass_zh")
_ENFORCED_KINDS = frozenset(KINDS) - {"principle"}


class RulebookError(ValidationError):
    """A rulebook file or an override that cannot be accepted (names the file and field)."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    confidence: str
    title_en: str
    title_zh: str
    statement: str
    channels: frozenset[Channel]
    params: Mapping[str, Any]
    citation: str
    enabled: bool = True
    note: str = ""
    enforced_by: str = ""
    policy_params: frozenset[str] = frozenset()
    linter_categories: tuple[str, ...] = ()
    deny_en: str = ""
    deny_zh: str = ""
    pass_en: str = ""
    pass_zh: str = ""

    @property
    def configurable(self) -> bool:
        """True when a lender may loosen it (with a reason): anything not confirmed, or a policy parameter."""
        return self.confidence != "C" or bool(self.policy_params)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "confidence": self.confidence,
            "enabled": self.enabled,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "statement": self.statement,
            "channels": sorted(c.value for c in self.channels),
            "params": _params_json(self.params),
            "citation": self.citation,
            "note": self.note,
            "enforced_by": self.enforced_by,
            "policy_params": sorted(self.policy_params),
            "linter_categories": list(self.linter_categories),
            "configurable": self.configurable,
        }


@dataclass(frozen=True, slots=True)
class AppliedOverride:
    """One lender change to one rule, as applied: what changed, which way, why and who."""

    rule: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    direction: str  # tighten | loosen | same
    reason: str
    actor: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "before": _params_json(self.before),
            "after": _params_json(self.after),
            "direction": self.direction,
            "reason": self.reason,
            "actor": self.actor,
        }


@dataclass(frozen=True, slots=True)
class Rulebook:
    jurisdiction: str
    version: str
    title_en: str
    title_zh: str
    default_timezone: str
    candidate_timezones: tuple[str, ...]
    holiday_calendar: str | None
    rules: tuple[Rule, ...]
    overrides: tuple[AppliedOverride, ...] = ()
    source: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RulebookError(f"no rule {rule_id!r} in the {self.jurisdiction} rulebook", field="rule")

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)

    @property
    def effective_version(self) -> str:
        """The file version, plus a digest of the overrides when a lender changed anything."""
        if not self.overrides:
            return self.version
        digest = hashlib.sha256(
            json.dumps([o.to_json() for o in self.overrides], sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()[:8]
        return f"{self.version}+{digest}"

    @property
    def history_days(self) -> int:
        """How many local days of contact history the longest-reaching rule needs (for loading facts)."""
        days = 1
        for r in self.rules:
            if r.enabled and r.kind == "frequency":
                days = max(days, int(r.params["days"]), int(r.params.get("cooldown_days") or 0))
        return days

    def to_json(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "version": self.effective_version,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "default_timezone": self.default_timezone,
            "candidate_timezones": list(self.candidate_timezones),
            "holiday_calendar": self.holiday_calendar,
            "rules": [r.to_json() for r in self.rules],
            "overrides": [o.to_json() for o in self.overrides],
        }


# ---------------------------------------------------------------------------------------------- parsing


def _params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        out[k] = sorted(v) if isinstance(v, frozenset) else v
    return out


def _err(msg: str, where: str, file: str) -> RulebookError:
    return RulebookError(msg, field=where, file=file)


def _parse_time(value: Any, where: str, file: str) -> str:
    text = str(value)
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        hint = (
            ' (YAML reads an unquoted 23:00 as the number 1380: write "23:00")'
            if isinstance(value, int)
            else ""
        )
        raise _err(f'expected a time "HH:MM", got {value!r}{hint}', where, file)
    h, m = int(parts[0]), int(parts[1])
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise _err(f"time out of range: {value!r}", where, file)
    return f"{h:02d}:{m:02d}"


def _parse_members(value: Any, allowed: Sequence[str], what: str, where: str, file: str) -> frozenset[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise _err(f"expected a list of {what}, got {value!r}", where, file)
    bad = [v for v in value if v not in allowed]
    if bad:
        raise _err(f"unknown {what} {bad!r}; allowed: {', '.join(allowed)}", where, file)
    return frozenset(str(v) for v in value)


def _parse_param(kind: str, name: str, value: Any, where: str, file: str) -> Any:
    spec = PARAM_SPECS[kind].get(name)
    if spec is None:
        allowed = ", ".join(PARAM_SPECS[kind]) or "none"
        raise _err(f"unknown parameter {name!r} for a {kind} rule (allowed: {allowed})", where, file)
    typ, _direction = spec
    if typ == "time":
        return _parse_time(value, where, file)
    if typ in ("int", "int?"):
        if value is None and typ == "int?":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _err(f"expected a whole number ≥ 0, got {value!r}", where, file)
        if name == "days" and value < 1:
            raise _err("days must be at least 1", where, file)
        return value
    if typ == "bool":
        if not isinstance(value, bool):
            raise _err(f"expected true or false, got {value!r}", where, file)
        return value
    if typ.startswith("enum:"):
        options = typ[5:].split(",")
        if value not in options:
            raise _err(f"expected one of {', '.join(options)}, got {value!r}", where, file)
        return value
    members = {
        "channels": (_CHANNELS, "channels"),
        "roles": (_ROLES, "recipient roles"),
        "outcomes": (_OUTCOMES, "outcomes"),
        "purposes": (_PURPOSES, "purposes"),
        "holds": (_HOLDS, "hold kinds"),
    }[typ]
    return _parse_members(value, members[0], members[1], where, file)


def _text(raw: Mapping[str, Any], key: str, where: str, file: str, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise _err(f"missing {key!r}", f"{where}.{key}", file)
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _err(f"{key!r} must be non-empty text", f"{where}.{key}", file)
    return value.strip()


def _check_template(template: str, where: str, file: str) -> None:
    import string

    try:
        list(string.Formatter().parse(template))
    except ValueError as exc:
        raise _err(f"bad message template: {exc}", where, file) from exc


def _parse_rule(raw: Any, where: str, file: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise _err("each rule must be a mapping", where, file)
    rid = _text(raw, "id", where, file)
    kind = _text(raw, "kind", where, file)
    if kind not in KINDS:
        raise _err(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}", f"{where}.kind", file)
    confidence = str(raw.get("confidence", ""))
    if confidence not in CONFIDENCES:
        raise _err(
            f"confidence must be one of {', '.join(CONFIDENCES)}, got {confidence!r}",
            f"{where}.confidence",
            file,
        )
    raw_params = raw.get("params") or {}
    if not isinstance(raw_params, Mapping):
        raise _err("params must be a mapping", f"{where}.params", file)
    params = {k: _parse_param(kind, k, v, f"{where}.params.{k}", file) for k, v in raw_params.items()}
    optional = ("int?", "outcomes")
    missing = [k for k in PARAM_SPECS[kind] if k not in params and PARAM_SPECS[kind][k][0] not in optional]
    if missing:
        raise _err(f"missing parameters {missing!r} for a {kind} rule", f"{where}.params", file)
    for k, (typ, _d) in PARAM_SPECS[kind].items():
        if typ.endswith("?"):
            params.setdefault(k, None)
        if typ == "outcomes":
            params.setdefault(k, frozenset())
    channels = _parse_members(raw.get("channels", []), _CHANNELS, "channels", f"{where}.channels", file)
    policy = raw.get("policy_params") or []
    unknown_policy = [p for p in policy if p not in params]
    if unknown_policy:
        raise _err(
            f"policy_params names unknown parameters {unknown_policy!r}", f"{where}.policy_params", file
        )
    from faircollect.compliance.linter.types import CATEGORIES

    cats = tuple(raw.get("linter_categories") or ())
    bad_cats = [c for c in cats if c not in CATEGORIES]
    if bad_cats:
        raise _err(f"unknown linter categories {bad_cats!r}", f"{where}.linter_categories", file)
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _err("enabled must be true or false", f"{where}.enabled", file)
    messages = {}
    for key in _REQUIRED_MESSAGES:
        messages[key] = _text(raw, key, where, file, required=kind in _ENFORCED_KINDS)
        _check_template(messages[key], f"{where}.{key}", file)
    if kind != "principle" and not channels and kind not in ("text",):
        raise _err("an enforced rule needs at least one channel", f"{where}.channels", file)
    return Rule(
        id=rid,
        kind=kind,
        confidence=confidence,
        title_en=_text(raw, "title_en", where, file),
        title_zh=_text(raw, "title_zh", where, file),
        statement=_text(raw, "statement", where, file),
        channels=frozenset(Channel(c) for c in channels),
        params=params,
        citation=_text(raw, "citation", where, file),
        enabled=enabled,
        note=_text(raw, "note", where, file, required=False),
        enforced_by=_text(raw, "enforced_by", where, file, required=False),
        policy_params=frozenset(str(p) for p in policy),
        linter_categories=cats,
        **messages,
    )


def parse_rulebook(data: Any, *, file: str = "<rulebook>") -> Rulebook:
    """Validate a rulebook document (already parsed from YAML); errors name the file and field."""
    if not isinstance(data, Mapping):
        raise _err("a rulebook must be a mapping", "", file)
    jurisdiction = _text(data, "jurisdiction", "", file).upper()
    version = str(data.get("version") or "")
    if not version:
        raise _err("missing 'version'", "version", file)
    default_tz = _text(data, "default_timezone", "", file)
    candidates = tuple(data.get("candidate_timezones") or (default_tz,))
    for i, tz in enumerate((default_tz, *candidates)):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _err(f"unknown IANA time zone {tz!r}", f"candidate_timezones[{i - 1}]", file) from exc
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _err("'rules' must be a non-empty list", "rules", file)
    rules = tuple(_parse_rule(r, f"rules[{i}]", file) for i, r in enumerate(raw_rules))
    seen: set[str] = set()
    for i, r in enumerate(rules):
        if r.id in seen:
            raise _err(f"duplicate rule id {r.id!r}", f"rules[{i}].id", file)
        if not r.id.startswith(jurisdiction + "-"):
            raise _err(f"rule id {r.id!r} must start with {jurisdiction}-", f"rules[{i}].id", file)
        seen.add(r.id)
    # One category → rule map: each linter category cites exactly one rule (the linter and the gate read it here).
    cited: dict[str, str] = {}
    for i, r in enumerate(rules):
        for cat in r.linter_categories:
            if cat in cited:
                raise _err(
                    f"linter category {cat!r} is already mapped to {cited[cat]}; each category maps to one rule",
                    f"rules[{i}].linter_categories",
                    file,
                )
            cited[cat] = r.id
    return Rulebook(
        jurisdiction=jurisdiction,
        version=version,
        title_en=_text(data, "title_en", "", file),
        title_zh=_text(data, "title_zh", "", file),
        default_timezone=default_tz,
        candidate_timezones=candidates,
        holiday_calendar=data.get("holiday_calendar"),
        rules=rules,
        source=file,
    )


@lru_cache(maxsize=8)
def _base_rulebook(jurisdiction: str) -> Rulebook:
    path = RULEBOOK_DIR / f"{jurisdiction.lower()}.yaml"
    if jurisdiction not in JURISDICTIONS or not path.exists():
        raise RulebookError(
            f"no rulebook for jurisdiction {jurisdiction!r}; available: {', '.join(JURISDICTIONS)}",
            field="jurisdiction",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulebookError(f"not valid YAML: {exc}", file=str(path)) from exc
    return parse_rulebook(data, file=path.name)


# ---------------------------------------------------------------------------------------------- overrides


def _compare(spec: tuple[str, str], old: Any, new: Any) -> str:
    """'tighten', 'loosen' or 'same' for one parameter change (mixed set changes count as loosening)."""
    typ, direction = spec
    if old == new:
        return "same"
    if typ == "time":
        later = new > old
        return "tighten" if later == (direction == "later") else "loosen"
    if typ in ("int", "int?"):
        if old is None:
            return "tighten" if direction == "lower" else "loosen"
        if new is None:
            return "loosen" if direction == "lower" else "tighten"
        return "tighten" if (new < old) == (direction == "lower") else "loosen"
    if typ == "bool":
        return "tighten" if new == (direction == "true") else "loosen"
    if typ.startswith("enum:"):
        order = typ[5:].split(",")
        return "tighten" if order.index(new) > order.index(old) else "loosen"
    # sets
    if typ == "outcomes":  # empty = every outcome
        old_set = old or frozenset(_OUTCOMES)
        new_set = new or frozenset(_OUTCOMES)
    else:
        old_set, new_set = old, new
    if old_set == new_set:
        return "same"
    if direction == "subset":
        return "tighten" if new_set <= old_set else "loosen"
    return "tighten" if new_set >= old_set else "loosen"


def _normalise_overrides(overrides: Any) -> list[dict[str, Any]]:
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        if "overrides" in overrides:
            return _normalise_overrides(overrides["overrides"])
        items = []
        for rid, body in overrides.items():
            if not isinstance(body, Mapping):
                raise RulebookError("each override must be a mapping", field=f"overrides.{rid}")
            items.append({"rule": rid, **body})
        return items
    if isinstance(overrides, Iterable) and not isinstance(overrides, str | bytes):
        out = []
        for i, o in enumerate(overrides):
            if hasattr(o, "rule_id") and hasattr(o, "params"):  # a RuleOverride row
                body = dict(o.params)
                top = {k: body.pop(k) for k in ("enabled", "channels") if k in body}
                out.append({"rule": o.rule_id, "params": body, **top, "reason": o.reason, "actor": o.actor})
            elif isinstance(o, Mapping):
                out.append(dict(o))
            else:
                raise RulebookError("each override must be a mapping", field=f"overrides[{i}]")
        return out
    raise RulebookError("overrides must be a mapping or a list", field="overrides")


def apply_overrides(base: Rulebook, overrides: Any) -> Rulebook:
    """Apply a lender's overrides: tightening is allowed; loosening a [C] rule is refused; loosening others needs a
    reason. Overrides are ``[{"rule", "params"?, "enabled"?, "channels"?, "reason", "actor"?}]`` or a mapping by id."""
    items = _normalise_overrides(overrides)
    rules = {r.id: r for r in base.rules}
    applied: list[AppliedOverride] = []
    for i, item in enumerate(items):
        where = f"overrides[{i}]"
        rid = item.get("rule") or item.get("rule_id")
        if rid not in rules:
            raise RulebookError(f"no rule {rid!r} in the {base.jurisdiction} rulebook", field=f"{where}.rule")
        rule = rules[rid]
        reason = str(item.get("reason") or "").strip()
        actor = str(item.get("actor") or "lender")
        if not reason:
            raise RulebookError(
                f"an override of {rid} needs a reason (it is recorded)", field=f"{where}.reason"
            )
        unknown = set(item) - {"rule", "rule_id", "params", "enabled", "channels", "reason", "actor"}
        if unknown:
            raise RulebookError(f"unknown override keys {sorted(unknown)!r}", field=where)
        new_params = dict(rule.params)
        directions: list[tuple[str, str, str]] = []  # (what, direction, policy?)
        for k, v in (item.get("params") or {}).items():
            new_value = _parse_param(rule.kind, k, v, f"{where}.params.{k}", "overrides")
            d = _compare(PARAM_SPECS[rule.kind][k], rule.params.get(k), new_value)
            directions.append((f"{k}: {_show(rule.params.get(k))} → {_show(new_value)}", d, k))
            new_params[k] = new_value
        if rule.kind == "quiet_hours" and _minutes(new_params["start"]) >= _minutes(new_params["end"]):
            raise RulebookError("the contact window must start before it ends", field=f"{where}.params")
        enabled = rule.enabled
        if "enabled" in item:
            enabled = bool(item["enabled"])
            if enabled != rule.enabled:
                directions.append(
                    (f"enabled: {rule.enabled} → {enabled}", "tighten" if enabled else "loosen", "")
                )
        channels = rule.channels
        if "channels" in item:
            raw_ch = _parse_members(item["channels"], _CHANNELS, "channels", f"{where}.channels", "overrides")
            channels = frozenset(Channel(c) for c in raw_ch)
            d = _compare(("channels", "superset"), rule.channels, channels)
            directions.append((f"channels: {_show(rule.channels)} → {_show(channels)}", d, ""))
        loosened = [(what, k) for what, d, k in directions if d == "loosen"]
        hard = [what for what, k in loosened if rule.confidence == "C" and k not in rule.policy_params]
        if hard:
            raise RulebookError(
                f"refused: {rid} is a confirmed [C] rule ({rule.citation.splitlines()[0][:160]}); "
                f"{'; '.join(hard)} would loosen it. A lender may only tighten a [C] rule.",
                field=f"{where}.params",
            )
        direction = (
            "loosen" if loosened else ("tighten" if any(d == "tighten" for _, d, _ in directions) else "same")
        )
        before = {**dict(rule.params), "enabled": rule.enabled, "channels": rule.channels}
        after = {**new_params, "enabled": enabled, "channels": channels}
        rules[rid] = replace(rule, params=new_params, enabled=enabled, channels=channels)
        applied.append(AppliedOverride(rid, before, after, direction, reason, actor))
    return replace(
        base,
        rules=tuple(rules[r.id] for r in base.rules),
        overrides=base.overrides + tuple(applied),
        _cache={},
    )


def _show(value: Any) -> str:
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"
    return str(value)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def load_rulebook(jurisdiction: str, *, overrides: Any = None) -> Rulebook:
    """The jurisdiction's rulebook (CN, US or UK), with a lender's overrides applied when given."""
    base = _base_rulebook(jurisdiction.upper())
    if not overrides:
        return base
    return apply_overrides(base, overrides)


def load_overrides_file(path: Path) -> list[dict[str, Any]]:
    """Read overrides from a YAML/JSON file (``overrides: [...]`` or a list)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:  # a directory, binary, not YAML
        raise RulebookError(f"cannot read overrides: {exc}", file=str(path)) from exc
    try:
        return _normalise_overrides(data)
    except RulebookError as exc:
        raise RulebookError(exc.message, field=exc.field, file=str(path)) from exc
