"""Practice mode (培训模式): scripted borrower situations; the agent answers, the linter and the checklist coach.

Nothing here is sent or stored as a contact: a practice answer is scored by the same ``lint`` and the same QA
checklist as a real message, plus the situation's own expectations (a hardship answer offers a plan ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from faircollect.compliance.contact import Channel
from faircollect.compliance.rulebook import load_rulebook
from faircollect.console.qa import ItemScore, QAItem, score_item
from faircollect.kit.errors import NotFound, ValidationError


@dataclass(frozen=True, slots=True)
class Expectation:
    words: tuple[str, ...]
    coach: dict[str, str]


@dataclass(frozen=True, slots=True)
class Situation:
    id: str
    jurisdiction: str
    bucket: str
    amount_minor: int
    borrower: dict[str, str]
    expect: tuple[Expectation, ...]


@dataclass(frozen=True, slots=True)
class Coaching:
    situation: Situation
    score: ItemScore
    missing: tuple[Expectation, ...]  # expectations the answer did not meet

    @property
    def passed(self) -> bool:
        """No check failed, nothing the situation expects is missing, and nothing was blocked."""
        return not self.missing and all(c.passed is not False for c in self.score.checks)


def parse_situations(data: Any, *, file: str = "<practice>") -> tuple[Situation, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("situations"), list):
        raise ValidationError(f"{file}: expected a mapping with a 'situations' list", file=file)
    out = []
    for i, raw in enumerate(data["situations"]):
        where = f"situations[{i}]"
        try:
            out.append(
                Situation(
                    id=str(raw["id"]),
                    jurisdiction=str(raw["jurisdiction"]).upper(),
                    bucket=str(raw["bucket"]),
                    amount_minor=int(raw["amount_minor"]),
                    borrower={"zh": str(raw["borrower"]["zh"]), "en": str(raw["borrower"]["en"])},
                    expect=tuple(
                        Expectation(
                            words=tuple(str(w).lower() for w in e["words"]),
                            coach={"zh": str(e["coach"]["zh"]), "en": str(e["coach"]["en"])},
                        )
                        for e in raw.get("expect") or []
                    ),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(f"{where} is missing or has a bad {exc}", file=file, field=where) from exc
    return tuple(out)


@lru_cache(maxsize=1)
def default_situations() -> tuple[Situation, ...]:
    path = resources.files("faircollect.console").joinpath("data/practice.yaml")
    return parse_situations(yaml.safe_load(path.read_text(encoding="utf-8")), file="practice.yaml")


def situation(situation_id: str) -> Situation:
    for s in default_situations():
        if s.id == situation_id:
            return s
    raise NotFound(f"no practice situation {situation_id!r}", field="situation")


def coach(s: Situation, answer: str, *, agent: str, at: datetime) -> Coaching:
    """Score a practice answer: the QA checklist (as an SMS at ``at``) and the situation's expectations."""
    if not answer.strip():
        raise ValidationError("the answer is empty", field="answer")
    item = QAItem(
        ref=f"practice:{s.id}",
        agent=agent,
        jurisdiction=s.jurisdiction,
        channel=Channel.SMS,
        at=at,
        borrower_timezone=None,
        currency="CNY" if s.jurisdiction == "CN" else "USD" if s.jurisdiction == "US" else "GBP",
        text=answer,
        expected_amounts_minor=(s.amount_minor,),
    )
    score = score_item(item, load_rulebook(s.jurisdiction))
    low = answer.lower()
    missing = tuple(e for e in s.expect if not any(w in low for w in e.words))
    return Coaching(situation=s, score=score, missing=missing)
