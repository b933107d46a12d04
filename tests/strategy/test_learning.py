"""Learning from logged experiments: off-policy estimators, uplift, sample sizes, the learned strategy."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.collections.strategy import load_strategy
from faircollect.kit.errors import ValidationError
from faircollect.strategy import learn, ope
from faircollect.strategy.logs import Logs, read, write
from faircollect.strategy.policies import ARMS as ALL_ARMS

ARMS = ALL_ARMS[:6]  # the synthetic logs ran the first six arms (a logged experiment need not run every arm)


def synthetic_logs(n: int = 6000, seed: int = 0) -> tuple[Logs, dict[str, float]]:
    """Logs where each arm's reward depends on the score in a known way; arms drawn with known probabilities."""
    rng = np.random.default_rng(seed)
    score = rng.standard_normal(n).round(2)
    balance = rng.integers(3000, 20000, size=n) * 100
    shares = np.array([0.4] + [0.12] * 5)
    arm_no = rng.choice(len(ARMS), size=n, p=shares)
    effect = {a: 1000.0 * k for k, a in enumerate(ARMS)}  # arm k adds k × 1,000 fen …
    slope = {a: (500.0 if a == "light" else -300.0) for a in ARMS}  # … and light does better for high scores
    mean = np.array(
        [60000 + effect[ARMS[k]] + slope[ARMS[k]] * s * 10 for k, s in zip(arm_no, score, strict=True)]
    )
    reward = (mean + rng.normal(0, 20000, size=n)).round()
    visits = (arm_no == ARMS.index("ladder")).astype(np.int64)
    table = _logs_table(list(ARMS), arm_no, shares, score, balance, reward, visits)
    truth = {a: 60000 + effect[a] + slope[a] * float(score.mean()) * 10 for a in ARMS}
    return Logs(table, {"arms": list(ARMS)}), truth


def _logs_table(
    arms: list[str],
    arm_no: np.ndarray,
    shares: np.ndarray,
    score: np.ndarray,
    balance: np.ndarray,
    reward: np.ndarray,
    visits: np.ndarray,
) -> pa.Table:
    """The logged accounts' table: one contact each, no calls, cost or complaints; visits are the harsh actions."""
    n = len(arm_no)
    return pa.table(
        {
            "borrower_id": [f"b{i}" for i in range(n)],
            "score": score,
            "balance_minor": balance,
            "repeat": np.ones(n, bool),
            "arm": [arms[k] for k in arm_no],
            "probability": shares[arm_no],
            "cured_day": np.ones(n, np.int64),
            "recovered_minor": reward.astype(np.int64),
            "cost_minor": np.zeros(n, np.int64),
            "reward_minor": reward.astype(np.int64),
            "contacts": np.ones(n, np.int64),
            "calls": np.zeros(n, np.int64),
            "visits": visits.astype(np.int64),
            "harsh_actions": visits.astype(np.int64),
            "complaints": np.zeros(n, np.int64),
        }
    )


@pytest.mark.parametrize("method", ["ips", "snips", "dr"])
def test_off_policy_estimates_cover_the_true_value_of_a_policy_never_run_whole(method: str) -> None:
    logs, truth = synthetic_logs()
    target = np.array(["digital"] * logs.table.num_rows, dtype=object)
    est = ope.evaluate(logs, target, method=method)
    assert est.ci_low <= truth["digital"] <= est.ci_high
    assert est.ci_high - est.ci_low < (12000 if method == "ips" else 5000)  # IPS pays for the mean reward


def test_doubly_robust_is_tighter_than_ips() -> None:
    logs, _ = synthetic_logs()
    target = np.array(["human-early"] * logs.table.num_rows, dtype=object)
    ips, dr = ope.evaluate(logs, target, method="ips"), ope.evaluate(logs, target, method="dr")
    assert dr.ci_high - dr.ci_low < ips.ci_high - ips.ci_low


def test_a_policy_using_an_arm_never_logged_cannot_be_evaluated() -> None:
    logs, _ = synthetic_logs(500)
    with pytest.raises(ValidationError, match="never ran"):
        ope.evaluate(logs, np.array(["psychic"] * 500, dtype=object))


