"""The supervisor: the team's queues and capacity, visit approvals (never one's own), complaints with their clocks,
quality assurance (sampled contacts scored by the linter and the checklist, coaching notes) and practice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.collections import contacts as collections_contacts
from faircollect.collections import visits as collections_visits
from faircollect.collections.models import Agent, Complaint, QueueAssignment, VisitRequest
from faircollect.console import practice, qa_service
from faircollect.console.qa import CHECK_NAMES, CHECKS, agent_scores
from faircollect.identity.dependencies import require
from faircollect.identity.principal import Principal
from faircollect.kit.errors import NotFound
from faircollect.portal import care, clocks
from faircollect.web.console import tables
from faircollect.web.console.agent import _work_date
from faircollect.web.console.common import P, back, flash_of, now, page
from faircollect.web.templating import formatter, request_locale, translator

router = APIRouter()
DB = SessionDep  # committed before the response is sent (a redirect never races its write)


@router.get("/team", include_in_schema=False)
def team(request: Request, principal: Principal = require(P.AGENT_MANAGE), session: Session = DB) -> Response:
    """Each agent's queue today: assigned, worked, their daily cap and what is left of it."""
    day = _work_date(request)
    counts: dict[tuple[str, str], int] = {
        (a, s): n
        for a, s, n in session.execute(
            select(QueueAssignment.agent_id, QueueAssignment.status, func.count())
            .where(QueueAssignment.work_date == day)
            .group_by(QueueAssignment.agent_id, QueueAssignment.status)
        ).all()
    }
    rows = []
    for a in session.execute(select(Agent).order_by(Agent.user)).scalars():
        assigned = sum(n for (aid, _s), n in counts.items() if aid == a.id)
        worked = counts.get((a.id, "worked"), 0)
        rows.append(
            {
                "user": a.user,
                "name": a.display_name,
                "queue": a.queue,
                "agency": a.agency_id or "",
                "assigned": assigned,
                "worked": worked,
                "cap": a.daily_cap,
                "spare": max(0, a.daily_cap - assigned),
                "active": a.active,
            }
        )
    _ = translator(request)
    cols = [
        tables.Column("user", _("User")),
        tables.Column("name", _("Name")),
        tables.Column("queue", _("Queue"), show=lambda q: _("All stages") if q == "*" else q),
        tables.Column("assigned", _("Assigned today"), numeric=True),
        tables.Column("worked", _("Worked"), numeric=True),
        tables.Column("cap", _("Daily cap"), numeric=True),
        tables.Column("spare", _("Spare capacity"), numeric=True),
    ]
    if tables.wants_csv(request):
        return tables.csv_response(cols, rows, f"team-{day}.csv")
    return page(
        request,
        principal,
        "console/team.html",
        {"t": tables.build(request, cols, rows, default_sort="user"), "day": day},
    )


@router.get("/visits", include_in_schema=False)
def visits(
    request: Request, principal: Principal = require(P.VISIT_APPROVE), session: Session = DB
) -> Response:
    """Visit requests waiting for a decision, and the latest decided ones."""
    pending = list(
        session.execute(
            select(VisitRequest).where(VisitRequest.status == "requested").order_by(VisitRequest.requested_at)
        ).scalars()
    )
    decided = list(
        session.execute(
            select(VisitRequest)
            .where(VisitRequest.status != "requested")
            .order_by(VisitRequest.requested_at.desc())
            .limit(20)
        ).scalars()
    )
    return page(
        request,
        principal,
        "console/visits.html",
        {"pending": pending, "decided": decided, **flash_of(request)},
    )


@router.post("/visits/{visit_id}/approve", include_in_schema=False)
def approve_visit(
    visit_id: str,
    request: Request,
    note: str = Form(""),
    principal: Principal = require(P.VISIT_APPROVE),
    session: Session = DB,
) -> Response:
    """Approve as the signed-in identity; the service refuses the requester's own request."""
    collections_visits.approve_visit(session, visit_id=visit_id, approver=principal.actor, note=note or None)
    return back("/console/visits", "visit_approved")


@router.post("/visits/{visit_id}/refuse", include_in_schema=False)
def refuse_visit(
    visit_id: str,
    request: Request,
    note: str = Form(""),
    principal: Principal = require(P.VISIT_APPROVE),
    session: Session = DB,
) -> Response:
    _ = translator(request)
    collections_visits.refuse_visit(
        session, visit_id=visit_id, approver=principal.actor, note=note or _("Refused by the supervisor.")
    )
    return back("/console/visits", "visit_refused")


