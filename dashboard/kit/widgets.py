"""Small page helpers: headers with the 示例数据 badge, charts and tables with their export rows,
notices for what a scheme does not have, and the 「生成通报材料」 briefing button.

Export bytes are produced lazily: `st.download_button` (Streamlit ≥ 1.50) accepts a callable and
runs it only when the button is clicked, so drawing a page never renders a PNG or builds a
workbook. `on_click="ignore"` keeps a download from rerunning the page.

Charts are drawn from cached specs: pages describe a chart as a `LazyChart` (a builder of
dashboard.charts.charts and its arguments), and `show_chart` draws the Vega-Lite spec that
Streamlit would make of the Altair chart, built and schema-validated once per distinct input
(`st.cache_data`).
Building an Altair chart and validating it against the Vega-Lite schema costs 20-150 ms a chart,
which every rerun would otherwise pay. Downloads build the Altair chart itself when clicked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from dashboard.charts import charts
from dashboard.kit import data
from dashboard.kit import drill as drill_kit
from dashboard.kit.drill import Drill
from dashboard.kit.filters import Filters, period_label
from dashboard.kit.text import md
from pipelines.engine.targets import verdict, verdict_column
from pipelines.notice.formats import number as fmt_number
from pipelines.notice.naming import evaluation
from warehouse.rounding import round_half_up

SAMPLE_BADGE = "示例数据"


def _exports():
    # Imported when a download runs: vl-convert and pypdf are not needed to draw a page.
    from dashboard.exports import exports

    return exports


def _safe_name(name: str) -> str:
    """A file name without characters Windows and browsers refuse."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "export"


def page_header(title: str, filters: Filters, *, note: str | None = None) -> None:
    """Page title, the view it shows, and a visible 示例数据 badge when sample units are shown."""
    st.title(title)
    line = f"{filters.jurisdiction} · {filters.info.get('name', '')} · {filters.period_label}"
    if filters.unit_type:
        line += f" · {filters.unit_type}"
    cols = st.columns([6, 1]) if filters.sample else [st.container()]
    cols[0].caption(md(line))
    if filters.sample:
        cols[1].badge(SAMPLE_BADGE, icon=":material/science:", color="orange")
        st.caption(f":orange[**{SAMPLE_BADGE}**]: 本页所示单位为演示用样本数据,非真实考核结果。")
    if note:
        st.caption(note)


def titling(filters: Filters, what: str, when: str | None = None) -> charts.Titling:
    """A chart title for this view: what, when (the period by default), source, sample mark."""
    return charts.Titling(what=what, when=when if when is not None else filters.period_label,
                          source=filters.source, sample=filters.sample)


def keep_valid(key: str, options: Sequence) -> None:
    """Drop a page widget's remembered value when it is no longer an option (e.g. after the
    scheme changed), so the widget falls back to its default instead of failing."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def nothing_to_show(message: str) -> None:
    """Say, briefly and in Chinese, why a section is empty for this scheme (the message may
    name units or the jurisdiction: it is shown as text, not Markdown)."""
    st.info(md(message), icon=":material/info:")


def export_row(items: Sequence[tuple[str, Callable[[], bytes], str, str]], key: str) -> None:
    """An 「导出」 menu of lazy download buttons: (label, make_bytes, file_name, mime). A menu
    rather than a row of buttons under every chart and table: the browser builds the buttons
    only when the menu is opened (a page of twelve charts had over a hundred buttons)."""
    with st.popover("导出", icon=":material/download:"):
        for label, make, file_name, mime in items:
            st.download_button(label, data=make, file_name=file_name, mime=mime,
                               key=f"{key}-{label}", on_click="ignore",
                               icon=":material/download:", width="stretch")


class LazyChart:
    """A chart of dashboard.charts.charts not built yet: the builder's name and its arguments.

    `spec()` is the chart as Streamlit draws it, cached on (builder, arguments); `build()` makes
    the Altair chart (for exports and the briefing pack)."""

    __slots__ = ("args", "builder", "kwargs")

    def __init__(self, builder: Callable[..., alt.TopLevelMixin], *args: Any, **kwargs: Any):
        if getattr(charts, builder.__name__, None) is not builder:
            raise ValueError(f"{builder.__name__} is not a chart builder of "
                             "dashboard.charts.charts")
        self.builder = builder.__name__
        self.args = args
        self.kwargs = tuple(sorted(kwargs.items()))

    def build(self) -> alt.TopLevelMixin:
        """The Altair chart."""
        return getattr(charts, self.builder)(*self.args, **dict(self.kwargs))

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec Streamlit draws (data as Arrow datasets), cached."""
        return _chart_spec(self.builder, self.args, self.kwargs)


