"""Chart builders: a frame in, a chart out, with the encodings, titles and 示例数据 marks the
dashboard and the briefing pack rely on. Pure: no warehouse, no Streamlit."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.charts import charts, palette
from dashboard.kit.data import change_label

SAMPLE = charts.Titling(what="区镇 年终考核排名", when="2013年度", source="数据来源: 测试",
                        sample=True)
REAL = charts.Titling(what="区镇 年终考核排名", when="2013年度", source="数据来源: 测试",
                      sample=False)
GRADES = ["优秀", "合格", "基本合格", "不合格"]


def spec(chart) -> dict:
    return chart.to_dict()


def layers(s: dict) -> list[dict]:
    return s.get("layer", [s])


def ranking() -> pl.DataFrame:
    return pl.DataFrame({
        "unit": ["甲镇", "乙镇", "丙镇", "丁镇"],
        "unit_type": ["区镇"] * 4,
        "rank": [1, 2, 2, 4],
        "total": [95.0, 80.0, 80.0, 55.5],
        "grade": ["优秀", "合格", "合格", "不合格"],
    })


def test_title_says_what_and_when_with_the_sample_mark_first() -> None:
    s = spec(charts.ranking_bars(ranking(), value="total", value_title="总分", titling=SAMPLE,
                                 grades=GRADES))
    assert s["title"]["text"] == "区镇 年终考核排名（2013年度）"
    assert s["title"]["subtitle"][0].startswith("【示例数据】")
    assert "数据来源: 测试" in s["title"]["subtitle"]
    real = spec(charts.ranking_bars(ranking(), value="total", value_title="总分", titling=REAL,
                                    grades=GRADES))
    assert not any("示例数据" in line for line in real["title"]["subtitle"])


def test_shared_look_font_autosize_and_horizontal_labels() -> None:
    s = spec(charts.ranking_bars(ranking(), value="total", value_title="总分", titling=REAL,
                                 grades=GRADES))
    assert s["config"]["font"] == palette.FONT == "Noto Sans CJK SC, sans-serif"
    assert s["config"]["axisX"]["labelAngle"] == 0
    # fit-x: the width follows the page; the plot keeps its height under the title block
    assert s["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_ranking_bars_sorted_by_rank_coloured_by_grade_with_highlight() -> None:
    s = spec(charts.ranking_bars(ranking(), value="total", value_title="总分", titling=SAMPLE,
                                 grades=GRADES, highlight=["丁镇"]))
    bars = layers(s)[0]
    enc = bars["encoding"]
    assert enc["y"]["sort"] == ["甲镇", "乙镇", "丙镇", "丁镇"]  # ties kept side by side
    assert enc["x"]["field"] == "total"
    assert enc["color"]["field"] == "grade"
    # the legend names the grades drawn (no 基本合格 here; no 未定等次 when every unit has a
    # grade), each in its own colour (pages point 6: no legend for what is not drawn)
    drawn = ["优秀", "合格", "不合格"]
    assert enc["color"]["scale"]["domain"] == drawn
    assert enc["color"]["scale"]["range"] == [palette.GRADE_COLORS[g] for g in drawn]
    assert enc["opacity"]["condition"]["test"] == {"field": "unit", "oneOf": ["丁镇"]}
    assert "丁镇" in enc["y"]["axis"]["labelFontWeight"]["expr"]


def test_ranking_bars_without_grades_use_unit_type_colours() -> None:
    frame = ranking().drop("grade")
    s = spec(charts.ranking_bars(frame, value="total", value_title="总分", titling=REAL,
                                 unit_types=["区镇", "政府部门"]))
    color = layers(s)[0]["encoding"]["color"]
    assert color["field"] == "unit_type"
    assert color["scale"]["domain"] == ["区镇"]       # 政府部门 is not drawn: not in the legend
    assert color["scale"]["range"] == list(palette.UNIT_TYPE_COLORS[:1])


def test_legends_name_only_the_unit_types_drawn_in_their_scheme_colours() -> None:
    frame = pl.DataFrame({"unit": ["甲局", "乙台"], "unit_type": ["政府部门", "广播电视台"],
                          "score": [1.0, 0.5], "max_points": [1.5, 1.5],
                          "exempt": [False, False]})
    types = ["区镇", "政府部门", "垂直管理单位", "广播电视台"]
    s = spec(charts.indicator_spread(frame, titling=REAL, unit_types=types))
    color = layers(s)[0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["政府部门", "广播电视台"]
    assert color["scale"]["range"] == [palette.UNIT_TYPE_COLORS[1], palette.UNIT_TYPE_COLORS[3]]
    bins = pl.DataFrame({"bin_start": [80.0, 90.0], "bin_end": [90.0, 100.0],
                         "unit_type": ["垂直管理单位", "垂直管理单位"], "units": [3, 1]})
    s = spec(charts.histogram(bins, value_title="总分", titling=REAL, unit_types=types))
    assert layers(s)[0]["encoding"]["color"]["scale"]["domain"] == ["垂直管理单位"]
    dist = pl.DataFrame({"unit_type": ["区镇", "区镇"], "grade": ["优秀", "合格"],
                         "grade_position": [0, 1], "units": [2, 5]})
    s = spec(charts.grade_distribution(dist, grades=GRADES, unit_types=["区镇"], titling=REAL))
    assert layers(s)[0]["encoding"]["color"]["scale"]["domain"] == ["优秀", "合格"]


def test_grade_colours_are_consistent_across_schemes() -> None:
    """优秀 is the same green in Jintan (优秀/合格/基本合格/不合格) and Yueyang (优秀/良好/…)."""
    _, jintan = palette.grade_scale(GRADES)
    _, yueyang = palette.grade_scale(["优秀", "良好", "合格", "不合格"])
    assert jintan[0] == yueyang[0] and jintan[-1] == yueyang[-1]
    assert jintan[1] == yueyang[2]  # 合格 keeps its colour whatever its position
    assert palette.grade_color("某等次") == palette.FALLBACK_GRADE
    assert palette.grade_color(None) == palette.GRADE_COLORS[palette.NO_GRADE]


def test_grade_distribution_stacks_grades_per_unit_type() -> None:
    frame = pl.DataFrame({
        "unit_type": ["区镇", "区镇", "政府部门", "政府部门"],
        "grade": ["优秀", "合格", "优秀", "合格"],
        "grade_position": [0, 1, 0, 1],
        "units": [2, 3, 5, 0],
    })
    s = spec(charts.grade_distribution(frame, grades=["优秀", "合格"],
                                       unit_types=["区镇", "政府部门"], titling=SAMPLE))
    enc = s["encoding"]
    assert enc["x"]["aggregate"] == "sum" and enc["x"]["field"] == "units"
    assert enc["y"]["sort"] == ["区镇", "政府部门"]
    assert enc["color"]["scale"]["domain"] == ["优秀", "合格"]
    assert "示例数据" in s["title"]["subtitle"][0]


def progress(measure: str, months: int, **extra) -> pl.DataFrame:
    base = {
        "target": ["t"] * months, "name": ["名"] * months, "text": ["要求"] * months,
        "measure": [measure] * months, "unit": [extra.pop("unit", "件")] * months,
        "aggregate": [extra.pop("aggregate", "sum")] * months,
        "month": [f"2013-{m:02d}" for m in range(1, months + 1)],
        "status": ["未达"] * months,
    }
    base.update(extra)
    return pl.DataFrame(base)


def test_cumulative_target_has_floor_pace_and_projection_to_december() -> None:
    frame = progress("cumulative", 6, value=[100.0] * 6,
                     actual=[100.0 * m for m in range(1, 7)], floor=[2000.0] * 6,
                     stretch=[None] * 6, pace=[2000 / 12 * m for m in range(1, 7)],
                     projection=[1200.0] * 6)
    s = spec(charts.target_chart(frame, year=2013, titling=SAMPLE))
    lines = s["layer"][0]
    data = s["datasets"]
    series = {row["series"] for rows in data.values() for row in rows if "series" in row}
    assert series == {"累计完成", "进度线", "年末预测"}
    projection = [row for rows in data.values() for row in rows
                  if row.get("series") == "年末预测"]
    assert [p["month"] for p in projection] == ["2013-06", "2013-12"]
    assert projection[-1]["value"] == 1200.0
    assert lines["layer"][0]["encoding"]["x"]["scale"]["domain"][-1] == "2013-12"
    labels = [row["label"] for rows in data.values() for row in rows if "label" in row]
    assert labels == ["保 2,000件"]
    assert s["resolve"]["scale"]["color"] == "independent"


def test_cumulative_target_in_december_needs_no_projection_segment() -> None:
    frame = progress("cumulative", 12, value=[200.0] * 12,
                     actual=[200.0 * m for m in range(1, 13)], floor=[2000.0] * 12,
                     stretch=[None] * 12, pace=[2000 / 12 * m for m in range(1, 13)],
                     projection=[2400.0] * 12)
    s = spec(charts.target_chart(frame, year=2013, titling=REAL))
    series = {row.get("series") for rows in s["datasets"].values() for row in rows}
    assert "年末预测" not in series
    legend = s["layer"][0]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert legend == ["累计完成", "进度线"]      # nor in the legend


def test_rank_target_inverted_axis_with_floor_and_stretch_bands() -> None:
    frame = progress("rank", 4, unit="名", aggregate="last", value=[3.0, 2.0, 2.0, 1.0],
                     actual=[3.0, 2.0, 2.0, 1.0], floor=[2.0] * 4, stretch=[1.0] * 4,
                     pace=[None] * 4, projection=[None] * 4)
    s = spec(charts.target_chart(frame, year=2013, titling=SAMPLE))
    rect, _text, line = s["layer"]
    assert line["encoding"]["y"]["scale"]["reverse"] is True
    bands = {row["band"]: (row["top"], row["bottom"]) for rows in s["datasets"].values()
             for row in rows if "band" in row and "top" in row}
    assert bands == {"争": (0.5, 1.5), "保": (1.5, 2.5)}  # 保二争一
    assert rect["mark"]["type"] == "rect"
    assert "示例数据" in s["title"]["subtitle"][0]


def test_rate_target_shows_month_and_running_mean_as_percent() -> None:
    frame = progress("rate", 3, unit="%", aggregate="mean", value=[0.98, 0.99, 1.0],
                     actual=[0.98, 0.985, 0.99], floor=[0.99] * 3, stretch=[None] * 3,
                     pace=[None] * 3, projection=[None] * 3)
    s = spec(charts.target_chart(frame, year=2013, titling=REAL))
    y = s["layer"][0]["encoding"]["y"]
    assert y["axis"]["format"] == ".1%"
    series = {row.get("series") for rows in s["datasets"].values() for row in rows}
    assert {"当月", "累计平均"} <= series
    labels = [row["label"] for rows in s["datasets"].values() for row in rows if "label" in row]
    assert labels == ["保 99%"]


def test_heatmap_share_of_available_max_leaves_out_exempt_cells() -> None:
    frame = pl.DataFrame({
        "unit": ["甲", "甲", "乙", "乙"], "node": ["组织管理", "网站建设"] * 2,
        "node_position": [1, 2, 1, 2], "score": [3.5, 0.0, 7.0, 6.5],
        "max_points": [7.0, 0.0, 7.0, 13.0],
    })
    s = spec(charts.heatmap(frame, level_title="一级指标", titling=SAMPLE, highlight=["乙"]))
    rows = next(iter(s["datasets"].values()))
    assert len(rows) == 3  # 甲's exempt 网站建设 (max 0) is not drawn
    assert {r["share"] for r in rows} == {0.5, 1.0}
    cells = s["layer"][0]["encoding"]
    assert cells["color"]["scale"]["domain"] == palette.HEAT_DOMAIN
    assert cells["x"]["sort"] == ["组织管理", "网站建设"]
    assert cells["y"]["sort"] == ["乙", "甲"]  # strongest first


def _lab(rgb: tuple[int, ...]) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour (D65)."""
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(float(v)) for v in rgb[:3])
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_heat_map_colours_tell_40_from_90_percent() -> None:
    """The heat map's own colour scale, drawn by vl-convert: a cell at 40% and one at 90% are
    far apart (CIE76 ΔE ≥ 70; the blues scheme gave 40, two blues) and of opposite hues (warm
    against cool), and so are 60% and 80%."""
    import io

    import vl_convert as vlc
    from PIL import Image

    frame = pl.DataFrame({"unit": ["甲"], "node": ["组织管理"], "node_position": [1],
                          "score": [1.0], "max_points": [1.0]})
    scale = spec(charts.heatmap(frame, level_title="一级指标", titling=REAL))[
        "layer"][0]["encoding"]["color"]["scale"]
    shares = [0.4, 0.9, 0.6, 0.8]
    png = vlc.vegalite_to_png({
        "width": 10 * len(shares), "height": 10, "padding": 0, "autosize": "none",
        "config": {"view": {"stroke": None}},
        "data": {"values": [{"i": i, "share": v} for i, v in enumerate(shares)]},
        "mark": "rect",
        "encoding": {"x": {"field": "i", "type": "ordinal", "axis": None,
                           "scale": {"paddingInner": 0, "paddingOuter": 0}},
                     "color": {"field": "share", "type": "quantitative", "scale": scale,
                               "legend": None}}}, scale=1)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    lab = [_lab(image.getpixel((10 * i + 5, 5))) for i in range(len(shares))]

    def distance(a, b) -> float:
        return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5

    assert distance(lab[0], lab[1]) >= 70
    assert lab[0][2] > 0 > lab[1][2]                  # 40% warm (yellow-orange), 90% blue
    assert distance(lab[2], lab[3]) >= 30


