"""The statement and the relief agreement as PDFs, in the borrower's language (texts through the catalogs)."""

from __future__ import annotations

from collections.abc import Callable

from faircollect.ledger.types import Component
from faircollect.portal.debt import LoanView
from faircollect.portal.models import ReliefApplication
from faircollect.portal.pdf import Document
from faircollect.relief.service import plan_of, waivers_of
from faircollect.web.i18n import Formatter


def component_names(_: Callable[..., str]) -> dict[Component, str]:
    return {
        Component.PRINCIPAL: _("Principal"),
        Component.INTEREST: _("Interest"),
        Component.FEES: _("Fees"),
        Component.PENALTY: _("Penalty interest"),
    }


def statement_pdf(v: LoanView, _: Callable[..., str], fmt: Formatter, lender: str) -> bytes:
    cur = v.loan.currency
    names = component_names(_)
    doc = Document(_("Loan statement"), author=lender)
    doc.facts(
        [
            (_("Lender"), lender),
            (_("Loan reference"), v.loan.external_ref or v.loan.id),
            (_("Statement date"), fmt.date(v.state.as_of)),
            (_("Days past due"), str(v.state.days_past_due)),
        ]
    )
    doc.heading(_("Balance"))
    doc.table(
        [_("Item"), _("Charged"), _("Paid"), _("Waived"), _("Outstanding")],
        [
            [names[line.component], fmt.money(line.due, cur), fmt.money(line.paid, cur), fmt.money(line.waived, cur),
             fmt.money(line.outstanding, cur)]
            for line in v.lines
        ],
    )  # fmt: skip
    doc.heading(_("What may lawfully be collected now"))
    doc.para(
        _(
            "Overdue and lawfully collectable: %(amount)s",
            amount=fmt.money(v.collectable.collectable_minor, cur),
        )
    )
    if v.collectable.excluded_minor:
        doc.para(
            _(
                "Not owed: %(amount)s of charges above the legal cap.",
                amount=fmt.money(v.collectable.excluded_minor, cur),
            )
        )
    if v.cost is not None:
        doc.heading(_("Annual cost of the loan"))
        doc.facts(
            [
                (_("Contract rate (nominal, a year)"), fmt.percent(v.terms.annual_rate)),
                (_("All-in cost, nominal (IRR × periods)"), fmt.percent(v.cost.annual_nominal)),
                (_("All-in cost, effective"), fmt.percent(v.cost.annual_effective)),
                (_("APR (US Regulation Z method)"), fmt.percent(v.cost.apr_regz)),
            ]
        )
    doc.heading(_("Schedule"))
    doc.table(
        [_("No."), _("Due date"), _("Due"), _("Paid"), _("Outstanding")],
        [
            [str(i.number), fmt.date(i.due_date), fmt.money(sum(i.due.values()), cur),
             fmt.money(sum(i.paid.values()), cur), fmt.money(i.outstanding_total, cur)]
            for i in v.instalments
        ],
    )  # fmt: skip
    doc.para(
        _(
            "Negotiating a plan with us is free. We never ask for your one-time codes and never ask you to pay "
            "into a personal account."
        ),
        size=9,
    )
    return doc.output()


def agreement_pdf(
    app: ReliefApplication,
    v: LoanView,
    borrower_name: str,
    _: Callable[..., str],
    fmt: Formatter,
    lender: str,
) -> bytes:
    """The agreement the borrower signs (CN Art. 70 contents: balance, structure, dates and amounts, whether fees
    and interest are charged during the plan, rights and obligations on default)."""
    cur = app.currency
    plan = plan_of(app)
    doc = Document(_("Repayment plan agreement"), author=lender)
    doc.facts(
        [
            (_("Lender"), lender),
            (_("Borrower"), borrower_name),
            (_("Loan reference"), v.loan.external_ref or v.loan.id),
            (_("Application"), app.id),
            (_("Plan starts"), fmt.date(app.on_date)),
            (_("Total to repay under the plan"), fmt.money(app.total_minor, cur)),
        ]
    )
    waived = sum(w.amount_minor for w in waivers_of(app))
    if waived:
        doc.para(_("The lender waives %(amount)s of charges.", amount=fmt.money(waived, cur)))
    if plan is not None:
        doc.heading(_("New schedule"))
        doc.table(
            [_("Due date"), _("Principal"), _("Interest"), _("Fees"), _("Penalty interest"), _("Total")],
            [
                [fmt.date(i.due_date), fmt.money(i.principal_minor, cur), fmt.money(i.interest_minor, cur),
                 fmt.money(i.fees_minor, cur), fmt.money(i.penalty_minor, cur), fmt.money(i.total_minor, cur)]
                for i in plan.instalments
            ],
        )  # fmt: skip
        doc.para(
            _("No new penalty interest or late fees are charged on the plan's instalments.")
            if not plan.penalty
            else _("Penalty interest continues on late plan instalments as in the contract.")
        )
    else:
        doc.para(
            _("Breathing space: contact stops and no days past due are counted for %(days)s days.",
              days=app.plan.get("pause_days", 0))
        )  # fmt: skip
    doc.heading(_("While the plan is kept"))
    doc.para(
        _(
            "Collection stops while you keep the plan. A payment up to %(grace)s days late, or short by no more "
            "than %(tolerance)s, still counts as paid. The first missed instalment is moved to the end of the plan; "
            "a second one ends the plan and the contract's terms apply again.",
            grace=app.grace_days,
            tolerance=fmt.money(app.tolerance_minor, cur),
        )
    )
    doc.para(_("Until the plan is settled you agree not to apply for new credit cards."), size=9)
    doc.para(
        _("Signed electronically by typing the borrower's name and a one-time code sent to their phone."),
        size=9,
    )
    return doc.output()