def test_uplift_interval_covers_the_known_effect_and_learners_rank_it() -> None:
    logs, truth = synthetic_logs(12000, seed=1)
    est = ope.uplift(logs, "visit-once")
    assert est.ci_low <= truth["visit-once"] - truth["champion"] <= est.ci_high
    x_cate = ope.cate(logs, "light", learner="x")
    t_cate = ope.cate(logs, "light", learner="t")
    score = logs.col("score")
    for c in (x_cate, t_cate):  # light gains with the score: both learners see it
        assert np.corrcoef(c, score)[0, 1] > 0.8


def test_accounts_per_arm_match_the_published_examples() -> None:
    # STRATEGY.md §7.6: ~18,900 for 1 pp at 86%, ~4,700 for 2 pp, ~8,200 for 2 pp at a 30% base (α 0.05, power 0.8).
    # The pooled-variance formula lands within 6% of each (the published figures are rounded approximations).
    for base, pp, published in ((0.86, 1.0, 18_900), (0.86, 2.0, 4_700), (0.30, 2.0, 8_200)):
        assert abs(ope.accounts_per_arm(base, pp) / published - 1) < 0.06
    assert ope.accounts_per_arm(0.86, 1.0) > 3.9 * ope.accounts_per_arm(
        0.86, 2.0
    )  # half the effect, 4× the size


def test_the_learned_strategy_is_a_strategy_the_planner_reads_and_keeps_the_harsh_budget(
    tmp_path: Path,
) -> None:
    logs, _ = synthetic_logs()
    got = learn.learn(logs, harsh_budget=0.0)
    path = learn.write(got.strategy, tmp_path / "learned.yaml")
    strat = load_strategy(path)
    arms = learn.policy_arms(strat, logs.col("score"), logs.col("balance_minor"))
    assert "ladder" not in set(arms)  # no harsh actions allowed
    cells = got.cells.of(logs.col("score"), logs.col("balance_minor"))
    assert all(arms[i] == got.choice[int(cells[i])] for i in range(0, len(arms), 97))
    assert set(got.choice.values()) <= set(ARMS)