def test_labels_stand_clear_of_lines_and_headers() -> None:
    """Pages point 6: a 保/争 label right of the plot (at its left edge it ran over the month's
    line), a marked unit's label up from the foot of the histogram (from the top it ran into
    the legend and title), room beyond a fall's bar for its label (it ran over the axis and
    the unit names), and 满分 named in the axis title, not written over the bars."""
    frame = progress("rate", 3, unit="%", aggregate="mean", value=[0.98, 0.99, 1.0],
                     actual=[0.98, 0.985, 0.99], floor=[0.99] * 3, stretch=[None] * 3,
                     pace=[None] * 3, projection=[None] * 3)
    s = spec(charts.target_chart(frame, year=2013, titling=REAL))
    text = next(layer for layer in s["layer"] if layer["mark"]["type"] == "text")
    assert text["encoding"]["x"] == {"value": "width"} and text["mark"]["align"] == "left"

    bins = pl.DataFrame({"bin_start": [80.0, 90.0], "bin_end": [90.0, 100.0],
                         "unit_type": ["区镇", "区镇"], "units": [3, 1]})
    marks = pl.DataFrame({"unit": ["甲镇"], "rank": [2], "value": [91.0]})
    s = spec(charts.histogram(bins, value_title="总分", titling=REAL, marks=marks))
    label = next(layer for layer in s["layer"] if layer["mark"]["type"] == "text")
    assert label["encoding"]["y"] == {"value": "height"}

    moves = pl.DataFrame({"unit": ["甲", "乙"], "unit_type": ["区镇"] * 2, "change": [-1, 1],
                          "rank": [5, 1], "prev_rank": [4, 2]})
    s = spec(charts.movers(moves, titling=REAL))
    x = s["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"][0] < -1 and x["scale"]["domain"][1] > 1
    assert x["axis"]["format"] == "d"                  # whole places, no −0.5

    spread = pl.DataFrame({"unit": ["甲", "乙"], "unit_type": ["区镇"] * 2, "score": [1.4, 0.5],
                           "max_points": [1.5, 1.5], "exempt": [False, False]})
    s = spec(charts.indicator_spread(spread, titling=REAL))
    assert [layer["mark"]["type"] for layer in s["layer"]] == ["bar", "rule"]
    assert s["layer"][0]["encoding"]["x"]["title"] == "得分(虚线为满分 1.5)"