def _streamlit_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The spec `st.altair_chart` would send for this chart: converting it here, once, and
    drawing the result with `st.vega_lite_chart` gives the same element."""
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:  # a Streamlit without the helper: the plain spec draws the same chart
        return chart.to_dict()
    return dict(_convert_altair_to_vega_lite_spec(chart))


def _on_canvas(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec drawn on a <canvas> rather than as SVG (vega-embed's `renderer` option, which
    Streamlit reads from `usermeta.embedOptions`): an SVG chart puts every bar, label and tick in
    the page as an element with its ARIA attributes (a ranking page: about 7,000 elements), which
    the browser must build and lay out; a canvas is one element. Streamlit itself switches to
    canvas only past 2,000 data points."""
    usermeta = dict(spec.get("usermeta") or {})
    usermeta["embedOptions"] = {**(usermeta.get("embedOptions") or {}), "renderer": "canvas"}
    return {**spec, "usermeta": usermeta}


@st.cache_data(show_spinner=False, max_entries=512, ttl=6 * 3600)
def _chart_spec(builder: str, args: tuple, kwargs: tuple) -> dict[str, Any]:
    return _on_canvas(_streamlit_spec(getattr(charts, builder)(*args, **dict(kwargs))))


def show_chart(chart: LazyChart | alt.TopLevelMixin, *, name: str, key: str,
               drill: Drill | None = None) -> None:
    """Draw a chart full width with its export row (PNG 2× / SVG / PDF). A `LazyChart` is drawn
    from its cached spec and built only when a download is clicked. `drill`: where a click on a
    bar or cell leads (dashboard.kit.drill)."""
    if isinstance(chart, LazyChart):
        spec = chart.spec()
        build = chart.build
    else:
        spec = _on_canvas(_streamlit_spec(chart))

        def build() -> alt.TopLevelMixin:
            return chart
    if drill is None:
        st.vega_lite_chart(spec=spec, width="stretch", theme=None, key=f"chart-{key}")
    else:
        drill_kit.draw(spec, key, drill)
    file = _safe_name(name)
    export_row(
        [
            ("PNG 2×", lambda: _exports().chart_png(build(), scale=2), f"{file}.png",
             "image/png"),
            ("SVG", lambda: _exports().chart_svg(build()), f"{file}.svg", "image/svg+xml"),
            ("PDF", lambda: _exports().chart_pdf(build()), f"{file}.pdf", "application/pdf"),
        ],
        key=f"exp-{key}",
    )


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Floats rounded half-up to 2 decimals for display (docs/contract.md: output only)."""
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    return frame.with_columns(round_half_up(pl.col(c)) for c in floats)


SEARCH_FROM = 25  # a list longer than this gets a search box
# Rows tall enough for three lines: Streamlit wraps a cell's text only in rows taller than 4rem
# (64 px); a long 说明 or 解释 is read whole instead of cut at the column's edge.
WRAP_ROW_HEIGHT = 78
HEAT_DEFAULT_N = 30  # units a heat map shows unless the user asks for others
SPREAD_BARS_UP_TO = 40  # one indicator's scores as one bar per unit up to this many units


# A table of up to this many rows may be drawn plain (show_table's `plain`): a static table that
# needs no sorting, search or scrolling.
PLAIN_TABLE_ROWS = 12


def table_height(rows: int, limit: int = 40) -> int:
    """A height that shows every row of a short table (no inner scrolling), else about 15 rows
    with the table scrolling (virtualised: thousands of rows cost the browser nothing more)."""
    return 35 * (min(rows, limit) + 1) + 3 if rows <= limit else 35 * 16 + 3


def show_table(
    frame: pl.DataFrame,
    *,
    name: str,
    filters: Filters,
    key: str,
    grade_column: str | None = None,
    column_config: dict | None = None,
    height: int | str = "auto",
    wrap: bool = False,
    unit_label: str | None = None,
    export: pl.DataFrame | Callable[[], pl.DataFrame] | None = None,
    plain: bool = False,
) -> None:
    """Draw a table (floats to 2 decimals, empty text for missing text) with its export row
    (XLSX 通报 layout / CSV). `export`: the rows the exports hold when the table shows fewer
    (a search, or a screen of a large table): exports hold every row. A callable is called
    when a download is clicked, so rows the page does not show are read only then.
    `plain`: a table of up to PLAIN_TABLE_ROWS rows is drawn as a static table (`st.table`)
    instead of the data grid. A handful of rows needs no sorting, search or scrolling, and a
    page with no grid loads without the grid's code (DataFrame.js, 0.49 MB; the static table
    needs the Arrow formatting, 0.74 MB, too): the 总览 draws sooner on a fresh server
    (BENCHMARKS.md, "A fresh server's first page, fourth round")."""
    def tidy(table: pl.DataFrame) -> pl.DataFrame:
        return rounded(table).with_columns(pl.col(pl.String).fill_null(""))

    if plain and frame.height <= PLAIN_TABLE_ROWS:
        st.table(plain_cells(tidy(frame)), hide_index=True)
    else:
        st.dataframe(tidy(frame), width="stretch", hide_index=True,
                     column_config=column_config, height=height,
                     row_height=WRAP_ROW_HEIGHT if wrap else None, key=f"table-{key}")
    if callable(export):
        make_rows = export

        def rows() -> pl.DataFrame:
            return tidy(make_rows())
    else:
        exported = tidy(export if export is not None else frame)

        def rows() -> pl.DataFrame:
            return exported
    file = _safe_name(f"{name}_{filters.period_label}")
    title = name
    period = filters.period_label
    unit_label = unit_label or filters.type_label
    sample = filters.sample
    source = filters.source
    export_row(
        [
            ("XLSX", lambda: _exports().table_xlsx(
                rows(), title=title, period=period, unit_label=unit_label, sample=sample,
                grade_column=grade_column, source=source),
             f"{file}.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("CSV", lambda: _exports().table_csv(rows()), f"{file}.csv", "text/csv"),
        ],
        key=f"exp-{key}",
    )


def plain_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` as a static table shows it: decimals as the 通报 writes them (63 not 63.00,
    96.5 not 96.50: a static table prints a float with every digit it has), missing figures
    empty; whole numbers and text as they are."""
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    return frame.with_columns(
        pl.col(c).map_elements(fmt_number, return_dtype=pl.String).fill_null("")
        for c in floats)


