"""Plotly figures for the console's dashboards, built on the server from the pure dashboard data.

The page embeds each figure's JSON in a ``<script type="application/json">`` block and ``static/js/console.js``
draws it with ``plotly.min.js`` served from the plotly package (no CDN). Shares become percentages and amounts
major units only here, for display; every figure also has a table beside it for people who do not read charts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from faircollect.console.dashboard import (
    CollectablePoint,
    CureCurve,
    DenialSeries,
    FlowRate,
    RollMatrix,
    VintageCurve,
)
from faircollect.kit.money import format_minor

Tr = Callable[..., str]


def _pct(x: Decimal | None) -> float | None:
    return None if x is None else float(x * 100)  # display only


def _major(minor: int, currency: str) -> float:
    return float(Decimal(format_minor(minor, currency)))  # display only


def _layout(title: str, x: str, y: str) -> dict[str, object]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "font": {"family": "Noto Sans CJK SC, sans-serif"},
        "legend": {"orientation": "h"},
    }


def as_json(fig: go.Figure) -> Markup:
    """The figure as JSON that is safe inside a ``<script type="application/json">`` block."""
    return Markup(pio.to_json(fig, validate=False).replace("</", "<\\/"))


def roll_heatmap(m: RollMatrix, _: Tr, closed_label: str) -> go.Figure:
    cols = [closed_label if c == "closed" else c for c in m.columns]
    z = [[_pct(m.share(f, t)) for t in m.columns] for f in m.rows]
    # the numbers are in the table beside the chart; the cells carry them on hover only (labels drawn on
    # coloured cells cannot keep AA contrast at every width)
    heat = go.Heatmap(
        z=z, x=cols, y=list(m.rows), colorscale="Blues", hovertemplate="%{y} → %{x}: %{z:.1f}%<extra></extra>"
    )
    fig = go.Figure(heat)
    fig.update_layout(
        **_layout(
            _("Roll rates %(a)s → %(b)s (share of loans)", a=m.start.isoformat(), b=m.end.isoformat()),
            _("bucket at the end of the month"),
            _("bucket at the end of the previous month"),
        )
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def flow_lines(flows: Sequence[FlowRate], _: Tr) -> go.Figure:
    fig = go.Figure()
    for f in flows:
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d, _v in f.points],
                y=[_pct(v) for _d, v in f.points],
                name=f"{f.source}→{f.target}",
                mode="lines+markers",
            )
        )
    fig.update_layout(**_layout(_("Flow rates month over month (by principal)"), _("month end"), "%"))
    return fig


def vintage_lines(curves: Sequence[VintageCurve], _: Tr) -> go.Figure:
    fig = go.Figure()
    for v in curves:
        fig.add_trace(
            go.Scatter(
                x=[m for m, _s in v.points],
                y=[_pct(s) for _m, s in v.points],
                name=v.vintage,
                mode="lines+markers",
            )
        )
    fig.update_layout(
        **_layout(_("Vintage curves: share delinquent by months on book"), _("months on book"), "%")
    )
    return fig


def cure_lines(curves: Sequence[CureCurve], _: Tr) -> go.Figure:
    fig = go.Figure()
    for c in curves:
        if c.points:
            fig.add_trace(
                go.Scatter(
                    x=[k for k, _s, _n in c.points],
                    y=[_pct(s) for _k, s, _n in c.points],
                    name=_("from %(bucket)s", bucket=c.bucket),
                    mode="lines+markers",
                )
            )
    fig.update_layout(**_layout(_("Cure curves: share current again or repaid"), _("months later"), "%"))
    return fig


def collectable_bars(points: Sequence[CollectablePoint], currency: str, _: Tr) -> go.Figure:
    x = [p.day.isoformat() for p in points]
    fig = go.Figure(
        [
            go.Bar(
                x=x, y=[_major(p.collectable_minor, currency) for p in points], name=_("Lawfully collectable")
            ),
            go.Bar(
                x=x,
                y=[_major(p.excluded_minor, currency) for p in points],
                name=_("Above the legal cap (not owed)"),
            ),
        ]
    )
    fig.update_layout(barmode="stack", **_layout(_("Collectable vs overdue"), _("month end"), currency))
    return fig


def denial_bars(series: DenialSeries, _: Tr) -> go.Figure:
    x = [p.isoformat() for p in series.periods]
    fig = go.Figure([go.Bar(x=x, y=list(counts), name=rule) for rule, counts in series.by_rule.items()])
    fig.update_layout(barmode="stack", **_layout(_("Gate denials by rule"), _("day"), _("denials")))
    return fig
