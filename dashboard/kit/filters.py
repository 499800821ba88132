"""The sidebar filters and the query string: a link reproduces the view.

Query-string keys (all optional):

    series   the evaluation (考核系列), e.g. jintan; with `year` it picks the scheme
    scheme   scheme id, e.g. jintan-2013 (a link with the scheme alone opens its series and year)
    year     e.g. 2013
    period   a month YYYY-MM, or `year` for the year-end results
    type     a unit type, e.g. 区镇 (absent: all types)
    units    units to focus on, repeated (?units=金城镇&units=儒林镇; a comma-separated value is
             accepted too)

and the pickers of the pages themselves (`page_choice` / `remember`), so a link reproduces them:

    unit     the unit of the 单位 page
    rubric   the 评分细则 of the 指标 page (schemes with several rubrics)
    cat      the 指标 page's drill-down 一级指标
    l2       its 二级指标
    code     the indicator whose spread the 指标 page shows

The page itself is the URL path (st.navigation's url_path), so `/rankings?scheme=...` opens the
ranking page on that view. Widget state lives in st.session_state under the `f_*` keys; the query
string is written back after every run, and read into the widgets on the first run and whenever
someone edits the URL by hand (it then differs from what the app last wrote).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.kit import data
from dashboard.kit.text import md
from dashboard.kit.years_sidebar import evaluations

YEAR_END = "year"
ALL_TYPES = "全部类型"
DEFAULT_SCHEME = "jintan-2013"

K_SCHEME, K_YEAR, K_PERIOD, K_TYPE, K_UNITS = "f_scheme", "f_year", "f_period", "f_type", "f_units"
K_SERIES = "f_series"
_WRITTEN = "_egov_qp_written"
_FILTERS = "_egov_filters"
_PREVIOUS_SCHEME = "_egov_previous_scheme"
_PAGE_WANTED = "_egov_page_wanted"
_LINK = "_egov_link"  # the link a session was opened with, until its sidebar has been drawn
PAGE_PARAMS = ("unit", "rubric", "cat", "l2", "code")


@dataclass(frozen=True)
class Filters:
    """The view every page draws: scheme, year, period, unit type and focus units."""

    db: Path
    scheme: str
    year: int
    period: str  # YYYY-MM, or YEAR_END
    unit_type: str | None
    units: tuple[str, ...]
    months: tuple[str, ...]  # months with data in this year, in order
    info: dict = field(default_factory=dict)  # the scheme row: name, jurisdiction, ...
    unit_types: tuple[str, ...] = ()
    sample: bool = False
    loaded_at: str = ""

    @property
    def is_year_end(self) -> bool:
        """Whether the year-end results are asked for (not one month)."""
        return self.period == YEAR_END

    @property
    def month(self) -> str | None:
        """The chosen month, or None for the year-end view."""
        return None if self.is_year_end else self.period

    @property
    def latest_month(self) -> str | None:
        """The chosen month, or for the year-end view the last month with data."""
        if self.month:
            return self.month
        return self.months[-1] if self.months else None

    @property
    def has_monthly(self) -> bool:
        """Whether the scheme has a monthly stage with data this year."""
        return bool(self.info.get("has_content")) and bool(self.months)

    @property
    def jurisdiction(self) -> str:
        """The jurisdiction of the scheme, e.g. 金坛市."""
        return str(self.info.get("jurisdiction", ""))

    @property
    def period_label(self) -> str:
        """'2013年6月' or '2013年度'."""
        return period_label(self.period, self.year)

    @property
    def type_label(self) -> str:
        """The unit type in view, or 全部类型."""
        return self.unit_type or ALL_TYPES

    @property
    def source(self) -> str:
        """The source line for charts and tables."""
        docs = str(self.info.get("documents", "")).replace("; ", "、").replace(";", "、")
        loaded = f",更新于 {self.loaded_at}" if self.loaded_at else ""
        return f"数据来源: {self.jurisdiction} {docs};egov 考核数据仓库{loaded}"


def period_label(period: str, year: int) -> str:
    """A period as people write it: 2013-06 → 2013年6月, year → 2013年度."""
    if period == YEAR_END:
        return f"{year}年度"
    y, m = period.split("-")
    return f"{y}年{int(m)}月"


def current() -> Filters:
    """The filters of this run (set by the sidebar in app.py before the page runs)."""
    return st.session_state[_FILTERS]


def hold_link() -> None:
    """Keep the link this session was opened with until the sidebar has taken it (app.py calls
    this first, before the navigation is drawn). A click on a navigation link sends no query
    string; one made before the first run's sidebar had put the view into the URL (within a
    second of signing in, whose redirect opens a new session on the link) opened the page on the
    series' default year (jintan-2014 for a link to jintan-2013). The sidebar reads the held
    link then, as the first run would have."""
    state = st.session_state
    if _WRITTEN in state:
        return
    qp = {k: st.query_params.get_all(k) for k in st.query_params}
    if qp:
        state[_LINK] = qp


def _query_wanted() -> dict[str, list[str]] | None:
    """The query string's values when they should drive the widgets (first run, or edited by
    hand), else None; before the session's sidebar has ever been drawn, the link it was opened
    with (hold_link) when this run has no query string of its own."""
    qp = {k: st.query_params.get_all(k) for k in st.query_params}
    if not qp:
        return None if _WRITTEN in st.session_state else st.session_state.get(_LINK)
    if qp == st.session_state.get(_WRITTEN):
        return None
    return qp


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _pick(wanted: str | None, options: list, default):
    return wanted if wanted in options else default


def sidebar(db: Path) -> Filters:
    """Draw the sidebar filters, sync them with the query string, and return the view."""
    state = st.session_state
    wanted = _query_wanted()
    # the pages' own pickers, asked for by the link: each page takes its values (page_choice)
    state[_PAGE_WANTED] = {k: wanted[k][0] for k in PAGE_PARAMS if wanted and wanted.get(k)}

    schemes = data.schemes(db)
    scheme_ids = schemes["scheme"].to_list()
    if not scheme_ids:
        st.sidebar.error("数据仓库中没有考核方案。")
        st.stop()
    # The evaluation (a series, or a scheme of none) and its year pick the scheme (issue 17).
    ev = evaluations(db, schemes)
    asked_scheme = _first(wanted.get("scheme")) if wanted else None
    default_key = ev.of_scheme.get(DEFAULT_SCHEME, ev.keys[0])
    want_key = _first(wanted.get("series")) if wanted else state.get(K_SERIES)
    if wanted and want_key not in ev.keys and asked_scheme in ev.of_scheme:
        want_key = ev.of_scheme[asked_scheme]  # a link naming the scheme alone
    state[K_SERIES] = _pick(want_key, ev.keys, default_key)
    key = st.sidebar.selectbox("考核", ev.keys, key=K_SERIES,
                               format_func=lambda k: ev.labels.get(k, k),
                               help="同一考核的各年度方案(考核系列)在这里合为一项,年度选定方案。")
    years = ev.years[key]
    want_year = _first(wanted.get("year")) if wanted else state.get(K_YEAR)
    if wanted and not wanted.get("year") and ev.of_scheme.get(asked_scheme) == key:
        want_year = int(data.scheme_row(db, asked_scheme).get("year", 0))
    try:
        want_year = int(want_year) if want_year is not None else None
    except ValueError:
        want_year = None
    # The latest year with units loaded (else the latest): the year-over-year views have a
    # previous year to show, and next year's scheme added before its data opens nothing empty.
    loaded = [y for y in years if not data.units(db, ev.scheme[(key, y)]).is_empty()]
    default_year = (loaded or years)[-1]
    state[K_YEAR] = _pick(want_year, years, default_year)
    year = st.sidebar.selectbox("年度", years, key=K_YEAR, format_func=lambda y: f"{y}年")
    scheme = ev.scheme[(key, year)]
    state[K_SCHEME] = scheme
    info = data.scheme_row(db, scheme)
    st.sidebar.caption(md(info.get("name", "")))
    if not wanted and state.get(_PREVIOUS_SCHEME, scheme) != scheme:
        # Another scheme was picked: its own defaults (latest month ...), not the old scheme's.
        for k in (K_PERIOD, K_TYPE, K_UNITS):
            state.pop(k, None)
    state[_PREVIOUS_SCHEME] = scheme

    periods = data.periods(db, scheme)
    months = tuple(m for m in periods.filter(pl.col("year") == year)["month"].to_list() if m)
    period_options = [*months, YEAR_END]
    default_period = months[-1] if months else YEAR_END
    want_period = _first(wanted.get("period")) if wanted else state.get(K_PERIOD)
    state[K_PERIOD] = _pick(want_period, period_options, default_period)
    period = st.sidebar.selectbox(
        "期间", period_options, key=K_PERIOD,
        format_func=lambda p: "年终(全年)" if p == YEAR_END else period_label(p, year),
        help="月份看平时考评与目标进度;年终看全年考核结果。",
    )

    types = data.unit_types(db, scheme)["unit_type"].to_list()
    type_options = [ALL_TYPES, *types]
    want_type = _first(wanted.get("type")) if wanted else state.get(K_TYPE)
    state[K_TYPE] = _pick(want_type, type_options, ALL_TYPES)
    type_choice = st.sidebar.selectbox("单位类型", type_options, key=K_TYPE)
    unit_type = None if type_choice == ALL_TYPES else type_choice

    units_frame = data.units(db, scheme)
    if unit_type:
        units_frame = units_frame.filter(pl.col("unit_type") == unit_type)
    unit_options = units_frame["unit"].to_list()
    if wanted:
        raw = [u for v in wanted.get("units", []) for u in v.split(",")]
    else:
        raw = list(state.get(K_UNITS, []))
    state[K_UNITS] = [u.strip() for u in raw if u.strip() in unit_options]
    picked = st.sidebar.multiselect(
        "关注单位", unit_options, key=K_UNITS,
        placeholder=f"全部 {len(unit_options)} 个单位 · 输入名称搜索",
        help="输入单位名称的一部分即可查找。排名图中总是显示并突出所选单位;单位画像取第一个;"
             "指标页只统计所选单位。",
    )

    _write_query(scheme, year, period, unit_type, picked, series=key)
    filters = Filters(
        db=db, scheme=scheme, year=year, period=period, unit_type=unit_type,
        units=tuple(picked), months=months, info=info, unit_types=tuple(types),
        sample=data.is_sample(db, scheme, unit_type, tuple(picked)),
        loaded_at=data.last_loaded(db),
    )
    state[_FILTERS] = filters
    return filters


def default_view(db: Path) -> Filters | None:
    """The view `sidebar` shows a visitor who opens the dashboard without a query string: the
    default evaluation (DEFAULT_SCHEME's, else the first), its latest year with units loaded
    (else its latest), its latest month with data (else the year-end), every unit type and no
    focus units; None for a warehouse without schemes. Read without drawing anything, for the
    launcher's warming of the first page (dashboard/warm.py; a test checks the two agree)."""
    schemes = data.schemes(db)
    if schemes.is_empty():
        return None
    ev = evaluations(db, schemes)
    key = ev.of_scheme.get(DEFAULT_SCHEME, ev.keys[0])
    years = ev.years[key]
    loaded = [y for y in years if not data.units(db, ev.scheme[(key, y)]).is_empty()]
    year = (loaded or years)[-1]
    scheme = ev.scheme[(key, year)]
    periods = data.periods(db, scheme)
    months = tuple(m for m in periods.filter(pl.col("year") == year)["month"].to_list() if m)
    return Filters(
        db=db, scheme=scheme, year=year, period=months[-1] if months else YEAR_END,
        unit_type=None, units=(), months=months, info=data.scheme_row(db, scheme),
        unit_types=tuple(data.unit_types(db, scheme)["unit_type"].to_list()),
        sample=data.is_sample(db, scheme, None, ()), loaded_at=data.last_loaded(db),
    )


def _write_query(scheme: str, year: int, period: str, unit_type: str | None,
                 units: list[str], series: str | None = None) -> None:
    """Put the view into the URL (only what differs from nothing), remembering what was written
    so a hand-edited URL can be told apart from our own. `series`: the evaluation picked (the
    scheme's series; for a scheme of no series its own id, then left out)."""
    params: dict[str, list[str]] = {"scheme": [scheme], "year": [str(year)], "period": [period]}
    if series and series != scheme:
        params = {"series": [series], **params}
    if unit_type:
        params["type"] = [unit_type]
    if units:
        params["units"] = list(units)
    current_qp = {k: st.query_params.get_all(k) for k in st.query_params}
    # the page's pickers stay in the link; the page rewrites them (remember) when they change
    params.update({k: current_qp[k][:1] for k in PAGE_PARAMS if current_qp.get(k)})
    if current_qp != params:
        st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in params.items()})
    st.session_state[_WRITTEN] = params
    st.session_state.pop(_LINK, None)  # taken: the URL holds the view from now on


