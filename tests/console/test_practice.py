"""Practice mode: the linter and the checklist coach an agent's answer to a scripted borrower."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from faircollect.console.practice import coach, default_situations, situation
from faircollect.kit.errors import NotFound, ValidationError

NOON = datetime(2026, 5, 6, 4, 0, tzinfo=UTC)


def test_a_threat_in_answer_to_job_loss_is_coached_with_the_rule_and_the_missing_plan() -> None:
    c = coach(situation("job-loss"), "没钱也得还，再不还就上门找你家人", agent="wang", at=NOON)
    assert not c.passed
    assert c.score.result("no_pressure").passed is False
    assert next(e.coach["en"] for e in c.missing).startswith("The borrower has told you of hardship")


def test_a_good_answer_passes() -> None:
    answer = "【示例消费金融】很理解您的情况。您目前应还¥3,560.00，我们可以为您申请延期或分期方案，请通过官方App办理。"
    c = coach(situation("job-loss"), answer, agent="wang", at=NOON)
    assert c.passed, [(x.check, x.passed, x.detail_en) for x in c.score.checks]


def test_every_situation_has_text_in_both_languages_and_unknown_ones_are_named() -> None:
    assert len(default_situations()) >= 4
    assert all(s.borrower["zh"] and s.borrower["en"] for s in default_situations())
    with pytest.raises(NotFound, match="no practice situation 'nope'"):
        situation("nope")
    with pytest.raises(ValidationError, match="empty"):
        coach(situation("distress"), "  ", agent="x", at=NOON)
