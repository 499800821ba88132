"""The chart builders a page may draw (Altair, no Streamlit, no warehouse access), gathered in one
namespace: `dashboard.kit.widgets.LazyChart` accepts a builder only by its name here, and caches
its spec under that name. Each builder lives with its page's charts (rankings, targets,
indicators, unit_profile); what they share is in `look` (title block, font, row limit) and
`encodings` (month axis, bold picked units, series lines).
"""

from __future__ import annotations

from dashboard.charts.indicators import heatmap, indicator_spread, lost_points, office_losses
from dashboard.charts.look import (
    DEFAULT_WIDTH,
    GAP_PREFIX,
    MAX_ROWS,
    ROW_HEIGHT,
    SAMPLE_MARK,
    SAMPLE_NOTE,
    Titling,
    TooManyMarks,
    check_rows,
    finish,
)
from dashboard.charts.rankings import grade_distribution, histogram, movers, ranking_bars
from dashboard.charts.targets import cumulative_target, monthly_target, rank_target, target_chart
from dashboard.charts.unit_profile import category_vs_max, rank_history, unit_vs_median

__all__ = [
    "DEFAULT_WIDTH", "GAP_PREFIX", "MAX_ROWS", "ROW_HEIGHT", "SAMPLE_MARK", "SAMPLE_NOTE",
    "Titling", "TooManyMarks", "category_vs_max", "check_rows", "cumulative_target", "finish",
    "grade_distribution", "heatmap", "histogram", "indicator_spread", "lost_points",
    "monthly_target", "movers", "office_losses", "rank_history", "rank_target", "ranking_bars",
    "target_chart", "unit_vs_median",
]