def test_whole_points_are_drawn_whole() -> None:
    """Pages point 6: a bar's label as the 通报 writes points (pipelines.notice.formats.points:
    63, 96.5; 「63.00」 and then 「96.50」 were drawn beside the notice's 96.5), read from the SVG
    vl-convert draws; tooltips trim trailing zeros; a category's label 「18.6 / 25」 (was
    「18.60 / 25」), the lost points' and the offices' labels 「2」 for 2.0 (was 「2.0」)."""
    import re

    import vl_convert as vlc

    from pipelines.notice import formats

    frame = pl.DataFrame({"unit": ["甲镇", "乙镇", "丙镇"], "unit_type": ["区镇"] * 3,
                          "rank": [1, 2, 3], "total": [96.5, 84.255, 63.0],
                          "grade": ["优秀", "合格", "基本合格"]})
    s = spec(charts.ranking_bars(frame, value="total", value_title="总分", titling=REAL,
                                 grades=GRADES))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(s))
    assert {"96.5", "84.26", "63"} <= set(texts)  # half-up, as the notice rounds
    assert not {"96.50", "63.00"} & set(texts)
    assert [formats.points(v) for v in (96.5, 84.255, 63.0)] == ["96.5", "84.26", "63"]
    tips = [t for layer in layers(s) for t in layer.get("encoding", {}).get("tooltip", [])
            if t.get("field") == "total"]
    assert tips and all(t["format"] == ".2~f" for t in tips)
    cats = pl.DataFrame({"node": ["内容保障"], "node_position": [1], "score": [18.6],
                         "max_points": [25.0]})
    s = spec(charts.category_vs_max(cats, titling=REAL))
    assert [r["label"] for rows in s["datasets"].values() for r in rows] == ["18.6 / 25"]
    lost = pl.DataFrame({"label": ["001 甲"], "avg_lost": [2.0], "share_losing": [0.5],
                         "max_points": [6.0], "units_losing": [2], "units_scored": [4],
                         "office": [None]}, schema_overrides={"office": pl.String})
    s = spec(charts.lost_points(lost, titling=REAL))
    assert [r["text"] for rows in s["datasets"].values() for r in rows] == ["2 · 50%单位失分"]
    offices = pl.DataFrame({"office": ["办公室"], "avg_lost": [3.0], "lost": [12.0],
                            "available": [40.0], "indicators": [2], "units": [4]})
    s = spec(charts.office_losses(offices, titling=REAL))
    assert [r["text"] for rows in s["datasets"].values() for r in rows] == ["3"]


