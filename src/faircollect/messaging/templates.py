"""Message templates: versioned per key, channel and language; linted when saved; rendered safely.

Rendering uses Jinja2's ``SandboxedEnvironment`` with ``StrictUndefined``. A template may use only the whitelisted
variables in ``VARIABLES`` (checked when it is saved), and variable values are plain text: a value such as
``{{ 7*7 }}`` is printed as it is, never evaluated, because Jinja never re-parses what a variable holds. Autoescape
is off because SMS and plain-text e-mail are not HTML.

Every template is linted (``compliance.linter.lint``) on a sample rendering with the channel's context when saved, and
refused with the findings if the verdict is ``block``. The gate lints the real text again at plan and send time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel, RecipientRole
from faircollect.config import get_settings
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now
from faircollect.messaging.models import MessageTemplate

LANGUAGES = ("zh-CN", "zh-TW", "en")

#: Placeholder a rendering carries when no verification code was given; ``outbox.enqueue`` replaces it with the
#: message's own code, so that every message carries a code even when rendered before it is enqueued.
CODE_PLACEHOLDER = "[[VCODE]]"

#: The only variables a template may use, with the sample value used to lint it when saved.
VARIABLES: dict[str, str] = {
    "lender_name": "示例金融",
    "borrower_name": "张三",
    "amount_due": "1,234.56",
    "currency": "CNY",
    "due_date": "2026-03-15",
    "days_past_due": "5",
    "loan_ref": "LN-0001",
    "case_ref": "CS-0001",
    "service_phone": "400-000-0000",
    "agency_name": "示例资产管理",
    "agent_id": "A1024",
    "promise_amount": "500.00",
    "promise_date": "2026-03-20",
    "visit_date": "2026-03-22",
    "visit_window": "10:00-12:00",
    "court_name": "示例区人民法院",
    "case_number": "(2026)示01民初1号",
    "payment_link": "https://pay.example.com/x",
    "verification_code": "7K3M9QXA",
    "verify_url": "https://verify.example.com",
}


class TemplateRefused(ValidationError):
    """A template the linter blocks, or one that uses code or variables outside the whitelist."""

    def __init__(self, message: str, *, findings: list[dict[str, Any]] | None = None, field: str = "body"):
        super().__init__(message, field=field)
        self.findings = findings or []

    def as_dict(self) -> dict[str, object]:
        body = super().as_dict()
        body["findings"] = self.findings
        return body


@dataclass(frozen=True, slots=True)
class TemplateView:
    key: str
    channel: str
    language: str
    version: int
    body: str
    lint_verdict: str
    lint_findings: list[dict[str, Any]]
    created_by: str
    created_at: datetime
    requires_visit_approved: bool
    requires_lawsuit_filed: bool


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, auto_reload=False
    )


_ENV = _env()


def _compile_checked(body: str) -> None:
    """Parse ``body``; refuse syntax errors and any variable outside the whitelist."""
    try:
        ast = _ENV.parse(body)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(f"template syntax error on line {exc.lineno}: {exc.message}") from exc
    unknown = sorted(meta.find_undeclared_variables(ast) - VARIABLES.keys())
    if unknown:
        raise TemplateRefused(
            f"template uses variables outside the whitelist: {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(VARIABLES))}"
        )


def _finding_dict(f: object) -> dict[str, Any]:
    if is_dataclass(f) and not isinstance(f, type):
        d = asdict(f)
    else:  # pragma: no cover - defensive: the linter returns dataclasses
        d = {k: getattr(f, k) for k in ("category", "rule", "start", "end", "excerpt", "explanation")}
    return {k: (str(v) if not isinstance(v, int | str | type(None)) else v) for k, v in d.items()}


def lint_template(
    body: str,
    *,
    channel: str,
    language: str,
    recipient_role: str = RecipientRole.BORROWER.value,
    requires_visit_approved: bool = False,
    requires_lawsuit_filed: bool = False,
    jurisdiction: str = "CN",
) -> tuple[str, list[dict[str, Any]]]:
    """Render ``body`` with sample values and lint it; return (verdict, findings). Raises on bad syntax/variables."""
    from faircollect.compliance.linter import LintContext, lint

    _compile_checked(body)
    try:
        sample = _render_text(body, dict(VARIABLES))
    except ValidationError as exc:  # e.g. an attribute the sandbox hides: not a usable template
        raise TemplateRefused(f"template cannot be rendered: {exc.message}") from exc
    context = LintContext(
        recipient_role=RecipientRole(recipient_role),
        channel=Channel(channel),
        visit_approved=requires_visit_approved,
        lawsuit_filed=requires_lawsuit_filed,
    )
    result = lint(sample, context, jurisdiction=jurisdiction)
    return str(result.verdict), [_finding_dict(f) for f in result.findings]


def save_template(
    session: Session,
    *,
    key: str,
    channel: str,
    language: str,
    body: str,
    created_by: str,
    recipient_role: str = RecipientRole.BORROWER.value,
    requires_visit_approved: bool = False,
    requires_lawsuit_filed: bool = False,
    jurisdiction: str = "CN",
) -> MessageTemplate:
    """Lint and store a new version of a template; refuse it (``TemplateRefused`` with findings) if blocked."""
    key = key.strip()
    if not key or len(key) > 80:
        raise ValidationError("template key must be 1–80 characters", field="key")
    if language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(LANGUAGES)}", field="language")
    try:
        Channel(channel)
    except ValueError as exc:
        raise ValidationError(f"unknown channel {channel!r}", field="channel") from exc
    try:
        RecipientRole(recipient_role)
    except ValueError as exc:
        raise ValidationError(f"unknown recipient role {recipient_role!r}", field="recipient_role") from exc
    if not body.strip():
        raise ValidationError("template body is empty", field="body")
    verdict, findings = lint_template(
        body,
        channel=channel,
        language=language,
        recipient_role=recipient_role,
        requires_visit_approved=requires_visit_approved,
        requires_lawsuit_filed=requires_lawsuit_filed,
        jurisdiction=jurisdiction,
    )
    if verdict == "block":
        cats = sorted({str(f.get("category")) for f in findings if f.get("severity", "block") == "block"})
        raise TemplateRefused(
            f"the message linter blocks this template ({', '.join(cats) or 'prohibited content'})",
            findings=findings,
        )
    current = session.execute(
        select(func.max(MessageTemplate.version)).where(
            MessageTemplate.key == key,
            MessageTemplate.channel == channel,
            MessageTemplate.language == language,
        )
    ).scalar_one_or_none()
    tpl = MessageTemplate(
        id=new_id("tpl"),
        key=key,
        channel=channel,
        language=language,
        version=(current or 0) + 1,
        body=body,
        recipient_role=recipient_role,
        requires_visit_approved=requires_visit_approved,
        requires_lawsuit_filed=requires_lawsuit_filed,
        lint_verdict=verdict,
        lint_findings=findings,
        created_by=created_by,
        created_at=utc_now(),
    )
    session.add(tpl)
    session.flush()
    audit.record(
        session,
        actor=created_by,
        action="messaging.template_saved",
        subject_type="message_template",
        subject_id=tpl.id,
        payload={
            "key": key,
            "channel": channel,
            "language": language,
            "version": tpl.version,
            "lint_verdict": verdict,
        },
    )
    return tpl


def get_template(
    session: Session, key: str, language: str, *, channel: str | None = None, version: int | None = None
) -> MessageTemplate:
    """The latest (or a given) version of a template. With no channel, SMS wins when the key has several."""
    stmt = select(MessageTemplate).where(MessageTemplate.key == key, MessageTemplate.language == language)
    if channel is not None:
        stmt = stmt.where(MessageTemplate.channel == channel)
    if version is not None:
        stmt = stmt.where(MessageTemplate.version == version)
    rows = session.execute(stmt.order_by(MessageTemplate.version.desc())).scalars().all()
    if not rows:
        raise NotFound(f"no template {key!r} in language {language!r}", field="key")
    channels = {r.channel for r in rows}
    if len(channels) > 1:
        pick = Channel.SMS.value if Channel.SMS.value in channels else sorted(channels)[0]
        rows = [r for r in rows if r.channel == pick]
    return rows[0]


def list_templates(session: Session, *, latest_only: bool = True) -> list[MessageTemplate]:
    rows = (
        session.execute(
            select(MessageTemplate).order_by(
                MessageTemplate.key,
                MessageTemplate.channel,
                MessageTemplate.language,
                MessageTemplate.version.desc(),
            )
        )
        .scalars()
        .all()
    )
    if not latest_only:
        return list(rows)
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in rows:
        k = (r.key, r.channel, r.language)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def _plain(name: str, value: Any) -> str:
    """A variable's value as plain text; only scalars are accepted (no objects reach the sandbox)."""
    if value is None:
        raise ValidationError(f"template variable {name!r} is None", field=name)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | date):
        raise ValidationError(
            f"template variable {name!r} must be text, an integer, a Decimal or a date, not {type(value).__name__}",
            field=name,
        )
    text = value.isoformat() if isinstance(value, date) else str(value)
    # A value can never smuggle in the code placeholder (that would let it choose where a code goes).
    return text.replace(CODE_PLACEHOLDER, "")