def evaluation_title(f: Filters) -> str:
    """The jurisdiction and the evaluation's name as the 通报 titles them, from the scheme (never a
    default): 金坛市电子政务绩效考核, 岳阳市政务公开政务服务工作考评."""
    return f"{f.jurisdiction}{evaluation(str(f.info.get('name', '')), f.jurisdiction)}"


def briefing_button(filters: Filters,
                    build: Callable[..., bytes] | None = None, *, where=st.sidebar) -> None:
    """「生成通报材料」: builds the briefing pack PDF for the chosen view with its progress shown
    (st.status with a progress bar), then offers it for download. `build(progress)` makes the
    bytes (default: `briefing_pack(filters, progress)`)."""
    file = _safe_name(f"{evaluation_title(filters)}通报_{filters.period_label}")
    view = (str(filters.db), data.stamp(filters.db) if filters.db.exists() else None,
            filters.scheme, filters.year, filters.period, filters.unit_type, filters.units)
    if where.button("生成通报材料", key="briefing", icon=":material/picture_as_pdf:",
                    type="primary", width="stretch",
                    help="封面、排名表、总览与目标图表,按所选方案与期间生成 PDF;"
                         "单位多时排名表列出各类前后各10名,完整排名作为 XLSX 附在 PDF 中。"):
        import time

        started = time.perf_counter()
        with where.status("正在生成通报材料…", expanded=True) as status:
            bar = st.progress(0.0, text="开始")

            def progress(fraction: float, what: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=what)

            make = build or (lambda progress: briefing_pack(filters, progress))
            pdf = make(progress)
            status.update(label=f"通报材料已生成({time.perf_counter() - started:.1f} 秒)",
                          state="complete", expanded=False)
        st.session_state["_egov_briefing"] = (view, pdf)
    stored = st.session_state.get("_egov_briefing")
    if stored and stored[0] == view:
        where.download_button(
            "下载通报材料 PDF", data=stored[1], file_name=f"{file}.pdf", mime="application/pdf",
            key="briefing-download", on_click="ignore", icon=":material/download:",
            width="stretch",
        )