def test_movers_sorted_by_change_with_labels() -> None:
    frame = pl.DataFrame({"unit": ["甲", "乙", "丙"], "unit_type": ["区镇"] * 3,
                          "change": [-2, 3, 1], "rank": [5, 1, 2], "prev_rank": [3, 4, 3]})
    s = spec(charts.movers(frame, titling=SAMPLE))
    assert s["layer"][0]["encoding"]["y"]["sort"] == ["乙", "丙", "甲"]
    labels = {r["unit"]: r["label"] for rows in s["datasets"].values() for r in rows}
    assert labels["乙"] == "4→1"


def test_lost_points_and_office_losses_per_unit_not_summed() -> None:
    """Lost points read as the average per unit scored (a sum over thousands of units would not
    read), with the share of units that lost any; the frame's order (most lost first) is kept."""
    lost = pl.DataFrame({"label": ["002 乙", "001 甲"], "avg_lost": [1.5, 0.25],
                         "share_losing": [0.75, 0.25], "max_points": [6.0, 4.0],
                         "units_losing": [3, 1], "units_scored": [4, 4],
                         "office": ["信息中心", None]})
    s = spec(charts.lost_points(lost, titling=SAMPLE))
    bars = s["layer"][0]["encoding"]
    assert bars["y"]["sort"] == ["002 乙", "001 甲"]
    assert bars["x"]["field"] == "avg_lost" and bars["x"]["title"] == "平均每单位失分"
    texts = [r["text"] for rows in s["datasets"].values() for r in rows]
    assert texts == ["1.5 · 75%单位失分", "0.25 · 25%单位失分"]
    offices = pl.DataFrame({"office": ["办公室", "信息中心"], "avg_lost": [0.5, 2.25],
                            "lost": [2.0, 9.0], "available": [10.0, 40.0], "indicators": [2, 5],
                            "units": [4, 4]})
    s = spec(charts.office_losses(offices, titling=SAMPLE))
    assert s["layer"][0]["encoding"]["y"]["sort"] == ["信息中心", "办公室"]
    assert s["layer"][0]["encoding"]["y"]["title"] == "牵头科室"
    assert s["layer"][0]["encoding"]["x"]["field"] == "avg_lost"


