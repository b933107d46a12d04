"""Subject access: everything held about a borrower, machine-readable (PIPL Art. 45, GDPR Art. 15).

Generic on purpose, so that a table added later is exported without anyone remembering to: every table with a
``borrower_id`` column, every table with a ``loan_id`` column for the borrower's loans, every table whose foreign
key points at a row already exported (a case's events, a complaint's extensions, a message's receipts), the
borrower row itself and the audit records about any of these rows. Sealed fields are opened (and their blind
indexes left out), and so is free text sealed inside JSON payloads (``privacy.payload``); an erased borrower's
sealed fields come back as null.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from faircollect.db import Base, import_all_models
from faircollect.kit.errors import NotFound
from faircollect.kit.time import utc_now
from faircollect.privacy.payload import open_sealed
from faircollect.privacy.sealed import REGISTRY, Sealed, subject_of_row
from faircollect.privacy.vault import Item, decrypt_many, is_erased

#: Tables that are about the system, not the person (keys themselves, locks), never exported.
_SKIP = {"data_key", "borrower_contact_lock"}
_CHUNK = 500


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _sealed_fields(table: Table) -> tuple[type | None, dict[str, Sealed]]:
    for model, fields in REGISTRY.items():
        if getattr(model, "__table__", None) is table:
            return model, fields
    return None, {}


def _rows(session: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    rows = [dict(r._mapping) for r in session.execute(select(table).where(where)).all()]
    model, fields = _sealed_fields(table)
    if model is not None and fields and rows:
        items = [
            Item(subject_of_row(model, r), f.field_name, r.get(f.enc)) for r in rows for f in fields.values()
        ]
        opened = iter(decrypt_many(session, items))
        for r in rows:
            for f in fields.values():
                r[f.name] = next(opened)
                r.pop(f.enc, None)
                if f.bidx:
                    r.pop(f.bidx, None)
    return [{k: _plain(v) for k, v in sorted(r.items())} for r in rows]


def export_borrower(session: Session, borrower_id: str) -> dict[str, Any]:
    """Every row about the borrower, grouped by table, with sealed fields opened."""
    import_all_models()
    tables = Base.metadata.tables
    borrower = tables["borrower"]
    me = _rows(session, borrower, borrower.c.id == borrower_id)
    if not me:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    loan = tables["loan"]
    loan_ids = [
        r[0] for r in session.execute(select(loan.c.id).where(loan.c.borrower_id == borrower_id)).all()
    ]
    held: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(tables):
        t = tables[name]
        if name in _SKIP or name in ("borrower", "audit_record"):
            continue
        if "borrower_id" in t.c:
            rows = _rows(session, t, t.c.borrower_id == borrower_id)
        elif "loan_id" in t.c and loan_ids:
            rows = _rows(session, t, t.c.loan_id.in_(loan_ids))
        else:
            continue
        if rows:
            held[name] = rows
    # One step along the foreign keys: rows that belong to a row already exported (case events, receipts, ...).
    for name in sorted(tables):
        t = tables[name]
        if name in _SKIP or name in held or name in ("borrower", "audit_record"):
            continue
        found: list[dict[str, Any]] = []
        for fk in t.foreign_keys:
            parent = fk.column.table.name
            if parent not in held or fk.column.name != "id":
                continue
            ids = [r["id"] for r in held[parent]]
            for i in range(0, len(ids), _CHUNK):
                found += _rows(session, t, fk.parent.in_(ids[i : i + _CHUNK]))
        if found:
            held[name] = list({r.get("id", i): r for i, r in enumerate(found)}.values())
    audit = tables["audit_record"]
    subjects = [borrower_id, *loan_ids, *(str(r["id"]) for rows in held.values() for r in rows if "id" in r)]
    records: dict[Any, dict[str, Any]] = {}
    for i in range(0, len(subjects), _CHUNK):
        for r in _rows(session, audit, audit.c.subject_id.in_(subjects[i : i + _CHUNK])):
            records[r["seq"]] = r
    held["audit_record"] = [records[k] for k in sorted(records)]
    for rows in held.values():
        for r in rows:
            if isinstance(r.get("payload"), dict):
                r["payload"] = open_sealed(session, borrower_id, r["payload"])
    return {
        "format": "faircollect.subject-export.v1",
        "generated_at": utc_now().isoformat(),
        "borrower_id": borrower_id,
        "erased": is_erased(session, borrower_id),
        "borrower": me[0],
        "held": held,
    }
