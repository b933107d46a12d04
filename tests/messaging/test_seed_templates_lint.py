"""The product's own seed templates are lawful: the linter passes every one of them, in every jurisdiction, with
the context facts each requires (an approved visit, a filed lawsuit). A linter change that blocks one of them
would stop the demo and every lender's first day, so it is caught here, next to the linter's own tests."""

from __future__ import annotations

import pytest

from faircollect.messaging.seeds import SEEDS, Seed
from faircollect.messaging.templates import lint_template


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s.key}-{s.channel}-{s.language}")
def test_every_seed_template_passes_the_linter(seed: Seed, jurisdiction: str) -> None:
    verdict, findings = lint_template(
        seed.body,
        channel=seed.channel,
        language=seed.language,
        requires_visit_approved=seed.requires_visit_approved,
        requires_lawsuit_filed=seed.requires_lawsuit_filed,
        jurisdiction=jurisdiction,
    )
    blocking = [(f["rule"], f["excerpt"]) for f in findings if f.get("severity") == "block"]
    assert verdict != "block", f"{jurisdiction}: the linter blocks a seed template on {blocking}"
