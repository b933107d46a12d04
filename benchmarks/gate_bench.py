"""Gate throughput: the compiled gate (``compliance.gate.decide``) against a straightforward implementation.

The baseline below is what one writes first: for every decision it walks the rulebook's raw YAML rules, parses
"HH:MM" strings, converts every history event to the borrower's local date, and computes ``next_allowed_at`` by
re-running the whole evaluation at each candidate instant. Both run on the same in-memory workload (no text: the
linter has its own benchmark) and must agree on every decision (allowed, rule ids, next_allowed_at).

    .venv/bin/python benchmarks/gate_bench.py [--n 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    HoldKind,
    Outcome,
    PastContact,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.gate import decide as gate_decide
from faircollect.compliance.rulebook import RULEBOOK_DIR, load_rulebook

OBLIGORS = {"borrower", "guarantor", "joint_debtor"}
UNREACHED = {"no_answer", "busy", "wrong_party", "invalid_number", "failed"}


# ------------------------------------------------------------------------------------------ the baseline


def _t(s: str) -> int:
    return int(s[:2]) * 60 + int(s[3:5])


def _in(m: int, start: int, end: int) -> bool:
    return start <= m < end if start < end else (m >= start or m < end)


def _wall(z: ZoneInfo, d: date, minutes: int) -> datetime:
    if minutes >= 1440:
        d, minutes = d + timedelta(days=1), minutes - 1440
    return datetime(d.year, d.month, d.day, minutes // 60, minutes % 60, tzinfo=z).astimezone(UTC)


def _lost(facts: ContactFacts, needed: int) -> bool:
    if facts.lost_contact:
        return True
    own = sorted((e for e in facts.history if e.recipient_role.value == "borrower"), key=lambda e: e.at)
    if own and own[-1].outcome.value == "invalid_number":
        return True
    return len(own) >= needed and all(e.outcome.value in UNREACHED for e in own[-needed:])


def _per_match(p: dict[str, Any], ev: PastContact, req: ContactRequest) -> bool:
    if p["per"] == "borrower":
        return True
    if ev.recipient_role != req.recipient_role:
        return False
    if (p["per"] == "address" or req.recipient_role.value not in OBLIGORS) and req.address is not None:
        return ev.address in (None, req.address)
    return True


def baseline_evaluate(
    book: dict[str, Any], req: ContactRequest, facts: ContactFacts, at: datetime
) -> list[tuple[str, bool, datetime | None]]:
    """Every refusing rule at ``at``: (id, timing-only, earliest instant worth trying)."""
    zones = [facts.borrower_timezone] if facts.borrower_timezone else list(book["candidate_timezones"])
    out: list[tuple[str, bool, datetime | None]] = []
    for rule in book["rules"]:
        if rule.get("enabled", True) is False or req.channel.value not in rule.get("channels", []):
            continue
        kind, p, rid = rule["kind"], rule.get("params") or {}, rule["id"]
        if kind == "quiet_hours":
            for zn in zones:
                z = ZoneInfo(zn)
                local = at.astimezone(z)
                start, end = _t(p["start"]), _t(p["end"])
                if p["agreement_override"] and facts.agreed_contact_window:
                    start, end = _t(facts.agreed_contact_window[0]), _t(facts.agreed_contact_window[1])
                m = local.hour * 60 + local.minute
                if not _in(m, start, end) or (local.second and not _in(m, start, end)):
                    day = local.date() + timedelta(days=1) if (start < end and m >= start) else local.date()
                    out.append((rid, True, _wall(z, day, start)))
        elif kind == "frequency":
            for zn in zones:
                z = ZoneInfo(zn)
                today = at.astimezone(z).date()
                counted = []
                for ev in facts.history:
                    if ev.channel.value not in p["count_channels"]:
                        continue
                    if p.get("count_outcomes") and ev.outcome.value not in p["count_outcomes"]:
                        continue
                    if not _per_match(p, ev, req):
                        continue
                    age = (today - ev.at.astimezone(z).date()).days
                    if 0 <= age < p["days"]:
                        counted.append(ev.at)
                if len(counted) >= p["max"]:
                    counted.sort(reverse=True)
                    d = counted[p["max"] - 1].astimezone(z).date() + timedelta(days=p["days"])
                    out.append((rid, True, _wall(z, d, 0)))
                if p.get("cooldown_days"):
                    convs = [
                        ev.at
                        for ev in facts.history
                        if ev.channel.value in p["count_channels"]
                        and ev.outcome.value in p["cooldown_outcomes"]
                        and (p["per"] == "borrower" or ev.recipient_role == req.recipient_role)
                        and 0 <= (today - ev.at.astimezone(z).date()).days < p["cooldown_days"]
                    ]
                    if convs:
                        d = max(convs).astimezone(z).date() + timedelta(days=p["cooldown_days"])
                        out.append((rid, True, _wall(z, d, 0)))
        elif kind == "recipients":
            if req.recipient_role.value not in p["roles"] and req.purpose.value == "collect":
                out.append((rid, False, None))
        elif kind == "registered_only":
            if req.recipient_role.value not in OBLIGORS and req.recipient_role.value not in p["roles"]:
                out.append((rid, False, None))
        elif kind == "third_party":
            if req.recipient_role.value in OBLIGORS:
                continue
            bad = (
                req.channel.value not in p["third_party_channels"]
                or req.purpose.value not in p["purposes"]
                or (p["require_lost_contact"] and not _lost(facts, p["consecutive_failed_attempts"]))
                or (p["stop_on_request"] and facts.third_party_stop_requested)
            )
            limit = p.get("max_contacts_per_address")
            if limit is not None:
                n = sum(
                    1
                    for e in facts.history
                    if e.address == req.address and e.recipient_role.value not in OBLIGORS
                )
                bad = bad or req.address is None or n >= limit
            if bad:
                out.append((rid, False, None))
        elif kind == "hold":
            if req.purpose.value in p["purposes"] and any(h.value in p["holds"] for h in facts.holds):
                out.append((rid, False, None))
        elif (kind == "opt_out" and req.channel in facts.opt_outs) or (
            kind == "consent" and req.channel not in facts.consents
        ):
            out.append((rid, False, None))
    return out


def baseline_decide(
    books: dict[str, Any], req: ContactRequest, facts: ContactFacts
) -> tuple[bool, frozenset[str], datetime | None]:
    book = books[req.jurisdiction]
    refused = baseline_evaluate(book, req, facts, req.at)
    if not refused:
        return True, frozenset(), None
    ids = frozenset(r[0] for r in refused)
    if not all(r[1] for r in refused):
        return False, ids, None
    t = req.at
    for _ in range(200):
        refused_t = baseline_evaluate(book, req, facts, t)
        if not refused_t:
            return False, ids, t
        cand = max(r[2] for r in refused_t if r[2] is not None)
        t = cand if cand > t else t + timedelta(minutes=1)
    return False, ids, None


# ------------------------------------------------------------------------------------------ workload


def workload(n: int, seed: int) -> list[tuple[ContactRequest, ContactFacts]]:
    rnd = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cases = []
    for _ in range(n):
        j = "CN" if rnd.random() < 0.6 else "US"
        at = start + timedelta(minutes=rnd.randrange(365 * 24 * 60))
        zones = (
            ["Asia/Shanghai"] if j == "CN" else ["America/New_York", "America/Chicago", "America/Los_Angeles"]
        )
        tz = None if rnd.random() < 0.1 else rnd.choice(zones)
        channel = rnd.choice([Channel.CALL, Channel.CALL, Channel.SMS, Channel.VOICEMAIL])
        role = rnd.choices(
            [RecipientRole.BORROWER, RecipientRole.GUARANTOR, RecipientRole.REGISTERED_CONTACT],
            [0.85, 0.1, 0.05],
        )[0]
        purpose = (
            Purpose.LOCATE
            if role == RecipientRole.REGISTERED_CONTACT and rnd.random() < 0.7
            else Purpose.COLLECT
        )
        history = tuple(
            PastContact(
                rnd.choice([Channel.CALL, Channel.CALL, Channel.SMS]),
                at - timedelta(minutes=rnd.randrange(8 * 24 * 60)),
                rnd.choice([Outcome.CONNECTED, Outcome.NO_ANSWER, Outcome.NO_ANSWER, Outcome.SENT]),
                address=rnd.choice(["13800138000", "13900139000"]),
                agency_id=rnd.choice([None, "agency_a", "agency_b"]),
            )
            for _ in range(rnd.randrange(13))
        )
        facts = ContactFacts(
            borrower_timezone=tz,
            history=history,
            holds=frozenset({HoldKind.DISPUTE}) if rnd.random() < 0.05 else frozenset(),
            opt_outs=frozenset({Channel.SMS}) if rnd.random() < 0.05 else frozenset(),
            consents=frozenset({Channel.SMS}) if rnd.random() < 0.8 else frozenset(),
            lost_contact=rnd.random() < 0.3,
        )
        cases.append((ContactRequest(j, channel, role, at, purpose=purpose, address="13800138000"), facts))
    return cases


#: CPU seconds of the best run of each ``_time`` call, by the id of the function timed (printed beside wall time).
CPU: dict[int, float] = {}


def _time(fn: Any, cases: list[tuple[ContactRequest, ContactFacts]], repeat: int) -> tuple[float, list[Any]]:
    best = float("inf")
    cpu = float("inf")
    results: list[Any] = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        results = [fn(r, f) for r, f in cases]
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    CPU[id(fn)] = cpu
    return best, results


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    books = {
        j: yaml.safe_load((Path(RULEBOOK_DIR) / f"{j.lower()}.yaml").read_text(encoding="utf-8"))
        for j in ("CN", "US")
    }
    cases = workload(args.n, args.seed)
    rulebooks = {j: load_rulebook(j) for j in ("CN", "US")}

    def decide(request: ContactRequest, facts: ContactFacts) -> Any:
        return gate_decide(request, facts, rulebook=rulebooks[request.jurisdiction])

    decide(*cases[0])  # compile the plans (once per rulebook, cached)
    print(f"before: {_load()}")

    def baseline(r: ContactRequest, f: ContactFacts) -> Any:
        return baseline_decide(books, r, f)

    t_base, base = _time(baseline, cases, args.repeat)
    t_gate, gate = _time(decide, cases, args.repeat)
    cpu_base, cpu_gate = CPU[id(baseline)], CPU[id(decide)]
    agree = sum(
        1
        for b, g in zip(base, gate, strict=True)
        if b == (g.allowed, frozenset() if g.allowed else frozenset(g.rule_ids), g.next_allowed_at)
    )
    denied = sum(1 for g in gate if not g.allowed)
    timed = sum(1 for g in gate if g.next_allowed_at is not None)
    print(
        f"gate benchmark: {args.n} decisions (CN 60% / US 40%, 0–12 history events, {denied} denied, "
        f"{timed} with next_allowed_at), best of {args.repeat}, one core"
    )
    print(f"{'implementation':<44}{'seconds':>10}{'decisions/s':>14}{'µs/decision':>14}{'CPU µs/dec.':>14}")
    for name, t, c in (
        ("baseline (raw YAML rules, per-call work)", t_base, cpu_base),
        ("faircollect gate.decide (compiled plan)", t_gate, cpu_gate),
    ):
        print(f"{name:<44}{t:>10.3f}{args.n / t:>14,.0f}{t / args.n * 1e6:>14.1f}{c / args.n * 1e6:>14.1f}")
    allowed = [c for c, g in zip(cases, gate, strict=True) if g.allowed]
    a_base, _ = _time(baseline, allowed, args.repeat)
    a_gate, _ = _time(decide, allowed, args.repeat)
    for name, t in (
        ("  allowed-only subset: baseline", a_base),
        ("  allowed-only subset: gate.decide", a_gate),
    ):
        print(f"{name:<44}{t:>10.3f}{len(allowed) / t:>14,.0f}{t / len(allowed) * 1e6:>14.1f}")
    print(
        f"speed-up: {t_base / t_gate:.1f}x (CPU {cpu_base / cpu_gate:.1f}x) · agreement (allowed, rule ids, "
        f"next_allowed_at): {agree}/{args.n}"
    )
    print(
        "target: the gate.decide figure unchanged by the privacy work (58,308 decisions/s on 2026-12-03, quiet)"
    )
    print(f"after: {_load()}")


if __name__ == "__main__":
    main()
