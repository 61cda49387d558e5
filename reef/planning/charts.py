"""Server-drawn SVG charts: funding by need and by donor (plan page), and a timeline of
overlapping efforts (twinning page).

Pure geometry from what a page already loaded (no queries). Every coordinate is a string
with a dot, so the SVG draws the same in every language (SVG reads no decimal comma).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import ngettext

from reef.planning import rollup

#: Rows a funding chart draws; the rest are summed into one last row.
TOP_ROWS = 15
#: Geometry of the bar charts (viewBox units = CSS pixels: drawn at its own size).
LABEL_W = 250
BAR_W = 560
BAR_CHART_W = LABEL_W + BAR_W + 30
ROW_H = 26
TOP = 34  # room for the legend
#: Geometry of the effort timeline.
TL_LABEL_W = 300
TL_BAR_W = 620
TL_W = TL_LABEL_W + TL_BAR_W + 20
TL_TOP = 40  # legend-free: room for year and month labels


def n(value: float) -> str:
    """A coordinate: one decimal, always a dot, whatever the active language."""
    return f"{value:.1f}"


@dataclass
class BarRow:
    label: str
    title: str
    total: Decimal | None  # a need's cost (None when unknown); unused for donors
    committed: Decimal
    delivered: Decimal
    y: str = ""
    text_y: str = ""
    total_w: str = "0.0"
    committed_w: str = "0.0"
    delivered_w: str = "0.0"
    delivered_y: str = ""
    rest: bool = False  # the summed "other" row


@dataclass
class BarChart:
    rows: list[BarRow] = field(default_factory=list)
    width: int = BAR_CHART_W
    height: int = 0
    bar_x: int = LABEL_W
    legend_y: str = "12.0"


def _amount(rates: rollup.RateTable, amount: Decimal | None, currency: str) -> Decimal:
    if amount is None:  # in kind: covers a need, adds no money
        return Decimal(0)
    return rates.convert(rollup.Money(amount, currency))


def _layout(rows: list[BarRow]) -> BarChart:
    top = max(
        (max(r.total or Decimal(0), r.committed, r.delivered) for r in rows), default=Decimal(0)
    )
    scale = float(BAR_W) / float(top) if top > 0 else 0.0
    for i, r in enumerate(rows):
        y = TOP + i * ROW_H
        r.y = n(y)
        r.text_y = n(y + 13)
        r.delivered_y = n(y + 6)
        r.total_w = n(float(r.total or 0) * scale)
        r.committed_w = n(float(r.committed) * scale)
        r.delivered_w = n(float(r.delivered) * scale)
    return BarChart(rows=rows, height=TOP + len(rows) * ROW_H + 6)


def _top_and_rest(rows: list[BarRow], rest_label: Any) -> list[BarRow]:
    if len(rows) <= TOP_ROWS:
        return rows
    kept, rest = rows[:TOP_ROWS], rows[TOP_ROWS:]
    label = rest_label(len(rest))
    kept.append(
        BarRow(
            label=label,
            title=label,
            total=sum((r.total or Decimal(0) for r in rest), Decimal(0)),
            committed=sum((r.committed for r in rest), Decimal(0)),
            delivered=sum((r.delivered for r in rest), Decimal(0)),
            rest=True,
        )
    )
    return kept


def _label(text: str) -> str:
    return Truncator(text).chars(36)


def funding_by_need(
    rates: rollup.RateTable, needs: Sequence[Any], commitments: Iterable[Any]
) -> BarChart:
    """Cost, committed and delivered per need, in the plan's currency; only the `needs` and
    `commitments` given (the reader's). The most costly first; none when nothing has money."""
    committed: dict[int, Decimal] = defaultdict(Decimal)
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    for c in commitments:
        status = rollup.CommitmentStatus(c.status)
        if status in rollup.ACTIVE_STATUSES:
            committed[c.need_id] += _amount(rates, c.amount, c.currency)
        if status in rollup.DELIVERED_STATUSES:
            delivered[c.need_id] += _amount(rates, c.amount, c.currency)
    rows = []
    for need in needs:
        cost = (
            _amount(rates, need.cost_amount, need.cost_currency)
            if need.cost_amount is not None
            else None
        )
        if not cost and not committed[need.pk]:
            continue
        rows.append(
            BarRow(
                label=_label(need.title),
                title=need.title,
                total=cost,
                committed=committed[need.pk],
                delivered=delivered[need.pk],
            )
        )
    rows.sort(key=lambda r: (-(r.total or Decimal(0)), -r.committed))
    rows = _top_and_rest(
        rows, lambda k: ngettext("%(n)d other need", "%(n)d other needs", k) % {"n": k}
    )
    return _layout(rows)


def funding_by_donor(rates: rollup.RateTable, commitments: Iterable[Any]) -> BarChart:
    """Committed and delivered per committing organisation, from the `commitments` given
    (the reader's); only commitments that count (accepted or later)."""
    committed: dict[int, Decimal] = defaultdict(Decimal)
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for c in commitments:
        status = rollup.CommitmentStatus(c.status)
        if status not in rollup.ACTIVE_STATUSES:
            continue
        names[c.organisation_id] = str(c.organisation)
        committed[c.organisation_id] += _amount(rates, c.amount, c.currency)
        if status in rollup.DELIVERED_STATUSES:
            delivered[c.organisation_id] += _amount(rates, c.amount, c.currency)
    rows = [
        BarRow(
            label=_label(name),
            title=name,
            total=None,
            committed=committed[pk],
            delivered=delivered[pk],
        )
        for pk, name in names.items()
    ]
    rows.sort(key=lambda r: (-r.committed, r.title))
    rows = _top_and_rest(
        rows,
        lambda k: ngettext("%(n)d other organisation", "%(n)d other organisations", k) % {"n": k},
    )
    return _layout(rows)


# --- timeline of efforts -------------------------------------------------------------


@dataclass
class EffortTimeline:
    rows: list[dict[str, Any]] = field(default_factory=list)
    years: list[dict[str, str]] = field(default_factory=list)
    months: list[dict[str, str]] = field(default_factory=list)
    undated: list[Any] = field(default_factory=list)
    width: int = TL_W
    height: int = 0
    bar_x: int = TL_LABEL_W


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def effort_timeline(efforts: Sequence[Any]) -> EffortTimeline:
    """One row per effort (anything with title, organisation, kind, start, end), on a shared
    time axis; efforts without both dates are listed apart."""
    dated = [e for e in efforts if e.start is not None and e.end is not None]
    chart = EffortTimeline(undated=[e for e in efforts if e.start is None or e.end is None])
    if not dated:
        return chart
    first = date(min(e.start for e in dated).year, min(e.start for e in dated).month, 1)
    last = max(e.end for e in dated)
    span = max(1, (last - first).days + 1)
    height = TL_TOP + len(dated) * ROW_H + 4

    def x(d: date) -> float:
        return float(TL_LABEL_W + TL_BAR_W * (d - first).days / span)

    months: list[date] = []
    cursor = first
    while cursor <= last:
        months.append(cursor)
        cursor = _next_month(cursor)
    # A month label only when there is room for it (about 30 units per month).
    label_months = TL_BAR_W / max(1, len(months)) >= 30
    for m in months:
        if m.month == 1 or m == first:
            chart.years.append({"x": n(x(m)), "label": str(m.year)})
        chart.months.append(
            {"x": n(x(m)), "label": f"{m.month:02d}" if label_months else "", "year": str(m.year)}
        )
    for i, e in enumerate(dated):
        y = TL_TOP + i * ROW_H
        start, end = max(e.start, first), max(e.end, e.start)
        chart.rows.append(
            {
                "effort": e,
                "label": _label(f"{e.organisation}: {e.title}"),
                "y": n(y),
                "text_y": n(y + 13),
                "x": n(x(start)),
                "w": n(max(2.0, x(end) - x(start) + TL_BAR_W / span)),
            }
        )
    chart.height = height
    return chart
