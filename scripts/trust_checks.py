"""Issue 14's audit and erasure claims, shown on a copy of a demo database with the real CLI.

    faircollect demo --database-url sqlite:///$PWD/demo.sqlite3 --loans 40 --months 3 --days 2 --no-nightly
    python scripts/trust_checks.py demo.sqlite3      # in the folder where the demo left its keys and receipts

Each check works on its own copy of the database (the original is not touched) and runs ``faircollect audit
verify`` as an operator would, with the demo's audit key, receipt sink and KEK:

1. **erasure**: one borrower pays their loan off, complains (the text sealed) and is answered; ``faircollect
   retention run`` years later destroys their data key; their name, phone and complaint text read as nothing; the
   audit chain still verifies (exit 0).
2. **tail cut + head rewritten**: the last records and their checkpoints are deleted and the head set back — the
   database alone is consistent, ``audit verify`` names the cut from the receipts (exit 1).
3. **records rewritten after a checkpoint**: the records after the last-but-one checkpoint are altered with every
   hash recomputed, the later checkpoint deleted and the head updated — ``audit verify`` names the stretch (exit 1).

SQLite only (on PostgreSQL the append-only triggers refuse the attacks' UPDATE and DELETE in the first place: see
``tests/compliance/test_audit_receipts.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select, update

from faircollect.collections.contacts import answer_complaint, log_complaint
from faircollect.collections.models import CollectionCase, Complaint
from faircollect.collections.service import close_case
from faircollect.compliance.audit.chain import record_hash
from faircollect.compliance.audit.models import AuditCheckpoint, AuditHead, AuditRecord
from faircollect.db import make_engine, session_factory
from faircollect.kit.time import utc_now
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower, Loan

RECEIPTS = "faircollect-audit-receipts.jsonl"
#: The demo's keys (read only); each check gets its own copy of the database and of the receipt file.
KEYS: dict[str, Path] = {}


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FAIRCOLLECT_AUDIT_KEY_FILE": str(KEYS["audit"]),
        "FAIRCOLLECT_AUDIT_SINK": f"file:{folder / RECEIPTS}",
        "FAIRCOLLECT_KEK_FILE": str(KEYS["kek"]),
    }


def _cli(folder: Path, *args: str) -> int:
    print("$ faircollect " + " ".join(args))
    done = subprocess.run(
        ["faircollect", *args], env=_env(folder), capture_output=True, text=True, check=False
    )
    print((done.stdout + done.stderr).rstrip())
    print(f"(exit {done.returncode})\n")
    return done.returncode


def _copy(src: Path, name: str) -> tuple[Path, str]:
    """A folder ``check-<name>`` beside the demo holding a copy of its database and of its receipts."""
    folder = src.parent / f"check-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    dst = folder / src.name
    shutil.copyfile(src, dst)
    shutil.copyfile(src.parent / RECEIPTS, folder / RECEIPTS)
    return dst, f"sqlite:///{dst}"


def erasure(src: Path) -> bool:
    path, url = _copy(src, "erasure")
    os.environ.update(_env(path.parent))
    engine = make_engine(url)
    sq = session_factory(engine)
    with sq.begin() as s:
        loan = s.execute(select(Loan).order_by(Loan.id).limit(1)).scalar_one()
        bid, today = loan.borrower_id, date(2026, 6, 1)
        st = ledger.loan_state(s, loan.id, today)
        owed = st.overdue_minor + st.principal_outstanding_minor
        ledger.post_payment(
            s,
            loan_id=loan.id,
            key="payoff",
            date=today,
            amount_minor=owed,
            prepayment="reduce_term",
            actor="t",
        )
        case = s.execute(
            select(CollectionCase).where(CollectionCase.open_key == loan.id)
        ).scalar_one_or_none()
        if case is not None:
            close_case(s, case, reason="paid", on=today, actor="t")
        c = log_complaint(
            s,
            borrower_id=bid,
            kind="complaint",
            channel="phone",
            summary="他们半夜打电话到我单位",
            received_at=utc_now(),
            actor="agent:t",
        )
        answer_complaint(s, complaint_id=c.id, answer="已核实并致歉", actor="agent:u")
    with sq() as s:
        b = s.get(Borrower, bid)
        assert b is not None
        status = s.execute(select(Loan.status).where(Loan.id == loan.id)).scalar_one()
        print(f"borrower {bid} before: name={b.name!r} phone={b.phone!r}; loan {status}")
    code = _cli(
        path.parent, "retention", "run", "--database-url", url, "--as-of", "2040-01-01T00:00:00+00:00"
    )
    with sq() as s:
        b = s.get(Borrower, bid)
        assert b is not None
        cmp_ = s.get(Complaint, c.id)
        assert cmp_ is not None
        print(
            f"borrower {bid} after: name={b.name!r} phone={b.phone!r} email={b.email!r}; "
            f"complaint summary={cmp_.summary!r} answer={cmp_.answer!r}\n"
        )
        erased = b.name is None and b.phone is None and cmp_.summary is None
    engine.dispose()
    verified = _cli(path.parent, "audit", "verify", "--database-url", url) == 0
    shutil.rmtree(path.parent)
    return code == 0 and erased and verified


def tail_cut(src: Path) -> bool:
    path, url = _copy(src, "tailcut")
    engine = make_engine(url)
    with session_factory(engine).begin() as s:
        head = s.get(AuditHead, 1)
        assert head is not None
        end = head.last_seq
        keep = end - 6
        s.execute(delete(AuditRecord).where(AuditRecord.seq > keep))
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > keep))
        last = s.execute(select(AuditRecord).where(AuditRecord.seq == keep)).scalar_one()
        cp = s.execute(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq.desc()).limit(1)).scalar()
        s.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_seq=keep, last_hash=last.hash, last_checkpoint_seq=cp or 0)
        )
    engine.dispose()
    print(f"attack: records {keep + 1}..{end} deleted with their checkpoints, head set to {keep}")
    code = _cli(path.parent, "audit", "verify", "--database-url", url)
    shutil.rmtree(path.parent)
    return code == 1


def rewritten(src: Path) -> bool:
    path, url = _copy(src, "rewrite")
    engine = make_engine(url)
    with session_factory(engine).begin() as s:
        cps = list(s.execute(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq)).scalars())
        if len(cps) < 2:
            print("the demo left fewer than two checkpoints: nothing to rewrite after\n")
            return False
        base = cps[-2]
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > base))
        rows = s.execute(
            select(AuditRecord).where(AuditRecord.seq >= base).order_by(AuditRecord.seq)
        ).scalars()
        rows = list(rows)
        prev = rows[0].hash
        for r in rows[1:]:
            if r.seq == base + 2:
                r.actor = "someone-else"
            r.prev_hash = prev
            r.hash = record_hash(prev, r.body())
            prev = r.hash
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev, last_checkpoint_seq=base))
    engine.dispose()
    print(
        f"attack: record {base + 2} altered, records {base + 1}..{rows[-1].seq} re-hashed, checkpoints after "
        f"{base} deleted, head updated"
    )
    code = _cli(path.parent, "audit", "verify", "--database-url", url)
    shutil.rmtree(path.parent)
    return code == 1


def main() -> int:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "demo.sqlite3").resolve()
    KEYS.update(audit=src.parent / "faircollect-audit.key", kek=src.parent / "faircollect-kek.key")
    print(f"on copies of {src} (and of its receipt file)\n")
    print("== the original ==")
    _cli(src.parent, "audit", "verify", "--database-url", f"sqlite:///{src}")
    results = {}
    for name, check in (("erasure", erasure), ("tail cut", tail_cut), ("rewrite", rewritten)):
        print(f"== {name} ==")
        results[name] = check(src)
    print(
        "results: "
        + ", ".join(f"{k}: {'as claimed' if ok else 'NOT as claimed'}" for k, ok in results.items())
    )
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
