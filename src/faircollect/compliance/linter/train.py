"""Train the linter's classifier and write it as inspectable JSON (``model.json``): ``python -m
faircollect.compliance.linter.train``.

* Rows: the ``train`` split only: the hand-written seeds (one row per seed: forms zh, en, obfuscated) and the real
  messages of ``corpus/real_train.jsonl`` (weighted ``REAL_WEIGHT``, since they are what the linter must read).
  Rows whose label depends on context (third-party recipients, approved visits, filed lawsuits) are left out: the
  same words carry both labels there.
* Features: ``features.py`` (character 2-3-grams, jieba words, English words and pairs, all from the normalised
  views).
* Models: one logistic regression for "prohibited at all" and one per category (one-vs-rest), scikit-learn.
* Calibration: Platt scaling fitted on 5-fold out-of-fold scores, folded into each model's weights, so the stored
  model stays linear (a weight per feature and a bias per class) and its logistic is a calibrated probability.
* Thresholds: chosen on those out-of-fold probabilities: ``block`` where at most ``BLOCK_FALSE_RATE`` of the
  lawful training rows would block, ``warn`` where at most ``WARN_FALSE_RATE`` would be flagged.

No pickle: the file holds the lexicon, the weights and the thresholds, and ``classifier.py`` reads it in plain
Python. It is deterministic: the same corpus gives the same file (a test checks the committed one is current).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

from faircollect.compliance.linter.corpus.real import STAGED_TRAIN_FILE, load_train
from faircollect.compliance.linter.corpus.real import TRAIN_FILE as REAL_TRAIN
from faircollect.compliance.linter.features import jieba_words, lexicon_automaton, sentence_features
from faircollect.compliance.linter.normalise import normalise
from faircollect.compliance.linter.types import BLOCK_CATEGORIES

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "corpus" / "messages.jsonl"
MODEL_FILE = HERE / "model.json"
REAL_WEIGHT = 3.0
SEED_FORMS = frozenset({"zh", "en", "obfuscated"})
BLOCK_FALSE_RATE = 0.01
#: English lawful rows are few (about a hundred): block above every one of them, not 1% of them.
EN_BLOCK_FALSE_RATE = 0.0
WARN_FALSE_RATE = 0.04
MIN_CATEGORY_ROWS = 8
C = 4.0
DROP_BELOW = 0.002
_CJK = re.compile(r"[\u3400-\u9fff]")


def training_rows(
    exclude_sources: frozenset[str] = frozenset(), *, include_staged: bool = False
) -> list[tuple[str, tuple[str, ...], float]]:
    """(text, labels, weight) for every training row; train split only, no context-dependent rows.
    ``exclude_sources`` leaves out real sources (for grouped cross-validation during development);
    ``include_staged`` adds the staged train items (``devcv --with-staged``; the committed model never has them)."""
    rows: list[tuple[str, tuple[str, ...], float]] = []
    for line in SEEDS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if obj.get("split") == "train" and obj.get("form") in SEED_FORMS and not obj.get("context"):
            rows.append((str(obj["text"]), tuple(obj.get("labels") or ()), 1.0))
    items = [*load_train(), *(load_train(STAGED_TRAIN_FILE) if include_staged else [])]
    for item in items:
        if not item.context and item.source not in exclude_sources:
            rows.append((item.text, item.labels, REAL_WEIGHT))
    return rows


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _platt(scores: Any, y: Any, weights: Any) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e6, solver="lbfgs")
    platt.fit(scores.reshape(-1, 1), y, sample_weight=weights)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def _fit(X: Any, y: Any, w: Any, names: list[str]) -> tuple[dict[str, float], float, Any]:
    """Fit, calibrate on out-of-fold scores, fold the calibration in; return (weights, bias, oof probabilities)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros(len(y))
    for tr, te in StratifiedKFold(n_splits=5, shuffle=True, random_state=7).split(X, y):
        m = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=0)
        m.fit(X[tr], y[tr], sample_weight=w[tr])
        oof[te] = m.decision_function(X[te])
    a, c = _platt(oof, y, w)
    model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=0)
    model.fit(X, y, sample_weight=w)
    coef = model.coef_[0] * a
    bias = float(model.intercept_[0] * a + c)
    weights = {names[j]: round(float(v), 4) for j, v in enumerate(coef) if abs(v) >= DROP_BELOW}
    probs = 1.0 / (1.0 + np.exp(-(a * oof + c)))
    return weights, round(bias, 4), probs