def test_learn_and_evaluate_commands(tmp_path: Path) -> None:
    logs, _ = synthetic_logs(3000)
    write(logs, tmp_path / "logs")
    assert read(tmp_path / "logs").table.num_rows == 3000
    runner = CliRunner()
    res = runner.invoke(
        app, ["strategy", "learn", "--logs", str(tmp_path / "logs"), "--out", str(tmp_path / "p.yaml")]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app,
        [
            "strategy",
            "evaluate",
            "--logs",
            str(tmp_path / "logs"),
            "--policy",
            str(tmp_path / "p.yaml"),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (
        set(out) >= {"value", "ci_low", "ci_high", "method"}
        and Decimal(out["ci_low"]) <= Decimal(out["value"]) <= Decimal(out["ci_high"])
        and out["interval"] == "percentile"
        and out["currency"] == "CNY"
        and out["unit"] == "CNY per delinquent account"
    )
    evaluate = [
        "strategy",
        "evaluate",
        "--logs",
        str(tmp_path / "logs"),
        "--policy",
        str(tmp_path / "p.yaml"),
    ]
    for interval in ("bca", "studentized", "sandwich"):
        res = runner.invoke(
            app,
            [*evaluate, "--interval", interval],
        )
        assert res.exit_code == 0, res.output
        other = json.loads(res.output)
        assert other["interval"] == interval and other["value"] == out["value"]  # the point is the same
        assert Decimal(other["ci_low"]) < Decimal(out["value"]) < Decimal(other["ci_high"])
    res = runner.invoke(
        app,
        [*evaluate, "--interval", "hopeful"],
    )
    assert res.exit_code == 1 and "unknown interval" in res.output
    res = runner.invoke(app, ["strategy", "report", "--logs", str(tmp_path / "logs"), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["ladder"]["verdict"] == "won"  # +5,000 fen a account, clearly
    res = runner.invoke(
        app,
        ["strategy", "evaluate", "--logs", str(tmp_path / "nowhere"), "--policy", str(tmp_path / "p.yaml")],
    )
    assert res.exit_code == 1 and "accounts.parquet" in res.output


@pytest.mark.parametrize("learner", ["t", "x"])
def test_our_meta_learners_agree_with_causalml(learner: str) -> None:
    # The project's rules name causalml for uplift. It is a test dependency only (docs/strategy.md says why): our
    # T- and X-learners must give what causalml's BaseTRegressor / BaseXRegressor give with the same regression.
    from causalml.inference.meta import BaseTRegressor, BaseXRegressor

    logs, _ = synthetic_logs(6000, seed=2)
    ours = ope.cate(logs, "light", learner=learner)
    x = ope.features(logs)
    arm = logs.col("arm")
    pair = (arm == "light") | (arm == "champion")
    y = logs.col("reward_minor").astype(float)
    if learner == "t":
        model = BaseTRegressor(learner=ope._model(), control_name="champion")
        model.fit(X=x[pair], treatment=arm[pair].astype(str), y=y[pair])
        theirs = model.predict(X=x)[:, 0]
    else:
        share = float((arm == "light").sum() / pair.sum())
        model = BaseXRegressor(learner=ope._model(), control_name="champion")
        p = {"light": np.full(int(pair.sum()), share)}
        model.fit(X=x[pair], treatment=arm[pair].astype(str), y=y[pair], p=p)
        theirs = model.predict(X=x, p={"light": np.full(len(x), share)})[:, 0]
    assert np.allclose(ours, theirs, rtol=1e-6, atol=1e-3)


def test_arms_part_on_the_first_day_they_plan_different_contacts() -> None:
    assert learn.parting_day("ladder", "gentle-ladder", 60) == 31  # the same SMS and calls through M1
    assert learn.parting_day("champion", "human-early", 60) == 1
    assert learn.parting_day("champion", "visit-once", 60) == 35  # the visit at 35 days
    assert learn.parting_day("ladder", "champion", 60) == 1
    assert learn.parting_day("ladder", "ladder", 60) == 61


def test_pooled_prefix_terms_are_unbiased_and_cancel_before_the_arms_part() -> None:
    # Three arms: ladder and gentle-ladder plan the same contacts to day 30, the champion differs from day 1. Each
    # arm has its own distribution of cure days, but ladder and gentle-ladder share it up to day 30 (as randomised
    # arms with the same contacts must); the reward depends on the cure day.
    rng = np.random.default_rng(4)
    n, days = 60_000, 60
    arms = ["champion", "ladder", "gentle-ladder"]
    share = {"champion": 0.5, "ladder": 0.25, "gentle-ladder": 0.25}
    arm = rng.choice(arms, size=n, p=[share[a] for a in arms])
    early = rng.random(n) < np.where(arm == "champion", 0.7, 0.6)  # cured on days 1..30
    late_p = {"champion": 0.3, "ladder": 0.5, "gentle-ladder": 0.4}
    late = ~early & (rng.random(n) < np.array([late_p[a] for a in arm]))  # cured on days 31..60
    cured = np.where(early, rng.integers(1, 31, n), np.where(late, rng.integers(31, 61, n), 0))
    reward = np.where(cured > 0, 1000.0 + cured, -50.0) + rng.normal(0, 100, n)
    q = np.full((n, len(arms)), reward.mean())
    terms = learn.prefix_terms(arm, cured, reward, arms, share, days, q)
    for j, a in enumerate(arms):
        e = 0.7 if a == "champion" else 0.6
        truth = e * (1000 + 15.5) + (1 - e) * (late_p[a] * (1000 + 45.5) - (1 - late_p[a]) * 50)
        se = terms[:, j].std(ddof=1) / np.sqrt(n)
        assert abs(terms[:, j].mean() - truth) < 4 * se
    before = (cured > 0) & (cured <= 30)
    assert np.array_equal(terms[before, 1], terms[before, 2])  # ladder and gentle-ladder: the same terms
    assert not np.array_equal(terms[before, 0], terms[before, 1])


def test_the_steady_ladder_shares_the_ladders_first_week() -> None:
    # It parts from the ladder family on day 8 (robot calls beside the agent's), so an account that cured in the
    # first week counts for all four arms (prefix_terms).
    assert learn.parting_day("ladder", "steady-ladder", 60) == 8
    assert learn.parting_day("gentle-ladder", "steady-ladder", 60) == 8
    assert learn.parting_day("champion", "steady-ladder", 60) == 1


def test_accounts_to_resolve_a_margin_scale_with_the_square_of_its_standard_errors() -> None:
    # A margin of 430 fen with a standard error of 2,500 from 20,000 accounts: two standard errors need
    # 20,000 × (5,000 / 430)² ≈ 2.7 million accounts (docs/strategy.md); one standard error needs a quarter of it.
    two = learn.accounts_to_resolve(2500.0, 20_000, 430.0, 2.0)
    assert two is not None and 2_700_000 <= two <= 2_710_000
    one = learn.accounts_to_resolve(2500.0, 20_000, 430.0, 1.0)
    assert one is not None and abs(one * 4 - two) <= 4
    assert learn.accounts_to_resolve(2500.0, 20_000, 6000.0, 2.0) == 13_889  # already resolved: fewer than n
    assert learn.accounts_to_resolve(2500.0, 20_000, 0.0, 2.0) is None
    assert learn.accounts_to_resolve(2500.0, 20_000, -10.0, 2.0) is None


def test_the_learner_says_how_many_accounts_its_floor_would_need() -> None:
    logs, _ = synthetic_logs()
    got = learn.learn(logs, floor_caution=50.0)  # a margin of 50 SEs: never established from 6,000 accounts
    said = [x for x in got.notes if x.startswith("the floor is not established")]
    assert len(said) == 1 and ("logged accounts" in said[0] or "not above" in said[0])


def _with_recovery(logs: Logs, add: dict[str, float], seed: int = 0) -> Logs:
    """The logs with the given fen added to the recovery (and reward) of every account of the named arms."""
    arm = logs.col("arm")
    extra = np.array([add.get(a, 0.0) for a in arm]).round().astype(np.int64)
    t = logs.table
    for c in ("recovered_minor", "reward_minor"):
        t = t.set_column(t.column_names.index(c), c, pa.array(logs.col(c) + extra))
    return Logs(t, logs.meta)


def test_cross_fitted_learner_falls_back_to_one_arm_within_the_limits_when_the_floor_is_not_resolved() -> (
    None
):
    logs, _ = synthetic_logs()  # the ladder (visits and harsh actions) recovers the most
    got = learn.learn_cross_fit(logs, fallback="max-recovery")
    assert any(x.startswith("not resolved at 2 SEs") for x in got.notes)
    assert len(set(got.choice.values())) == 1  # one arm everywhere
    (arm,) = set(got.choice.values())
    assert arm != "ladder"  # the ladder's visits are over the limit
    assert got.strategy.segments  # a strategy the planner runs
    for rule in learn.FALLBACKS:
        if rule != "prefix":  # the synthetic logs have no horizon: no arm shares the ladder's start
            assert len(set(learn.learn_cross_fit(logs, fallback=rule).choice.values())) == 1
    with pytest.raises(ValidationError):
        learn.learn_cross_fit(logs, fallback="best-guess")


def test_cross_fitted_learner_keeps_the_learners_policy_when_its_margin_is_resolved() -> None:
    logs, _ = synthetic_logs()
    logs = _with_recovery(logs, {"human-early": 30_000.0})  # far above the ladder, within the limits
    got = learn.learn_cross_fit(logs)
    assert any(x.startswith("resolved at 2 SEs") for x in got.notes)
    assert got.choice == learn.learn(logs).choice


def test_the_cross_fitted_margin_does_not_favour_the_policy_it_chose() -> None:
    """Every arm recovers the same: the learner's in-sample margin over the ladder is biased up on its own pick (the
    winner's curse), the cross-fitted one is not."""
    inside, crossed, ses = [], [], []
    for seed in range(6):
        logs, _ = synthetic_logs(n=4000, seed=seed)
        same = np.random.default_rng(100 + seed).normal(60000, 20000, size=4000).round().astype(np.int64)
        t = logs.table
        for c in ("recovered_minor", "reward_minor"):  # the same distribution whatever the arm
            t = t.set_column(t.column_names.index(c), c, pa.array(same))
        logs = Logs(t, logs.meta)
        got = learn.learn(logs)
        inside.append(
            got.estimate["recovered"] - float(learn.arm_terms(logs)[1][:, ARMS.index("ladder")].mean())
        )
        m, se, _ = learn.cross_fitted_margin(logs)
        crossed.append(m)
        ses.append(se)
    assert np.mean(inside) > 0
    assert abs(np.mean(crossed)) < 2 * np.mean(ses) / np.sqrt(len(ses))
    assert np.mean(inside) > np.mean(crossed)


def test_the_ladders_gentle_relatives_cover_its_contacts_and_the_others_do_not() -> None:
    """``learn.covers``: an arm covers the ladder when it plans every non-harsh contact the ladder plans, on the same
    day past due — what it can lose against the ladder is then only what the ladder's harsh actions bring."""
    assert {a for a in ALL_ARMS if learn.covers(a)} == {
        "ladder",
        "gentle-ladder",
        "one-visit-ladder",
        "steady-ladder",
    }
    assert not learn.covers("ladder", "steady-ladder")  # the ladder has no robot calls
    assert set(learn.CERTIFIED) <= {a for a in ALL_ARMS if learn.covers(a)} - {"ladder"}


def _all_arm_logs(add: dict[str, float], n: int = 9000, seed: int = 3) -> Logs:
    """Synthetic logs of all nine arms: reward 60,000 fen + ``add[arm]`` + noise; the ladder's visits and harsh
    actions one per account, one-visit-ladder's one per four."""
    rng = np.random.default_rng(seed)
    arms = list(ALL_ARMS)
    shares = np.array([0.4] + [0.075] * 8)
    arm_no = rng.choice(len(arms), size=n, p=shares)
    reward = (60000 + np.array([add.get(arms[k], 0.0) for k in arm_no]) + rng.normal(0, 5000, n)).round()
    visits = np.where(arm_no == arms.index("ladder"), 1, 0) + np.where(
        (arm_no == arms.index("one-visit-ladder")) & (rng.random(n) < 0.25), 1, 0
    )
    score = rng.standard_normal(n).round(2)  # drawn after the visits, as before: the same accounts
    balance = rng.integers(3000, 20000, size=n) * 100
    return Logs(_logs_table(arms, arm_no, shares, score, balance, reward, visits), {"arms": arms})


def test_the_certified_learner_chooses_only_certified_arms_by_net_without_a_floor_from_the_logs() -> None:
    # The logs say the ladder recovers far more and human-early nets the most: the estimated-floor learner cannot
    # reach the floor within the limits; the certified one ignores the estimate (noting it) and picks, among the
    # certified arms, the one the logs value most.
    logs = _all_arm_logs({"ladder": 20_000.0, "human-early": 15_000.0, "one-visit-ladder": 4_000.0})
    got = learn.learn_certified(logs)
    assert set(got.choice.values()) == {"one-visit-ladder"}
    assert got.notes[0].startswith("certified arms")
    assert any("not taken from the logs" in x for x in got.notes)
    assert got.estimate["visits"] <= 0.5 * 1.0 + 1e-9  # the limits still hold (the ladder: one visit each)
    assert "human-early" in learn.learn(logs, recovery_floor=None).choice.values()
    logs = _all_arm_logs({"steady-ladder": 4_000.0})
    assert set(learn.learn_certified(logs).choice.values()) == {"steady-ladder"}


def test_the_certified_learner_without_certified_arms_is_the_learner() -> None:
    logs, _ = synthetic_logs()  # six arms: no certified arm was logged
    got = learn.learn_certified(logs)
    assert got.choice == learn.learn(logs).choice
    assert got.notes[0].startswith("no certified arm")


def test_the_cross_fitted_learners_fallback_default_is_the_rule_that_won_on_training() -> None:
    """docs/strategy.md "fourth pass": ``prefix`` met the target on 12 of 15 training populations (max-t 6); the
    function and ``benchmarks/strategy_checks.py --fallback`` default to it alike."""
    import inspect

    assert inspect.signature(learn.learn_cross_fit).parameters["fallback"].default == "prefix"
    assert inspect.signature(learn.fallback_arm).parameters["rule"].default == "prefix"
    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "strategy_checks.py"
    assert '"--fallback", default="prefix"' in bench.read_text(encoding="utf-8")


def test_learn_command_with_the_certified_floor(tmp_path: Path) -> None:
    write(_all_arm_logs({"steady-ladder": 4_000.0}, n=4000), tmp_path / "logs")
    runner = CliRunner()
    base = ["strategy", "learn", "--logs", str(tmp_path / "logs"), "--out", str(tmp_path / "p.yaml")]
    res = runner.invoke(app, [*base, "--floor", "certified", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.output)["arms_by_cell"].values()) == {"steady-ladder"}
    res = runner.invoke(app, [*base, "--floor", "guessed"])
    assert res.exit_code != 0