def clock_text(clk: clocks.Clock, _: Any, zh: bool) -> str:
    """The clock in words for the register: days left, breach, answered in time or late, or no regulator deadline."""
    if clk.status == "none":
        return clk.rules.no_clock_zh if zh else clk.rules.no_clock_en
    if clk.status == "answered":
        return str(_("answered late") if clk.late else _("answered in time"))
    if clk.status == "overdue":
        return str(_("BREACHED: %(days)s days past the deadline", days=-clk.days_left))
    return str(_("%(days)s days left", days=clk.days_left))


def complaint_rows(request: Request, session: Session) -> list[dict[str, Any]]:
    """The register: each complaint with its regulator's clock (``portal.clocks``, as the portal shows it)."""
    at = now(request)
    _ = translator(request)
    zh = request_locale(request).startswith("zh")
    complaints = session.execute(select(Complaint).order_by(Complaint.received_at)).scalars().all()
    clock_of = care.clocks_of(session, complaints, at)
    rows = []
    for c in complaints:
        clk = clock_of[c.id]
        rows.append(
            {
                "id": c.id,
                "kind": c.kind,
                "channel": c.channel,
                "received": c.received_at.date(),  # raw dates: sorted and exported as ISO, shown for the locale
                "regulator": f"{clk.rules.jurisdiction} · {clk.rules.regulator}",
                "due": clk.due_by.date() if clk.due_by else None,
                "clock": clock_text(clk, _, zh),
                "extensions": "; ".join(
                    _("to %(n)s days: %(reason)s (%(by)s)", n=e.to_days, reason=e.reason, by=e.by)
                    for e in clk.extensions
                ),
                "breached": clk.overdue,
                "status": c.status,
                "routed_to": c.routed_to,
                "summary": c.summary,
                "answered_by": c.answered_by or "",
                "next_step": clk.next_step,
                "source": clk.rules.source,
            }
        )
    return rows


