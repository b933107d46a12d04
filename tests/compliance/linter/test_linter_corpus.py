"""The corpus is complete and current, and the linter stays above honest floors on the held-out split."""

from __future__ import annotations

from collections import Counter

import pytest

from faircollect.compliance.linter import BLOCK_CATEGORIES
from faircollect.compliance.linter.corpus import build
from faircollect.compliance.linter.evaluate import EvalReport, evaluate, load_corpus

# Floors for the held-out test split (seed-style messages plus 59 "novel" red-team lines written after the rules and
# the model were built). Measured (issue 11: grammar + calibrated classifier): block precision 98.9%, recall 86.7%
# (novel lines alone 59.3%, no novel false block); weakest category recall 60% (violence_threat), weakest precision
# 77% (visit_threat). Before issue 11: recall 81.7%, novel 40.7%. The floors leave a little room, not a lot: a change
# that loses more than that is a regression. Raised, never lowered.
TEST_BLOCK_PRECISION = 0.95
TEST_BLOCK_RECALL = 0.84
TEST_NOVEL_RECALL = 0.55
TEST_CATEGORY_RECALL = 0.55
TEST_CATEGORY_PRECISION = 0.70


@pytest.fixture(scope="module")
def test_report() -> EvalReport:
    return evaluate("test")


def test_committed_corpus_matches_the_seeds() -> None:
    assert build.MESSAGES.read_text(encoding="utf-8") == build.render(build.build()), (
        "run: python -m faircollect.compliance.linter.corpus.build"
    )


def test_corpus_has_25_positives_per_category_and_150_hard_negatives() -> None:
    items = load_corpus()
    per_category = Counter(label for item in items for label in item.labels)
    for category in BLOCK_CATEGORIES:
        assert per_category[category] >= 25, category
    assert sum(1 for item in items if not item.labels) >= 150
    forms = {item.form for item in items}
    assert {"zh", "zh_hant", "zh_separated", "obfuscated", "en", "novel"} <= forms


def test_corpus_splits_never_share_a_seed() -> None:
    splits: dict[str, set[str]] = {}
    for row in build.build():
        splits.setdefault(str(row["seed"]), set()).add(row["split"])
    assert all(len(s) == 1 for s in splits.values())
    assert {next(iter(s)) for s in splits.values()} == {"train", "test"}


def test_linter_stays_above_floors_on_held_out_split(test_report: EvalReport) -> None:
    block = test_report.linter.block
    assert block.precision >= TEST_BLOCK_PRECISION
    assert block.recall >= TEST_BLOCK_RECALL
    for category, counts in test_report.linter.per_category.items():
        assert counts.recall >= TEST_CATEGORY_RECALL, (category, counts)
        assert counts.precision >= TEST_CATEGORY_PRECISION, (category, counts)


def test_novel_phrasing_recall_stays_above_floor_without_false_blocks(test_report: EvalReport) -> None:
    novel = test_report.linter.by_form["novel"]
    assert novel.recall >= TEST_NOVEL_RECALL
    assert novel.fp == 0


def test_linter_beats_keyword_baseline_on_held_out_split(test_report: EvalReport) -> None:
    lin, base = test_report.linter, test_report.baseline
    assert lin.block.recall > base.block.recall
    assert lin.block.precision > base.block.precision
    assert lin.hard_negatives_blocked < base.hard_negatives_blocked


def test_no_training_hard_negative_blocks() -> None:
    report = evaluate("train")
    wrongly_blocked = [e for e in report.linter.errors if not e["expected"]]
    assert report.linter.hard_negatives >= 100
    assert wrongly_blocked == []
