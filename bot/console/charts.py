"""Server-side SVG charts with pygal, readable in the light and the dark theme.

The SVG is inlined in the page, and its text and axis colours are CSS variables of the page
(`--fg`, `--muted`), so the theme the browser asks for (prefers-color-scheme) colours the charts
too; the series colours are mid-tones legible on white and on near-black. pygal's tooltip script
is never linked (js=[]) and its inline configuration script is dropped: the page runs no script.
Every label is text from the log or the knowledge base, escaped by pygal's XML writer.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from pygal.style import Style

ANSWERED, CLARIFY, UNANSWERED = "#2b8a3e", "#e8590c", "#c92a2a"
PALETTE = ("#1c7ed6", "#2b8a3e", "#e8590c", "#c92a2a", "#7048e8", "#0c8599", "#d6336c", "#5c940d")
LABEL_CHARS = 48

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _style(colors: Sequence[str] = PALETTE) -> Style:
    return Style(background="transparent", plot_background="transparent", foreground="var(--fg)",
                 foreground_strong="var(--fg)", foreground_subtle="var(--grid)", opacity=".9",
                 opacity_hover="1", colors=tuple(colors), font_family="system-ui, sans-serif",
                 label_font_size=13, major_label_font_size=13, legend_font_size=14, value_font_size=13,
                 title_font_size=16, tooltip_font_size=13)


def _render(chart: pygal.graph.graph.Graph) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _options(title: str, **extra: object) -> dict[str, object]:
    options: dict[str, object] = dict(title=title, js=[], disable_xml_declaration=True, width=760, height=340,
                                      legend_at_bottom=True, print_values=False, show_y_guides=True,
                                      truncate_label=-1, no_data_text="–",
                                      order_min=0)  # counts: no 0.1 ticks
    return options | extra


def per_day(title: str, days: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Questions per day, one stacked bar per day: answered, clarify, unanswered."""
    chart = pygal.StackedBar(style=_style((ANSWERED, CLARIFY, UNANSWERED)),
                             **_options(title, x_label_rotation=-35 if len(days) > 10 else 0))
    chart.x_labels = days
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)


def rate(title: str, days: Sequence[str], name: str, values: Sequence[float | None]) -> str:
    """A percentage per day (None where there was nothing to count)."""
    chart = pygal.Line(style=_style((PALETTE[0],)), range=(0, 100), dots_size=4, **_options(
        title, x_label_rotation=-35 if len(days) > 10 else 0, show_legend=False, value_formatter=lambda v: f"{v:.0f} %"))
    chart.x_labels = days
    chart.add(name, list(values))
    return _render(chart)


def bars(title: str, rows: Sequence[tuple[str, float]], *, percent: bool = False) -> str:
    """One horizontal bar per row, the largest on top."""
    height = max(180, 60 + 34 * len(rows))
    chart = pygal.HorizontalBar(style=_style(), **_options(title, show_legend=False, height=height))
    chart.x_labels = [_short(label) for label, _v in reversed(rows)]
    fmt = (lambda v: f"{v:.0f} %") if percent else (lambda v: f"{v:g}")
    chart.value_formatter = fmt
    chart.add(title, [value for _label, value in reversed(rows)])
    return _render(chart)


def split_bars(title: str, rows: Sequence[tuple[str, int, int]], names: tuple[str, str]) -> str:
    """Two stacked horizontal parts per row, e.g. helpful / not helpful per entry."""
    height = max(200, 90 + 34 * len(rows))
    chart = pygal.HorizontalStackedBar(style=_style((ANSWERED, UNANSWERED)), **_options(title, height=height))
    chart.x_labels = [_short(label) for label, _a, _b in reversed(rows)]
    chart.add(names[0], [a for _l, a, _b in reversed(rows)])
    chart.add(names[1], [b for _l, _a, b in reversed(rows)])
    return _render(chart)