def complaint_words(_: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The register's kinds and statuses in words (the raw codes stay in the CSV and the sort)."""
    kinds = {"complaint": _("Complaint"), "dispute": _("Dispute"), "hardship": _("Hardship")}
    statuses = {"open": _("Open"), "answered": _("Answered")}
    return kinds, statuses


@router.get("/complaints", include_in_schema=False)
def complaints(
    request: Request, principal: Principal = require(P.COMPLAINT_READ), session: Session = DB
) -> Response:
    """The complaint register with each regulatory clock (breaches first); exports as CSV."""
    _ = translator(request)
    fmt = formatter(request)
    rows = complaint_rows(request, session)
    kinds, statuses = complaint_words(_)
    cols = [
        tables.Column("id", _("Complaint")),
        tables.Column("kind", _("Kind"), show=lambda k: kinds.get(k, k)),
        tables.Column("received", _("Received"), show=fmt.date),
        tables.Column("regulator", _("Regulator")),
        tables.Column("due", _("Answer due"), show=lambda d: fmt.date(d) if d else "—"),
        tables.Column("clock", _("Clock")),
        tables.Column("extensions", _("Extensions")),
        tables.Column("status", _("Status"), show=lambda v: statuses.get(v, v)),
        tables.Column("routed_to", _("Routed to")),
        tables.Column("summary", _("Summary")),
        tables.Column("answered_by", _("Answered by")),
    ]
    if tables.wants_csv(request):
        return tables.csv_response(cols, rows, "complaint-register.csv")
    t = tables.build(request, cols, rows, default_sort="due")
    open_ = [r for r in rows if r["status"] == "open"]
    return page(
        request,
        principal,
        "console/complaints.html",
        {"t": t, "open": open_, "kinds": kinds, **flash_of(request)},
    )


@router.post("/complaints/{complaint_id}/answer", include_in_schema=False)
def answer(
    complaint_id: str,
    request: Request,
    answer: str = Form(""),
    principal: Principal = require(P.COMPLAINT_ANSWER),
    session: Session = DB,
) -> Response:
    collections_contacts.answer_complaint(
        session, complaint_id=complaint_id, answer=answer, actor=principal.actor, at=now(request)
    )
    return back("/console/complaints", "complaint_answered")


@router.post("/complaints/{complaint_id}/extend", include_in_schema=False)
def extend(
    complaint_id: str,
    request: Request,
    reason: str = Form(""),
    principal: Principal = require(P.COMPLAINT_ANSWER),
    session: Session = DB,
) -> Response:
    """Take the next lawful extension of the regulator's clock, with the reason the complainant is told. A step
    that needs a senior manager (CN's 60 days) is taken by a compliance officer."""
    care.extend_clock(
        session,
        complaint_id=complaint_id,
        reason=reason,
        actor=principal.actor,
        senior=principal.can(P.OVERRIDE_APPROVE),
        now=now(request),
    )
    return back("/console/complaints", "complaint_extended")


@router.get("/qa", include_in_schema=False)
def quality(
    request: Request, days: int = 30, principal: Principal = require(P.AGENT_MANAGE), session: Session = DB
) -> Response:
    """A sample of each agent's contacts in the last ``days`` days, scored; per-agent scores; saved reviews."""
    until = now(request)
    scores = qa_service.sampled_scores(
        session, since=until - timedelta(days=max(1, min(days, 365))), until=until
    )
    return page(
        request,
        principal,
        "console/qa.html",
        {
            "scores": scores,
            "agents": agent_scores(scores),
            "reviews": qa_service.reviews(session)[:50],
            "checks": CHECKS,
            "check_names": CHECK_NAMES,
            "days": days,
            **flash_of(request),
        },
    )


@router.post("/qa/review", include_in_schema=False)
def save_review(
    request: Request,
    item_ref: str = Form(...),
    note: str = Form(""),
    identity_given: str = Form(""),
    amount_right: str = Form(""),
    no_pressure: str = Form(""),
    principal: Principal = require(P.AGENT_MANAGE),
    session: Session = DB,
) -> Response:
    """Store the reviewer's scoring and coaching note for one sampled item."""
    until = now(request)
    scores = qa_service.sampled_scores(
        session, since=until - timedelta(days=365), until=until, per_agent=10_000
    )
    item = next((s for s in scores if s.item.ref == item_ref), None)
    if item is None:
        raise NotFound(f"no contact {item_ref} to review", field="item_ref")
    answers = {
        k: v == "yes"
        for k, v in (
            ("identity_given", identity_given),
            ("amount_right", amount_right),
            ("no_pressure", no_pressure),
        )
        if v in ("yes", "no")
    }
    qa_service.save_review(session, item=item, reviewer=principal.actor, answers=answers, coaching_note=note)
    return back("/console/qa", "review_saved")


@router.get("/practice", include_in_schema=False)
def practice_page(request: Request, principal: Principal = require(P.CASE_WORK)) -> Response:
    """Practice mode: pick a scripted borrower situation."""
    return page(request, principal, "console/practice.html", {"situations": practice.default_situations()})


@router.post("/practice/{situation_id}", include_in_schema=False)
def practice_answer(
    situation_id: str,
    request: Request,
    answer: str = Form(""),
    principal: Principal = require(P.CASE_WORK),
) -> Response:
    """The agent's answer, coached by the linter and the checklist (nothing is sent or stored)."""
    s = practice.situation(situation_id)
    coaching = practice.coach(s, answer, agent=principal.actor, at=now(request))
    return page(
        request,
        principal,
        "console/practice.html",
        {"situations": practice.default_situations(), "chosen": s, "answer": answer, "coaching": coaching},
    )


@router.get("/relief", include_in_schema=False)
def relief_reviews(
    request: Request, principal: Principal = require(P.RELIEF_REVIEW), session: Session = DB
) -> Response:
    """Relief applications outside the lender's policy, waiting for a supervisor (from the borrower's portal)."""
    from faircollect.relief import service as relief_service

    pending = relief_service.list_reviews(session)
    return page(request, principal, "console/relief.html", {"pending": pending, **flash_of(request)})


@router.post("/relief/{application_id}", include_in_schema=False)
def relief_decide(
    application_id: str,
    request: Request,
    decision: str = Form(""),
    note: str = Form(""),
    principal: Principal = require(P.RELIEF_REVIEW),
    session: Session = DB,
) -> Response:
    from faircollect.relief import service as relief_service

    relief_service.decide_review(
        session,
        application_id=application_id,
        approve=decision == "approve",
        note=note,
        actor=principal.actor,
    )
    return back("/console/relief", "relief_decided")
