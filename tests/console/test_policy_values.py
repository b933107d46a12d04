"""Each champion/challenger policy's off-policy value from stored experiment logs, cached per logs content."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from faircollect.console import policy_values as pv
from faircollect.kit.errors import ValidationError
from faircollect.strategy import logs as logs_mod
from faircollect.strategy import ope
from faircollect.strategy.population import load_params
from faircollect.strategy.runs import experiment, population


@pytest.fixture(scope="module")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("logs")
    params = load_params(None)
    logs_mod.write(experiment(population(3000, 60, 7, params), params), d)
    return d


def test_every_arm_has_ips_snips_and_dr_with_intervals_and_the_simulators_value(logs_dir: Path) -> None:
    got = pv.policy_values(logs_dir)
    logs = logs_mod.read(logs_dir)
    assert [r.arm for r in got.rows] == logs.arms and got.accounts == logs.table.num_rows
    assert got.simulated == {"seed": 7, "borrowers": 3000, "days": 60}
    for r in got.rows:
        for m in pv.METHODS:
            e = r.estimates[m]
            assert e.ci_low <= e.value <= e.ci_high
        assert (r.uplift is None) == (r.arm == "champion")
        assert r.simulated is not None and r.covered is not None
    # the DR figure is the strategy module's own estimate, not a second implementation
    digital = next(r for r in got.rows if r.arm == "digital")
    direct = ope.evaluate(logs, np.full(logs.table.num_rows, "digital", dtype=object), method="dr")
    assert digital.estimates["dr"].value == pytest.approx(direct.value)
    assert sum(bool(r.covered) for r in got.rows) >= len(got.rows) - 1  # 95% intervals: most cover the truth


def test_computed_once_per_logs_content_then_served_from_the_cache(
    logs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pv.policy_values(logs_dir)
    stored = json.loads((logs_dir / pv.CACHE_FILE).read_text(encoding="utf-8"))
    assert stored["values"]["digest"] == first.digest

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("recomputed although the logs did not change")

    monkeypatch.setattr(pv, "compute", boom)
    assert pv.policy_values(logs_dir) == first  # memory
    pv._memory.clear()
    assert pv.policy_values(logs_dir) == first  # the file beside the logs
    meta = json.loads((logs_dir / "meta.json").read_text(encoding="utf-8"))
    (logs_dir / "meta.json").write_text(json.dumps({**meta, "note": "changed"}), encoding="utf-8")
    with pytest.raises(AssertionError, match="recomputed"):
        pv.policy_values(logs_dir)  # new content: computed again


def test_a_directory_without_logs_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"no accounts\.parquet") as e:
        pv.policy_values(tmp_path)
    assert e.value.file == str(tmp_path)