def _render_text(body: str, variables: Mapping[str, str]) -> str:
    try:
        return _ENV.from_string(body).render(**variables).strip()
    except UndefinedError as exc:
        raise ValidationError(f"missing template variable: {exc.message}", field="variables") from exc
    except SecurityError as exc:
        raise TemplateRefused(f"template tried an unsafe operation: {exc}") from exc


def render(
    session: Session,
    key: str,
    language: str,
    variables: Mapping[str, Any],
    *,
    channel: str | None = None,
) -> str:
    """Render the latest version of template ``key`` in ``language`` with ``variables`` (whitelisted, plain text).

    Without ``verification_code`` the text carries ``CODE_PLACEHOLDER``, which ``outbox.enqueue`` fills in.
    """
    tpl = get_template(session, key, language, channel=channel)
    return render_body(tpl.body, variables)


def render_body(body: str, variables: Mapping[str, Any]) -> str:
    """Render a template body (already checked) with whitelisted plain-text variables."""
    unknown = sorted(set(variables) - VARIABLES.keys())
    if unknown:
        raise ValidationError(f"unknown template variables: {', '.join(unknown)}", field="variables")
    values = {k: _plain(k, v) for k, v in variables.items()}
    values.setdefault("verification_code", CODE_PLACEHOLDER)
    values.setdefault("lender_name", get_settings().lender_name)
    _compile_checked(body)
    return _render_text(body, values)
