"""Development measure on the train split only: grouped cross-validation over the real train sources.

Run: ``python -m faircollect.compliance.linter.devcv [--folds 5] [--show-errors]``.

The real train sources are cut into folds by a hash of the source (everything from one source in one fold). For
each fold the classifier is trained without that fold's sources and the whole linter (rules, grammar, that
classifier) is scored on them. The rules and the grammar were written looking at all of train, so this measures the
classifier honestly and the rules optimistically; it is what changes are tuned on, so that the sealed test split
is only ever read for the final aggregate figures.

``--model-only`` also scores the classifier alone on the held-out items (its own block threshold, no rules, no
guards) and its ranking (AUC: the chance that a held-out prohibited text outscores a held-out lawful one): the
honest measure of the model, since the rules were written on these items. ``--set NAME=VALUE`` overrides one of
``train.py``'s development switches (``REPEATS``, ``LETTER_SENTENCES``, ``LANG_SCALE``, ``GENERIC_SCALE``,
``BLOCK_FALSE_RATE``, ``REAL_WEIGHT``, ``C`` …) for this run only.
"""

from __future__ import annotations

import argparse
import hashlib
from typing import Any

from faircollect.compliance.linter import engine
from faircollect.compliance.linter import train as training
from faircollect.compliance.linter.classifier import Classifier
from faircollect.compliance.linter.corpus.real import STAGED_TRAIN_FILE, load_train
from faircollect.compliance.linter.evaluate import Counts, linter_categories
from faircollect.compliance.linter.io import context_from_json
from faircollect.compliance.linter.normalise import normalise
from faircollect.compliance.linter.train import train


def _fold(source: str, folds: int) -> int:
    return int.from_bytes(hashlib.sha256(source.encode("utf-8")).digest()[:4], "big") % folds


def auc(positives: list[float], lawful: list[float]) -> float:
    """The chance that a prohibited text scores above a lawful one (ties count half)."""
    if not positives or not lawful:
        return float("nan")
    wins = sum((p > q) + 0.5 * (p == q) for p in positives for q in lawful)
    return wins / (len(positives) * len(lawful))


def cross_validate(
    folds: int = 5, *, with_staged: bool = False, scores: list[tuple[str, bool, float, bool]] | None = None
) -> tuple[dict[str, Counts], list[dict[str, Any]]]:
    """``with_staged`` adds the staged train items (``corpus/staged_train.jsonl``) to the folds: trained on where
    their fold is not held out, scored where it is. ``scores``, when given, receives (language, should block, the
    classifier's probability, whether the classifier alone blocks) for every held-out item."""
    items = [*load_train(), *(load_train(STAGED_TRAIN_FILE) if with_staged else [])]
    counts = {"all": Counts(), "zh": Counts(), "en": Counts()}
    errors: list[dict[str, Any]] = []
    original = engine.default_classifier
    try:
        for k in range(folds):
            held = [i for i in items if _fold(i.source, folds) == k]
            if not held:
                continue
            model = Classifier(
                train(exclude_sources=frozenset(i.source for i in held), include_staged=with_staged)
            )
            engine.default_classifier = lambda m=model: m  # type: ignore[assignment]
            for i in held:
                if scores is not None:
                    norm = normalise(i.text)
                    verdict = model.judge(norm)
                    p = verdict.probability if verdict is not None else 0.0
                    scores.append((i.lang, bool(i.labels), p, p >= model.block_threshold(norm.compact.text)))
                got = linter_categories(i.text, context_from_json(i.context or None))
                should, did = bool(i.labels), bool(got)
                for c in (counts["all"], counts[i.lang]):
                    c.tp += should and did
                    c.fn += should and not did
                    c.fp += did and not should
                    c.tn += not should and not did
                if should != did:
                    errors.append(
                        {"id": i.id, "expected": sorted(i.labels), "got": sorted(got), "text": i.text}
                    )
    finally:
        engine.default_classifier = original
    return counts, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--with-staged", action="store_true", help="add the staged train items to the folds")
    ap.add_argument("--model-only", action="store_true", help="also score the classifier alone (and its AUC)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a train.py switch")
    args = ap.parse_args()
    for setting in args.set:
        name, _eq, value = setting.partition("=")
        if not name.isupper() or not hasattr(training, name):
            ap.error(f"unknown train.py setting {name!r}")
        old = getattr(training, name)
        setattr(training, name, type(old)(value == "True" if isinstance(old, bool) else float(value)))
    scores: list[tuple[str, bool, float, bool]] = []
    counts, errors = cross_validate(args.folds, with_staged=args.with_staged, scores=scores)
    for name, c in counts.items():
        print(
            f"{name}: block recall {c.recall:.1%} ({c.tp}/{c.tp + c.fn}), "
            f"false blocks {c.fp}/{c.fp + c.tn} ({c.false_rate:.1%})"
        )
    if args.model_only:
        for name in ("all", "zh", "en"):
            got = [x for x in scores if name in ("all", x[0])]
            pos, neg = [x for x in got if x[1]], [x for x in got if not x[1]]
            print(
                f"{name}: classifier alone blocks {sum(x[3] for x in pos)}/{len(pos)}, "
                f"false blocks {sum(x[3] for x in neg)}/{len(neg)}, "
                f"AUC {auc([x[2] for x in pos], [x[2] for x in neg]):.3f}"
            )
    if args.show_errors:
        for e in errors:
            print(e)


if __name__ == "__main__":
    main()
