"""The twin held to its original: every run replays a random sample of loans with the ledger core and fails loudly
on any difference from the compiled kernel.

The kernel (``portfolio/kernel.py``) is a second implementation of ``ledger.replay`` and ``ledger.caps``; the
property test (``tests/portfolio/test_kernel_properties.py``) and the differential test hold it to the core in CI.
This check does the same in production, on the lender's own book, every night: up to ``sample`` loans (default
1,000) among those whose ledger terms the snapshot carries (``terms`` table: the ``--database`` export writes every
loan's, the generator those with prepayments plus a random share) are replayed with the core (``fallback
.core_outputs``: ``replay`` on both days, ``caps.lawfully_collectable``) and compared figure by figure with the
kernel's row. Any difference raises :class:`TwinDrift` naming the loans and figures — nothing is written. The seed
is drawn fresh each run and written in the run's notes, so a failure can be replayed.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from faircollect.kit.errors import FaircollectError
from faircollect.ledger.allocation import waterfall_from_text
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Component, Pause, Payment, PrepaymentMode, Waiver, WriteOff
from faircollect.portfolio.fallback import AnyEvent, core_outputs
from faircollect.portfolio.kernel import OUTPUTS

DEFAULT_SAMPLE = 1_000
#: Compared on every sampled loan: every kernel output but the flag that sends a loan to the core.
COMPARED = tuple(name for name, _ in OUTPUTS if name != "partial_prepayment")


class TwinDrift(FaircollectError):
    """The compiled kernel and the ledger core disagree on a loan: the run stops before writing anything."""

    status = 500


def choose(candidates: np.ndarray, sample: int, seed: int) -> np.ndarray:
    """Up to ``sample`` loan numbers drawn without replacement from ``candidates`` (sorted)."""
    if len(candidates) <= sample:
        return np.sort(candidates)
    return np.sort(np.random.default_rng(seed).choice(candidates, size=sample, replace=False))


def new_seed() -> int:
    return secrets.randbits(32)


def check(small: dict[str, pa.Table], kernel_rows: pa.Table, as_of: date) -> list[str]:
    """Compare the kernel's rows (``kernel_rows``) with the core on the same loans; ``small``: the snapshot's rows
    of those loans (loans, borrowers, terms, payments, pauses, waivers, write_offs). Returns the differences."""
    terms_of = {r["loan_no"]: r["terms_json"] for r in small["terms"].to_pylist()}
    events: dict[int, list[AnyEvent]] = defaultdict(list)
    for r in _rows(small, "payments"):
        mode = PrepaymentMode(r["prepayment"]) if r["prepayment"] else None
        events[r["loan_no"]].append(Payment(r["key"], r["date"], r["amount_minor"], mode))
    for r in _rows(small, "pauses"):
        events[r["loan_no"]].append(Pause(r["key"], r["start"], r["end"]))
    for r in _rows(small, "waivers"):
        events[r["loan_no"]].append(Waiver(r["key"], r["date"], Component(r["component"]), r["amount_minor"]))
    for r in _rows(small, "write_offs"):
        events[r["loan_no"]].append(WriteOff(r["key"], r["date"]))
    loans = {r["loan_no"]: r for r in small["loans"].to_pylist()}
    juris = {r["borrower_no"]: r["jurisdiction"] for r in small["borrowers"].to_pylist()}
    problems = []
    for got in kernel_rows.to_pylist():
        n = got["loan_no"]
        loan = loans[n]
        terms = parse_terms(json.loads(terms_of[n]), where=f"terms.parquet, loan {loan['loan_id']}")
        want = core_outputs(
            terms,
            events[n],  # in the order the snapshot holds them: the core orders a day's events itself
            as_of,
            waterfall=waterfall_from_text(loan.get("waterfall")),
            jurisdiction=juris.get(loan["borrower_no"]) or "CN",
        )
        bad = {k: (got[k], want[k]) for k in COMPARED if _value(got[k]) != _value(want[k])}
        if bad:
            problems.append(f"loan {loan['loan_id']}: (kernel, core) {bad}")
    return problems


def _rows(small: dict[str, pa.Table], name: str) -> list[dict[str, Any]]:
    t = small.get(name)
    return [] if t is None else t.to_pylist()


def _value(v: Any) -> Any:
    return bool(v) if isinstance(v, bool | np.bool_) else v


def fail_on(problems: list[str], checked: int, seed: int) -> None:
    """Raise :class:`TwinDrift` when there is any difference."""
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise TwinDrift(
            f"the compiled kernel differs from the ledger core on {len(problems)} of {checked} sampled loan(s) "
            f"(seed {seed}): {shown}{more}",
            field="kernel",
        )


@dataclass
class Pending:
    """A twin check running beside the rest of the run (a thread: the core's replay is Python, and it overlaps
    with the DuckDB and Numba stages, which release the GIL): the run resolves it with :func:`finish` before it
    writes anything, so a difference still stops the run before any write. Made by :func:`prepare` and started by
    :func:`begin` (:func:`start`: both)."""

    job: tuple[dict[str, pa.Table], pa.Table, date] | None
    pool: ThreadPoolExecutor
    checked: int
    seed: int
    future: Future[list[str]] | None = None


def prepare(small: dict[str, pa.Table], kernel_rows: pa.Table, as_of: date, seed: int) -> Pending:
    """:func:`check`'s job, not started yet (:func:`begin`)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="twin-check")
    return Pending((small, kernel_rows, as_of), pool, kernel_rows.num_rows, seed)


def begin(pending: Pending) -> Pending:
    """Start :func:`check` in the pending check's worker thread (once); the caller goes on with the run meanwhile."""
    if pending.future is None and pending.job is not None:
        pending.future = pending.pool.submit(check, *pending.job)
        pending.job = None
    return pending


def start(small: dict[str, pa.Table], kernel_rows: pa.Table, as_of: date, seed: int) -> Pending:
    """:func:`check` in a worker thread; the caller goes on with the run meanwhile."""
    return begin(prepare(small, kernel_rows, as_of, seed))


def finish(pending: Pending, notes: list[str] | None = None) -> int:
    """Wait for the check (started here if it was not); raise :class:`TwinDrift` on any difference; returns the
    number of loans checked."""
    try:
        future = begin(pending).future
        assert future is not None
        problems = future.result()
    finally:
        pending.pool.shutdown()
    fail_on(problems, pending.checked, pending.seed)
    if notes is not None:
        notes.append(
            f"twin check: {pending.checked} loan(s) replayed by the ledger core (seed {pending.seed}): no difference"
        )
    return pending.checked