# --- sections shared by the pages and the briefing pack ----------------------------------------

# Streamlit's named colour of a target's status (总览's cards; gray for 无数据)
STATUS_COLOR = {"达争": "green", "达保": "blue", "未达": "red", "完成": "green", "未完成": "red"}
NO_FIGURES = "无数据"  # a target's status before its first figure, wherever a page shows it


def fmt_target_value(value: float | None, unit: str) -> str:
    """A target figure as people write it: 第2名, 2,131件, 98.96%, 137.4个/日."""
    if value is None:
        return "—"
    if unit == "名":
        return f"第{value:g}名"
    if unit == "%":
        return f"{value:.2%}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def target_levels(floor: float, stretch: float | None, unit: str) -> str:
    """'保 第2名 · 争 第1名' or '保 2,000件'."""
    text = f"保 {fmt_target_value(floor, unit)}"
    if stretch is not None:
        text += f" · 争 {fmt_target_value(stretch, unit)}"
    return text


def target_table(status: pl.DataFrame) -> pl.DataFrame:
    """Target status as a table: 目标, 要求, 保/争, 截至, 当前, 状态, 进度线, 年末预测, 年末预判."""
    rows = []
    for r in status.iter_rows(named=True):
        rows.append({
            "目标": r["name"],
            "要求": r["text"],
            "保/争": target_levels(r["floor"], r["stretch"], r["unit"]),
            "截至": r["month"] or "",
            "当前": fmt_target_value(r["actual"], r["unit"]),
            "状态": verdict(r["status"], r["stretch"]) or NO_FIGURES,
            "进度线": fmt_target_value(r["pace"], r["unit"]) if r["pace"] is not None else "",
            "年末预测": (fmt_target_value(r["projection"], r["unit"])
                      if r["projection"] is not None else ""),
            "年末预判": verdict(r["projected_status"], r["stretch"]) or "",
        })
    return pl.DataFrame(rows, schema=dict.fromkeys(
        ["目标", "要求", "保/争", "截至", "当前", "状态", "进度线", "年末预测", "年末预判"],
        pl.String))


def ranking_section(f: Filters) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    """The ranking this view asks for: ("monthly" | "yearend", raw frame, display table)."""
    with_type = f.unit_type is None
    if f.month and f.has_monthly:
        raw = data.monthly_ranking(f.db, f.scheme, f.year, f.month, f.unit_type)
        return "monthly", raw, data.monthly_display(raw, with_type=with_type)
    raw, stages = data.yearend_ranking(f.db, f.scheme, f.year, f.unit_type)
    shown = data.yearend_display(raw, stages, has_grades=bool(f.info.get("has_grades")),
                                 with_type=with_type)
    return "yearend", raw, shown


def _ranking_value(mode: str) -> tuple[str, str]:
    """The ranked figure of a ranking: (column, title)."""
    return ("points", "当月得分") if mode == "monthly" else ("total", "总分")


