"""The learned second opinion: calibrated logistic regressions over n-grams, read from ``model.json``.

``train.py`` writes the file (scikit-learn, train split only); this module reads it in plain Python, so linting
needs neither scikit-learn nor a pickle. Each sentence of a message is scored on its own (a threat inside a long
letter is not diluted by the polite sentences around it); the worst sentence decides.

* ``P(prohibited)`` is the logistic of the class ``block``'s bias plus the weights of the sentence's features. At or
  above ``thresholds.block`` the linter blocks, at or above ``thresholds.warn`` it warns ("suspected").
* The categories are those whose own calibrated probability reaches ``thresholds.category`` (at least the most
  likely one).
* The span is the stretch of the original text covered by the n-grams that weighed most (up to three), so a
  reviewer sees what decided it; the explanation names them.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np

from faircollect.compliance.linter.features import cjk_of, lexicon_automaton, sentence_features
from faircollect.compliance.linter.normalise import Normalised

MODEL_FILE = Path(__file__).resolve().parent / "model.json"
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*")
MIN_FEATURES = 4
#: English words that say nothing of a threat by themselves (``Classifier.content_probability``): pronouns,
#: auxiliaries, negators, articles, prepositions, conjunctions, and the payment talk of every collection message
GENERIC_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "as",
        "about",
        "into",
        "over",
        "after",
        "before",
        "than",
        "then",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "will",
        "ll",
        "would",
        "wouldn",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "won",
        "don",
        "doesn",
        "didn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "hasn",
        "haven",
        "hadn",
        "couldn",
        "shouldn",
        "t",
        "s",
        "re",
        "ve",
        "d",
        "m",
        "you",
        "your",
        "yours",
        "yourself",
        "u",
        "ur",
        "ya",
        "we",
        "us",
        "our",
        "ours",
        "i",
        "me",
        "my",
        "mine",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "theirs",
        "who",
        "whom",
        "whose",
        "what",
        "which",
        "when",
        "where",
        "why",
        "how",
        "not",
        "no",
        "never",
        "nobody",
        "none",
        "nothing",
        "neither",
        "nor",
        "just",
        "now",
        "please",
        "all",
        "any",
        "some",
        "one",
        "also",
        "very",
        "only",
        "up",
        "out",
        "again",
        "too",
        "get",
        "got",
        "let",
        "make",
        "go",
        "going",
        "gonna",
        "want",
        "need",
        "like",
        "know",
        "pay",
        "paid",
        "paying",
        "payment",
        "payments",
        "pays",
        "account",
        "balance",
        "amount",
        "due",
        "owe",
        "owed",
        "debt",
        "today",
        "call",
        "contact",
        "back",
    ]
)
#: Messages up to this length are scored whole, as the model was trained (on messages); longer letters sentence
#: by sentence, so one threatening sentence is not diluted by a page of polite ones.
CHUNK = 120


_HAN = re.compile(r"[\u3400-\u9fff]")


def is_english(compact: str) -> bool:
    """A sentence (its compact view) is read as English when it holds no Chinese character: the block class's
    ``bias_en`` applies to it."""
    return compact.isascii() or not _HAN.search(compact)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as (start, end) spans (``train.py`` gives a lawful letter's sentences as rows)."""
    return [m.span() for m in _SENTENCE.finditer(text)]


def _chunks(text: str) -> list[tuple[int, int]]:
    if len(text) <= CHUNK:
        return [(0, len(text))]
    return sentence_spans(text)


_EXP_LIMIT = 60.0


def sigmoid(z: float) -> float:
    z = max(-_EXP_LIMIT, min(_EXP_LIMIT, z))
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True, slots=True)
class ModelVerdict:
    probability: float
    categories: tuple[tuple[str, float], ...]  # (category, calibrated probability), most likely first
    start: int
    end: int
    evidence: tuple[str, ...]
    words: str = ""  # the judged sentence's word view
    sentence: tuple[int, int] = (0, 0)  # the judged sentence in the original text