def view_params() -> dict[str, list[str]]:
    """The query string the app last wrote for the view shown (empty before the sidebar ran):
    a click that opens another page takes the view along in it (dashboard.kit.drill)."""
    return {k: list(v) for k, v in (st.session_state.get(_WRITTEN) or {}).items()}


def page_choice(param: str, key: str, options: list, default, *, follow=None):
    """The value a page picker (widget `key`, query-string key `param`) must show, put into the
    widget's state before the page draws it: the link's value when the URL asks for one, else
    `follow` when given (e.g. the sidebar's first focus unit, just changed), else the picker's
    current value while it is still an option (after a change of scheme, type or units it may not
    be), else `default`. Setting the state, rather than passing an index, makes the browser show
    the value the page is about."""
    state = st.session_state
    asked = state.get(_PAGE_WANTED, {}).pop(param, None)
    if asked is not None and asked in options:
        value = asked
    elif follow is not None and follow in options:
        value = follow
    elif state.get(key) in options:
        value = state[key]
    else:
        value = default
    state[key] = value
    return value


def remember(param: str, value) -> None:
    """Put a page picker's value into the URL (and into what the app last wrote, so it is not
    taken for a hand-edited link on the next run)."""
    text = str(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text
    written = st.session_state.get(_WRITTEN)
    if written is not None:
        written[param] = [text]
