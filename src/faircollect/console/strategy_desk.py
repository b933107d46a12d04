"""The strategy desk: a strategy's YAML validated, compared with the live version, and tried on today's book.

``check_yaml`` and ``diff`` are pure; ``dry_run_summary`` summarises the plan table of a nightly run made with the
draft (the run writes nothing — see ``strategy_service.dry_run``). A draft goes live only with a higher version
than the live one, so every contact's logged ``strategy_key`` names exactly one text.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from faircollect.collections.strategy import Segment, Strategy, Treatment, parse_strategy
from faircollect.kit.errors import ValidationError


def check_yaml(text: str, *, file: str = "draft.yaml") -> Strategy:
    """Parse and validate a strategy's YAML; a bad one raises ``ValidationError`` naming the path inside it."""
    if not text.strip():
        raise ValidationError("the strategy is empty", file=file)
    try:
        obj = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise ValidationError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=file) from exc
    return parse_strategy(obj, file=file)


def _treatment_key(t: Treatment) -> str:
    parts = [f"dpd {t.at_dpd}", t.channel]
    if t.template:
        parts.append(t.template)
    if t.repeat_every_days:
        parts.append(f"every {t.repeat_every_days} d")
    if t.capacity_group:
        parts.append(f"capacity {t.capacity_group}")
    return " · ".join(parts)


def _segments(s: Strategy) -> dict[str, Segment]:
    out = {f"champion/{seg.id}": seg for seg in s.segments}
    for c in s.challengers:
        out.update({f"{c.id}/{seg.id}": seg for seg in c.segments})
    return out


@dataclass(frozen=True, slots=True)
class StrategyDiff:
    """What changes between the live strategy and a draft, in words and as a line diff of the YAML."""

    live_version: int | None
    draft_version: int
    changes: tuple[str, ...]
    unified: str

    @property
    def version_ok(self) -> bool:
        return self.live_version is None or self.draft_version > self.live_version


def diff(live: Strategy | None, live_text: str, draft: Strategy, draft_text: str) -> StrategyDiff:
    """Segments and treatments added, removed or changed; shares and capacities changed; and the YAML diff."""
    changes: list[str] = []
    if live is not None:
        if live.id != draft.id:
            changes.append(f"strategy id {live.id} → {draft.id}")
        a, b = _segments(live), _segments(draft)
        for k in sorted(set(b) - set(a)):
            changes.append(f"segment added: {k}")
        for k in sorted(set(a) - set(b)):
            changes.append(f"segment removed: {k}")
        for k in sorted(set(a) & set(b)):
            if a[k].when != b[k].when:
                changes.append(f"segment {k}: when changed")
            ta = {_treatment_key(t) for t in a[k].treatments}
            tb = {_treatment_key(t) for t in b[k].treatments}
            changes += [f"segment {k}: treatment added ({t})" for t in sorted(tb - ta)]
            changes += [f"segment {k}: treatment removed ({t})" for t in sorted(ta - tb)]
        arms_a, arms_b = dict(live.arms()), dict(draft.arms())
        for arm in sorted(set(arms_a) | set(arms_b)):
            if arms_a.get(arm) != arms_b.get(arm):
                changes.append(f"arm {arm}: share {arms_a.get(arm, 0)} → {arms_b.get(arm, 0)}")
        for g in sorted(set(live.capacity) | set(draft.capacity)):
            if live.capacity.get(g) != draft.capacity.get(g):
                changes.append(f"capacity {g}: {live.capacity.get(g)} → {draft.capacity.get(g)}")
        if live.visit_policy != draft.visit_policy:
            changes.append("visit policy changed")
    unified = "".join(
        difflib.unified_diff(
            live_text.splitlines(keepends=True),
            draft_text.splitlines(keepends=True),
            fromfile=f"live v{live.version}" if live else "live (none)",
            tofile=f"draft v{draft.version}",
        )
    )
    return StrategyDiff(
        live_version=live.version if live else None,
        draft_version=draft.version,
        changes=tuple(changes),
        unified=unified,
    )


@dataclass(frozen=True, slots=True)
class DryRun:
    """Today's plan under one strategy: proposals by status, by segment and channel, and gate denials by rule."""

    strategy_key: str
    proposals: int
    by_status: Mapping[str, int]
    by_segment_channel: Mapping[tuple[str, str], int]
    denials_by_rule: Mapping[str, int]


def dry_run_summary(strategy: Strategy, plan_rows: Iterable[Mapping[str, Any]]) -> DryRun:
    """Summarise a run's plan rows (``portfolio.propose`` plan table as dicts)."""
    by_status: Counter[str] = Counter()
    by_seg: Counter[tuple[str, str]] = Counter()
    denials: Counter[str] = Counter()
    n = 0
    for r in plan_rows:
        n += 1
        by_status[str(r["status"])] += 1
        by_seg[(str(r.get("segment") or ""), str(r["channel"]))] += 1
        if r["status"] == "denied" and r.get("rule_ids"):
            for rule in str(r["rule_ids"]).split(","):
                denials[rule] += 1
    return DryRun(
        strategy_key=f"{strategy.id}@{strategy.version}",
        proposals=n,
        by_status=dict(sorted(by_status.items())),
        by_segment_channel=dict(sorted(by_seg.items())),
        denials_by_rule=dict(sorted(denials.items())),
    )
