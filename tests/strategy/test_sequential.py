"""A sequential (multi-wave) logging experiment: every account keeps its own wave's probability, the estimators stay
unbiased with varying propensities, and the allocation puts the later waves where the learner's floor needs them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.kit.errors import ValidationError
from faircollect.strategy import design, learn, ope, runs
from faircollect.strategy.logs import Logs, propensities, read
from faircollect.strategy.population import build, load_params, subset

ARMS3 = ["champion", "ladder", "gentle-ladder"]  # ladder and gentle-ladder plan the same contacts to day 30


def two_wave_cures(n: int, seed: int) -> tuple[np.ndarray, ...]:
    """Three arms in two waves with different shares; the second wave's shares were chosen from the first wave's
    outcomes (adaptively), as a sequential experiment does. Cure days: the champion cures more early; the ladder and
    gentle-ladder share their first 30 days and part afterwards."""
    rng = np.random.default_rng(seed)
    wave = (rng.random(n) < 0.5).astype(np.int64)
    first = np.array([0.5, 0.1, 0.4])
    early_p = {"champion": 0.7, "ladder": 0.6, "gentle-ladder": 0.6}
    late_p = {"champion": 0.3, "ladder": 0.5, "gentle-ladder": 0.4}

    def outcomes(arm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = len(arm)
        early = rng.random(m) < np.array([early_p[a] for a in arm])
        late = ~early & (rng.random(m) < np.array([late_p[a] for a in arm]))
        cured = np.where(early, rng.integers(1, 31, m), np.where(late, rng.integers(31, 61, m), 0))
        return cured, np.where(cured > 0, 1000.0 + cured, -50.0) + rng.normal(0, 100, m)

    arm = np.empty(n, dtype=object)
    cured = np.zeros(n, np.int64)
    reward = np.zeros(n)
    w0 = wave == 0
    arm[w0] = rng.choice(ARMS3, size=int(w0.sum()), p=first)
    cured[w0], reward[w0] = outcomes(arm[w0])
    # Wave 2: more of the arm that looked best on the first wave (data-dependent), every arm above zero.
    means = np.array([reward[w0 & (arm == a)].mean() for a in ARMS3])
    second = np.array([0.2, 0.2, 0.2]) + 0.4 * (means == means.max())
    arm[~w0] = rng.choice(ARMS3, size=int((~w0).sum()), p=second)
    cured[~w0], reward[~w0] = outcomes(arm[~w0])
    probs = np.where(w0[:, None], first[None, :], second[None, :])
    truth = {
        a: early_p[a] * (1000 + 15.5) + (1 - early_p[a]) * (late_p[a] * (1000 + 45.5) - (1 - late_p[a]) * 50)
        for a in ARMS3
    }
    return arm, cured, reward, probs, wave, truth  # type: ignore[return-value]


def test_pooled_weights_keep_their_mean_with_each_accounts_own_propensity() -> None:
    arm, cured, reward, probs, wave, truth = two_wave_cures(80_000, 7)
    n, days = len(arm), 60
    # The weights themselves (reward 1, no control variate): mean 1 for every arm, in each wave and overall.
    w = learn.prefix_terms(arm, cured, np.ones(n), ARMS3, probs, days, np.zeros((n, 3)))
    for j in range(3):
        for m in (wave == 0, wave == 1, np.ones(n, bool)):
            se = w[m, j].std(ddof=1) / np.sqrt(m.sum())
            assert abs(w[m, j].mean() - 1.0) < 4 * se
    q = np.full((n, 3), reward.mean())
    terms = learn.prefix_terms(arm, cured, reward, ARMS3, probs, days, q)
    for j, a in enumerate(ARMS3):
        se = terms[:, j].std(ddof=1) / np.sqrt(n)
        assert abs(terms[:, j].mean() - truth[a]) < 4 * se
    # One share per arm for every account (the first account's, as the learner took it before) is biased here.
    first = {a: float(probs[np.flatnonzero(arm == a)[0], j]) for j, a in enumerate(ARMS3)}
    wrong = learn.prefix_terms(arm, cured, np.ones(n), ARMS3, first, days, np.zeros((n, 3)))
    se = wrong[:, 1].std(ddof=1) / np.sqrt(n)
    assert abs(wrong[:, 1].mean() - 1.0) > 10 * se


@pytest.mark.parametrize("method", ["ips", "snips", "dr"])
def test_off_policy_estimates_weight_each_account_by_its_waves_probability(method: str) -> None:
    arm, _cured, reward, probs, _wave, truth = two_wave_cures(40_000, 11)
    col = {a: j for j, a in enumerate(ARMS3)}
    n = len(arm)
    table = pa.table(
        {
            "borrower_id": [f"b{i}" for i in range(n)],
            "score": np.zeros(n),
            "balance_minor": np.full(n, 750_000),
            "repeat": np.zeros(n, bool),
            "arm": list(arm),
            "probability": probs[np.arange(n), [col[a] for a in arm]],
            "reward_minor": reward.round().astype(np.int64),
        }
    )
    logs = Logs(table, {"arms": ARMS3})
    est = ope.evaluate(logs, np.array(["ladder"] * n, dtype=object), method=method)
    assert est.ci_low <= truth["ladder"] <= est.ci_high


def test_propensities_are_each_waves_shares_and_must_match_the_logged_probability() -> None:
    meta = {
        "arms": ["champion", "ladder"],
        "waves": [
            {"shares": {"champion": "0.5", "ladder": "0.5"}},
            {"shares": {"champion": "0.8", "ladder": "0.2"}},
        ],
    }
    table = pa.table(
        {"arm": ["ladder", "champion", "ladder"], "probability": [0.5, 0.8, 0.2], "wave": [0, 1, 1]}
    )
    got = propensities(Logs(table, meta))
    assert np.allclose(got, [[0.5, 0.5], [0.8, 0.2], [0.8, 0.2]])
    bad = table.set_column(1, "probability", pa.array([0.5, 0.8, 0.5]))
    with pytest.raises(ValidationError, match="do not match"):
        propensities(Logs(bad, meta))


def test_a_subset_keeps_its_borrowers_and_their_random_numbers() -> None:
    params = load_params()
    pop = build(3000, seed=5, days=20, params=params)
    idx = np.array([2, 7, *np.flatnonzero(pop.would_miss)[:5]])
    sub = subset(pop, idx)
    assert sub.borrower_ids == [pop.borrower_ids[i] for i in idx]
    for k, i in enumerate(idx):
        if pop.would_miss[i]:
            assert np.array_equal(sub.u_pay[sub.pos[k]], pop.u_pay[pop.pos[i]])
            assert np.array_equal(sub.u_reach[sub.pos[k]], pop.u_reach[pop.pos[i]])
        else:
            assert sub.pos[k] == -1


def _allocation_logs(n: int = 24_000, seed: int = 3) -> Logs:
    """Nine arms at the fixed shares; steady-ladder recovers clearly more than the ladder and costs less, the
    ladder makes the visits, every other arm recovers clearly less."""
    from faircollect.strategy.policies import ARMS

    rng = np.random.default_rng(seed)
    shares = np.array([0.4] + [0.075] * 8)
    k = rng.choice(len(ARMS), size=n, p=shares)
    arm = np.array([ARMS[i] for i in k], dtype=object)
    cure_p = np.where(arm == "steady-ladder", 0.95, np.where(arm == "ladder", 0.9, 0.8))
    cured = rng.random(n) < cure_p
    rec = np.where(cured, 300_000, 0).astype(np.int64)
    cost = np.where(arm == "ladder", 40_000, 2_000).astype(np.int64)
    visits = (arm == "ladder").astype(np.int64)
    table = pa.table(
        {
            "borrower_id": [f"b{i}" for i in range(n)],
            "score": rng.standard_normal(n).round(2),
            "balance_minor": rng.integers(3000, 20000, n) * 100,
            "repeat": np.zeros(n, bool),
            "arm": list(arm),
            "probability": shares[k],
            "cured_day": np.where(cured, 20, 0).astype(np.int64),
            "recovered_minor": rec,
            "cost_minor": cost,
            "reward_minor": rec - cost,
            "contacts": np.ones(n, np.int64),
            "calls": np.ones(n, np.int64),
            "visits": visits,
            "harsh_actions": visits,
            "complaints": np.zeros(n, np.int64),
        }
    )
    return Logs(table, {"arms": list(ARMS)})  # no horizon: the arms are not pooled


def test_the_allocation_goes_to_the_candidate_and_the_ladder_and_keeps_every_arm_above_its_floor() -> None:
    logs = _allocation_logs()
    got = design.allocate(logs, min_share=Decimal("0.02"))
    assert got.candidate["steady-ladder"] > 0.95
    assert sum(got.shares.values()) == Decimal(1)
    assert got.shares["champion"] >= Decimal("0.40")
    others = [a for a in got.shares if a not in ("champion", "ladder", "steady-ladder")]
    assert all(got.shares[a] >= Decimal("0.02") for a in got.shares)
    assert all(got.shares[a] < Decimal("0.03") for a in others)
    assert got.shares["steady-ladder"] > Decimal("0.2") and got.shares["ladder"] > Decimal("0.2")
    # learner-floor: the learner on these logs runs steady-ladder everywhere, so the split is the same.
    greedy = design.allocate(logs, min_share=Decimal("0.02"), rule="learner-floor")
    assert greedy.candidate["steady-ladder"] == pytest.approx(1.0)
    assert greedy.shares["steady-ladder"] > Decimal("0.2") and greedy.shares["ladder"] > Decimal("0.2")
    with pytest.raises(ValidationError):
        design.allocate(logs, min_share=Decimal("0.1"))  # 0.4 + 8 × 0.1 > 1


def test_a_sequential_experiment_logs_every_account_with_its_own_waves_share(tmp_path: Path) -> None:
    params = load_params()
    pop = runs.population(20_000, 20, 9, params)
    logs = runs.experiment(pop, params, waves=3, allocation="thompson-floor")
    waves = logs.meta["waves"]
    assert len(waves) == 3 and sum(w["borrowers"] for w in waves) == pop.n
    assert waves[0]["shares"]["ladder"] == "0.075"
    assert any(w["shares"] != waves[0]["shares"] for w in waves[1:])  # the later waves were reallocated
    arm, p, wave = logs.col("arm"), logs.col("probability"), logs.col("wave")
    for i in range(logs.table.num_rows):
        assert p[i] == float(Decimal(waves[wave[i]]["shares"][arm[i]]))
    assert propensities(logs).shape == (logs.table.num_rows, len(logs.arms))
    got = learn.learn(logs)  # learns from it like any logs
    assert set(got.choice.values()) <= set(logs.arms)
    with pytest.raises(ValidationError, match="allocation"):
        runs.experiment(pop, params, waves=2, allocation="greedy")


def test_the_experiment_command_runs_waves(tmp_path: Path) -> None:
    runner = CliRunner()
    help_text = runner.invoke(app, ["strategy", "experiment", "--help"]).output
    assert "--waves" in help_text and "--allocation" in help_text and "--min-share" in help_text
    d = tmp_path / "logs"
    res = runner.invoke(
        app,
        [
            "strategy", "experiment", "--logs", str(d), "--borrowers", "8000", "--days", "15", "--seed", "3",
            "--waves", "2", "--allocation", "thompson-floor", "--champion-share", "0.2",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    meta = json.loads((d / "meta.json").read_text())
    assert len(meta["waves"]) == 2 and meta["design"]["allocation"] == "thompson-floor"
    assert Decimal(meta["waves"][0]["shares"]["champion"]) == Decimal("0.40")
    assert Decimal("0.2") <= Decimal(meta["waves"][1]["shares"]["champion"]) < Decimal("0.21")
    assert "wave" in read(d).table.column_names
    bad = runner.invoke(app, ["strategy", "experiment", "--logs", str(d), "--waves", "0"])
    assert bad.exit_code != 0
