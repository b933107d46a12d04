"""A borrower's postal address, for letters: set one, or import many (all-or-nothing, idempotent), sealed at rest.

The address is a personal field like the phone: ``Borrower.address`` is ``privacy.Sealed`` (ciphertext in
``borrower.address_enc`` under the borrower's data key; erasing the borrower erases it), shown masked
(``kit.masking.mask_postal_address``) unless revealed with a reason. Audit records name the borrower, never the
address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.text import check_text
from faircollect.ledger.models import Borrower

MAX_LENGTH: Final = 300
MAX_LINES: Final = 6
MAX_ROWS: Final = 10_000


def check_address(
    value: str | None, *, field: str = "address", row: int | None = None, file: str | None = None
) -> str | None:
    """A clean postal address (trimmed lines, 3–300 characters, at most 6 lines), or None for "no address"."""
    if value is None:
        return None
    try:
        text = check_text(str(value), field=field, max_length=MAX_LENGTH * 2)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field, row=row, file=file) from exc
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    cleaned = "\n".join(lines)
    if not cleaned:
        return None
    if len(cleaned) < 3:
        raise ValidationError("a postal address needs at least 3 characters", field=field, row=row, file=file)
    if len(cleaned) > MAX_LENGTH:
        msg = f"is {len(cleaned)} characters long; at most {MAX_LENGTH} allowed"
        raise ValidationError(msg, field=field, row=row, file=file)
    if len(lines) > MAX_LINES:
        raise ValidationError(f"at most {MAX_LINES} lines", field=field, row=row, file=file)
    return cleaned


def set_address(session: Session, *, borrower_id: str, address: str | None, actor: str) -> Borrower:
    """Set (or clear, with None) a borrower's postal address; audited when it changes, a no-op when it does not."""
    b = session.get(Borrower, borrower_id)
    if b is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    cleaned = check_address(address)
    if b.address != cleaned:
        b.address = cleaned
        audit.record(
            session,
            actor=actor,
            action="ledger.borrower.address_set" if cleaned else "ledger.borrower.address_cleared",
            subject_type="borrower",
            subject_id=b.id,
        )
        session.flush()
    return b


def import_addresses(
    session: Session, rows: Sequence[Mapping[str, str | None]], *, actor: str, file: str | None = None
) -> tuple[int, int]:
    """Addresses for many borrowers, each row naming ``borrower_ref`` (the lender's reference) or ``borrower_id``.

    Every row is checked before anything is written (an error names the row and field); a row whose address is
    already on file changes nothing, so a re-run writes nothing. Returns (changed, unchanged)."""
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"at most {MAX_ROWS:,} rows per import", field="rows", file=file)
    refs = {str(r["borrower_ref"]) for r in rows if r.get("borrower_ref")}
    ids = {str(r["borrower_id"]) for r in rows if r.get("borrower_id")}
    by_ref = {
        b.external_ref: b for b in session.scalars(select(Borrower).where(Borrower.external_ref.in_(refs)))
    }
    by_id = {b.id: b for b in session.scalars(select(Borrower).where(Borrower.id.in_(ids)))}
    plan: list[tuple[Borrower, str | None]] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        ref, bid = r.get("borrower_ref"), r.get("borrower_id")
        if bool(ref) == bool(bid):
            raise ValidationError(
                "give either borrower_ref or borrower_id", field="borrower_ref", row=i, file=file
            )
        b = by_ref.get(str(ref)) if ref else by_id.get(str(bid))
        if b is None:
            field = "borrower_ref" if ref else "borrower_id"
            raise ValidationError(f"no borrower {ref or bid!r}", field=field, row=i, file=file)
        if b.id in seen:
            msg = f"the same borrower as row {seen[b.id]}"
            raise ValidationError(msg, field="borrower_ref" if ref else "borrower_id", row=i, file=file)
        seen[b.id] = i
        plan.append((b, check_address(r.get("address"), row=i, file=file)))
    changed = 0
    for b, address in plan:
        if b.address != address:
            changed += 1
            set_address(session, borrower_id=b.id, address=address, actor=actor)
    return changed, len(plan) - changed
