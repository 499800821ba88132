"""Seeded input files (示例数据) for N units of any built-in scheme, for benchmarks and scale tests.

    write_scale_data(out_dir, units, scheme_id="jintan-2013", *, seed=2013, fmt="csv",
                     months=None) -> ScaleFiles

writes, in the real import templates (README "Import templates"), the files an office of N units
would send for one scheme-year:

    out_dir/units.csv                 单位名录, N units spread over the scheme's unit types
    out_dir/content-YYYY-MM.csv       内容保障月报, one file per month (schemes with content)
    out_dir/yearend.csv               年终评分, one row per unit and leaf indicator of its rubric
    out_dir/adjustments.csv           加减分 (schemes with bonus or penalty clauses)
    out_dir/metrics.csv               目标数据 (schemes with targets)
    out_dir/示例数据-README.txt       says that these files are generated sample data

A year-end file over `max_rows_per_file` rows (default 1,000,000: 7,800 Jintan units) is split
into `yearend-part01.csv`, `yearend-part02.csv` ... (the input limits refuse larger files).
`fmt="xlsx"` writes the same sheets as workbooks (constant-memory xlsxwriter; a sheet holds at
most 1,048,575 data rows, so keep N × rows per unit below that or use CSV). `months` limits the
content files to those months (1-12); the default writes all twelve. The returned `ScaleFiles`
names the files by kind (`.units`, `.content` as {month: path}, `.yearend`, `.adjustments`,
`.metrics`, and `.all()` in load order) and counts the rows written (`.rows`).

`write_month_file(path, units, scheme_id, month, *, seed)` writes one month's content for all N
units (the same units as `write_scale_data` with that N and seed) with fresh figures: a resubmitted
month, for measuring the monthly routine on top of a loaded year.

The figures come from the same models as `pipelines.sample_data` (unit quality drives every
figure; year-end inputs through `indicator_input`, content through `_month_rows`, adjustments
through `adjustment_events`, metrics through `metrics_sheet`), so the files pass validation and
rankings mean something. Unit names are made up the way real ones read: a county-level place
(two characters + 县/市/区) and then the unit (a town 镇/街道, a department 局/委/办, a vertical
office, a broadcaster). They look real but are invented: every file is 示例数据. Load them with
`egov build --raw DIR` from DIR/sample/ to have the warehouse flag them as sample data.

Speed: pure Python, about 1 s per 1,000 Jintan units (≈ 270k rows) on the development machine;
a small N (≤ 50 units) takes well under a second.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from pipelines.inputs.kinds import KINDS
from pipelines.sample.adjustments import adjustments_sheet
from pipelines.sample.content import (
    ContentRow,
    _annual_content_points,
    _month_rows,
    _unit_item_profile,
)
from pipelines.sample.metrics import metrics_sheet
from pipelines.sample.units import SampleUnit
from pipelines.sample.yearend import yearend_sheet
from pipelines.sample_workbook import SAMPLE_LABEL, write_rows
from pipelines.schemes.checks import load_scheme_dir
from pipelines.schemes.model import Scheme

FORMATS = ("csv", "xlsx")
EXCEL_MAX_ROWS = 1_048_575  # data rows under the header

# Characters that place names are commonly made of; their pairs give about 3,000 county names.
_PLACE_FIRST = (
    "金溧宜江武丹句扬泰兴高宝仪如海启东通崇太昆常吴嘉平湖安长"
    "德临淳桐富建松云青龙凤白石洪新永清河阳汉南北中西华"
)
_PLACE_SECOND = (
    "坛阳兴都进徒容州邮应征皋门台明熟仓山江善湖吉兴安海庆溪庐"
    "阳德泉岭川城宁源丰和乐安林平水口坪田塘桥埠浦沟湾集"
)
_COUNTY_SUFFIX = ("县", "市", "区")
_TOWN_SUFFIX = ("镇", "镇", "镇", "街道", "乡")
# Department names as county-level governments have them; vertical offices; broadcasters.
_DEPARTMENTS = (
    "发改局", "教育局", "公安局", "民政局", "财政局", "人社局", "住建局", "交通运输局", "水利局",
    "农林局", "卫生局", "环保局", "文广体局", "审计局", "粮食局", "商务局", "科技局", "司法局",
    "统计局", "安监局", "物价局", "旅游局", "城管局", "规划局", "国土局", "档案局", "信访局",
    "民宗局", "经信委", "人防办", "法制办", "机关事务局", "残联", "总工会", "团委", "妇联",
)
_VERTICAL = ("国税局", "地税局", "工商局", "质监局", "气象局", "烟草局", "邮政局", "电信局",
             "供电公司", "海关办事处", "人民银行支行", "银监办", "盐务局", "地震局")
_BROADCAST = ("广播电视台", "融媒体中心", "新闻中心")


@dataclass
class ScaleFiles:
    """The files written, by kind, and how many data rows each kind holds."""

    units: Path
    yearend: Path
    content: dict[int, Path] = field(default_factory=dict)
    yearend_parts: list[Path] = field(default_factory=list)
    adjustments: Path | None = None
    metrics: Path | None = None
    rows: dict[str, int] = field(default_factory=dict)

    def all(self) -> list[Path]:
        """Every data file, in load order (units first)."""
        out = [self.units, *self.content.values(), *(self.yearend_parts or [self.yearend])]
        return out + [p for p in (self.adjustments, self.metrics) if p is not None]


def builtin_scheme(scheme_id: str) -> Scheme:
    """A built-in scheme by id (ValueError naming the known ones otherwise)."""
    schemes = {s.id: s for s in load_scheme_dir()}
    if scheme_id not in schemes:
        raise ValueError(f"unknown scheme {scheme_id!r}; built-in: {', '.join(sorted(schemes))}")
    return schemes[scheme_id]


def scale_units(scheme: Scheme, n: int, seed: int = 2013) -> list[SampleUnit]:
    """N invented units of the scheme, spread over its unit types, with shuffled qualities.

    Units come in counties: each county has a share of every unit type (towns, departments ...)
    in the proportions of the scheme's real unit list (its sample units), so a 6,000-unit Jintan
    load has about 1,900 towns, 3,000 departments, 940 vertical offices and 190 broadcasters.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(f"{seed}:{scheme.id}:scale-units")
    types = [ut.name for ut in scheme.unit_types]
    weights = _type_weights(scheme, types)
    per_county = sum(weights.values())
    counties = _county_names(rng, -(-n * 11 // (10 * per_county)) + 2)
    units: list[tuple[str, str]] = []
    taken: set[str] = set()
    for county in counties:
        for unit_type in types:
            for k in range(weights[unit_type]):
                name = _unit_name(county, unit_type, k, rng)
                if name in taken:
                    continue
                taken.add(name)
                units.append((name, unit_type))
        if len(units) >= n:
            break
    units = units[:n]
    # Every unit type present even for a tiny N (ranks need peers of each type).
    present = {t for _, t in units}
    for i, unit_type in enumerate(t for t in types if t not in present):
        if i < len(units):
            units[-1 - i] = (_unit_name(counties[-1], unit_type, 0, rng), unit_type)
    qualities = [(i + 0.5) / len(units) for i in range(len(units))]
    rng.shuffle(qualities)
    return [SampleUnit(name, unit_type, (), round(q, 4))
            for (name, unit_type), q in zip(units, qualities, strict=True)]


def _type_weights(scheme: Scheme, types: list[str]) -> dict[str, int]:
    from pipelines.sample.units import SAMPLE_UNITS

    counts = {t: 0 for t in types}
    for _, unit_type, _ in SAMPLE_UNITS.get(scheme.id, []):
        if unit_type in counts:
            counts[unit_type] += 1
    return {t: max(1, c) for t, c in counts.items()}


def _county_names(rng: random.Random, n: int) -> list[str]:
    pairs = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND if a != b]
    rng.shuffle(pairs)
    names = []
    for i in range(n):
        base = pairs[i % len(pairs)]
        suffix = _COUNTY_SUFFIX[(i // len(pairs) + i) % len(_COUNTY_SUFFIX)]
        names.append(base + suffix if i < len(pairs) * len(_COUNTY_SUFFIX) else f"{base}{i}区")
    return names


def _unit_name(county: str, unit_type: str, k: int, rng: random.Random) -> str:
    kind = _type_family(unit_type)
    if kind == "town":
        return county + rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND) + _TOWN_SUFFIX[k % 5]
    if kind == "vertical":
        return county + _VERTICAL[k % len(_VERTICAL)] + ("" if k < len(_VERTICAL) else str(k))
    if kind == "broadcast":
        return county + _BROADCAST[k % len(_BROADCAST)] + ("" if k < len(_BROADCAST) else str(k))
    return county + _DEPARTMENTS[k % len(_DEPARTMENTS)] + ("" if k < len(_DEPARTMENTS) else str(k))


def _type_family(unit_type: str) -> str:
    if any(w in unit_type for w in ("镇", "区", "县", "乡", "街道")) and "部门" not in unit_type:
        return "town"
    if "垂直" in unit_type or "中省" in unit_type:
        return "vertical"
    if "广播" in unit_type or "电视" in unit_type:
        return "broadcast"
    return "department"


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def write_scale_data(
    out_dir: Path,
    units: int,
    scheme_id: str = "jintan-2013",
    *,
    seed: int = 2013,
    fmt: str = "csv",
    months: Iterable[int] | None = None,
    max_rows_per_file: int = 1_000_000,
    scheme: Scheme | None = None,
    units_of: str | None = None,
) -> ScaleFiles:
    """Write one scheme-year of input files for `units` units into out_dir (see module doc).

    `scheme`: a scheme that is not built-in (e.g. a series' next year, as
    pipelines/years/sample.py derives one) instead of `scheme_id`; `units_of`: the built-in
    scheme whose invented units to use (the same names and types as its files with the same
    `units` and `seed`, so two years of one series match by name), default the scheme's own.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scheme = scheme or builtin_scheme(scheme_id)
    people = scale_units(builtin_scheme(units_of) if units_of else scheme, units, seed)
    ext = "." + fmt
    (out_dir / f"{SAMPLE_LABEL}-README.txt").write_text(
        f"{SAMPLE_LABEL}:由 pipelines/scale_data.py 按随机种子 {seed} 为方案 {scheme.id} 生成的 "
        f"{len(people)} 个虚构单位的导入文件,用于性能测试,不是真实考核数据。\n"
        f"Sample data (示例数据): {len(people)} invented units of {scheme.id}, seed {seed}; "
        "generated for benchmarks, not real results.\n",
        encoding="utf-8",
    )
    rows: dict[str, int] = {}

    def rng(kind: str) -> random.Random:
        return random.Random(f"{seed}:{scheme.id}:scale:{kind}")

    unit_rows = [[scheme.id, u.name, u.unit_type, None] for u in people]
    units_path = out_dir / f"units{ext}"
    _write(units_path, _headers("units", ("scheme", "unit", "unit_type", "aliases")), unit_rows,
           scheme)
    rows["units"] = len(unit_rows)

    content_paths: dict[int, Path] = {}
    if scheme.content is not None:
        wanted = sorted(set(months)) if months is not None else list(range(1, 13))
        by_month = content_by_month(scheme, people, rng("content"), wanted)
        header = [c.zh for c in KINDS["content"].columns]
        rows["content"] = 0
        for month in wanted:
            path = out_dir / f"content-{scheme.year}-{month:02d}{ext}"
            month_rows = by_month[month]
            _write(path, header, month_rows, scheme)
            content_paths[month] = path
            rows["content"] += len(month_rows)

    header, yearend_rows = yearend_sheet(scheme, people, rng("yearend"))
    parts = -(-len(yearend_rows) // max_rows_per_file)
    if parts <= 1:
        yearend_parts = [out_dir / f"yearend{ext}"]
        _write(yearend_parts[0], header, yearend_rows, scheme)
    else:  # one file per part, as a province gathers its counties' files
        yearend_parts = []
        for k in range(parts):
            path = out_dir / f"yearend-part{k + 1:02d}{ext}"
            chunk = yearend_rows[k * max_rows_per_file:(k + 1) * max_rows_per_file]
            _write(path, header, chunk, scheme)
            yearend_parts.append(path)
    yearend_path = yearend_parts[0]
    rows["yearend"] = len(yearend_rows)
    del yearend_rows

    adjustments_path = metrics_path = None
    if scheme.adjustments is not None:
        header, adj_rows = adjustments_sheet(scheme, people, rng("adjustments"))
        adjustments_path = out_dir / f"adjustments{ext}"
        _write(adjustments_path, header, adj_rows, scheme)
        rows["adjustments"] = len(adj_rows)
    if scheme.targets:
        header, metric_rows = metrics_sheet(scheme, rng("metrics"))
        metrics_path = out_dir / f"metrics{ext}"
        _write(metrics_path, header, metric_rows, scheme)
        rows["metrics"] = len(metric_rows)
    return ScaleFiles(units_path, yearend_path, content_paths, yearend_parts, adjustments_path,
                      metrics_path, rows)


def write_month_file(
    path: Path, units: int, scheme_id: str = "jintan-2013", month: int = 12, *, seed: int = 2013,
    revision: int = 1,
) -> int:
    """One month's content for the same N units as `write_scale_data(..., units, seed=seed)`,
    with figures redrawn (`revision` picks the draw): a resubmitted month. Returns the rows."""
    scheme = builtin_scheme(scheme_id)
    if scheme.content is None:
        raise ValueError(f"{scheme_id} has no monthly content section")
    people = scale_units(scheme, units, seed)
    rng = random.Random(f"{seed}:{scheme.id}:scale:content:revision{revision}")
    month_rows = content_by_month(scheme, people, rng, [month])[month]
    _write(Path(path), [c.zh for c in KINDS["content"].columns], month_rows, scheme)
    return len(month_rows)


def content_by_month(
    scheme: Scheme, units: Sequence[SampleUnit], rng: random.Random, months: Sequence[int]
) -> dict[int, list[list[object]]]:
    """Content rows per month (1-12) for these units, as `sample.content.content_rows` draws them
    (annual points from quality, an item profile per unit, seasonal months)."""
    from pipelines.sample.content import SEASON

    assert scheme.content is not None
    items = {it.number: it for it in scheme.content.items}
    out: dict[int, list[list[object]]] = {m: [] for m in months}
    wanted = set(months)
    for unit in units:
        annual = _annual_content_points(unit.quality, rng)
        profile = _unit_item_profile(unit, items, rng)
        for index in range(12):
            factor = SEASON[index] * rng.uniform(0.85, 1.15)
            if index + 1 not in wanted:
                continue
            month = f"{scheme.year}-{index + 1:02d}"
            found: list[ContentRow] = _month_rows(scheme, unit, month, annual / 12 * factor,
                                                  profile, items, rng)
            out[index + 1] += [
                [scheme.id, r.month, r.unit, r.item, r.count, r.city_adopted, r.province_adopted]
                for r in found
            ]
    return out


def _headers(kind: str, names: Sequence[str]) -> list[str]:
    wanted = set(names)
    return [c.zh for c in KINDS[kind].columns if c.name in wanted]


def _write(path: Path, header: list[str], rows: list[list[object]], scheme: Scheme) -> None:
    if path.suffix == ".xlsx":
        _write_xlsx(path, header, rows, scheme)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]], scheme: Scheme) -> None:
    if len(rows) > EXCEL_MAX_ROWS:
        raise ValueError(f"{path.name}: {len(rows)} rows do not fit one sheet; use fmt='csv'")
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"title": SAMPLE_LABEL, "subject": f"{scheme.name} {SAMPLE_LABEL}",
                             "author": "egov scale_data"})
    sheet = workbook.add_worksheet(SAMPLE_LABEL)
    sheet.write_row(0, 0, header)
    write_rows(sheet, rows)
    workbook.close()


