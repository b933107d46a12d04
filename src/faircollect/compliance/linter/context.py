"""When context makes a statement lawful: the facts a rule declares (``lawful_when``) and the one reading of them.

A collection message may state a fact; it may not invent one, and it may tell the debt only to those who owe it.
Whether "已起诉" (a lawsuit was filed), "our agent will visit you on Monday", "有义务替他还款" (you are bound to pay
his debt) or "欠款5,000元" is lawful depends on what really happened and on who is told: the context
(``LintContext``) and the jurisdiction's rulebook. Each rule declares the facts under which what it matches is
lawful, any one of which suffices; the engine asks ``lawful(declared, facts)`` and nothing else.

The facts of a message (``facts``):

* ``lawsuit_filed`` — a lawsuit really was filed (``LintContext.lawsuit_filed``): a notice of it is true.
* ``visit_approved`` — a field visit really was approved (``LintContext.visit_approved``): a notice of it is true.
* ``obligor`` — the recipient owes the debt: their role is one of the jurisdiction's ``recipients`` rule
  (CN-WHO-ALLOWED, US-3P, UK-3P-DISCLOSURE: borrower, guarantor, joint debtor). The debt may be named to them.
* ``co_obligor`` — an obligor other than the borrower (a guarantor, a joint debtor): telling them they are bound to
  pay the borrower's debt is the truth.

Which roles owe the debt is the rulebook's data (``params.roles`` of its ``recipients`` rule), not this module's, and
it is read from the rulebook *with the lender's overrides* where the caller has one (the gate does: ``lint(…,
rulebook=plan.rulebook)``).
The phrase lists and structures keep two booleans as shorthand: ``lawsuit_ok`` is ``lawful_when={lawsuit_filed}``,
``visit_ok`` is ``lawful_when={visit_approved}``; a structure may give its facts instead, as a third element
(``("deceptive", LIABLE_TO_PAY, lawful_when(CO_OBLIGOR))``).
"""

from __future__ import annotations

from functools import lru_cache

from faircollect.compliance.contact import RecipientRole
from faircollect.compliance.linter.rules import obligor_roles
from faircollect.compliance.linter.types import LintContext

LAWSUIT_FILED = "lawsuit_filed"
VISIT_APPROVED = "visit_approved"
OBLIGOR = "obligor"
CO_OBLIGOR = "co_obligor"
FACTS: frozenset[str] = frozenset({LAWSUIT_FILED, VISIT_APPROVED, OBLIGOR, CO_OBLIGOR})

#: the facts under which a rule's match is lawful; any one suffices; empty: never
LawfulWhen = frozenset[str]

#: a structure or expression: (category, regex, lawsuit_ok, visit_ok) — the shorthand — or (category, regex,
#: lawful_when)
Declared = tuple[str, str, bool, bool] | tuple[str, str, LawfulWhen]


def lawful_when(*facts: str) -> LawfulWhen:
    """The facts, checked: a misspelt fact would never hold and would fail closed without anyone noticing."""
    unknown = sorted(set(facts) - FACTS)
    if unknown:
        raise ValueError(f"unknown context facts {unknown}; expected some of {sorted(FACTS)}")
    return frozenset(facts)


NEVER: LawfulWhen = frozenset()

#: facts a notice states ("已起诉", "our agent will visit on Monday"): what the learned classifier reads as a threat may
#: be that notice, so it only warns in a sentence that states one, or where it reads the kind of harm one makes true
NOTICE_FACTS: LawfulWhen = frozenset({LAWSUIT_FILED, VISIT_APPROVED})


def from_flags(lawsuit_ok: bool, visit_ok: bool) -> LawfulWhen:
    """The shorthand flags as facts."""
    if not (lawsuit_ok or visit_ok):
        return NEVER
    return frozenset(f for f, on in ((LAWSUIT_FILED, lawsuit_ok), (VISIT_APPROVED, visit_ok)) if on)


def declared(entry: Declared) -> tuple[str, str, LawfulWhen]:
    """A structure or expression as (category, regex, lawful_when), whichever way it was written."""
    if len(entry) == 4:
        category, regex, lawsuit_ok, visit_ok = entry
        return category, regex, from_flags(lawsuit_ok, visit_ok)
    category, regex, when = entry
    return category, regex, lawful_when(*when)


@lru_cache(maxsize=256)
def facts(
    ctx: LintContext, jurisdiction: str, obligors: frozenset[RecipientRole] | None = None
) -> frozenset[str]:
    """The facts that hold for a message sent in ``ctx`` under ``jurisdiction``'s rulebook. ``obligors``: who owes
    the debt under the rulebook as the lender's overrides left it (``rules.obligor_roles_of``); without it, under
    the jurisdiction's own rulebook."""
    out: set[str] = set()
    if ctx.lawsuit_filed:
        out.add(LAWSUIT_FILED)
    if ctx.visit_approved:
        out.add(VISIT_APPROVED)
    if ctx.recipient_role in (obligor_roles(jurisdiction) if obligors is None else obligors):
        out.add(OBLIGOR)
        if ctx.recipient_role is not RecipientRole.BORROWER:
            out.add(CO_OBLIGOR)
    return frozenset(out)


def lawful(when: LawfulWhen, holding: frozenset[str]) -> bool:
    """The one reading: what a rule matched is lawful when a fact it declares holds for this message."""
    return not when.isdisjoint(holding)
