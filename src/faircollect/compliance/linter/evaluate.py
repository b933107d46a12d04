"""Precision and recall of the linter per category on the corpus, beside a plain keyword-list baseline.

The baseline is what a first attempt usually is: a list of keywords per category, searched as substrings in the
lower-cased raw text, with no normalisation, no negation and no context (recipient, approved visit, filed lawsuit).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faircollect.compliance.linter.engine import lint
from faircollect.compliance.linter.io import context_from_json
from faircollect.compliance.linter.types import BLOCK_CATEGORIES, LintContext

CORPUS = Path(__file__).resolve().parent / "corpus" / "messages.jsonl"
#: train / test / all: the hand-written seed corpus. real-train: the real messages the linter was tuned and trained
#: on. real-test: the sealed real messages (aggregate figures only, never texts).
SPLITS = ("train", "test", "all", "real-train", "real-test")
SEALED_SPLITS = frozenset({"real-test"})
_Z95 = 1.959963984540054


def wilson(successes: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (0..1); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + _Z95**2 / n
    centre = (p + _Z95**2 / (2 * n)) / denom
    half = _Z95 * math.sqrt(p * (1 - p) / n + _Z95**2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


BASELINE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "violence_threat": ("打死", "弄死", "打断", "砍", "杀", "花圈", "泼油漆", "kill", "hurt", "break your"),
    "intimidation": (
        "后果自负",
        "你等着",
        "走着瞧",
        "知道你住",
        "轰炸",
        "we know where",
        "or else",
        "warning",
    ),
    "insult": ("老赖", "不要脸", "人渣", "骗子", "废物", "畜生", "deadbeat", "loser", "scum", "liar"),
    "false_legal_claim": (
        "拘留",
        "坐牢",
        "传票",
        "刑事",
        "失信",
        "黑名单",
        "起诉",
        "立案",
        "arrest",
        "jail",
        "prison",
        "lawsuit",
        "court",
        "blacklist",
    ),
    "impersonation": (
        "法院",
        "公安",
        "派出所",
        "警官",
        "律师函",
        "police",
        "officer",
        "court",
        "attorney",
        "bailiff",
    ),
    "visit_threat": ("上门", "户籍地", "村委会", "老家", "到你家", "外访", "visit", "your home", "your door"),
    "third_party_disclosure": ("家人", "父母", "亲友", "亲戚", "your family", "your parents", "friends"),
    "contact_list_threat": ("通讯录", "联系人", "通话记录", "contacts", "contact list", "address book"),
    "workplace_threat": (
        "单位",
        "领导",
        "同事",
        "老板",
        "公司",
        "employer",
        "boss",
        "workplace",
        "colleagues",
    ),
    "public_shaming": ("曝光", "横幅", "海报", "朋友圈", "social media", "shame", "post your"),
    "family_threat": ("孩子", "子女", "上学", "儿子", "女儿", "children", "kids", "school"),
    "induce_borrowing": (
        "借钱",
        "网贷",
        "以贷养贷",
        "套现",
        "卖车",
        "卖房",
        "borrow",
        "payday",
        "credit card",
    ),
    "deceptive": (
        "个人账户",
        "翻倍",
        "上门费",
        "催收费",
        "罚款",
        "personal account",
        "fee",
        "double",
        "gift card",
    ),
}


def baseline_categories(text: str) -> frozenset[str]:
    """The keyword-list baseline: substring search in the lower-cased raw text."""
    low = text.lower()
    return frozenset(c for c, words in BASELINE_KEYWORDS.items() if any(w in low for w in words))


def linter_categories(text: str, context: LintContext) -> frozenset[str]:
    return frozenset(f.category for f in lint(text, context).findings if f.severity == "block")


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    text: str
    context: LintContext
    labels: frozenset[str]
    split: str
    form: str
    groups: tuple[str, ...] = ()  # extra report groups (real messages: the language, and "novel")


def load_real(split: str) -> list[Item]:
    """The real messages as evaluation items: ``real-train`` (plain) or ``real-test`` (sealed)."""
    from faircollect.compliance.linter.corpus.real import load_sealed, load_train

    real = load_sealed() if split == "real-test" else load_train()
    return [
        Item(
            id=r.id,
            text=r.text,
            context=context_from_json(r.context or None),
            labels=frozenset(r.labels),
            split=split,
            form=r.lang,
            groups=("novel",) if r.novel else (),
        )
        for r in real
    ]


def load_corpus(path: Path = CORPUS) -> list[Item]:
    items: list[Item] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        items.append(
            Item(
                id=obj["id"],
                text=obj["text"],
                context=context_from_json(obj.get("context"), row=lineno),
                labels=frozenset(obj.get("labels", ())),
                split=obj.get("split", "train"),
                form=obj.get("form", ""),
            )
        )
    return items


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def false_rate(self) -> float:
        """Share of the negatives that were flagged (false blocks, at message level)."""
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    def as_dict(self) -> dict[str, Any]:
        def ci(k: int, n: int) -> list[float]:
            lo, hi = wilson(k, n)
            return [round(lo, 4), round(hi, 4)]

        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "precision_ci95": ci(self.tp, self.tp + self.fp),
            "recall": round(self.recall, 4),
            "recall_ci95": ci(self.tp, self.tp + self.fn),
            "false_rate": round(self.false_rate, 4),
            "false_rate_ci95": ci(self.fp, self.fp + self.tn),
        }


@dataclass
class SystemReport:
    per_category: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in BLOCK_CATEGORIES})
    block: Counts = field(default_factory=Counts)  # message level: should block vs did block
    hard_negatives: int = 0
    hard_negatives_blocked: int = 0
    by_form: dict[str, Counts] = field(default_factory=dict)  # message-level recall per written form
    errors: list[dict[str, Any]] = field(default_factory=list)
    sealed: bool = False  # errors keep ids and labels only, never the text

    def add(self, item: Item, predicted: frozenset[str]) -> None:
        for c in BLOCK_CATEGORIES:
            counts = self.per_category[c]
            if c in item.labels and c in predicted:
                counts.tp += 1
            elif c in predicted:
                counts.fp += 1
            elif c in item.labels:
                counts.fn += 1
            else:
                counts.tn += 1
        should, did = bool(item.labels), bool(predicted)
        groups = [self.by_form.setdefault(g, Counts()) for g in (item.form, *item.groups)]
        for counts in (self.block, *groups):
            if should and did:
                counts.tp += 1
            elif did:
                counts.fp += 1
            elif should:
                counts.fn += 1
            else:
                counts.tn += 1
        if not should:
            self.hard_negatives += 1
            self.hard_negatives_blocked += did
        if predicted != item.labels:
            error: dict[str, Any] = {"id": item.id, "expected": sorted(item.labels), "got": sorted(predicted)}
            if not self.sealed:
                error["text"] = item.text
            self.errors.append(error)

    def as_dict(self) -> dict[str, Any]:
        return {
            "per_category": {c: v.as_dict() for c, v in self.per_category.items()},
            "block": self.block.as_dict(),
            "hard_negatives": self.hard_negatives,
            "hard_negatives_blocked": self.hard_negatives_blocked,
            "by_form": {f: v.as_dict() for f, v in sorted(self.by_form.items())},
        }


@dataclass
class EvalReport:
    split: str
    messages: int
    linter: SystemReport
    baseline: SystemReport

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "messages": self.messages,
            "linter": self.linter.as_dict(),
            "baseline": self.baseline.as_dict(),
        }


def evaluate(split: str = "test", items: Iterable[Item] | None = None) -> EvalReport:
    """Score the linter and the baseline on ``split`` (see ``SPLITS``). On a sealed split the reports hold
    aggregate counts only: no error carries a text."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}")
    if items is not None:
        chosen = [i for i in items if split == "all" or i.split == split]
    elif split.startswith("real-"):
        chosen = load_real(split)
    else:
        chosen = [i for i in load_corpus() if split == "all" or i.split == split]
    sealed = split in SEALED_SPLITS
    systems: dict[str, tuple[SystemReport, Callable[[Item], frozenset[str]]]] = {
        "linter": (SystemReport(sealed=sealed), lambda i: linter_categories(i.text, i.context)),
        "baseline": (SystemReport(sealed=sealed), lambda i: baseline_categories(i.text)),
    }
    for item in chosen:
        for report, predict in systems.values():
            report.add(item, predict(item))
    return EvalReport(split, len(chosen), systems["linter"][0], systems["baseline"][0])
