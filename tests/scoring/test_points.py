"""Scoring from the artefact: bins, missing values, unseen categories, reasons, and a tamper-evident JSON file."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from faircollect.kit.errors import ValidationError
from faircollect.scoring import artefact
from faircollect.scoring.artefact import Bin, Characteristic, Scaling, Scorecard, content_version
from faircollect.scoring.points import explain, score, value_points


def _card() -> Scorecard:
    dpd = Characteristic(
        name="dpd",
        dtype="numerical",
        bins=(
            Bin("(-inf, 5)", 30, 1.0, 10, 0.1, 5.0),
            Bin("[5, 30)", 10, 0.2, 10, 0.3, 30.0),
            Bin("[30, inf)", -20, -1.0, 10, 0.7, None),
        ),
        missing_points=0,
        coefficient=-0.9,
        iv=0.4,
        reason_en="Days past due",
        reason_zh="逾期天数",
    )
    job = Characteristic(
        name="job",
        dtype="categorical",
        bins=(Bin("a, b", 15, 0.5, 5, 0.2, None, ("a", "b")), Bin("c", -5, -0.4, 5, 0.5, None, ("c",))),
        missing_points=2,
        coefficient=-1.0,
        iv=0.1,
        reason_en="Job",
        reason_zh="职业",
    )
    extra = [
        Characteristic(
            f"x{i}",
            "numerical",
            (Bin("low", 10, 1.0, 1, 0.1, 1.0), Bin("high", i, 0.0, 1, 0.2, None)),
            0,
            -1.0,
            0.05,
            f"x{i}",
            f"x{i}",
        )
        for i in range(4)
    ]
    card = Scorecard("collection", "t", "paid", "paid == 1", Scaling(), 500, (dpd, job, *extra))
    return replace(card, version=content_version(card))


def test_numerical_bins_are_right_open_and_missing_takes_missing_points() -> None:
    card = _card()
    data = {"dpd": [4.999, 5, 29, 30, None, np.nan], "job": ["a"] * 6, **{f"x{i}": [0] * 6 for i in range(4)}}
    base = 500 + 15 + 40
    assert score(card, data).tolist() == [base + 30, base + 10, base + 10, base - 20, base, base]


def test_unseen_category_takes_the_missing_points() -> None:
    card = _card()
    data = {"dpd": [0, 0, 0], "job": ["b", "c", "zzz"], **{f"x{i}": [0] * 3 for i in range(4)}}
    assert (score(card, data) - 500 - 30 - 40).tolist() == [15, -5, 2]


def test_a_non_number_is_named() -> None:
    card = _card()
    with pytest.raises(ValidationError, match="dpd"):
        score(card, {"dpd": ["ten"], "job": ["a"], **{f"x{i}": [0] for i in range(4)}})


def test_reasons_rank_points_lost_against_the_best_bin_and_stop_at_four() -> None:
    card = _card()
    row = {"dpd": 40, "job": "c", "x0": 5, "x1": 5, "x2": 5, "x3": 5}
    total, reasons = explain(card, row)
    assert total == 500 - 20 - 5 + 0 + 1 + 2 + 3
    assert [r.characteristic for r in reasons] == ["dpd", "job", "x0", "x1"]
    assert [r.points_lost for r in reasons] == [50, 20, 10, 9]
    assert reasons[0].text_zh == "逾期天数" and reasons[0].bin == "[30, inf)"


def test_no_reason_for_a_characteristic_in_its_best_bin() -> None:
    total, reasons = explain(_card(), {"dpd": 0, "job": "a", "x0": 0, "x1": 0, "x2": 0, "x3": 0})
    assert reasons == [] and total == _card().max_score


def test_artefact_round_trips_and_refuses_an_edited_body(tmp_path) -> None:
    card = _card()
    artefact.save(card, tmp_path)
    assert artefact.load(tmp_path) == card
    data = json.loads((tmp_path / "scorecard.json").read_text())
    data["characteristics"][0]["bins"][0]["points"] = 99
    (tmp_path / "scorecard.json").write_text(json.dumps(data))
    with pytest.raises(ValidationError, match="does not match its version"):
        artefact.load(tmp_path)


def test_a_file_that_is_not_a_scorecard_is_refused(tmp_path) -> None:
    (tmp_path / "scorecard.json").write_text(json.dumps({"format": "pickle"}))
    with pytest.raises(ValidationError, match="not a faircollect scorecard"):
        artefact.load(tmp_path)


_VALUES = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.just(""),
    st.integers(-100, 100),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["a", "b", "c", "z", "4.5", "30", "nan", "-inf"]),
    st.booleans(),
)


@given(dpd=_VALUES, job=_VALUES)
@example(dpd=5, job="a")
@example(dpd=float("-inf"), job=float("nan"))
@example(dpd="30", job=None)
def test_one_decision_scores_exactly_as_the_vectorised_path(dpd: object, job: object) -> None:
    """``explain`` scores one row in plain Python (fast per decision); it must give the score numpy gives the same
    row in a batch, and refuse the same inputs."""
    card = _card()
    row = {"dpd": dpd, "job": job}
    try:
        batch = int(score(card, {"dpd": [dpd, 1], "job": [job, "a"]})[0])
    except ValidationError:
        with pytest.raises(ValidationError):
            explain(card, row)
        return
    total, _ = explain(card, row)
    assert total == batch
    assert total == card.base_points + sum(value_points(c, row[c.name]) for c in card.characteristics)


def test_the_german_card_scores_every_applicant_alike_on_both_paths() -> None:
    from faircollect.origination.policy import load_scorecard
    from faircollect.scoring import datasets

    card = load_scorecard("application-german")
    rows = datasets.load("german").to_dict("records")
    batch = score(card, {c: [r[c] for r in rows] for c in card.inputs})
    assert [explain(card, r)[0] for r in rows] == batch.tolist()