def ranking_chart(f: Filters, mode: str, raw: pl.DataFrame, unit_type: str,
                  n: int = data.TOP_N) -> tuple[LazyChart, int]:
    """The bar chart of one unit type's ranking: the top and bottom `n` places and the
    highlighted units (all units where there are few), grades as colours where there are any.
    Returns (chart, number of units it leaves out)."""
    # The bars are places: a unit not ranked (不排名) has none (the table lists it).
    part = raw.filter((pl.col("unit_type") == unit_type) & pl.col("rank").is_not_null())
    rows, hidden = data.top_bottom(part, n=n, highlight=f.units, gap_prefix=charts.GAP_PREFIX)
    value, value_title = _ranking_value(mode)
    what = "平时考评月度排名" if mode == "monthly" else "年终考核排名"
    if hidden:
        what += f" · 前{n}名与后{n}名"
    if mode == "monthly":
        chart = LazyChart(
            charts.ranking_bars, rows, value=value, value_title=value_title,
            titling=titling(f, f"{unit_type} {what}"),
            unit_types=list(f.unit_types), highlight=f.units,
        )
    else:
        grades = data.grades(f.db, f.scheme)["grade"].to_list()
        chart = LazyChart(
            charts.ranking_bars, rows, value=value, value_title=value_title,
            titling=titling(f, f"{unit_type} {what}", f"{f.year}年度"),
            grades=grades, unit_types=list(f.unit_types), highlight=f.units,
        )
    return chart, hidden


def ranking_histogram(f: Filters, mode: str, raw: pl.DataFrame, unit_type: str) -> LazyChart:
    """Every unit of a type as a histogram of its score, the highlighted units marked."""
    part = raw.filter(pl.col("unit_type") == unit_type)
    value, value_title = _ranking_value(mode)
    bins = data.histogram_bins(part, value)
    marks = None
    if f.units:
        marks = part.filter(pl.col("unit").is_in(list(f.units))).select(
            "unit", "rank", value=pl.col(value))
    when = None if mode == "monthly" else f"{f.year}年度"
    return LazyChart(charts.histogram, bins, value_title=value_title, unit_types=[unit_type],
                     marks=marks, titling=titling(f, f"{unit_type} {value_title}分布"
                                                     f"(全部{part.height}个单位)", when))


def hidden_note(hidden: int, where: str = "图中") -> str:
    """「另有 N 个单位未显示」 and where to find them."""
    return f"{where}另有 {hidden} 个单位未显示:见分布图与下方完整排名表(可搜索、可排序)。"


def distribution_chart(f: Filters) -> LazyChart | None:
    """Grade distribution per unit type, or where the scheme has no grades a histogram of totals
    by unit type (binned on the server); None when there are no year-end results."""
    when = f"{f.year}年度"
    if f.info.get("has_grades"):
        dist = data.grade_distribution(f.db, f.scheme, f.year)
        if f.unit_type:
            dist = dist.filter(pl.col("unit_type") == f.unit_type)
        if dist["units"].sum() == 0:
            return None
        grades = data.grades(f.db, f.scheme)["grade"].to_list()
        types = [t for t in f.unit_types if t in dist["unit_type"].to_list()]
        return LazyChart(charts.grade_distribution, dist, grades=grades, unit_types=types,
                         titling=titling(f, "考核等次分布", when))
    raw, _ = data.yearend_ranking(f.db, f.scheme, f.year, f.unit_type)
    if raw.is_empty():
        return None
    types = [t for t in f.unit_types if t in raw["unit_type"].to_list()]
    return LazyChart(charts.histogram, data.histogram_bins(raw, "total"), value_title="总分",
                     unit_types=types, titling=titling(f, "总分分布 · 本方案不设等次", when))


def target_charts(f: Filters, measures: Sequence[str] | None = None
                  ) -> list[tuple[str, alt.TopLevelMixin]]:
    """One chart per target with figures up to the chosen month: (caption, chart)."""
    progress = data.target_progress(f.db, f.scheme, f.year, f.month)
    out = []
    for target in progress["target"].unique(maintain_order=True).to_list():
        rows = progress.filter(pl.col("target") == target)
        if measures is not None and rows["measure"][0] not in measures:
            continue
        last = rows.tail(1).row(0, named=True)
        said = verdict(last["status"], last["stretch"])
        out.append((f"{last['name']}:{said}", target_chart_for(f, rows).build()))
    return out


def target_chart_for(f: Filters, rows: pl.DataFrame) -> LazyChart:
    """The chart of one target's progress rows, titled with the seed's wording and the month."""
    last = rows.tail(1).row(0, named=True)
    when = f"截至{period_label(last['month'], f.year)}"
    rows = rows.with_columns(verdict_column())  # the tooltip's 状态: 完成 for a floor alone
    return LazyChart(charts.target_chart, rows, year=f.year,
                     titling=titling(f, str(last["text"]), when))


