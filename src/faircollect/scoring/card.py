"""The model card: what the model is, how well it ranks and how well it is calibrated, its bins, its stability,
its fairness figures — as ``model_card.json`` (for programs) and ``model_card.md`` (for people)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def markdown(mc: dict[str, Any]) -> str:
    val = mc["validation"]
    lines = [
        f"# Model card: {mc['model']}",
        "",
        f"- kind: **{mc['kind']}**; target `{mc['target']}`; good when `{mc['good_when']}`",
        f"- scaling: {mc['scaling']['base_score']:g} points = odds {mc['scaling']['base_odds']:g}:1 good; "
        f"{mc['scaling']['pdo']:g} points double the odds; score range {mc['score_range'][0]}–{mc['score_range'][1]}",
        f"- split: {mc['split']['development']} development / {mc['split']['validation']} validation "
        f"(seed {mc['split']['seed']})",
        "",
        "## Performance",
        "",
        "| sample | n | AUC | KS | Gini |",
        "|---|---:|---:|---:|---:|",
        f"| development | {mc['development']['n']} | {mc['development']['auc']:.4f} | {mc['development']['ks']:.4f} "
        f"| {mc['development']['gini']:.4f} |",
        f"| validation | {val['n']} | {val['auc']:.4f} | {val['ks']:.4f} | {val['gini']:.4f} |",
        "",
        f"Population stability (validation vs development scores): PSI {mc['psi_validation_vs_development']:.4f}",
        "",
    ]
    if "challengers" in mc:
        ch = mc["challengers"]
        lines += [
            "## Challengers (same split)",
            "",
            "| model | validation AUC |",
            "|---|---:|",
            f"| scorecard (deployed) | {ch['scorecard_auc']:.4f} |",
            f"| logistic regression on raw columns | {ch['raw_logistic_regression_auc']:.4f} |",
            f"| monotone gradient boosting on WOE | {ch['monotone_gbm_on_woe_auc']:.4f} |",
            "",
            ch["why"] + ".",
            "",
        ]
    lines += [
        "## Calibration by score band (validation)",
        "",
        "| band | from | to | n | observed good | predicted good |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for b in val["bands"]:
        lines.append(
            f"| {b['band']} | {_fmt(b['score_from'])} | {_fmt(b['score_to'])} | {b['n']} | "
            f"{_fmt(b['good_rate'])} | {_fmt(b['predicted_good'])} |"
        )
    lines += ["", "## Characteristics and bins", ""]
    for c in mc["characteristics"]:
        lines += [
            f"### {c['name']} (IV {c['iv']:.3f}, coefficient {c['coefficient']:.3f}; missing → "
            f"{c['missing_points']} points)",
            "",
            "| bin | count | event rate | WOE | points |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {b['bin']} | {b['count']} | {b['event_rate']:.4f} | {b['woe']:.4f} | {b['points']} |"
            for b in c["bins"]
        ]
        lines.append("")
    d = mc["dropped"]
    lines += [
        "## Not used",
        "",
        f"- information value below threshold: {', '.join(d['low_iv']) or 'none'}",
        f"- coefficient of the wrong sign: {', '.join(d['wrong_sign']) or 'none'}",
        f"- protected, reported only: {', '.join(d['protected_reported_only']) or 'none'}",
        f"- excluded by the trainer: {', '.join(d['excluded']) or 'none'}",
        "",
    ]
    if "fairness" in mc:
        f = mc["fairness"]
        lines += [
            "## Outcomes by protected characteristic (validation; never model inputs)",
            "",
            f"Share at or above the cut-off of {f['cutoff_for_share']:g} points (the development median).",
            "",
            "| column | group | n | observed good | mean score | share ≥ cut-off |",
            "|---|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {g['column']} | {g['group']} | {g['n']} | {g['good_rate']:.4f} | {g['mean_score']:.1f} | "
            f"{g['share_at_or_above_cutoff']:.4f} |"
            for g in f["groups"]
        ]
        lines.append("")
    return "\n".join(lines)


def write(mc: dict[str, Any], out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    j = out / "model_card.json"
    m = out / "model_card.md"
    j.write_text(json.dumps(mc, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    m.write_text(markdown(mc), encoding="utf-8")
    return j, m
