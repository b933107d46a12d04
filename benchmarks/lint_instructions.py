"""Linter cost in instructions per message (valgrind callgrind), which the machine's load does not change.

Run under callgrind, then read the dumps::

    valgrind --tool=callgrind --callgrind-out-file=/tmp/lint.cg python benchmarks/lint_instructions.py
    python benchmarks/lint_instructions.py --report /tmp/lint.cg

The three sets of ``lint_bench.py`` (short, lawful short, letters) are linted once as a warm-up (caches, compiled
automaton, model), then once each with a callgrind dump (``callgrind_control -d``) after each pass: the dump of a
pass holds that pass's instructions alone. ``--report`` divides them by the set's size. A run takes 5-10 minutes
(the start-up and warm-up are most of it).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from faircollect.compliance.linter import LintContext

_SETS = ("short", "lawful", "letters")


def _sets() -> dict[str, list[tuple[str, LintContext]]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from lint_bench import _letters

    from faircollect.compliance.linter.evaluate import load_corpus, load_real

    items = [*load_corpus(), *load_real("real-train")]
    corpus = [(i.text, i.context) for i in items]
    return {
        "short": [t for t in corpus if len(t[0]) <= 70],
        "lawful": [(i.text, i.context) for i in items if not i.labels and len(i.text) <= 70],
        "letters": [(t, c) for t, c in _letters([t for t, _ in corpus])],
    }


def run() -> None:
    from faircollect.compliance.linter import lint

    sets = _sets()
    for rows in sets.values():
        for text, ctx in rows:
            lint(text, ctx)

    def dump(tag: str) -> None:
        subprocess.run(["callgrind_control", "-d", tag, str(os.getpid())], check=True, capture_output=True)

    dump("warm-up")
    for name, rows in sets.items():
        for text, ctx in rows:
            lint(text, ctx)
        dump(f"{name}={len(rows)}")


def report(out_file: str) -> None:
    for dump in sorted(Path(out_file).parent.glob(Path(out_file).name + ".*")):
        text = dump.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (\w+)=(\d+)", text, re.MULTILINE)
        total = re.search(r"^summary: (\d+)", text, re.MULTILINE)
        if trigger and total and trigger.group(1) in _SETS:
            n = int(trigger.group(2))
            print(
                f"{trigger.group(1):8} {n:5} messages  {int(total.group(1)) / n:12,.0f} instructions a message"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--report", metavar="CALLGRIND_OUT_FILE", help="Read the dumps of a run and print.")
    args = parser.parse_args()
    if args.report:
        report(args.report)
    else:
        run()


if __name__ == "__main__":
    main()
