"""Linter throughput (messages per second, one core) beside the plain keyword-list baseline.

Run: ``.venv/bin/python benchmarks/lint_bench.py [--seconds 2]``. Messages are the corpus (every form: simplified,
traditional, separated, pinyin, English, disguised English) plus long letters made by joining corpus messages.
The baseline is ``evaluate.baseline_categories``: lower-case substring search over keyword lists, no
normalisation, no context. Both are timed on the same messages, in the same process, after one warm-up pass.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from faircollect.compliance.linter import LintContext, lint
from faircollect.compliance.linter.engine import compiled
from faircollect.compliance.linter.evaluate import baseline_categories, load_corpus
from faircollect.compliance.linter.model import default_model


def _rate(
    fn: Callable[[str, LintContext], object], items: list[tuple[str, LintContext]], seconds: float
) -> tuple[float, float]:
    """Messages per second (median of 5 rounds) and mean microseconds per message."""
    for text, ctx in items:  # warm-up (caches, compiled automaton)
        fn(text, ctx)
    rates = []
    per_round = max(seconds / 5, 0.05)
    for _ in range(5):
        done = 0
        start = time.perf_counter()
        while time.perf_counter() - start < per_round:
            for text, ctx in items:
                fn(text, ctx)
            done += len(items)
        rates.append(done / (time.perf_counter() - start))
    rate = statistics.median(rates)
    return rate, 1e6 / rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="Time budget per measured row.")
    args = parser.parse_args()

    t0 = time.perf_counter()
    compiled()
    build_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    default_model()
    model_ms = (time.perf_counter() - t0) * 1000

    corpus = [(i.text, i.context) for i in load_corpus()]
    short = [t for t in corpus if len(t[0]) <= 80]
    long = [("。".join(t for t, _ in corpus[i : i + 12]), LintContext()) for i in range(0, len(corpus), 12)]
    sets = {
        "corpus (all forms)": corpus,
        "short (≤ 80 chars)": short,
        "long letters (~12 messages)": long,
    }
    table = Table(title="faircollect lint throughput, one core (messages/second)")
    for col in (
        "messages",
        "count",
        "avg chars",
        "linter msg/s",
        "linter µs/msg",
        "baseline msg/s",
        "baseline µs/msg",
    ):
        table.add_column(col, justify="left" if col == "messages" else "right")
    for name, items in sets.items():
        lin_rate, lin_us = _rate(lambda t, c: lint(t, c), items, args.seconds)
        base_rate, base_us = _rate(lambda t, c: baseline_categories(t), items, args.seconds)
        avg = sum(len(t) for t, _ in items) / len(items)
        table.add_row(
            name,
            str(len(items)),
            f"{avg:.0f}",
            f"{lin_rate:,.0f}",
            f"{lin_us:.0f}",
            f"{base_rate:,.0f}",
            f"{base_us:.1f}",
        )
    console = Console(width=140)
    console.print(table)
    console.print(
        f"once per process: automaton + regex build {build_ms:.0f} ms, model training {model_ms:.0f} ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
