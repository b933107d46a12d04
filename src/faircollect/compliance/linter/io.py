"""JSON shapes shared by the CLI, the API and the corpus: ``{"id","text","context"?}`` in, a verdict out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faircollect.compliance.contact import Channel, RecipientRole
from faircollect.compliance.linter.types import Finding, LintContext, LintResult
from faircollect.kit.errors import ValidationError

_CONTEXT_KEYS = frozenset({"recipient_role", "channel", "visit_approved", "lawsuit_filed"})


def context_from_json(obj: Any, *, where: str = "context", row: int | None = None) -> LintContext:
    """Parse the optional ``context`` object; errors name the field (and the input line when given)."""
    if obj is None:
        return LintContext()
    if not isinstance(obj, Mapping):
        raise ValidationError("must be an object", field=where, row=row)
    unknown = sorted(set(obj) - _CONTEXT_KEYS)
    if unknown:
        raise ValidationError(
            f"unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(_CONTEXT_KEYS))}",
            field=where,
            row=row,
        )
    role_raw = obj.get("recipient_role", RecipientRole.BORROWER.value)
    try:
        role = RecipientRole(role_raw)
    except ValueError:
        raise ValidationError(
            f"{role_raw!r} is not one of {', '.join(r.value for r in RecipientRole)}",
            field=f"{where}.recipient_role",
            row=row,
        ) from None
    channel_raw = obj.get("channel")
    channel: Channel | None = None
    if channel_raw is not None:
        try:
            channel = Channel(channel_raw)
        except ValueError:
            raise ValidationError(
                f"{channel_raw!r} is not one of {', '.join(c.value for c in Channel)}",
                field=f"{where}.channel",
                row=row,
            ) from None
    flags: dict[str, bool] = {}
    for key in ("visit_approved", "lawsuit_filed"):
        value = obj.get(key, False)
        if not isinstance(value, bool):
            raise ValidationError("must be true or false", field=f"{where}.{key}", row=row)
        flags[key] = value
    return LintContext(recipient_role=role, channel=channel, **flags)


def finding_to_json(f: Finding) -> dict[str, Any]:
    return {
        "category": f.category,
        "rule": f.rule,
        "start": f.start,
        "end": f.end,
        "excerpt": f.excerpt,
        "explanation": f.explanation,
        "explanation_zh": f.explanation_zh,
        "severity": f.severity,
    }


def finding_from_json(obj: Mapping[str, Any]) -> Finding:
    """The inverse of ``finding_to_json`` (for stored verdicts)."""
    return Finding(
        category=str(obj["category"]),
        rule=str(obj["rule"]),
        start=int(obj["start"]),
        end=int(obj["end"]),
        excerpt=str(obj["excerpt"]),
        explanation=str(obj["explanation"]),
        severity=obj["severity"],
        explanation_zh=str(obj.get("explanation_zh", "")),
    )


def result_to_json(item_id: Any, result: LintResult) -> dict[str, Any]:
    return {
        "id": item_id,
        "verdict": result.verdict,
        "findings": [finding_to_json(f) for f in result.findings],
    }


def parse_item(obj: Any, *, row: int | None = None) -> tuple[Any, str, LintContext]:
    """One input item ``{"id","text","context"?}`` → (id, text, context)."""
    if not isinstance(obj, Mapping):
        raise ValidationError("each line must be a JSON object", row=row)
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValidationError("required, must be a string", field="text", row=row)
    return obj.get("id"), text, context_from_json(obj.get("context"), row=row)
