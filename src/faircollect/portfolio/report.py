"""Offline HTML report over a directory of runs: roll-rate heat map, bucket balances over time, cure curves.

Plotly's JavaScript is inlined once (no CDN), so the file opens on a machine without network.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pyarrow.parquet as pq

from faircollect.kit.errors import ValidationError
from faircollect.ledger.buckets import DEFAULT_BUCKET_SET, BucketSet


def _runs(runs_dir: Path) -> list[tuple[date, Path]]:
    out = []
    for p in sorted(runs_dir.glob("as_of=*")):
        if p.is_dir() and (p / "summary.json").exists():
            out.append((date.fromisoformat(p.name.split("=", 1)[1]), p))
    if not out:
        raise ValidationError(
            f"no runs (as_of=YYYY-MM-DD directories) in {str(runs_dir)!r}", file=str(runs_dir)
        )
    return out


def roll_rate_figure(run: Path, bs: BucketSet) -> go.Figure:
    roll = pq.read_table(run / "roll_rates.parquet").to_pylist()
    labels = list(bs.labels)
    totals = {b: sum(r["loans"] for r in roll if r["from_bucket"] == b) for b in labels}
    z = [
        [
            round(
                100
                * sum(r["loans"] for r in roll if r["from_bucket"] == f and r["to_bucket"] == t)
                / totals[f],
                2,
            )
            if totals[f]
            else None
            for t in labels
        ]
        for f in labels
    ]
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=labels, colorscale="Blues", text=z, texttemplate="%{text}%"))
    fig.update_layout(
        title=f"Roll rates {run.name}: bucket yesterday (rows) → today (columns), % of loans",
        xaxis_title="today",
        yaxis_title="yesterday",
        yaxis_autorange="reversed",
    )
    return fig


def balances_figure(runs: list[tuple[date, Path]], bs: BucketSet) -> go.Figure:
    fig = go.Figure()
    per: dict[str, list[float]] = {b: [] for b in bs.labels}
    for _, p in runs:
        book = {
            r["bucket"]: r["balance_minor"] for r in pq.read_table(p / "book_by_bucket.parquet").to_pylist()
        }
        for b in bs.labels:
            per[b].append(book.get(b, 0) / 100)  # display only: major units for the chart axis
    x = [d.isoformat() for d, _ in runs]
    for b in bs.labels:
        fig.add_trace(go.Scatter(x=x, y=per[b], name=b, stackgroup="one", mode="lines+markers"))
    fig.update_layout(
        title="Balance by bucket over time (major units)", xaxis_title="as of", yaxis_title="balance"
    )
    return fig


def cure_figure(runs: list[tuple[date, Path]], bs: BucketSet) -> go.Figure:
    """Share of the loans delinquent in the first run that are current again in each later run, by first bucket."""
    fig = go.Figure()
    first_day, first = runs[0]
    start = {
        r["loan_no"]: r["bucket"]
        for r in pq.read_table(first / "loan_state.parquet", columns=["loan_no", "bucket"]).to_pylist()
        if r["bucket"] != bs.labels[0]
    }
    series: dict[str, list[float]] = {b: [] for b in bs.labels[1:]}
    days = []
    for d, p in runs:
        now = {
            r["loan_no"]: r["bucket"]
            for r in pq.read_table(p / "loan_state.parquet", columns=["loan_no", "bucket"]).to_pylist()
        }
        days.append((d - first_day).days)
        for b in series:
            cohort = [n for n, sb in start.items() if sb == b]
            cured = sum(1 for n in cohort if now.get(n) == bs.labels[0])
            series[b].append(round(100 * cured / len(cohort), 2) if cohort else 0.0)
    for b, ys in series.items():
        fig.add_trace(go.Scatter(x=days, y=ys, name=f"from {b}", mode="lines+markers"))
    fig.update_layout(
        title=f"Cure curves: % of loans delinquent on {first_day} that are current again",
        xaxis_title="days since first run",
        yaxis_title="% cured",
    )
    return fig


def write_report(runs_dir: str | Path, out: str | Path, bucket_set: BucketSet = DEFAULT_BUCKET_SET) -> Path:
    """Write the HTML report; returns its path."""
    runs = _runs(Path(runs_dir))
    latest_day, latest = runs[-1]
    summary = json.loads((latest / "summary.json").read_text())
    figs = [
        roll_rate_figure(latest, bucket_set),
        balances_figure(runs, bucket_set),
        cure_figure(runs, bucket_set),
    ]
    parts = [
        figs[0].to_html(full_html=False, include_plotlyjs=True),  # inlined once: works offline
        *[f.to_html(full_html=False, include_plotlyjs=False) for f in figs[1:]],
    ]
    kpis = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in summary["kpis"].items()
    )
    plan = summary["plan"]
    doc = f"""<!doctype html><html><head><meta charset="utf-8"><title>faircollect portfolio {latest_day}</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}} th,td{{padding:2px 8px;
border-bottom:1px solid #ddd;text-align:left}}</style></head><body>
<h1>Portfolio report — {latest_day} ({len(runs)} run(s))</h1>
<p>Plan: {plan["proposed"]} proposed, {plan["allowed"]} allowed by the gate, {plan["denied"]} denied.</p>
<table>{kpis}</table>
{"".join(parts)}
</body></html>"""
    path = Path(out)
    path.write_text(doc, encoding="utf-8")
    return path
