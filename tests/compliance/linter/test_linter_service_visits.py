"""A delivery left at the door or a tradesperson's booked call is not a collector's visit (2026-12-05, enprec).

The visit_threat rules ("at your (front) door", "visit your home", "will be at your door") blocked "Your package was
left at your front door at 2:14 pm." and "Our technician will visit your home on Wednesday … to install the
broadband router." ``engine._service_visit_en`` now excuses a visit whose sentence names a parcel left or delivered,
or a trade (technician, engineer, plumber, courier …) as the one who comes, in a text that says nothing of a debt.
A lender's own people announcing a visit are what visit_threat is for and still block, as does a trade named beside a
debt, a deadline of payment or a second sentence with the lender's visit.

Hand-written probes; neither training rows nor sealed items. None rests on the model: the threats are blocked by a
rule finding, and the lawful lines have no visit_threat rule finding.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.contact import Channel
from faircollect.compliance.linter import LintContext, lint

LAWFUL = [
    "Your package was left at your front door at 2:14 pm.",
    "Your parcel has been delivered and was left at your door.",
    "Our technician will visit your home on Wednesday between 2 and 4pm to install the broadband router.",
    "The engineer will visit your home on Monday to service the boiler.",
    "Your plumber will be at your door between 8 and 10am.",
    "The courier will be at your door between 9am and 1pm.",
]

THREATS = [
    "Our agent will visit your home on Wednesday.",
    "Our field agent will visit your home tomorrow.",
    "Someone from our office will be at your front door tonight.",
    "We will be at your door tonight.",
    "Our technician will visit your home to discuss the money you owe.",
    "The engineer will visit your home tonight unless you call us.",
    "Our engineer will visit your home about your overdue balance.",
    "Your parcel was left at your front door. Our agent will be at your door tonight.",
    "Our collector will be at your door with the courier.",
]


def _rule_findings(text: str, category: str) -> list[str]:
    r = lint(text, LintContext(channel=Channel.SMS), jurisdiction="US")
    return [f.rule for f in r.findings if f.category == category and "classifier" not in f.explanation]


@pytest.mark.parametrize("text", LAWFUL)
def test_a_delivery_or_a_trade_call_is_no_visit_threat(text: str) -> None:
    r = lint(text, LintContext(channel=Channel.SMS), jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]
    assert not _rule_findings(text, "visit_threat")


@pytest.mark.parametrize("text", THREATS)
def test_a_lenders_visit_still_blocks_on_a_rule(text: str) -> None:
    for jurisdiction in ("US", "UK", "CN"):
        r = lint(text, LintContext(channel=Channel.SMS), jurisdiction=jurisdiction)
        assert r.verdict == "block", (jurisdiction, [(f.category, f.excerpt) for f in r.findings])
    assert _rule_findings(text, "visit_threat")