def big_ranking(n: int) -> pl.DataFrame:
    """n units of one type with distinct totals, except a tie for 3rd and one at the bottom."""
    totals = [100.0 - i * 0.01 for i in range(n)]
    totals[3] = totals[2]
    totals[n - 1] = totals[n - 2]
    frame = pl.DataFrame({"unit": [f"单位{i:05d}" for i in range(n)], "unit_type": ["区镇"] * n,
                          "total": totals, "grade": ["合格"] * n})
    return frame.with_columns(rank=pl.col("total").rank("min", descending=True).cast(pl.Int64))


def test_ranking_chart_rows_top_bottom_highlight_and_gaps() -> None:
    """2,000 units: the chart draws the top and bottom 10 places (ties whole), the highlighted
    unit and one gap row per run left out, and the number left out adds up."""
    from dashboard.kit.data import top_bottom

    frame = big_ranking(2000)
    rows, hidden = top_bottom(frame, n=10, highlight=["单位01000"], gap_prefix="⋯")
    units = rows["unit"].to_list()
    assert units[:10] == [f"单位{i:05d}" for i in range(10)]
    assert units[-10:] == [f"单位{i:05d}" for i in range(1990, 2000)]
    assert "单位01000" in units
    gaps = [u for u in units if u.startswith("⋯")]
    assert gaps == ["⋯ 第11–1000名 990个单位未显示", "⋯ 第1002–1990名 989个单位未显示"]
    assert hidden == 2000 - (len(units) - len(gaps)) == 1979
    s = spec(charts.ranking_bars(rows, value="total", value_title="总分", titling=REAL,
                                 grades=GRADES, highlight=["单位01000"]))
    y = s["layer"][0]["encoding"]["y"]
    assert y["scale"]["domain"] == units  # the gap rows keep their place
    # Ties are kept whole: a small ranking is drawn as it is.
    small = big_ranking(20)
    assert top_bottom(small, n=10)[1] == 0


