"""Honest measurement on the sealed real-message split: floors under the measured figures, aggregates only.

Measured when the floors were last raised (issue 11, second session: 89 sealed messages from 44 sources; 52 should
block, 37 lawful): block recall 43/52 = 82.7% (95% interval 70-91%), false blocks 2/37 = 5.4% (1-18%),
novel-phrasing recall 41/50 = 82.0%; zh recall 24/26, en 19/26; keyword baseline recall 63.5% with 5/37 false
blocks. On 2026-12-04 (991b14b, after two public English word lists from PyPI packages) main measures 43/52 =
82.7%, en 20/26, zh 23/26, novel 41/50, false blocks 1/37: the floors were raised to it. After a later retraining (opt-out lines as hard negatives) main measures 42/52 = 80.8%, zh 23/26, novel
40/50, false blocks 2/37; at 6bfea8e (fifth session) false blocks 1/37. (First session, 59 sealed messages: 77.1%, 2/24, 76.5%, zh 13/16, en 14/19.) These are below the issue's
targets (90% recall, <= 2% false blocks, 85% novel); the floors only stop regressions. Never lower them in a commit
that changes the model or the rules.

A failing assertion shows counts, never a text: the split is sealed.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from faircollect.compliance.linter.evaluate import EvalReport, evaluate

BLOCK_RECALL = 0.82  # 43/52 = 82.7% at 991b14b (2026-12-04, the package lexicons); 0.80 before
FALSE_BLOCK_RATE = 0.03  # 1/37 = 2.7% measured at 6bfea8e (fifth session); 0.06 before
NOVEL_RECALL = 0.81  # 41/50 = 82.0% at 991b14b; 0.80 before
ZH_RECALL = 0.88
EN_RECALL = 0.76  # 20/26 = 76.9% at 991b14b; 0.70 before


@pytest.fixture(scope="module")
def sealed() -> EvalReport:
    return evaluate("real-test")


def _counts(c: object) -> str:
    return f"tp={c.tp} fn={c.fn} fp={c.fp} tn={c.tn}"  # type: ignore[attr-defined]


def test_block_recall_and_false_blocks_stay_above_the_floors(sealed: EvalReport) -> None:
    block = sealed.linter.block
    assert block.recall >= BLOCK_RECALL, _counts(block)
    assert block.false_rate <= FALSE_BLOCK_RATE, _counts(block)
    assert sealed.linter.by_form["zh"].recall >= ZH_RECALL, _counts(sealed.linter.by_form["zh"])
    assert sealed.linter.by_form["en"].recall >= EN_RECALL, _counts(sealed.linter.by_form["en"])


def test_novel_phrasing_recall_stays_above_the_floor(sealed: EvalReport) -> None:
    novel = sealed.linter.by_form["novel"]
    assert novel.tp + novel.fn >= 20
    assert novel.recall >= NOVEL_RECALL, _counts(novel)


def test_the_linter_beats_the_keyword_baseline_on_real_messages(sealed: EvalReport) -> None:
    lin, base = sealed.linter.block, sealed.baseline.block
    assert lin.recall > base.recall and lin.fp <= base.fp


def test_the_sealed_report_carries_no_text(sealed: EvalReport) -> None:
    assert all("text" not in e for e in sealed.linter.errors + sealed.baseline.errors)


def test_the_cli_refuses_to_show_errors_of_the_sealed_split() -> None:
    from faircollect.cli import app

    result = CliRunner().invoke(app, ["lint", "eval", "--split", "real-test", "--show-errors", "5"])
    assert result.exit_code == 2 and "sealed" in result.stderr
    shown = CliRunner().invoke(app, ["lint", "eval", "--format", "json"])
    assert shown.exit_code == 0 and '"text"' not in shown.stdout