class Classifier:
    def __init__(self, data: dict[str, Any]) -> None:
        classes = data["classes"]
        self.bias = float(classes["block"]["bias"])
        #: added to ``bias`` for a sentence without Chinese (``is_english``): the block class's English intercept
        self.bias_en = float(classes["block"].get("bias_en", 0.0))
        self.weights: dict[str, float] = classes["block"]["weights"]
        self.categories = {c: (float(v["bias"]), v["weights"]) for c, v in classes.items() if c != "block"}
        # Every category scored at once (built here from the per-class weights, so model.json keeps its format):
        # one row per feature that any category weighs, one column per category, 0.0 where a category does not
        # weigh the feature. ``category_sums`` adds the rows of a sentence's features in one numpy reduction.
        self._cat_names = list(self.categories)
        self._cat_bias = [b for b, _w in self.categories.values()]
        rows: dict[str, list[float]] = {}
        for k, (_b, cw) in enumerate(self.categories.values()):
            for g, v in cw.items():
                rows.setdefault(g, [0.0] * len(self._cat_names))[k] = float(v)
        self._feat_row = {g: i for i, g in enumerate(rows)}
        # one look-up per feature of a sentence: (its category-matrix row or None, its block weight or None)
        self._feat_both: dict[str, tuple[int | None, float | None]] = {
            g: (self._feat_row.get(g), self.weights.get(g)) for g in {*self._feat_row, *self.weights}
        }
        self._cat_matrix = np.array(list(rows.values()), dtype=np.float64).reshape(
            len(rows), len(self._cat_names)
        )
        t = data["thresholds"]
        self.block_at = float(t["block"])
        #: per-language block thresholds (each read off its language's lawful training rows; ``block_at`` is the
        #: overall one, kept for reference); a text with Chinese in it is judged as Chinese
        self.block_at_zh = float(t.get("block_zh", self.block_at))
        self.block_at_en = float(t.get("block_en", self.block_at))
        self.warn_at = float(t["warn"])
        self.category_at = float(t["category"])
        self.lexicon = lexicon_automaton(data.get("lexicon", ()))
        # Fast scoring: one automaton over every Chinese feature the model knows (n-grams and lexicon words, which
        # are all substrings of the sentence), valued with (summed weight, feature count) of that string.
        known: dict[str, tuple[float, int]] = {}
        for feat, weight in self.weights.items():
            key = feat[1:] if feat.startswith("#") else feat
            if key and not key.isascii():
                old_w, old_n = known.get(key, (0.0, 0))
                known[key] = (old_w + weight, old_n + 1)
        self._cjk = ahocorasick.Automaton()
        for key, value in known.items():
            self._cjk.add_word(key, (key, *value))
        if known:
            self._cjk.make_automaton()

    def _score(self, compact: str, words: str) -> tuple[float, int]:
        """The sum of the known features' weights and their number; the same as summing over
        ``sentence_features`` (a test checks it), without building the feature set."""
        total, count = 0.0, 0
        cjk = cjk_of(compact)
        if len(cjk) > 1 and len(self._cjk):
            seen: set[str] = set()
            for _end, (key, weight, n) in self._cjk.iter(cjk):
                if key not in seen:
                    seen.add(key)
                    total += weight
                    count += n
        if words:
            latin = [t for t in words.split() if t.isascii() and not t.isdigit()]
            if latin:
                w = self.weights
                for g in {*latin, *(f"{a} {b}" for a, b in pairwise(latin))}:
                    v = w.get(g)
                    if v is not None:
                        total += v
                        count += 1
        return total, count

    def category_sums(self, feats: Iterable[str]) -> list[float]:
        """For every category (in ``categories`` order) the sum of its weights of ``feats``, added in the order of
        ``feats``: exactly ``sum(cw[g] for g in feats if g in cw)`` per category (a test checks it bit for bit).
        numpy's reduction along the first axis of a C-ordered matrix adds the rows one after another, and adding
        the 0.0 of a feature a category does not weigh leaves a float sum unchanged."""
        get = self._feat_row.get
        return self._sums_of_rows([i for i in map(get, feats) if i is not None])

    def _sums_of_rows(self, idx: list[int]) -> list[float]:
        if not idx:
            return [0.0] * len(self._cat_names)
        sums: list[float] = self._cat_matrix[idx].sum(axis=0).tolist()
        return sums

    def content_probability(self, words: str, probability: float) -> float:
        """``probability`` (of a sentence whose word view is ``words``) without the weight of its English features
        made only of generic words — pronouns, auxiliaries, negators, prepositions and the payment talk every
        collection message holds ("your", "will", "ll", "t", "pay", "you pay"): what the sentence's content words
        (and its Chinese features) say alone. The model learned these generic words as signs of abuse (the
        abusive English training rows are second-person threats about paying), so on their own they must not block
        ("Don't worry, nobody will come to your home." at P 0.97 from 'your', 'will', 't')."""
        latin = [t for t in words.split() if t.isascii() and not t.isdigit()]
        if not latin:
            return probability
        w = self.weights
        generic = 0.0
        for g in {*latin, *(f"{a} {b}" for a, b in pairwise(latin))}:
            v = w.get(g)
            if v is not None and all(t in GENERIC_EN for t in g.split()):
                generic += v
        z = math.log(probability / (1.0 - probability)) if 0.0 < probability < 1.0 else 0.0
        return sigmoid(z - generic) if 0.0 < probability < 1.0 else probability

    def block_threshold(self, compact: str) -> float:
        """The block threshold for this text's language (Chinese if it has Chinese characters)."""
        return self.block_at_en if compact.isascii() else self.block_at_zh  # ``cjk_of(compact)`` is empty

    def probability(self, feats: set[str]) -> float:
        w = self.weights
        return sigmoid(self.bias + sum(w[g] for g in feats if g in w))

    def judge(self, norm: Normalised) -> ModelVerdict | None:
        """Score every sentence; return the worst one's verdict (None for an empty text)."""
        text = norm.original
        ctext, wtext = norm.compact.text, norm.words.text
        bias, bias_en = self.bias, self.bias_en
        worst: tuple[float, int, int, int, int, int, int] | None = None
        spans = _chunks(text)
        whole = len(spans) == 1  # a short message: no offset map needed to slice it
        for s, e in spans:
            if whole:
                ca, cb, wa, wb = 0, len(ctext), 0, len(wtext)
            else:
                c_starts, words = norm.compact.starts, norm.words
                ca, cb = bisect_left(c_starts, s), bisect_left(c_starts, e)
                wa, wb = words.first_from(s, len(wtext)), words.first_from(e, len(wtext))
            total, count = self._score(ctext[ca:cb], wtext[wa:wb])
            if count < MIN_FEATURES:  # too little known text to judge
                continue
            z = bias + total
            if bias_en and is_english(ctext[ca:cb]):
                z += bias_en
            if worst is None or z > worst[0]:
                worst = (z, s, e, ca, cb, wa, wb)
        if worst is None:
            return None
        z, s, e, ca, cb, wa, wb = worst
        p = sigmoid(z)
        if p < self.warn_at:
            return ModelVerdict(p, (), s, e, ())
        feats = sentence_features(ctext[ca:cb], wtext[wa:wb], self.lexicon)
        # one pass over the features: the category-matrix rows (``category_sums``'s, in the same order) and the
        # block weights (``[(w[g], g) for g in feats if g in w]``, in the same order)
        rows: list[int] = []
        weighted: list[tuple[float, str]] = []
        both = self._feat_both.get
        for g in feats:
            got = both(g)
            if got is not None:
                row, v = got
                if row is not None:
                    rows.append(row)
                if v is not None:
                    weighted.append((v, g))
        sums = self._sums_of_rows(rows)
        # ``sigmoid`` written out (the same operations): 14 calls fewer per judged text
        exp, lim = math.exp, _EXP_LIMIT
        scored = []
        for c, b, t in zip(self._cat_names, self._cat_bias, sums, strict=True):
            zc = b + t
            zc = -lim if zc < -lim else lim if zc > lim else zc
            scored.append((1.0 / (1.0 + exp(-zc)), c))
        scored.sort(reverse=True)
        cats = tuple((c, pc) for pc, c in scored if pc >= self.category_at) or ((scored[0][1], scored[0][0]),)
        # heapq.nlargest(3, ...) is documented to equal sorted(..., reverse=True)[:3]
        top = [g for v, g in heapq.nlargest(3, weighted) if v > 0]
        start, end = self._span(norm, top, (ca, cb), (wa, wb), (s, e))
        return ModelVerdict(p, cats, start, end, tuple(g.lstrip("#") for g in top), wtext[wa:wb], (s, e))

    @staticmethod
    def _span(
        norm: Normalised,
        grams: list[str],
        cslice: tuple[int, int],
        wslice: tuple[int, int],
        sent: tuple[int, int],
    ) -> tuple[int, int]:
        """The stretch of the original text that the deciding n-grams cover (the sentence if none is found)."""
        found: list[tuple[int, int]] = []
        compact = norm.compact
        piece = compact.text[cslice[0] : cslice[1]]
        cjk = cjk_of(piece)
        cjk_index: range | list[int]
        if len(cjk) == len(piece):  # no ASCII in the slice (the usual Chinese sentence): the k-th is at a + k
            cjk_index = range(*cslice)
        else:
            cjk_index = [i for i in range(*cslice) if not compact.text[i].isascii()]
        for g in grams:
            gram = g.lstrip("#")
            if gram.isascii():
                k = norm.words.text.find(gram, *wslice)
                if k >= 0:
                    found.append(norm.words.span(k, k + len(gram)))
            else:
                k = cjk.find(gram.replace("您", "你"))
                if k >= 0:
                    found.append(compact.span(cjk_index[k], cjk_index[k + len(gram) - 1] + 1))
        if not found:
            a, b = sent
            text = norm.original
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            return a, b
        return min(a for a, _ in found), max(b for _, b in found)


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    return Classifier(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