BRIEFING_TOP_N = 10  # the briefing's ranking table lists the top and bottom places of a type


def briefing_ranking(f: Filters, raw: pl.DataFrame, shown: pl.DataFrame,
                     n: int = BRIEFING_TOP_N) -> tuple[pl.DataFrame, int]:
    """The ranking table of the briefing pack: per unit type the top and bottom `n` places and
    the highlighted units, each run left out as one row saying so (every unit where a type has
    few). Returns (table, units left out); the full table goes with the pack as an XLSX."""
    indexed = raw.with_row_index("_i")
    table = shown.with_row_index("_i")
    parts, hidden = [], 0
    for unit_type in raw["unit_type"].unique(maintain_order=True).to_list():
        part = indexed.filter(pl.col("unit_type") == unit_type)
        rows, left_out = data.top_bottom(part, n=n, highlight=f.units, gap_prefix="⋯")
        hidden += left_out
        picked = rows.select("_i", gap=pl.when(pl.col("_i").is_null()).then(pl.col("unit")))
        if "单位类型" in table.columns:
            picked = picked.with_columns(_type=pl.lit(unit_type))
        parts.append(picked)
    order = pl.concat(parts, how="diagonal_relaxed")
    out = order.join(table, on="_i", how="left", maintain_order="left").with_columns(
        pl.coalesce("单位", pl.col("gap").str.replace("未显示", "见附件"))
        .alias("单位"))
    if "单位类型" in out.columns:
        out = out.with_columns(pl.coalesce("单位类型", "_type").alias("单位类型"))
    return out.select(shown.columns), hidden


def briefing_pack(f: Filters, progress: Callable[[float, str], None] | None = None) -> bytes:
    """The briefing PDF for the view: cover, ranking table (the top and bottom places of each
    type where there are many units, the full ranking attached as XLSX), the overview chart(s),
    each type's ranking chart and the headline target charts (rank and cumulative targets).
    `progress(fraction, what)` is told how far the build is."""
    def report(fraction: float, what: str) -> None:
        if progress is not None:
            progress(fraction, what)

    report(0.0, "读取排名")
    mode, raw, shown = ranking_section(f)
    chart_list: list[tuple[str, alt.TopLevelMixin]] = []
    dist = distribution_chart(f)
    if dist is not None:
        chart_list.append(("考核等次分布" if f.info.get("has_grades") else "总分分布",
                           dist.build()))
    report(0.05, "准备图表")
    for unit_type in [t for t in f.unit_types if t in raw["unit_type"].to_list()]:
        chart_list.append((f"{unit_type}排名", ranking_chart(f, mode, raw, unit_type)[0].build()))
    chart_list += target_charts(f, measures=("rank", "cumulative"))
    what = "平时考评月度排名" if mode == "monthly" else "年终考核结果"
    title = f"{evaluation_title(f)}{what}通报"
    table, hidden = briefing_ranking(f, raw, rounded(shown))
    attachments = []
    grade_column = "等次" if "等次" in shown.columns else None
    if hidden:
        def full() -> bytes:  # written while the chart workers draw
            return _exports().table_xlsx(
                rounded(shown).with_columns(pl.col(pl.String).fill_null("")),
                title=f"{title} 完整排名", period=f.period_label, unit_label=f.type_label,
                sample=f.sample, grade_column=grade_column, source=f.source)
        attachments.append((_safe_name(f"{title}_完整排名_{f.period_label}") + ".xlsx", full))

    def pdf_progress(fraction: float, what: str) -> None:
        report(0.1 + 0.9 * fraction, what)

    return _exports().briefing_pdf(
        title=title, period=f.period_label, sample=f.sample, ranking=table,
        charts=chart_list, subtitle=str(f.info.get("name", "")), grade_column=grade_column,
        ranking_heading=(f"考评结果排名(各类前后各{BRIEFING_TOP_N}名;另有 {hidden} 个单位见附件)"
                         if hidden else "考评结果排名"),
        attachments=attachments, progress=pdf_progress,
    )
