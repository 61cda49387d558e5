"""Charts as inline SVG, drawn in Python so the page and the PDF show the same picture.

Pure: no Django import. Only presentation attributes (no `style`), so the pages' CSP
(no inline styles) allows them and WeasyPrint draws them the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

#: Fill per stage 1..5 (a sequential palette, readable in grey print too).
STAGE_FILL = {1: "#fde0c5", 2: "#facba6", 3: "#b7dfa5", 4: "#68b37a", 5: "#2f7d4f"}
STAGE_TEXT = {1: "#3b2a1a", 2: "#3b2a1a", 3: "#1d3320", 4: "#0b1f10", 5: "#ffffff"}
INK = "#1f2933"
GRID = "#c5cdd6"
SERIES = "#1f6f8b"
TARGET = "#c0392b"
EARLIER = "#8a94a0"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Axis:
    label: str
    value: float  # 0..maximum
    target: float | None = None


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}"><title>{escape(title)}</title>{body}</svg>'
    )


def _text(
    x: float,
    y: float,
    label: str,
    size: int = 11,
    anchor: str = "middle",
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}">{escape(label)}</text>'
    )


def _wrap(label: str, width: int, most: int = 3) -> list[str]:
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1] + "…"]
    return lines


def radar(
    title: str,
    axes: Sequence[Axis],
    maximum: float = 5.0,
    size: int = 300,
    earlier: Sequence[float] | None = None,
) -> str:
    """A radar chart of `axes` (0..maximum); a dashed polygon shows the targets, and a grey
    one the values of an `earlier` cycle (same axes, in order) when given.

    With fewer than three axes a radar has no area, so horizontal bars are drawn.
    """
    if len(axes) < 3:
        return bars(title, axes, maximum)
    axes = list(axes)
    width, height = size + 220, size + 90
    cx, cy, r = width / 2, height / 2 + 8, size / 2 - 20
    n = len(axes)

    def point(i: int, v: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        k = max(0.0, min(v, maximum)) / maximum
        return cx + r * k * math.cos(angle), cy + r * k * math.sin(angle)

    parts = [_text(cx, 14, title, 11, weight="bold")]
    for level in range(1, int(maximum) + 1):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}" stroke-width="1"/>')
        x, y = point(0, level)
        parts.append(_text(x + 4, y + 3, str(level), 8, "start", fill="#6b7785"))
    for i, axis in enumerate(axes):
        x, y = point(i, maximum)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        lx, ly = point(i, maximum * 1.1)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        lines = _wrap(axis.label, 19, 4)
        if ly < cy - r * 0.5:
            offset = -10.0 * (len(lines) - 1)  # above the chart: grow upwards
        elif ly > cy + r * 0.5:
            offset = 6.0  # below the chart: start under the axis end
        else:
            offset = -5.0 * (len(lines) - 1)
        for j, line in enumerate(lines):
            parts.append(_text(lx, ly + offset + 10 * j + 3, line, 9, anchor))
    parts.extend(_radar_shapes(axes, earlier, point))
    return _svg(width, height, "".join(parts), title)


def _radar_shapes(
    axes: Sequence[Axis],
    earlier: Sequence[float] | None,
    point: Callable[[int, float], tuple[float, float]],
) -> list[str]:
    """The radar's polygons, bottom to top: the earlier cycle (grey, when given for the same
    axes), the targets (dashed), then the values with a dot on each axis."""
    parts: list[str] = []
    if earlier is not None and len(earlier) == len(axes):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(earlier)))
        parts.append(
            f'<polygon points="{pts}" fill="{EARLIER}" fill-opacity="0.25" stroke="{EARLIER}" '
            f'stroke-width="1.5" stroke-dasharray="2 2"/>'
        )
    if any(a.target is not None for a in axes):
        pts = " ".join(
            f"{x:.1f},{y:.1f}"
            # Without a target, the line follows the current value (no change wanted).
            for x, y in (
                point(i, a.value if a.target is None else a.target) for i, a in enumerate(axes)
            )
        )
        parts.append(
            f'<polygon points="{pts}" fill="none" stroke="{TARGET}" stroke-width="1.5" '
            f'stroke-dasharray="4 3"/>'
        )
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, a.value) for i, a in enumerate(axes)))
    parts.append(
        f'<polygon points="{pts}" fill="{SERIES}" fill-opacity="0.25" stroke="{SERIES}" '
        f'stroke-width="2"/>'
    )
    for i, a in enumerate(axes):
        x, y = point(i, a.value)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{SERIES}"/>')
    return parts


def bars(title: str, axes: Sequence[Axis], maximum: float, width: int = 440) -> str:
    """Horizontal bars (0..maximum) with a target tick."""
    label_w, row_h, top = 170, 26, 26
    height = top + row_h * len(axes) + 10
    span = width - label_w - 50
    parts = [_text(width / 2, 14, title, 12, weight="bold")]
    for i, a in enumerate(axes):
        y = top + i * row_h
        w = span * max(0.0, min(a.value, maximum)) / maximum
        parts.append(_text(label_w - 6, y + 15, _wrap(a.label, 26)[0], 9, "end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{span}" height="{row_h - 10}" fill="#eef1f4"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" '
            f'fill="{SERIES}"/>'
        )
        parts.append(_text(label_w + span + 6, y + 15, f"{a.value:g}", 9, "start"))
        if a.target is not None:
            tx = label_w + span * max(0.0, min(a.target, maximum)) / maximum
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y + 1}" x2="{tx:.1f}" y2="{y + row_h - 3}" '
                f'stroke="{TARGET}" stroke-width="2"/>'
            )
    return _svg(width, height, "".join(parts), title)


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    stage_mean: float
    stage_min: int
    stage_max: int


def heatmap(
    title: str,
    rows: Sequence[tuple[str, Sequence[Cell]]],
    width: int = 660,
    stage_label: str = "stage",
) -> str:
    """One row per dimension, one cell per factor, filled by the factor's mean stage.

    `stage_label` names the legend (the caller passes it translated)."""
    label_w, cell_h, top = 170, 46, 26
    most = max((len(cells) for _, cells in rows), default=1)
    cell_w = (width - label_w - 10) / max(most, 1)
    legend_y = top + cell_h * len(rows) + 14
    height = legend_y + 30
    parts = [_text(width / 2, 14, title, 12, weight="bold")]
    for r, (label, cells) in enumerate(rows):
        y = top + r * cell_h
        for j, line in enumerate(_wrap(label, 28)):
            parts.append(_text(label_w - 8, y + 16 + 11 * j, line, 9, "end"))
        for c, cell in enumerate(cells):
            x = label_w + c * cell_w
            stage = max(1, min(5, round(cell.stage_mean)))
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" '
                f'height="{cell_h - 2}" fill="{STAGE_FILL[stage]}" stroke="#ffffff"/>'
            )
            parts.append(
                _text(x + cell_w / 2, y + 18, cell.key, 10, fill=STAGE_TEXT[stage], weight="bold")
            )
            spread = (
                f"{cell.stage_mean:.1f}"
                if cell.stage_min == cell.stage_max
                else f"{cell.stage_mean:.1f} ({cell.stage_min}-{cell.stage_max})"
            )
            parts.append(_text(x + cell_w / 2, y + 34, spread, 9, fill=STAGE_TEXT[stage]))
    for s in range(1, 6):
        x = label_w + (s - 1) * 90
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{STAGE_FILL[s]}" '
            f'stroke="{GRID}"/>'
        )
        parts.append(_text(x + 18, legend_y + 11, f"{s}", 9, "start"))
    parts.append(_text(label_w - 8, legend_y + 11, stage_label, 9, "end"))
    return _svg(width, int(height), "".join(parts), title)


#: Line colours for up to eight series (then repeated, with the series named in the legend).
LINES = ("#1f6f8b", "#c0392b", "#2f7d4f", "#8e44ad", "#d35400", "#34495e", "#b7950b", "#16a085")


def _num(v: float) -> str:
    """A number as SVG needs it: always a dot, whatever the reader's locale."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _trend_line(
    label: str,
    values: Sequence[float | None],
    colour: str,
    cycles: Sequence[str],
    x: Callable[[int], float],
    y: Callable[[float], float],
) -> list[str]:
    """One series of a trend: a dot per value (its title tells the value), joined by a line
    broken where a value is missing."""
    parts: list[str] = []
    run: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>'
                )
            run = []
            continue
        run.append(f"{_num(x(i))},{_num(y(v))}")
        parts.append(
            f'<circle cx="{_num(x(i))}" cy="{_num(y(v))}" r="3" fill="{colour}">'
            f"<title>{escape(label)} {escape(cycles[i])}: {_num(v)}</title></circle>"
        )
    if len(run) > 1:
        parts.append(
            f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    return parts


def trend(
    title: str,
    cycles: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    minimum: float,
    maximum: float,
    width: int = 560,
) -> str:
    """Lines over cycles (x) for each series (y in minimum..maximum); gaps for None.

    Every cycle the country has is drawn, not only two; each point is labelled with its
    value and the legend names every series.
    """
    left, right, top, plot_h = 40, 20, 30, 200
    legend_top = top + plot_h + 40
    height = legend_top + 16 * len(series) + 10
    span_x = width - left - right
    span = (maximum - minimum) or 1.0
    n = max(len(cycles), 1)

    def x(i: int) -> float:
        return left + (span_x * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (max(minimum, min(v, maximum)) - minimum) / span

    parts = [_text(width / 2, 16, title, 12, weight="bold")]
    steps = 4 if maximum - minimum > 5 else int(maximum - minimum)
    for k in range(steps + 1):
        tick = minimum + span * k / max(steps, 1)
        parts.append(
            f'<line x1="{left}" y1="{_num(y(tick))}" x2="{width - right}" '
            f'y2="{_num(y(tick))}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(tick) + 4, _num(tick), 9, "end"))
    for i, cycle in enumerate(cycles):
        parts.append(_text(x(i), top + plot_h + 16, cycle, 10))
    for s, (label, values) in enumerate(series):
        colour = LINES[s % len(LINES)]
        parts.extend(_trend_line(label, values, colour, cycles, x, y))
        ly = legend_top + 16 * s
        parts.append(f'<rect x="{left}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>')
        parts.append(_text(left + 18, ly - 4, label, 10, "start"))
    return _svg(width, height, "".join(parts), title)
