"""Import throughput on PostgreSQL: the bulk path beside the previous one (services row by row). Target: 10,000 rows
(loans + payments) a second end to end, i.e. 1,000,000 loans with 6,000,000 payments in 10 minutes.

    python benchmarks/import_bench.py [--loans 100000] [--payments-per-loan 6] [--baseline-loans 100]
                                      [--workers N] [--pg URL] [--dir /tmp/import-bench] [--no-rerun]

Writes a loans CSV and a payments CSV (varied principals, rates, terms, methods and start dates — so that the cap
check and the schedule are computed per loan, not served from a cache of a few shapes; ``--payments-per-loan``
monthly payments per loan, some partial), then, each in a fresh schema on the server (dropped afterwards):

* **bulk** (measured): ``faircollect import``'s path — read and validate every file whole (the cost-cap check in
  worker processes), then new loans in chunks of 5,000 (one replay per loan in worker processes, ``COPY`` for
  borrowers, loans, events and ledger entries, one audit record per chunk appended at the end), one transaction.
  Then the same files again: the re-run must write nothing (rows counted before and after).
* **baseline**: the previous write path on the first ``--baseline-loans`` loans (and their payments): after the same
  validation, ``create_borrower`` / ``create_loan`` / ``disburse`` / ``post_payment`` per row — one replay and one
  audit record per payment.

Prints rows (loans + payments) per second end to end (reading and validation included): wall time, CPU time of this
process and of its workers (``time.process_time`` / ``getrusage``), CPU time of the PostgreSQL backend that served
the import (``/proc/PID/stat`` of ``pg_backend_pid()``, when the server runs on this machine), peak resident memory,
and the load average before and after (a figure measured on a loaded machine is not the figure). Generated data
stays under ``--dir``, written row by row (``--loans 1000000`` never holds the book in memory to write it).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.ledger import importer

DEFAULT_PG = os.environ.get("DATABASE_URL_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_ROWS_PER_S = 10_000
LOAN_HEADER = [
    "external_ref",
    "borrower_ref",
    "borrower_name",
    "borrower_phone",
    "borrower_timezone",
    "principal",
    "annual_rate",
    "method",
    "term",
    "start_date",
    "disbursed_on",
]
#: (annual rate, method, term): a book of several products.
PRODUCTS = [
    ("0.0960", "equal_instalment", "12"),
    ("0.1200", "equal_instalment", "12"),
    ("0.1500", "equal_principal", "6"),
    ("0.1550", "equal_instalment", "24"),
    ("0.0850", "equal_principal", "12"),
]


def write_files(folder: Path, loans: int, per_loan: int) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    lpath, ppath = folder / f"loans-{loans}.csv", folder / f"payments-{loans}x{per_loan}.csv"
    # Loans start in 2025, so that their six monthly payments are all received by now (a payment dated after
    # today is refused, as by the API).
    start = date(2025, 1, 1)
    with (
        lpath.open("w", newline="", encoding="utf-8") as lf,
        ppath.open("w", newline="", encoding="utf-8") as pf,
    ):
        lw = csv.writer(lf)
        pw = csv.writer(pf)
        lw.writerow(LOAN_HEADER)
        pw.writerow(["loan_ref", "key", "date", "amount"])
        for n in range(loans):
            day = start + timedelta(days=(n * 13) % 365)
            rate, method, term = PRODUCTS[n % len(PRODUCTS)]
            principal = 1000 + (n * 7919) % 49000  # ~49,000 different amounts, with cents
            lw.writerow(
                [
                    f"L{n:07d}",
                    f"B{n:07d}",
                    f"借款人{n}",
                    f"+86139{n % 10**8:08d}",
                    "Asia/Shanghai",
                    f"{principal}.{(n * 37) % 100:02d}",
                    rate,
                    method,
                    term,
                    day.isoformat(),
                    day.isoformat(),
                ]
            )
            for k in range(per_loan):
                paid = day + timedelta(days=30 * (k + 1) + (n % 5))
                share = principal // int(term) + principal // 80  # about one instalment
                amount = share if (n + k) % 7 else share // 2  # some partial payments
                pw.writerow([f"L{n:07d}", f"bank-{n}-{k}", paid.isoformat(), f"{amount}.00"])
    return lpath, ppath


def head(path: Path, rows: int) -> Path:
    """The header and the first ``rows`` rows of a CSV (the baseline's sample)."""
    out = path.with_name(f"{path.stem}-head{rows}.csv")
    with path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i > rows:
                break
            dst.write(line)
    return out


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as c:
        out = {
            t: int(c.execute(select(func.count()).select_from(text(t))).scalar_one())
            for t in ("borrower", "loan", "loan_event", "ledger_entry", "audit_record")
        }
    engine.dispose()
    return out


class Schema:
    def __init__(self, server: str) -> None:
        self.server = server
        self.name = "bench_" + uuid.uuid4().hex[:10]
        sep = "&" if "?" in server else "?"
        self.url = f"{server}{sep}options=-csearch_path%3D{self.name}"

    def __enter__(self) -> Schema:
        admin = make_engine(self.server)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{self.name}"'))
        admin.dispose()
        upgrade(self.url)
        return self

    def __exit__(self, *exc: object) -> None:
        admin = make_engine(self.server)
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        admin.dispose()


def old_write(session: Any, loan_rows: list[Any], pay_rows: list[Any], actor: str = "system:import") -> None:
    """The write phase as it was before the bulk path: the services, row by row."""
    from faircollect.ledger import repository as repo
    from faircollect.ledger import service
    from faircollect.ledger.terms_json import terms_to_json

    borrowers = repo.borrowers_by_refs(session, [str(lr.borrower["external_ref"]) for lr in loan_rows])
    loans: dict[str, Any] = {}
    for lr in loan_rows:
        bref = str(lr.borrower["external_ref"])
        b = borrowers.get(bref)
        if b is None:
            b = service.create_borrower(
                session,
                name=str(lr.borrower["name"]),
                phone=lr.borrower["phone"],
                timezone=lr.borrower["timezone"],
                external_ref=bref,
                actor=actor,
            )
            borrowers[bref] = b
        loan = service.create_loan(
            session,
            borrower_id=b.id,
            terms={**terms_to_json(lr.parsed), "waterfall": lr.waterfall},
            external_ref=lr.ref,
            jurisdiction=lr.jurisdiction,
            approve=True,
            actor=actor,
        )
        for i, tranche in enumerate(lr.parsed.disbursements):
            service.disburse(
                session,
                loan_id=loan.id,
                date=max(tranche.date, lr.disbursed_on),
                amount_minor=tranche.amount_minor,
                key=f"disbursement-{i + 1}",
                actor=actor,
            )
        loans[lr.ref] = loan
    for p in sorted(pay_rows, key=lambda p: (p.loan_ref, p.date, p.row)):
        service.post_payment(
            session,
            loan_id=loans[p.loan_ref].id,
            key=p.key,
            date=p.date,
            amount_minor=p.amount_minor,
            actor=actor,
        )


def run(url: str, loans: Path, payments: Path, *, baseline: bool) -> tuple[float, float, float | None]:
    """(wall seconds, CPU seconds of this process and the worker processes it waited for, CPU seconds of the
    PostgreSQL backend serving the import — None when the server is not on this machine)."""
    t0 = time.perf_counter()
    c0 = _cpu()
    factory = session_factory(make_engine(url))
    backend: int | None = None
    s0 = None
    with unit_of_work(factory) as s:
        backend = int(s.execute(text("SELECT pg_backend_pid()")).scalar_one())
        s0 = _server_cpu(backend)
        if not baseline:
            importer.import_files(s, loans=loans, payments=payments)
        else:
            errors: list[Any] = []
            result = importer.ImportResult()
            lrows = importer._read_loans(s, loans, errors, result)
            for lr in lrows:
                importer._check_loan(s, lr, str(loans), errors)
            prows = importer._read_payments(s, payments, lrows, errors, result)
            assert not errors, errors[:3]
            old_write(s, lrows, prows)
    s1 = _server_cpu(backend)
    server = None if s0 is None or s1 is None else s1 - s0
    return time.perf_counter() - t0, _cpu() - c0, server


def _server_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a local PostgreSQL backend process (``/proc/PID/stat``), None if not readable."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _per_row(seconds: float | None, rows: int) -> str:
    return (
        "n/a (server not local)"
        if seconds is None
        else f"{seconds:.1f} s = {seconds / rows * 1e6:.0f} us/row"
    )


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loans", type=int, default=100_000)
    ap.add_argument("--payments-per-loan", type=int, default=6)
    ap.add_argument("--baseline-loans", type=int, default=100, help="0: skip the baseline")
    ap.add_argument("--workers", type=int, default=0, help="worker processes (default: the CPUs available)")
    ap.add_argument("--no-rerun", action="store_true", help="skip the re-run of the same files")
    ap.add_argument("--pg", default=DEFAULT_PG)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/import-bench"))
    args = ap.parse_args()
    if args.workers:
        os.environ["FAIRCOLLECT_IMPORT_WORKERS"] = str(args.workers)
    from faircollect.ledger.import_pool import default_workers

    lpath, ppath = write_files(args.dir, args.loans, args.payments_per_loan)
    rows = args.loans * (1 + args.payments_per_loan)
    print(f"files: {lpath} ({args.loans} loans), {ppath} ({args.loans * args.payments_per_loan} payments)")
    print(f"workers: {default_workers()}; before: {_load()} on {os.cpu_count()} CPUs", flush=True)
    with Schema(args.pg) as sch:
        took, cpu, server = run(sch.url, lpath, ppath, baseline=False)
        peak_mb = (
            max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            )
            / 1024
        )
        print(
            f"bulk     : {rows:>9} rows in {took:8.1f} s wall = {rows / took:9.0f} rows/s "
            f"(target >= {TARGET_ROWS_PER_S}: {'met' if rows / took >= TARGET_ROWS_PER_S else 'NOT met'}); "
            f"CPU {cpu:.1f} s = {cpu / rows * 1e6:.0f} us/row; server backend CPU {_per_row(server, rows)}; "
            f"peak RSS {peak_mb:.0f} MB; after: {_load()}",
            flush=True,
        )
        if not args.no_rerun:
            before = counts(sch.url)
            again, again_cpu, _again_server = run(sch.url, lpath, ppath, baseline=False)
            after = counts(sch.url)
            print(
                f"re-run   : {again:8.1f} s wall, CPU {again_cpu:.1f} s; rows before {before} / after {after}: "
                + ("nothing written" if before == after else "CHANGED"),
                flush=True,
            )
            if before != after:
                sys.exit(1)
    if args.baseline_loans:
        n = min(args.baseline_loans, args.loans)
        lsample = head(lpath, n)
        psample = head(ppath, n * args.payments_per_loan)
        with Schema(args.pg) as sch:
            took_old, cpu_old, _old_server = run(sch.url, lsample, psample, baseline=True)
        old_rows = n * (1 + args.payments_per_loan)
        print(
            f"baseline : {old_rows:>9} rows in {took_old:8.1f} s wall = {old_rows / took_old:9.0f} rows/s, "
            f"CPU {cpu_old / old_rows * 1e6:.0f} us/row (services row by row, same validation; first {n} loans); "
            f"{_load()}"
        )


if __name__ == "__main__":
    main()
