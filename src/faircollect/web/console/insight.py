"""Strategy and portfolio: the dashboard (book by bucket, roll rates month over month, flow rates, vintages, cures,
collectable vs overdue, denials, agencies) and the strategy desk (validate, diff, dry run, publish)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.collections.report import collections_report
from faircollect.console import dashboard as dash
from faircollect.console import dashboard_load, policy_values, strategy_service
from faircollect.identity.dependencies import require
from faircollect.identity.principal import Principal
from faircollect.kit.errors import ValidationError
from faircollect.web.console import charts, tables
from faircollect.web.console.agent import _work_date
from faircollect.web.console.common import P, back, flash_of, page
from faircollect.web.templating import formatter, translator

router = APIRouter()
DB = SessionDep  # committed before the response is sent (a redirect never races its write)


@router.get("/dashboard", include_in_schema=False)
def dashboard(
    request: Request, pair: int = -1, principal: Principal = require(P.PORTFOLIO_READ), session: Session = DB
) -> Response:
    """The portfolio as lenders read it, replayed from the ledger at each month end up to today (once per as-of date
    and ledger state: ``dashboard_load.cached_month_end_panel``)."""
    _ = translator(request)
    fmt = formatter(request)
    as_of = _work_date(request)
    panel = dashboard_load.cached_month_end_panel(session, as_of)
    currency = panel[0].currency if panel else "CNY"
    matrices = dash.roll_rates(panel)
    chosen = matrices[pair] if matrices and -len(matrices) <= pair < len(matrices) else None
    last_day = max((r.month_end for r in panel), default=as_of)
    book = dash.book_by_bucket(panel, last_day)
    vintages = dash.vintage_curves(panel)
    cures = dash.cure_curves(panel)
    amounts = dash.collectable_vs_overdue(panel)
    denials = dash.denials_by_rule(dashboard_load.denial_rows(session, since=as_of - timedelta(days=90)))
    agencies = dash.agency_performance(dashboard_load.placed_cases(session, as_of))
    closed = _("repaid")
    figures = {
        "flow": charts.flow_lines(dash.flow_rates(matrices), _),
        "vintage": charts.vintage_lines(vintages, _),
        "cure": charts.cure_lines(cures, _),
        "amounts": charts.collectable_bars(amounts, currency, _),
        "denials": charts.denial_bars(denials, _),
    }
    if chosen is not None:
        figures["roll"] = charts.roll_heatmap(chosen, _, closed)
    book_cols = [
        tables.Column("bucket", _("Bucket")),
        tables.Column("loans", _("Loans"), numeric=True),
        tables.Column(
            "principal", _("Principal outstanding"), numeric=True, show=lambda v: fmt.money(v, currency)
        ),
        tables.Column("overdue", _("Overdue"), numeric=True, show=lambda v: fmt.money(v, currency)),
        tables.Column(
            "collectable", _("Lawfully collectable"), numeric=True, show=lambda v: fmt.money(v, currency)
        ),
    ]
    book_rows = [
        {
            "bucket": b.bucket,
            "loans": b.loans,
            "principal": b.principal_outstanding_minor,
            "overdue": b.overdue_minor,
            "collectable": b.collectable_minor,
        }
        for b in book
    ]
    if tables.wants_csv(request):
        return tables.csv_response(book_cols, book_rows, f"book-by-bucket-{last_day}.csv")
    totals = {
        "loans": sum(b.loans for b in book),
        "principal": sum(b.principal_outstanding_minor for b in book),
        "overdue": sum(b.overdue_minor for b in book),
        "collectable": sum(b.collectable_minor for b in book),
    }
    return page(
        request,
        principal,
        "console/dashboard.html",
        {
            "as_of": last_day,
            "currency": currency,
            "book": tables.build(request, book_cols, book_rows),
            "totals": totals,
            "matrices": matrices,
            "chosen": chosen,
            "pair": pair,
            "closed_label": closed,
            "vintages": vintages,
            "cures": cures,
            "amounts": amounts,
            "denials": denials,
            "agencies": agencies,
            "figures": {k: charts.as_json(f) for k, f in figures.items()},
        },
    )


def _policy_values(request: Request) -> dict[str, Any]:
    """Each champion/challenger policy's value from the stored experiment logs (cached per logs content)."""
    directory = (
        getattr(request.app.state, "strategy_logs", None) or request.app.state.settings.strategy_logs_dir
    )
    if not directory:
        return {"values": None, "values_problem": None}
    if not (Path(directory) / "accounts.parquet").exists():
        _ = translator(request)
        return {"values": None, "values_problem": _("No experiment logs in %(dir)s yet.", dir=str(directory))}
    try:
        return {"values": policy_values.policy_values(directory), "values_problem": None}
    except ValidationError as exc:
        return {"values": None, "values_problem": exc}


def _strategy_context(session: Session, request: Request) -> dict[str, Any]:
    live, live_text = strategy_service.live(session, "CN")
    report = collections_report(session, as_of=_work_date(request), currency=live.currency)
    return {
        **_policy_values(request),
        "live": live,
        "live_text": live_text,
        "report": report,
        "drafts": strategy_service.versions(session),
        "draft": live_text,
    }


@router.get("/strategy", include_in_schema=False)
def strategy_page(
    request: Request, principal: Principal = require(P.STRATEGY_READ), session: Session = DB
) -> Response:
    """The live strategy, its stored versions and the champion/challenger report with intervals."""
    return page(
        request,
        principal,
        "console/strategy.html",
        {**_strategy_context(session, request), **flash_of(request)},
    )


@router.post("/strategy/check", include_in_schema=False)
def strategy_check(
    request: Request,
    draft: str = Form(""),
    dry_run: str = Form(""),
    principal: Principal = require(P.STRATEGY_READ),
    session: Session = DB,
) -> Response:
    """Validate a draft, compare it with the live version and (when asked) dry-run it on today's book."""
    ctx = _strategy_context(session, request)
    ctx["draft"] = draft
    try:
        ctx["diff"] = strategy_service.compare(session, draft)
        if dry_run:
            ctx["dry_live"] = strategy_service.dry_run(session, ctx["live_text"], _work_date(request))
            ctx["dry_draft"] = strategy_service.dry_run(session, draft, _work_date(request))
    except ValidationError as exc:
        ctx["problem"] = exc
        return page(request, principal, "console/strategy.html", ctx, status_code=422)
    return page(request, principal, "console/strategy.html", ctx)


@router.post("/strategy/drafts", include_in_schema=False)
def strategy_save(
    request: Request,
    draft: str = Form(""),
    principal: Principal = require(P.COLLECTIONS_RUN),
    session: Session = DB,
) -> Response:
    strategy_service.save_draft(session, text=draft, actor=principal.actor)
    return back("/console/strategy", "strategy_saved")


@router.post("/strategy/drafts/{version_id}/publish", include_in_schema=False)
def strategy_publish(
    version_id: str,
    request: Request,
    principal: Principal = require(P.COLLECTIONS_RUN),
    session: Session = DB,
) -> Response:
    strategy_service.publish(session, version_id=version_id, actor=principal.actor)
    return back("/console/strategy", "strategy_published")
