"""The learned second opinion (``classifier.py`` reading ``model.json``): trained on the train split only, stored
as plain JSON, consulted when no rule blocked, and every finding it makes carries a span and its evidence.

The probe sentences here are written for these tests and appear in no corpus: a test that used training rows as its
oracle would only show that the model remembers them.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircollect.compliance.contact import Channel
from faircollect.compliance.linter import WARN_CATEGORIES, LintContext, engine, lint
from faircollect.compliance.linter.classifier import MODEL_FILE, Classifier, default_classifier
from faircollect.compliance.linter.context import facts
from faircollect.compliance.linter.corpus.real import load_sealed
from faircollect.compliance.linter.normalise import normalise
from faircollect.compliance.linter.train import SEED_FORMS, SEEDS, training_rows

# Probes worded so that no rule matches (checked below); the model has to recognise them.
PROBES = ("钱不还，你这辈子都别想安生", "Pay up today, otherwise life is going to get very unpleasant")


def _model_findings(text: str, ctx: LintContext | None = None) -> list[object]:
    return [f for f in lint(text, ctx).findings if f.category not in WARN_CATEGORIES]


def test_the_model_file_is_plain_json_with_weights_thresholds_and_provenance() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["format"].startswith("faircollect-linter-logistic/")
    assert {"block", "violence_threat", "false_legal_claim"} <= set(data["classes"])
    t = data["thresholds"]
    assert 0 < t["warn"] <= t["block"] < 1
    assert data["trained_on"]["real_rows"] > 0 and data["lexicon"]


def test_training_uses_the_train_split_only() -> None:
    sealed = {i.text for i in load_sealed()}
    rows = training_rows()
    assert rows and not [1 for text, _labels, _w in rows if text in sealed]
    seeds = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    expected = [
        s for s in seeds if s["split"] == "train" and s["form"] in SEED_FORMS and not s.get("context")
    ]
    assert len([1 for _t, _l, weight in rows if weight == 1.0]) == len(expected)


@pytest.mark.parametrize("probe", PROBES)
def test_rules_miss_the_probe_and_the_model_flags_it_with_span_and_evidence(probe: str) -> None:
    assert engine._prohibited(normalise(probe), facts(LintContext(), "CN")) == []
    found = _model_findings(probe)
    assert found, probe
    for f in found:
        assert "classifier" in f.explanation and f.explanation_zh  # type: ignore[attr-defined]
        assert probe[f.start : f.end] == f.excerpt and f.excerpt  # type: ignore[attr-defined]


def test_the_model_does_not_run_when_a_rule_blocked() -> None:
    result = lint("明天上门，打断你的腿。")
    assert result.verdict == "block"
    assert all("classifier" not in f.explanation for f in result.findings)


def test_a_context_flag_does_not_excuse_what_it_does_not_make_true() -> None:
    # until the end of the fifth session either flag made every model block a warning; a filed lawsuit or an approved
    # visit does not make "你这辈子都别想安生" true (the model reads intimidation, not a notice)
    for ctx in (
        LintContext(lawsuit_filed=True),
        LintContext(visit_approved=True),
        LintContext(channel=Channel.CALL, visit_approved=True, lawsuit_filed=True),
    ):
        assert lint(PROBES[0], ctx).verdict == "block", ctx


def test_the_model_only_warns_where_it_may_be_reading_the_notice_a_flag_makes_true() -> None:
    # a true visit notice no rule reads: the model reads visit_threat, the kind of harm an approved visit makes true
    visit = "Our field agent will be coming by your house on Tuesday."
    assert lint(visit, jurisdiction="US").verdict == "block"
    result = lint(visit, LintContext(visit_approved=True), jurisdiction="US")
    assert result.verdict == "warn"
    assert "visit_threat" in result.categories
    # a sentence that states the notice a rule read ("法院已受理", made true by the filed lawsuit): the model warns
    notice = "法院已受理此案，开庭时间以传票为准。"
    assert lint(notice, LintContext(lawsuit_filed=True)).verdict != "block"


def test_a_threat_inside_a_long_polite_letter_is_found_and_its_span_is_inside_the_threat() -> None:
    polite = "尊敬的客户，您好。这里是示例金融客服中心，感谢您一直以来的支持。本期账单已出，请按时还款。" * 3
    letter = polite + PROBES[0] + "。如有疑问请致电客服。"
    found = _model_findings(letter)
    assert found
    start = letter.index(PROBES[0])
    assert all(start <= f.start < f.end <= start + len(PROBES[0]) + 1 for f in found)  # type: ignore[attr-defined]


def test_long_lawful_letters_are_not_blocked() -> None:
    letter = (
        "尊敬的李四女士：您在示例消费金融的借款本期应还860.00元，还款日为7月8日。若您近期收入减少，可在App内申请延期或分期，"
        "我们将结合您的情况协商。逾期记录将依法报送征信机构。对金额有疑问，请拨打官方客服热线核实。我们不会上门，也不会联系您的亲友。"
        "Dear customer, your instalment of 75.00 pounds is due on 8 July. If money is tight, talk to us about a "
        "payment plan; free debt advice is available from MoneyHelper and StepChange."
    )
    assert lint(letter).verdict != "block"


def test_probabilities_are_monotone_in_the_evidence() -> None:
    """Adding a strongly prohibited feature never lowers the probability (a linear model in its features)."""
    model = default_classifier()
    base = {"还款", "提醒"}
    heavy = max(model.weights, key=model.weights.__getitem__)
    assert model.probability(base | {heavy}) >= model.probability(base)


def test_a_model_with_other_thresholds_changes_only_the_severity() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["thresholds"]["block"] = 0.999999
    strict = Classifier(data)
    verdict = strict.judge(normalise(PROBES[1]))
    assert verdict is not None and verdict.probability < strict.block_at


def test_the_committed_model_is_what_training_on_the_committed_corpus_gives() -> None:
    from faircollect.compliance.linter.train import train

    committed = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(train())), "run: python -m faircollect.compliance.linter.train"


@given(
    st.lists(st.sampled_from([*PROBES, "尊敬的客户您好本期账单已出", "we will call you"]), max_size=3),
    st.text(max_size=12),
)
def test_fast_scoring_equals_summing_over_the_feature_set(parts: list[str], noise: str) -> None:
    from faircollect.compliance.linter.features import sentence_features

    model = default_classifier()
    norm = normalise(noise.join(parts))
    feats = sentence_features(norm.compact.text, norm.words.text, model.lexicon)
    known = [model.weights[g] for g in feats if g in model.weights]
    total, count = model._score(norm.compact.text, norm.words.text)
    assert count == len(known) and abs(total - sum(known)) < 1e-9


def test_one_pass_category_scores_equal_summing_each_class_over_the_features() -> None:
    from faircollect.compliance.linter.classifier import default_classifier, sigmoid
    from faircollect.compliance.linter.evaluate import load_corpus
    from faircollect.compliance.linter.features import sentence_features
    from faircollect.compliance.linter.normalise import normalise

    model = default_classifier()
    for item in load_corpus()[::7]:
        norm = normalise(item.text)
        feats = sentence_features(norm.compact.text, norm.words.text, model.lexicon)
        ref = {
            c: sigmoid(b + sum(cw[g] for g in feats if g in cw)) for c, (b, cw) in model.categories.items()
        }
        sums = model.category_sums(feats)
        got = {c: sigmoid(b + t) for c, b, t in zip(model._cat_names, model._cat_bias, sums, strict=True)}
        assert got == ref, item.id


_KNOWN_FEATURES = sorted({g for _b, cw in default_classifier().categories.values() for g in cw})


@given(st.lists(st.one_of(st.sampled_from(_KNOWN_FEATURES), st.text(max_size=4)), max_size=400))
def test_category_sums_equal_the_plain_sum_per_class_bit_for_bit(features: list[str]) -> None:
    """The one-reduction category scores (``category_sums``) are exactly the straightforward per-class sums over
    the same features in the same order (not merely close: a category at its threshold must stay on its side)."""
    model = default_classifier()
    feats = set(features)
    plain = [sum(cw[g] for g in feats if g in cw) for _b, cw in model.categories.values()]
    assert model.category_sums(feats) == plain
    assert model.category_sums(features) == [
        sum(cw[g] for g in features if g in cw) for _b, cw in model.categories.values()
    ]


def test_judged_categories_and_evidence_equal_the_plain_computation() -> None:
    """``judge`` finds the categories (the sigmoid written out) and the deciding n-grams (rows and weights read in
    one pass over the features) exactly as the plain per-class sums, ``sigmoid`` and a sort would."""
    import heapq

    from faircollect.compliance.linter.classifier import default_classifier, sigmoid
    from faircollect.compliance.linter.evaluate import load_corpus
    from faircollect.compliance.linter.features import sentence_features
    from faircollect.compliance.linter.normalise import normalise

    model = default_classifier()
    judged = 0
    for item in load_corpus()[::3]:
        norm = normalise(item.text)
        if len(norm.original) > 120:
            continue  # scored sentence by sentence: the whole text is not the judged sentence
        verdict = model.judge(norm)
        if verdict is None or verdict.probability < model.warn_at:
            continue
        judged += 1
        feats = sentence_features(norm.compact.text, norm.words.text, model.lexicon)
        scored = sorted(
            (
                (sigmoid(b + sum(cw[g] for g in feats if g in cw)), c)
                for c, (b, cw) in model.categories.items()
            ),
            reverse=True,
        )
        cats = tuple((c, p) for p, c in scored if p >= model.category_at) or ((scored[0][1], scored[0][0]),)
        assert verdict.categories == cats, item.id
        w = model.weights
        top = [g for v, g in sorted(((w[g], g) for g in feats if g in w), reverse=True)[:3] if v > 0]
        assert verdict.evidence == tuple(g.lstrip("#") for g in top), item.id
        assert (
            heapq.nlargest(3, [(w[g], g) for g in feats if g in w])
            == sorted(((w[g], g) for g in feats if g in w), reverse=True)[:3]
        )
    assert judged > 20


def test_staged_train_items_enter_training_only_when_asked() -> None:
    # devcv --with-staged: the staged train items join the rows; the committed model never has them
    from faircollect.compliance.linter.corpus.real import STAGED_TRAIN_FILE, load_train

    staged = [i for i in load_train(STAGED_TRAIN_FILE) if not i.context]
    base = training_rows()
    grown = training_rows(include_staged=True)
    assert len(grown) == len(base) + len(staged)
    assert {t for t, _l, _w in grown} - {t for t, _l, _w in base} == {i.text for i in staged} - {
        t for t, _l, _w in base
    }
    sources = frozenset(i.source for i in staged)
    assert len(training_rows(sources, include_staged=True)) == len(training_rows(sources))


def test_an_english_intercept_applies_to_sentences_without_chinese_only() -> None:
    # train.py's LANG_SCALE switch stores the block class's English intercept as ``bias_en``; the classifier adds it
    # to a sentence with no Chinese character in it (off in the committed model: no ``bias_en``, nothing added)
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert "bias_en" not in data["classes"]["block"] and default_classifier().bias_en == 0.0
    en, zh = normalise(PROBES[1]), normalise(PROBES[0])
    base = Classifier(data)
    data["classes"]["block"]["bias_en"] = -3.0
    shifted = Classifier(data)
    p_en, q_en = base.judge(en), shifted.judge(en)
    p_zh, q_zh = base.judge(zh), shifted.judge(zh)
    assert p_en is not None and q_en is not None and p_zh is not None and q_zh is not None
    assert q_zh.probability == p_zh.probability
    assert (
        abs(
            math.log(p_en.probability / (1 - p_en.probability))
            - 3.0
            - math.log(q_en.probability / (1 - q_en.probability))
        )
        < 1e-9
    )


def test_auc_counts_ties_half() -> None:
    from faircollect.compliance.linter.devcv import auc

    assert auc([0.9, 0.8], [0.1, 0.8]) == 0.875