def _threshold(neg_probs: list[float], rate: float, floor: float) -> float:
    """The lowest probability at which at most ``rate`` of the lawful rows reach it (never below ``floor``)."""
    ranked = sorted(neg_probs, reverse=True)
    allowed = int(rate * len(ranked))
    cut = ranked[allowed] if allowed < len(ranked) else 0.0
    return round(max(floor, math.nextafter(cut, 1.0)), 4)


def train(exclude_sources: frozenset[str] = frozenset(), *, include_staged: bool = False) -> dict[str, Any]:
    import numpy as np
    from scipy.sparse import csr_matrix

    rows = training_rows(exclude_sources, include_staged=include_staged)
    norms = [normalise(t) for t, _l, _w in rows]
    lexicon = jieba_words(n.compact.text for n in norms)
    automaton = lexicon_automaton(lexicon)
    feats = [sentence_features(n.compact.text, n.words.text, automaton) for n in norms]
    df: dict[str, int] = {}
    for f in feats:
        for g in f:
            df[g] = df.get(g, 0) + 1
    names = sorted(g for g, c in df.items() if c >= 2)
    index = {g: j for j, g in enumerate(names)}
    indptr, indices = [0], []
    for f in feats:
        indices.extend(sorted(index[g] for g in f if g in index))
        indptr.append(len(indices))
    X = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(names)))
    w = np.array([wt for _t, _l, wt in rows])
    classes: dict[str, Any] = {}
    y_block = np.array([1 if set(labels) & set(BLOCK_CATEGORIES) else 0 for _t, labels, _w in rows])
    weights, bias, probs = _fit(X, y_block, w, names)
    classes["block"] = {"bias": bias, "weights": weights}
    neg = [float(p) for p, yy in zip(probs, y_block, strict=True) if yy == 0]
    # English texts get their own, stricter block threshold: above every lawful English training row (they are
    # about a hundred, so "1% of them" would let the single most over-confident one through), never below the
    # overall one. One over-confident English payment word must not carry a block. Chinese uses the overall one.
    neg_en = [
        float(p)
        for (t, _l, _w), p, yy in zip(rows, probs, y_block, strict=True)
        if yy == 0 and not _CJK.search(t)
    ]
    for cat in BLOCK_CATEGORIES:
        y = np.array([1 if cat in labels else 0 for _t, labels, _w in rows])
        if y.sum() < MIN_CATEGORY_ROWS:
            continue
        cw, cb, _p = _fit(X, y, w, names)
        classes[cat] = {"bias": cb, "weights": cw}
    used = {g for cls in classes.values() for g in cls["weights"]}
    return {
        "format": "faircollect-linter-logistic/1",
        "about": "Calibrated logistic regressions over n-grams; see faircollect/compliance/linter/train.py.",
        "trained_on": {
            "rows": len(rows),
            "prohibited_rows": int(y_block.sum()),
            "lawful_rows": int(len(rows) - y_block.sum()),
            "real_rows": sum(1 for _t, _l, wt in rows if wt == REAL_WEIGHT),
            "corpus_sha256": _digest(SEEDS, REAL_TRAIN),
            "features": len(names),
        },
        "thresholds": {
            "block": _threshold(neg, BLOCK_FALSE_RATE, 0.5),
            "block_zh": _threshold(neg, BLOCK_FALSE_RATE, 0.5),
            "block_en": max(
                _threshold(neg, BLOCK_FALSE_RATE, 0.5), _threshold(neg_en, EN_BLOCK_FALSE_RATE, 0.5)
            ),
            "warn": _threshold(neg, WARN_FALSE_RATE, 0.2),
            "category": 0.5,
        },
        "lexicon": [wd for wd in lexicon if "#" + wd in used],
        "classes": classes,
    }


def main() -> None:
    model = train()
    MODEL_FILE.write_text(
        json.dumps(model, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8"
    )
    t = model["trained_on"]
    print(
        f"wrote {MODEL_FILE.name}: {t['rows']} rows, {t['features']} features, thresholds {model['thresholds']}"
    )


if __name__ == "__main__":
    main()