def test_no_chart_draws_more_rows_than_a_person_can_read() -> None:
    frame = big_ranking(charts.MAX_ROWS + 1)
    with pytest.raises(charts.TooManyMarks):
        charts.ranking_bars(frame, value="total", value_title="总分", titling=REAL)
    cells = pl.DataFrame({"unit": [f"u{i}" for i in range(charts.MAX_ROWS + 1)], "node": "甲",
                          "node_position": 1, "score": 1.0, "max_points": 2.0})
    with pytest.raises(charts.TooManyMarks):
        charts.heatmap(cells, level_title="一级指标", titling=REAL)


def test_histogram_bins_every_unit_on_the_server() -> None:
    """5,000 units become a few dozen binned rows; every unit is counted once; the highlighted
    unit is a labelled rule."""
    from dashboard.kit.data import histogram_bins

    frame = big_ranking(5000)
    bins = histogram_bins(frame, "total")
    assert bins["units"].sum() == 5000
    assert bins.height <= charts.MAX_ROWS
    assert (bins["bin_end"] - bins["bin_start"]).n_unique() == 1
    marks = frame.filter(pl.col("unit") == "单位00042").select("unit", "rank",
                                                              value=pl.col("total"))
    s = spec(charts.histogram(bins, value_title="总分", titling=REAL, marks=marks))
    rows = [r for rows in s["datasets"].values() for r in rows]
    assert len(rows) == bins.height + 1  # the bins, and the marked unit (rule and label share it)
    assert any(r.get("label") == "单位00042 第43名" for r in rows)  # 第3名 is shared by two


def test_unit_lines_share_one_legend_with_the_median_dashed() -> None:
    frame = pl.DataFrame({"month": ["2013-01", "2013-02"] * 2,
                          "series": ["金城镇", "金城镇", "类型中位数", "类型中位数"],
                          "points": [50.0, 60.0, 55.0, 52.0]})
    s = spec(charts.unit_vs_median(frame, year=2013, unit="金城镇", titling=SAMPLE))
    solid, dashed = s["layer"]
    assert solid["encoding"]["color"]["scale"]["domain"] == ["金城镇", "类型中位数"]
    assert dashed["mark"]["strokeDash"] == [5, 4]


@pytest.mark.parametrize(("change", "previous", "expected"),
                         [(2, 5, "↑2"), (-1, 3, "↓1"), (0, 4, "—"), (None, None, "新")])
def test_change_labels(change, previous, expected) -> None:
    frame = pl.DataFrame({"c": [change], "p": [previous]}, schema={"c": pl.Int32, "p": pl.Int32})
    assert frame.select(change_label(pl.col("c"), pl.col("p")).alias("x"))["x"][0] == expected


def test_a_finished_chart_renders_to_png_with_chinese() -> None:
    """The chart objects go straight into the exports module (vl-convert)."""
    from dashboard.exports import exports

    png = exports.chart_png(charts.ranking_bars(ranking(), value="total", value_title="总分",
                                                titling=SAMPLE, grades=GRADES), scale=1)
    assert png.startswith(b"\x89PNG")
