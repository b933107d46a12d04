"""A small statistical second opinion: naive Bayes over character and word n-grams, trained on the corpus.

The rules in ``patterns.py`` / ``paraphrases.py`` are precise and survive disguises, but they miss threats worded in
ways nobody listed. This model catches some of those. It is trained when first needed (about 0.2 s), from the
``train`` split of ``corpus/messages.jsonl`` only, so ``faircollect lint eval --split test`` stays a held-out
measure. Messages whose label depends on context (approved visits, filed lawsuits, third-party recipients) are
left out of training, because the same words carry both labels.

Each sentence is scored on its own: log-odds of "prohibited" against "lawful", summed over the n-grams seen in
training. The sentence with the highest score gives the span. The category is the one whose own n-grams fit the
sentence best. A score of ``BLOCK_SCORE`` or more blocks, ``WARN_SCORE`` or more warns (set from leave-one-out
scores on the train split; see docs/linter.md).
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from faircollect.compliance.linter.normalise import Normalised, normalise
from faircollect.compliance.linter.types import BLOCK_CATEGORIES

CORPUS = Path(__file__).resolve().parent / "corpus" / "messages.jsonl"
BLOCK_SCORE = 8.0
WARN_SCORE = 3.0
MIN_KNOWN_GRAMS = 6
_TRAIN_FORMS = frozenset({"zh", "en", "obfuscated"})  # one row per seed; generated disguises add nothing new
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_ALPHA = 0.5


# 您 and 你 differ in politeness, not in lawfulness: without this the model learns the register of its corpus.
_REGISTER = str.maketrans({"您": "你"})


def _grams(cjk_source: str, words_source: str) -> frozenset[str]:
    cjk = "".join(ch for ch in cjk_source if not ch.isascii()).translate(_REGISTER)
    # 2- and 3-grams only: single characters say more about style than about threats
    grams = {cjk[i : i + k] for k in (2, 3) for i in range(len(cjk) - k + 1)}
    words = [w for w in words_source.split() if w.isascii() and not w.isdigit()]
    grams.update(words)
    grams.update(f"{a}_{b}" for a, b in pairwise(words))
    return frozenset(grams)


def features(text: str | Normalised) -> frozenset[str]:
    """Chinese character 2-3-grams (compact view) and English word 1-2-grams (word view)."""
    norm = normalise(text) if isinstance(text, str) else text
    return _grams(norm.compact.text, norm.words.text)


@dataclass(frozen=True, slots=True)
class Verdict:
    score: float
    category: str
    start: int
    end: int
    evidence: tuple[str, ...]


class Model:
    """Bernoulli-style naive Bayes with add-one-half smoothing; pure Python, weights precomputed."""

    def __init__(self, docs: Counter[str], counts: dict[str, Counter[str]]) -> None:
        self.docs = docs
        self.prior = math.log(docs["block"] / docs["ok"]) if docs["ok"] and docs["block"] else 0.0

        def ratio(feature: str, cls: str) -> float:
            p1 = (counts[cls][feature] + _ALPHA) / (docs[cls] + 2 * _ALPHA)
            p0 = (counts["ok"][feature] + _ALPHA) / (docs["ok"] + 2 * _ALPHA)
            return math.log(p1 / p0)

        # log P(g | prohibited) / P(g | lawful) for every n-gram seen in training
        self.block_weight = {g: ratio(g, "block") for g in counts["all"]}
        # per category, only the n-grams seen in that category's messages
        self.category_weight = {
            cat: {g: ratio(g, cat) for g in counts[cat]} for cat in BLOCK_CATEGORIES if docs[cat]
        }
        self.category_prior = {cat: math.log(docs[cat]) for cat in self.category_weight}

    def score(self, grams: frozenset[str]) -> tuple[float, list[tuple[float, str]]]:
        """Log-odds that a sentence with these n-grams is prohibited, and each known n-gram's weight."""
        bw = self.block_weight
        weights = [(bw[g], g) for g in grams if g in bw]
        return self.prior + sum(w for w, _ in weights), weights

    def category(self, grams: frozenset[str]) -> str:
        best, best_score = BLOCK_CATEGORIES[0], -math.inf
        for cat, table in self.category_weight.items():
            s = self.category_prior[cat] + sum(table[g] for g in grams if g in table)
            if s > best_score:
                best, best_score = cat, s
        return best

    def judge(self, text: str, norm: Normalised | None = None) -> Verdict | None:
        """Score each sentence of ``text``; return the worst one (None if no sentence has enough known text)."""
        norm = norm or normalise(text)
        c_starts, w_starts = norm.compact.starts, norm.words.starts
        worst: tuple[float, int, int, frozenset[str], list[tuple[float, str]]] | None = None
        for m in _SENTENCE.finditer(text):
            sentence = m.group(0)
            if not sentence.strip():
                continue
            s, e = m.start(), m.end()
            grams = _grams(
                norm.compact.text[bisect_left(c_starts, s) : bisect_left(c_starts, e)],
                norm.words.text[bisect_left(w_starts, s) : bisect_left(w_starts, e)],
            )
            score, weights = self.score(grams)
            if len(weights) < MIN_KNOWN_GRAMS:  # too little known text to judge
                continue
            if worst is None or score > worst[0]:
                start = s + (len(sentence) - len(sentence.lstrip()))
                worst = (score, start, s + len(sentence.rstrip()), grams, weights)
        if worst is None:
            return None
        score, start, end, grams, weights = worst
        top = tuple(g.replace("_", " ") for w, g in sorted(weights, reverse=True)[:3] if w > 0)
        category = self.category(grams) if score >= WARN_SCORE else ""
        return Verdict(score, category, start, end, top)


def train(rows: list[dict[str, object]]) -> Model:
    docs: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("ok", "block", "all", *BLOCK_CATEGORIES)}
    for row in rows:
        labels = list(row.get("labels") or [])  # type: ignore[call-overload]
        grams = features(str(row["text"]))
        classes = ["block", *labels] if labels else ["ok"]
        for cls in (*classes, "all"):
            docs[cls] += 1
            counts[cls].update(grams)
    return Model(docs, counts)


def training_rows(path: Path = CORPUS) -> list[dict[str, object]]:
    """The train split, one row per seed, without context-dependent messages."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("split") == "train" and row.get("form") in _TRAIN_FORMS and not row.get("context"):
            rows.append(row)
    return rows


@lru_cache(maxsize=1)
def default_model() -> Model:
    """Trained once per process from the committed corpus (train split only)."""
    return train(training_rows())
