"""``POST /v1/compliance/lint``: the same shapes as ``faircollect lint`` (one item per request)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from faircollect.api.deps import Permission, Principal, require
from faircollect.compliance.contact import Channel, RecipientRole
from faircollect.compliance.linter.decoding import unreadable
from faircollect.compliance.linter.engine import lint
from faircollect.compliance.linter.rules import JURISDICTIONS
from faircollect.compliance.linter.types import LintContext
from faircollect.kit.errors import ValidationError
from faircollect.kit.types import MAX_MESSAGE_CHARS

router = APIRouter(tags=["compliance"])


class LintContextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_role: RecipientRole = RecipientRole.BORROWER
    channel: Channel | None = None
    visit_approved: bool = Field(
        default=False, description="A field visit really was approved (a factual notice is lawful)."
    )
    lawsuit_filed: bool = Field(
        default=False, description="A lawsuit really was filed (a factual notice is lawful)."
    )


class LintRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Any = None
    text: str = Field(max_length=MAX_MESSAGE_CHARS, description="The message to check.")
    context: LintContextIn | None = None
    jurisdiction: str = Field(default="CN", description="Rulebook: CN, US or UK.")

    @field_validator("jurisdiction")
    @classmethod
    def _known_jurisdiction(cls, value: str) -> str:
        code = value.upper()
        if code not in JURISDICTIONS:
            raise ValueError(f"unknown jurisdiction {value!r}; expected one of {', '.join(JURISDICTIONS)}")
        return code


class FindingOut(BaseModel):
    category: str
    rule: str = Field(description="Rule id from the rulebook, e.g. CN-PROHIBIT-VISIT-THREAT.")
    start: int = Field(description="Start offset (characters) in the original text.")
    end: int = Field(description="End offset (exclusive) in the original text.")
    excerpt: str
    explanation: str
    explanation_zh: str
    severity: str = Field(description="block or warn")


class LintResponse(BaseModel):
    id: Any = None
    verdict: str = Field(description="ok, warn or block")
    findings: list[FindingOut]


@router.post("/compliance/lint", response_model=LintResponse)
def lint_message(body: LintRequest, principal: Principal = require(Permission.LINT)) -> LintResponse:
    """Lint one message; the verdict is block when any prohibited content is found. A text that carries
    undecodable characters (lone surrogates, U+FFFD) cannot be checked and is refused (422)."""
    why = unreadable(body.text)
    if why:
        raise ValidationError(f"text cannot be checked: {why}", field="text")
    c = body.context or LintContextIn()
    result = lint(
        body.text,
        LintContext(
            recipient_role=c.recipient_role,
            channel=c.channel,
            visit_approved=c.visit_approved,
            lawsuit_filed=c.lawsuit_filed,
        ),
        jurisdiction=body.jurisdiction,
    )
    return LintResponse(
        id=body.id,
        verdict=result.verdict,
        findings=[
            FindingOut(
                category=f.category,
                rule=f.rule,
                start=f.start,
                end=f.end,
                excerpt=f.excerpt,
                explanation=f.explanation,
                explanation_zh=f.explanation_zh,
                severity=f.severity,
            )
            for f in result.findings
        ],
    )
