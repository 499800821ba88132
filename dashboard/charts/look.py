"""What every chart shares: the title block (what, when, source, the 示例数据 mark), the font and
quiet axes, the default width, and the most rows one chart may draw.

Every builder takes a `Titling` and ends with `finish`, so the chart on screen, its PNG/SVG/PDF
export and the briefing pack look the same: Chinese font with a fallback, title saying what and
when, the source and, for sample data, a 示例数据 mark in the subtitle.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import altair as alt

from dashboard.charts import palette

SAMPLE_MARK = "示例数据"
SAMPLE_NOTE = f"【{SAMPLE_MARK}】演示用样本,非真实考核结果"
DEFAULT_WIDTH = 760
ROW_HEIGHT = 20  # px per unit in horizontal bar charts: room for a Chinese label
# The most rows (units, indicators) one chart draws: about what a person reads down a page. Pages
# pick the rows in view (top and bottom, highlighted units, a search) and say how many are hidden;
# a builder refuses more, so neither the page nor an export can draw a wall of bars.
MAX_ROWS = 60
GAP_PREFIX = "⋯"  # a ranking row standing for the units left out between the ones shown


class TooManyMarks(ValueError):
    """A chart was asked to draw more rows than a person can read (MAX_ROWS)."""


def check_rows(n: int, what: str = "单位") -> None:
    """Refuse a chart of more than MAX_ROWS rows."""
    if n > MAX_ROWS:
        raise TooManyMarks(f"{n} {what} in one chart (at most {MAX_ROWS}): pick the rows in view")


@dataclass(frozen=True)
class Titling:
    """What a chart shows and when, where the figures come from, and whether they are sample data.

    `what` and `when` make the title ("区镇 年终排名（2013年度）"); `source` and the sample mark
    make the subtitle lines.
    """

    what: str
    when: str
    source: str
    sample: bool

    @property
    def text(self) -> str:
        """The title line."""
        return f"{self.what}（{self.when}）" if self.when else self.what

    @property
    def subtitle(self) -> list[str]:
        """Subtitle lines: the sample mark first (so it is seen), then the source."""
        lines = [SAMPLE_NOTE] if self.sample else []
        if self.source:
            lines.append(self.source)
        return lines

    def params(self) -> alt.TitleParams:
        """Altair title parameters."""
        return alt.TitleParams(text=self.text, subtitle=self.subtitle or None)


@functools.cache
def _shared_config() -> alt.Config:
    """The shared look as a Vega-Lite config: font, title block anchored left, quiet axes, no
    view border. Built once: each `configure_*` call validates its part against the schema, which
    costs more than the rest of a small chart."""
    return (
        alt.Chart()
        .configure(font=palette.FONT, padding={"left": 8, "right": 16, "top": 8, "bottom": 8})
        .configure_title(
            anchor="start", fontSize=15, fontWeight="bold", color=palette.TEXT,
            subtitleFontSize=11, subtitleColor=palette.SUBTLE_TEXT, subtitlePadding=4, offset=12,
        )
        .configure_axis(
            labelFontSize=11, titleFontSize=12, labelColor=palette.TEXT,
            titleColor=palette.SUBTLE_TEXT, gridColor=palette.GRID, domainColor="#9aa5b1",
            tickColor="#9aa5b1", labelLimit=220,
        )
        .configure_axisX(labelAngle=0)
        .configure_legend(
            labelFontSize=11, titleFontSize=11, orient="top", direction="horizontal",
            titleColor=palette.SUBTLE_TEXT, labelColor=palette.TEXT,
        )
        .configure_view(stroke=None)
    ).config


def finish(chart: alt.TopLevelMixin, titling: Titling) -> alt.TopLevelMixin:
    """Title and the shared look: font, title block anchored left, quiet axes, no view border.

    Sets them on `chart` itself, which the builders have just made and own: `properties()` would
    copy the chart, and copying a layered chart re-copies all its layers (tens of ms each)."""
    # fit-x: the width follows the page (or DEFAULT_WIDTH in exports) while the height stays the
    # plot's own; Streamlit's default "fit" would squeeze the plot under the title block.
    chart.title = titling.params()
    chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    # A copy of the shared config, as `configure_*` would set it. The whole chart is validated
    # against the schema when it is turned into a spec.
    chart.config = _shared_config().copy(deep=True)
    return chart
