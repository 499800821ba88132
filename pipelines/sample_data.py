"""Seeded sample input workbooks (示例数据) for every built-in scheme.

`write_sample_data(out_dir, seed)` writes, for each scheme file in `schemes/` that has sample units
below, the import workbooks a user would send (docs/contract.md, "Import templates"):

    out_dir/<scheme-id>/units.xlsx        单位名录 (plus a 说明 sheet saying this is sample data)
    out_dir/<scheme-id>/yearend.xlsx      年终评分, one row per unit and indicator
    out_dir/<scheme-id>/adjustments.xlsx  加减分 (schemes with bonus or penalty clauses)
    out_dir/<scheme-id>/content.xlsx      内容保障月报 (schemes with monthly content: Jintan)
    out_dir/<scheme-id>/metrics.xlsx      目标数据 (schemes with targets: Jintan)

The files go through the real readers and validation, so every value is valid for the scheme: the
column each rule reads, scores within the max points, adoption within the count, places within the
peers, choices among the options, exemptions only where the rubric allows them.

Every unit has a latent quality in (0, 1), spread evenly over the scheme's units and shuffled by
the seed, that drives all of its figures: strong units publish more, score higher and collect the
bonuses, so rankings mean something and grades spread over every band. Each (scheme, file) pair
draws from its own `random.Random`, seeded from the seed, the scheme id and the file kind, so the
same seed gives byte-identical workbooks and one scheme's sample does not shift another's.

Unit names look like the real ones (no "(示例)" in them); the build flags them as sample data from
`SAMPLE_UNITS`, and the workbooks say 示例数据 in their sheet names and document properties.
"""

from __future__ import annotations

import math
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from pipelines.cycle.sample import add_cycle_sample
from pipelines.inputs.kinds import KINDS, InputKind
from pipelines.rules.kinds.choice import Choice
from pipelines.rules.kinds.per_event import PerEvent
from pipelines.rules.kinds.rank_tiers import RankTiers
from pipelines.rules.kinds.rate_target import RateTarget
from pipelines.sample_workbook import SAMPLE_LABEL, write_workbook
from pipelines.schemes.checks import BUILTIN_SCHEMES_DIR, load_scheme_dir
from pipelines.schemes.model import (
    Clause,
    ContentItem,
    Scheme,
    Target,
)
from pipelines.schemes.model import input_columns as rule_input_columns
from pipelines.schemes.tables import Leaf, iter_leaves
from pipelines.years.sample import (
    BASE_SCHEME_ID,
    RENAMED,
    SAMPLE_SCHEME_ID,
    SCHEME_FILE,
    sample_next_scheme,
)

SCHEMES_DIR = BUILTIN_SCHEMES_DIR

# Output file name of each template kind, inside out_dir/<scheme-id>/.
FILE_NAMES: dict[str, str] = {
    "units": "units.xlsx",
    "content": "content.xlsx",
    "yearend": "yearend.xlsx",
    "adjustments": "adjustments.xlsx",
    "metrics": "metrics.xlsx",
    "rectification": "rectification.xlsx",  # 整改台账 (pipelines/cycle/sample.py)
}

EXEMPTION_NOTE = "无此项任务,已书面说明"

# ---------------------------------------------------------------------------------------------
# The sample units: (unit, unit type, aliases), in the order the units workbook lists them.
# ---------------------------------------------------------------------------------------------

UnitRow = tuple[str, str, tuple[str, ...]]


def _group(unit_type: str, *names: str | tuple[str, ...]) -> list[UnitRow]:
    """Units of one type; a tuple entry is (name, alias, ...)."""
    rows: list[UnitRow] = []
    for entry in names:
        name, *aliases = (entry,) if isinstance(entry, str) else entry
        rows.append((name, unit_type, tuple(aliases)))
    return rows


SAMPLE_UNITS: dict[str, list[UnitRow]] = {
    "jintan-2013": [
        *_group(
            "区镇",
            ("金坛经济开发区", "开发区"),
            "金城镇", "儒林镇", "尧塘镇", "直溪镇", "朱林镇", "薛埠镇", "指前镇",
            "东城街道", "西城街道",
        ),
        *_group(
            "政府部门",
            ("发改局", "金坛市发改局"), ("教育局", "金坛市教育局"), ("公安局", "金坛市公安局"),
            "民政局", ("财政局", "金坛市财政局"), ("人社局", "人力资源和社会保障局"),
            "住建局", "交通运输局", "水利局", "农林局", "卫生局", "环保局", "文广体局",
            "审计局", "粮食局", "商务局",
        ),
        *_group(
            "垂直管理单位",
            ("国税局", "金坛市国家税务局"), ("地税局", "金坛市地方税务局"), "工商局", "质监局",
            "气象局",
        ),
        *_group("广播电视台", ("金坛广播电视台", "金坛电视台")),
    ],
    "yueyang-2017": [
        *_group(
            "县市区",
            "岳阳楼区", "云溪区", "君山区", "岳阳县", "华容县", "湘阴县", "平江县", "汨罗市",
            "临湘市", ("岳阳经济技术开发区", "岳阳经开区"), "南湖新区", "屈原管理区",
        ),
        *_group(
            "市直及中省驻岳单位",
            ("市发改委", "岳阳市发展和改革委员会"), ("市教育局", "岳阳市教育局"), "市公安局",
            "市民政局", "市财政局", ("市人社局", "市人力资源和社会保障局"), "市国土资源局",
            "市住建局", "市交通运输局", ("市卫计委", "市卫生和计划生育委员会"), "市工商局",
            "市质监局", ("国网岳阳供电公司", "岳阳供电公司"), "市国税局", "市地税局",
        ),
    ],
    "shengzhou-2020": [
        *_group(
            "乡镇(街道)",
            "剡湖街道", "三江街道", "鹿山街道", "浦口街道", "甘霖镇", "长乐镇", "崇仁镇",
            "黄泽镇", "石璜镇", "谷来镇", "仙岩镇", "三界镇", "金庭镇", "下王镇", "北漳镇",
            "贵门乡", "里南乡", "竹溪乡",
        ),
        *_group(
            "市级部门",
            ("市发改局", "嵊州市发展和改革局"), "市经信局", ("市教体局", "市教育体育局"),
            "市公安局", "市民政局", "市财政局", ("市人力社保局", "市人社局"),
            "市自然资源和规划局", "市住建局", "市交通运输局", "市农业农村局", "市卫健局",
            ("市市场监管局", "市市场监督管理局"), "市综合执法局",
        ),
    ],
    "huaibei-2019": _group(
        "市直单位",
        ("市教育局", "淮北市教育局"), ("市发改委", "市发展改革委"), "市公安局", "市民政局",
        "市财政局", ("市人社局", "市人力资源社会保障局"), "市自然资源和规划局", "市住建局",
        "市交通运输局", "市农业农村局", ("市卫健委", "市卫生健康委"), "市市场监管局",
        "市生态环境局", "市商务局", "市文化旅游体育局", "市应急管理局",
    ),
}


@dataclass(frozen=True)
class SampleUnit:
    """A sample unit and its latent quality in (0, 1), which drives every figure made for it."""

    name: str
    unit_type: str
    aliases: tuple[str, ...]
    quality: float


def sample_units(scheme: Scheme, seed: int) -> list[SampleUnit]:
    """The scheme's sample units with qualities spread evenly over (0, 1) and shuffled by the seed.

    Raises ValueError when the sample units and the scheme's unit types do not match, so a changed
    scheme file is noticed instead of producing workbooks the validation would refuse.
    """
    rows = SAMPLE_UNITS[scheme.id]
    scheme_types = {ut.name for ut in scheme.unit_types}
    sample_types = {unit_type for _, unit_type, _ in rows}
    if scheme_types != sample_types:
        raise ValueError(
            f"SAMPLE_UNITS[{scheme.id!r}] covers unit types {sorted(sample_types)}, "
            f"the scheme has {sorted(scheme_types)}"
        )
    rng = _rng(seed, scheme.id, "units")
    n = len(rows)
    qualities = [(i + 0.5) / n for i in range(n)]
    rng.shuffle(qualities)
    return [
        SampleUnit(name, unit_type, aliases, round(q, 4))
        for (name, unit_type, aliases), q in zip(rows, qualities, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def load_sample_schemes(schemes_dir: Path = SCHEMES_DIR) -> list[Scheme]:
    """Every scheme file in the folder that has sample units, in file-name order."""
    return [s for s in load_scheme_dir(schemes_dir) if s.id in SAMPLE_UNITS]


def write_sample_data(
    out_dir: Path,
    seed: int = 2013,
    *,
    schemes_dir: Path = SCHEMES_DIR,
    schemes: Sequence[Scheme] | None = None,
) -> list[Path]:
    """Write the sample workbooks of every scheme present into out_dir/<scheme-id>/.

    The schemes are the files in schemes_dir, or `schemes` when given (already loaded); one
    without an entry in SAMPLE_UNITS is skipped. Everything is written into a temporary folder
    inside out_dir first; only when all files are complete does each out_dir/<scheme-id>/ folder
    get swapped in (an older one is removed), so a crash never leaves a half-written sample.
    Nothing outside out_dir is touched. Returns the written paths.
    """
    out_dir = Path(out_dir)
    if schemes is None:
        schemes = load_sample_schemes(schemes_dir)
    schemes = [s for s in schemes if s.id in SAMPLE_UNITS]
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sample-data-", dir=out_dir))
    try:
        written: list[Path] = []
        for scheme in schemes:
            names = write_scheme_sample(scheme, staging / scheme.id, seed)
            written += [out_dir / scheme.id / name for name in names]
        for scheme in schemes:
            _swap_in(staging / scheme.id, out_dir / scheme.id, staging / f"{scheme.id}.old")
        write_years_sample(out_dir, seed, list(schemes))  # issue 17: Jintan 2014 (示例方案)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_scheme_sample(scheme: Scheme, folder: Path, seed: int) -> list[str]:
    """Write one scheme's workbooks into folder; return their file names."""
    folder.mkdir(parents=True)
    units = sample_units(scheme, seed)
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {
        "units": units_sheet(scheme, units),
        "yearend": yearend_sheet(scheme, units, _rng(seed, scheme.id, "yearend")),
    }
    if scheme.content is not None:
        sheets["content"] = content_sheet(scheme, units, _rng(seed, scheme.id, "content"))
    if scheme.adjustments is not None:
        sheets["adjustments"] = adjustments_sheet(
            scheme, units, _rng(seed, scheme.id, "adjustments")
        )
    if scheme.targets:
        sheets["metrics"] = metrics_sheet(scheme, _rng(seed, scheme.id, "metrics"))
    names = add_cycle_sample(scheme, units, sheets, folder, seed)  # 自评, 整改台账 (cycle)
    for kind in KINDS:  # a fixed order: units, content, yearend, adjustments, metrics
        if kind in sheets:
            header, rows = sheets[kind]
            extra = {"说明": explanation_rows(scheme, seed)} if kind == "units" else {}
            write_workbook(folder / FILE_NAMES[kind], scheme, KINDS[kind], header, rows, extra)
            names.append(FILE_NAMES[kind])
    return names


def _swap_in(new: Path, target: Path, old: Path) -> None:
    """Replace the folder target with new; the previous target goes to old (then deleted)."""
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists() and not target.exists():
            old.rename(target)  # put the previous sample back
        raise


def _rng(seed: int, scheme_id: str, kind: str) -> random.Random:
    """An independent, reproducible stream per (seed, scheme, file kind)."""
    return random.Random(f"{seed}:{scheme_id}:{kind}")


# ---------------------------------------------------------------------------------------------
# Writing a workbook
# ---------------------------------------------------------------------------------------------


def explanation_rows(scheme: Scheme, seed: int) -> list[list[object]]:
    """The 说明 sheet of units.xlsx: what these workbooks are."""
    return [
        [f"{SAMPLE_LABEL}:{scheme.name}({scheme.id})"],
        [f"本目录中的各工作簿(单位名录、年终评分、加减分等)均为程序按随机种子 {seed} "
         f"生成的{SAMPLE_LABEL},用于演示导入、计分和看板,不是真实考核结果。"],
        ["单位名称仿照真实单位拟定,各项数值均为虚构,请勿引用。"],
        ["导入格式与正式导入模板相同,可作为填报示例。"],
    ]


def _header(template: InputKind, names: Iterable[str]) -> list[str]:
    """Chinese headers of these canonical columns, in the template's order."""
    wanted = set(names)
    return [c.zh for c in template.columns if c.name in wanted]


# ---------------------------------------------------------------------------------------------
# 单位名录
# ---------------------------------------------------------------------------------------------


def units_sheet(scheme: Scheme, units: list[SampleUnit]) -> tuple[list[str], list[list[object]]]:
    header = _header(KINDS["units"], ("scheme", "unit", "unit_type", "aliases"))
    rows = [[scheme.id, u.name, u.unit_type, "、".join(u.aliases) or None] for u in units]
    return header, rows


# ---------------------------------------------------------------------------------------------
# 年终评分
# ---------------------------------------------------------------------------------------------


def yearend_sheet(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> tuple[list[str], list[list[object]]]:
    """One row per unit and leaf indicator of its rubric, filling the column(s) its rule reads.

    Deduction rubrics get mostly zero deductions; rubrics that allow exemption get a few units
    exempted from one or two indicators, with the written explanation as the note.
    """
    rubric_of = {ut: r for r in scheme.rubrics for ut in r.unit_types}
    leaves_of = {r.id: list(iter_leaves(r)) for r in scheme.rubrics}
    input_columns = {c for r in scheme.rubrics for leaf in leaves_of[r.id]
                     for c in rule_input_columns(leaf.rule, scheme.composite_entry)}
    allows_exemption = any(r.exemption is not None for r in scheme.rubrics)
    columns = ["scheme", "year", "unit", "indicator", *input_columns, "note"]
    if allows_exemption:
        columns.append("exempt")
    header = _header(KINDS["yearend"], columns)
    order = [c.name for c in KINDS["yearend"].columns if c.name in set(columns)]

    exempted = _pick_exemptions(scheme, units, leaves_of, rng)
    rows: list[list[object]] = []
    for unit in units:
        rubric = rubric_of[unit.unit_type]
        for leaf in leaves_of[rubric.id]:
            values: dict[str, object] = {
                "scheme": scheme.id,
                "year": scheme.year,
                "unit": unit.name,
                "indicator": leaf.indicator.code,
            }
            if (unit.name, leaf.indicator.code) in exempted:
                values.update(exempt="是", note=EXEMPTION_NOTE)
            elif leaf.rule.kind == "parts":
                # A composite: one row per part (分项), each filled for the part's own rule; or,
                # where the scheme enters composites as one total, the assessor's 得分.
                if scheme.composite_entry == "score":
                    values.update(score=_assessor_score(leaf.indicator.max_points,
                                                        0.45 + 0.38 * unit.quality, rng))
                else:
                    for part in leaf.rule.parts:
                        as_leaf = SimpleNamespace(
                            rule=part.rule, indicator=SimpleNamespace(max_points=part.max_points))
                        row = {**values, "part": part.name,
                               **indicator_input(as_leaf, unit.quality, rng)}
                        rows.append([row.get(name) for name in order])
                    continue
            else:
                values.update(indicator_input(leaf, unit.quality, rng))
                if unit is units[0] and getattr(leaf.rule, "above_one", None) == "cap" \
                        and leaf.rule.kind == "rate_target":
                    values["actual"] = 1.5  # a growth rate above 100% (嵊州 11): 150%, accepted
            rows.append([values.get(name) for name in order])
    return header, rows


def _pick_exemptions(
    scheme: Scheme,
    units: list[SampleUnit],
    leaves_of: dict[str, list[Leaf]],
    rng: random.Random,
) -> set[tuple[str, str]]:
    """(unit, indicator code) pairs exempted: two or three units per rubric that allows it."""
    pairs: set[tuple[str, str]] = set()
    for rubric in scheme.rubrics:
        if rubric.exemption is None:
            continue
        members = [u for u in units if u.unit_type in rubric.unit_types]
        for unit in rng.sample(members, k=min(len(members), rng.choice((2, 3)))):
            for leaf in rng.sample(leaves_of[rubric.id], k=rng.choice((1, 1, 2))):
                pairs.add((unit.name, leaf.indicator.code))
    return pairs


def indicator_input(leaf: Leaf, quality: float, rng: random.Random) -> dict[str, object]:
    """The input column(s) the leaf's rule reads, for a unit of this quality."""
    rule = leaf.rule
    top = float(leaf.indicator.max_points)
    # How well the unit did on this indicator, around its quality; strong units rarely slip.
    form = _clip(0.45 + 0.38 * quality + rng.gauss(0, 0.12), 0.0, 1.0)
    match rule.kind:
        case "assessor_score":
            return {"score": _assessor_score(top, form, rng)}
        case "deduction":
            return _deduction(top, quality, rng)
        case "rate_target":
            return {"actual": _rate(rule, form, rng)}
        case "ratio":
            denominator = rng.choice((12, 20, 36, 48, 60, 85, 120, 150, 240, 366))
            share = _clip(0.55 + 0.5 * form + rng.gauss(0, 0.05), 0.0, 1.0)
            return {"numerator": min(denominator, round(denominator * share)),
                    "denominator": denominator}
        case "rank_tiers":
            return {"place": _place(rule, form, rng)}
        case "per_event":
            return {"times": _times(rule, top, form, rng)}
        case "choice":
            return {"choice": _choice(rule, form, rng)}
    raise ValueError(f"unknown rule kind {rule.kind}")


def _assessor_score(top: float, form: float, rng: random.Random) -> float:
    """A score within [0, top] in tenths (halves for small maxima), usually near form × top."""
    step = 0.1 if top > 1 else 0.05
    value = top * _clip(form + rng.gauss(0, 0.06), 0.0, 1.0)
    return round(_clip(round(value / step) * step, 0.0, top), 2)


def _deduction(top: float, quality: float, rng: random.Random) -> dict[str, object]:
    """Points deducted: mostly 0, else multiples of 0.5; now and then more than the max."""
    if rng.random() > 0.04 + 0.65 * (1 - quality) ** 2:
        return {"deduction": 0}
    share = rng.uniform(0.25, 0.55 + 0.6 * (1 - quality))
    points = _clip(round(2 * top * share) / 2, 0.5, top)
    if rng.random() < 0.1 * (1 - quality):
        points = top + rng.choice((0.5, 1.0))
        return {"deduction": points, "note": "多项未完成,扣分超过分值,按扣完为止计0分"}
    return {"deduction": points}


def _rate(rule: RateTarget, form: float, rng: random.Random) -> float:
    """An actual rate as a fraction (0.87), around the target for a strong unit; never above 1."""
    value = rule.target * _clip(0.7 + 0.4 * form + rng.gauss(0, 0.04), 0.0, 1.15)
    return round(_clip(value, 0.0, 1.0), 4)


def _place(rule: RankTiers, form: float, rng: random.Random) -> int:
    """A place among the peers: strong units rank near the top."""
    place = 1 + (1 - form) * (rule.peers - 1) + rng.gauss(0, 1.5)
    return int(_clip(round(place), 1, rule.peers))


def _times(rule: PerEvent, top: float, form: float, rng: random.Random) -> int:
    """Events counted: up to a little beyond what reaches the cap."""
    cap = rule.cap if rule.cap is not None else top
    needed = math.ceil(cap / rule.points_each - 1e-9)
    return max(0, round(form * (needed + 1) + rng.gauss(0, 0.6)))


def _choice(rule: Choice, form: float, rng: random.Random) -> str:
    """An option: the best one for most units, lower ones for weaker units now and then."""
    ranked = sorted(rule.options, key=lambda o: -rule.options[o])
    index = 0
    while index < len(ranked) - 1 and rng.random() > 0.55 + 0.4 * form:
        index += 1
    return ranked[index]


# ---------------------------------------------------------------------------------------------
# 内容保障月报
# ---------------------------------------------------------------------------------------------

# Annual content points P: from about 250 for the weakest unit to about 1400 for the strongest.
CONTENT_POINTS_LOW = 250.0
CONTENT_POINTS_HIGH = 1400.0

# Monthly activity over the year: Spring Festival in February, the summer holiday lull in July and
# August, and the year-end push in December. Sums to 12.
SEASON = (0.9, 0.72, 1.02, 1.05, 1.06, 1.0, 0.78, 0.72, 1.0, 0.98, 1.2, 1.57)

# Share of a unit's points by item 序号, per unit type (before per-unit variation).
ITEM_PROFILES: dict[str, dict[int, float]] = {
    "区镇": {1: 30, 45: 22, 15: 6, 9: 4, 3: 3, 4: 2, 5: 2, 16: 5, 17: 3, 18: 4, 19: 2, 22: 2,
            24: 2, 26: 2, 30: 2, 36: 2, 37: 4, 41: 3},
    "政府部门": {2: 30, 16: 8, 17: 3, 18: 4, 19: 3, 20: 3, 22: 2, 24: 2, 26: 3, 27: 1, 30: 2,
             31: 2, 32: 1, 33: 1, 34: 2, 35: 2, 36: 4, 37: 5, 38: 3, 39: 3, 40: 4, 41: 3,
             42: 4, 43: 3, 44: 2},
    "垂直管理单位": {2: 35, 16: 6, 18: 4, 19: 4, 22: 2, 26: 2, 36: 4, 37: 5, 38: 3, 42: 5, 43: 3},
    "广播电视台": {29: 30, 28: 10, 20: 12, 21: 8, 2: 12, 33: 8, 3: 5, 17: 5, 18: 5, 30: 2, 31: 3},
}

# The 主题服务 items a department writes most about, by a word in its name.
THEME_ITEMS: dict[str, tuple[int, ...]] = {
    "教育": (3,), "文广": (3,), "民政": (4,), "人社": (4, 5), "交通": (6,), "卫生": (7,),
    "住建": (8, 9), "水利": (10,), "气象": (10,), "环保": (9,), "公安": (12,), "质监": (12,),
    "工商": (13,), "商务": (13,), "国税": (14,), "地税": (14,), "农林": (15,), "粮食": (15,),
    "发改": (41,), "财政": (39,), "审计": (39,),
}
THEME_SHARE = 10.0

# Items a higher portal may adopt (市级录用, 省级录用): news and service information.
ADOPTABLE_CATEGORIES = frozenset({"工作动态与热点信息", "主题服务信息", "政策解读"})


@dataclass(frozen=True)
class ContentRow:
    """One monthly report row."""

    month: str
    unit: str
    item: int
    count: int
    city_adopted: int
    province_adopted: int


def content_sheet(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> tuple[list[str], list[list[object]]]:
    header = _header(KINDS["content"], [c.name for c in KINDS["content"].columns])
    rows = [
        [scheme.id, r.month, r.unit, r.item, r.count, r.city_adopted, r.province_adopted]
        for r in content_rows(scheme, units, rng)
    ]
    return header, rows


def content_rows(scheme: Scheme, units: list[SampleUnit], rng: random.Random) -> list[ContentRow]:
    """Monthly reports of every unit for the 12 months of the scheme's year.

    A unit's annual points follow its quality (with some noise); two units have a mid-year dip.
    """
    assert scheme.content is not None
    items = {it.number: it for it in scheme.content.items}
    months = [f"{scheme.year}-{m:02d}" for m in range(1, 13)]
    dipping = set(rng.sample([u.name for u in units], k=min(2, len(units))))
    rows: list[ContentRow] = []
    for unit in units:
        annual = _annual_content_points(unit.quality, rng)
        profile = _unit_item_profile(unit, items, rng)
        dip_start = rng.choice((4, 5))  # May or June (0-based month index)
        for index, month in enumerate(months):
            factor = SEASON[index] * rng.uniform(0.85, 1.15)
            if unit.name in dipping and dip_start <= index <= dip_start + 1:
                factor *= 0.3
            month_points = annual / 12 * factor
            rows += _month_rows(scheme, unit, month, month_points, profile, items, rng)
    return rows


def _annual_content_points(quality: float, rng: random.Random) -> float:
    """Target P for a unit of this quality: a concave curve so only the weakest few fall far."""
    span = CONTENT_POINTS_HIGH - CONTENT_POINTS_LOW
    return (CONTENT_POINTS_LOW + span * quality**0.7) * rng.uniform(0.95, 1.05)


def _unit_item_profile(
    unit: SampleUnit, items: dict[int, ContentItem], rng: random.Random
) -> dict[int, float]:
    """The unit's share of points per item: its type's profile, varied, some minor items dropped."""
    base = dict(ITEM_PROFILES.get(unit.unit_type, {n: 1.0 for n in items}))
    for word, numbers in THEME_ITEMS.items():
        if word in unit.name and unit.unit_type != "区镇":
            for number in numbers:
                base[number] = base.get(number, 0) + THEME_SHARE / len(numbers)
    profile = {}
    for number, share in base.items():
        if number not in items or (share <= 3 and rng.random() < 0.3):
            continue
        profile[number] = share * rng.uniform(0.6, 1.4)
    return profile


def _month_rows(
    scheme: Scheme,
    unit: SampleUnit,
    month: str,
    points: float,
    profile: dict[int, float],
    items: dict[int, ContentItem],
    rng: random.Random,
) -> list[ContentRow]:
    """Counts per item that add up to about `points` for the month (items with 0 are left out)."""
    total_share = sum(profile.values())
    p_city = 0.02 + 0.05 * unit.quality
    p_province = 0.002 + 0.008 * unit.quality
    bonus = scheme.content.adoption_bonus if scheme.content else None
    rows = []
    for number in sorted(profile):
        item = items[number]
        adoptable = bonus is not None and item.category in ADOPTABLE_CATEGORIES
        # Points one more item brings on average, adoption bonuses included.
        per_item = item.points + (bonus.city * p_city + bonus.province * p_province
                                  if adoptable else 0.0)
        count = _poisson(rng, points * profile[number] / total_share / per_item)
        if count == 0:
            continue
        city = province = 0
        if adoptable:
            province = sum(rng.random() < p_province for _ in range(count))
            city = sum(rng.random() < p_city for _ in range(count - province))
        rows.append(ContentRow(month, unit.name, number, count, city, province))
    if not rows:  # every unit reports something each month
        rows.append(ContentRow(month, unit.name, max(profile, key=profile.get), 1, 0, 0))
    return rows


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def annual_content_points(scheme: Scheme, rows: Iterable[ContentRow]) -> dict[str, float]:
    """P per unit as docs/contract.md defines it: Σ count × item points + adoption bonuses."""
    assert scheme.content is not None
    points = {it.number: it.points for it in scheme.content.items}
    bonus = scheme.content.adoption_bonus
    city, province = (bonus.city, bonus.province) if bonus else (0.0, 0.0)
    totals: dict[str, float] = {}
    for r in rows:
        value = r.count * points[r.item] + city * r.city_adopted + province * r.province_adopted
        totals[r.unit] = totals.get(r.unit, 0.0) + value
    return totals


# ---------------------------------------------------------------------------------------------
# 加减分
# ---------------------------------------------------------------------------------------------

# How often each level comes up, relative to the others (lower levels are more common).
LEVEL_WEIGHTS = {"国家级": 1, "省级": 3, "市级": 6, "县级": 6}


@dataclass(frozen=True)
class Adjustment:
    unit: str
    clause: Clause
    level: str | None  # a Level of the scheme, or None for a fixed clause
    reason: str

    @property
    def points(self) -> float:
        return self.clause.levels[self.level] if self.level else float(self.clause.fixed or 0)


def adjustments_sheet(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> tuple[list[str], list[list[object]]]:
    header = _header(KINDS["adjustments"],
                     [c.name for c in KINDS["adjustments"].columns])
    assert scheme.adjustments is not None
    clauses = scheme.adjustments.clauses
    single = {kind for kind in ("加分", "减分") if sum(c.kind == kind for c in clauses) == 1}
    rows = []
    for adj in adjustment_events(scheme, units, rng):
        level = adj.level
        if level == "县级" and scheme.county_level_label:
            level = scheme.county_level_label  # as the seed writes it, e.g. 金坛市级
        shown_points = adj.points if rng.random() < 0.15 else None  # mostly left to the scheme
        item = None if adj.clause.kind in single else adj.clause.number
        rows.append([scheme.id, scheme.year, adj.unit, adj.clause.kind, item, level, adj.reason,
                     shown_points])
    return header, rows


def adjustment_events(
    scheme: Scheme, units: list[SampleUnit], rng: random.Random
) -> list[Adjustment]:
    """Bonus and penalty events: strong units earn bonuses (one or two past the bonus cap), fixed
    clauses go to the units their text names, a few weak units draw penalties."""
    assert scheme.adjustments is not None
    bonuses = [c for c in scheme.adjustments.clauses if c.kind == "加分"]
    penalties = [c for c in scheme.adjustments.clauses if c.kind == "减分"]
    leveled_bonuses = [c for c in bonuses if c.levels]
    events: list[Adjustment] = []

    for clause in (c for c in bonuses if not c.levels):
        named = [u for u in units if _short_name(u.name) in clause.text]
        for unit in named or rng.sample(units, k=min(3, len(units))):
            if rng.random() < 0.85:
                events.append(Adjustment(unit.name, clause, None, _reason(clause, None, unit)))

    by_strength = sorted(units, key=lambda u: -u.quality)
    cap = scheme.adjustments.bonus_cap
    capped = set()
    if cap is not None and leveled_bonuses:
        for unit in rng.sample(by_strength[:4], k=min(2, len(by_strength))):
            capped.add(unit.name)
            total = sum(e.points for e in events if e.unit == unit.name)
            while total < cap:  # end between the cap and one point above it
                fitting = [(c, lv) for c in leveled_bonuses for lv, points in c.levels.items()
                           if points <= max(cap - total + 1, 1)]
                clause, level = rng.choice(fitting)
                events.append(Adjustment(unit.name, clause, level, _reason(clause, level, unit)))
                total += clause.levels[level]

    for unit in units:
        if unit.name in capped or not leveled_bonuses:
            continue
        for _ in range(_poisson(rng, 0.1 + 1.0 * unit.quality**2)):
            clause = rng.choice(leveled_bonuses)
            level = _draw_level(clause, rng)
            events.append(Adjustment(unit.name, clause, level, _reason(clause, level, unit)))

    if penalties:  # a few: two to four events among the weakest third of the units
        weakest = by_strength[-max(2, len(units) // 3):]
        for _ in range(rng.choice((2, 3, 4))):
            unit, clause = rng.choice(weakest), rng.choice(penalties)
            level = _draw_level(clause, rng) if clause.levels else None
            events.append(Adjustment(unit.name, clause, level, _reason(clause, level, unit)))

    order = {u.name: i for i, u in enumerate(units)}
    return sorted(events, key=lambda e: (order[e.unit], e.clause.kind != "加分", e.clause.number))


def _draw_level(clause: Clause, rng: random.Random) -> str:
    levels = list(clause.levels)
    return rng.choices(levels, weights=[LEVEL_WEIGHTS.get(lv, 1) for lv in levels])[0]


def _short_name(name: str) -> str:
    """A department's name as clause texts write it: 市环保局 -> 环保局."""
    return name.removeprefix("市") if name.startswith("市") and len(name) > 3 else name


# Who grants an honour or issues a notice, by level, for the 事由 text.
LEVEL_BODIES = {
    "国家级": "国家有关部委", "省级": "省级主管部门", "市级": "市级主管部门", "县级": "本级政府",
}
PENALTY_ISSUES = (
    "网站信息更新不及时", "依申请公开答复超期", "政务服务事项办理超时", "未按时报送材料",
)


def _reason(clause: Clause, level: str | None, unit: SampleUnit) -> str:
    """A plausible 事由 for the clause, from the words in its text."""
    body = LEVEL_BODIES.get(level or "", "")
    text = clause.text
    if clause.kind == "减分":
        issue = PENALTY_ISSUES[hash_index(unit.name, len(PENALTY_ISSUES))]
        return f"因{issue}被{body or '上级主管部门'}通报批评"
    if "日报" in text or not clause.levels:
        return f"{_short_name(unit.name)}专项工作按要求全年完成"
    if "荣誉" in text:
        return f"获{body}授予电子政务工作先进单位"
    if "示范" in text or "试点" in text:
        return f"被{body}列为电子政务示范试点单位"
    if "创新" in text:
        return f"网上办事特色创新做法获{body}认可"
    if "表扬" in text or "推介" in text:
        return f"政务公开工作受到{body}通报表扬"
    return f"{text[:20]}({level or '—'})"


def hash_index(text: str, n: int) -> int:
    """A stable index in range(n) from text (Python's hash() changes between runs)."""
    return sum(text.encode("utf-8")) % n


# ---------------------------------------------------------------------------------------------
# 目标数据
# ---------------------------------------------------------------------------------------------


MetricShape = Callable[[random.Random], list[float]]


def metrics_sheet(scheme: Scheme, rng: random.Random) -> tuple[list[str], list[list[object]]]:
    header = _header(KINDS["metrics"], [c.name for c in KINDS["metrics"].columns])
    months = [f"{scheme.year}-{m:02d}" for m in range(1, 13)]
    rows = []
    for target in scheme.targets:
        series = metric_series(target, rng)
        rows += [[scheme.id, month, target.code, value]
                 for month, value in zip(months, series, strict=True)]
    return header, rows


def metric_series(target: Target, rng: random.Random) -> list[float]:
    """Twelve monthly values for a target: Jintan's targets have a designed story (some met at the
    stretch, some at the floor, some missed); any other target gets a plausible generic series."""
    designed = JINTAN_METRICS.get(target.code)
    return designed(rng) if designed else _generic_series(target, rng)


def _changzhou_rank(rng: random.Random) -> list[float]:
    """Third at first, second from spring on, first in one autumn month: the floor held."""
    switch = rng.choice((3, 4, 5))
    ranks = [3] * switch + [2] * (12 - switch)
    ranks[rng.choice((8, 9))] = 1
    return ranks


def _jiangsu_rank(rng: random.Random) -> list[float]:
    """Around 8 to 12 among the province's county-level cities, ending near 7."""
    trend = [11, 11, 10, 10, 10, 9, 9, 9, 8, 8, 7, 7]
    ranks = [int(_clip(r + rng.choice((-1, 0, 0, 1)), 8, 12)) for r in trend[:10]]
    return ranks + [r - rng.choice((0, 0, 1)) for r in trend[10:]]


def _open_documents(rng: random.Random) -> list[float]:
    """About 2100 documents: behind pace until mid-year, catching up in the second half."""
    weights = [120, 110, 150, 150, 155, 160, 190, 180, 200, 210, 220, 255]
    return _spread_total(rng.uniform(2070, 2140), weights, rng, step=1)


def _province_portal_score(rng: random.Random) -> list[float]:
    """About 330 points over the year: the 350 target missed."""
    return _spread_total(rng.uniform(322, 338), [1.0] * 12, rng, step=0.5)


def _changzhou_portal_score(rng: random.Random) -> list[float]:
    """About 2700 points over the year: the 2500 target met."""
    return _spread_total(rng.uniform(2650, 2760), [1.0] * 12, rng, step=1)


def _power_cases(rng: random.Random) -> list[float]:
    """About 1.05 million cases over the year, fewer in February."""
    weights = [0.95, 0.7, 1.0, 1.02, 1.03, 1.0, 1.0, 0.98, 1.05, 0.97, 1.1, 1.2]
    return _spread_total(rng.uniform(1_035_000, 1_070_000), weights, rng, step=1)


def _hotline_daily_calls(rng: random.Random) -> list[float]:
    """Daily calls rising from about 120 to about 155."""
    return [round(120 + 35 * i / 11 + rng.uniform(-2.5, 2.5), 1) for i in range(11)] + [
        round(rng.uniform(153, 158), 1)
    ]


def _rate_series(low: float, high: float) -> MetricShape:
    def series(rng: random.Random) -> list[float]:
        return [round(rng.uniform(low, high), 4) for _ in range(12)]

    return series


def _content_province_rank(rng: random.Random) -> list[float]:
    """Between 2nd and 5th in the province, 3rd at year end: the floor just held."""
    return [rng.choice((2, 3, 3, 4, 4, 5)) for _ in range(11)] + [3]


def _zero_case_units(rng: random.Random) -> list[float]:
    """Units without a single case this year: 4 in January, none by December."""
    drops = set(rng.sample(range(2, 12), k=4))  # the months in which one more unit got a case
    counts, current = [], 4
    for month in range(12):
        current -= month in drops
        counts.append(current)
    return counts


def _spread_total(
    total: float, weights: Sequence[float], rng: random.Random, step: float
) -> list[float]:
    """Split a total over months by noisy weights, each value a multiple of step."""
    noisy = [w * rng.uniform(0.9, 1.1) for w in weights]
    scale = total / sum(noisy)
    values = [round(w * scale / step) * step for w in noisy]
    return [int(v) if step == 1 else round(v, 2) for v in values]


def _generic_series(target: Target, rng: random.Random) -> list[float]:
    """A plausible series for a target without a designed story: near the floor all year."""
    floor = target.floor
    if target.measure == "rank":
        return [int(max(1, floor + rng.choice((-1, 0, 0, 1)))) for _ in range(12)]
    if target.measure == "cumulative":
        return _spread_total(floor * rng.uniform(0.95, 1.1), [1.0] * 12, rng, step=1)
    if target.measure == "rate":
        return [round(_clip(floor + rng.gauss(0, 0.01), 0.0, 1.0), 4) for _ in range(12)]
    if target.measure == "count" and target.direction == "lower_better":
        return [max(floor, round(floor + 3 * (11 - m) / 11)) for m in range(12)]
    return [round(floor * (0.85 + 0.2 * m / 11) * rng.uniform(0.98, 1.02), 1) for m in range(12)]


JINTAN_METRICS = {
    "changzhou_rank": _changzhou_rank,
    "jiangsu_rank": _jiangsu_rank,
    "open_documents": _open_documents,
    "province_portal_score": _province_portal_score,
    "changzhou_portal_score": _changzhou_portal_score,
    "power_cases": _power_cases,
    "hotline_daily_calls": _hotline_daily_calls,
    "hotline_connect_rate": _rate_series(0.985, 0.991),  # averages about 0.988: 99% missed
    "hotline_completion_rate": _rate_series(0.89, 0.93),
    "hotline_satisfaction": _rate_series(0.90, 0.95),
    "content_province_rank": _content_province_rank,
    "zero_case_units": _zero_case_units,
}


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def next_year_units(units: list, seed: int) -> list:
    """The 2013 sample units a year on: renamed per RENAMED; each quality moved by a seeded
    step of up to ±0.2 and spread evenly again, so some units rise, some fall and some trade
    places."""
    rng = random.Random(f"{seed}:{SAMPLE_SCHEME_ID}:units")
    moved = sorted(units, key=lambda u: u.quality + rng.uniform(-0.2, 0.2))
    n = len(moved)
    quality = {u.name: round((i + 0.5) / n, 4) for i, u in enumerate(moved)}
    return [SampleUnit(RENAMED.get(u.name, u.name), u.unit_type, u.aliases, quality[u.name])
            for u in units]


def write_years_sample(out_dir: Path, seed: int, schemes: list[Scheme]) -> list[Path]:
    """Write the 示例方案 file and its workbooks into out_dir/jintan-2014/ (when jintan-2013 is
    among `schemes`), swapped in whole; return the written paths."""
    base = next((s for s in schemes if s.id == BASE_SCHEME_ID), None)
    if base is None:
        return []
    scheme = sample_next_scheme(base)
    units = next_year_units(sample_units(base, seed), seed)
    target = out_dir / SAMPLE_SCHEME_ID
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sample-years-", dir=target.parent))
    try:
        folder = staging / SAMPLE_SCHEME_ID
        folder.mkdir()
        from pipelines.schemes.admin import scheme_yaml

        (folder / SCHEME_FILE).write_text(scheme_yaml(scheme), encoding="utf-8")
        header, rows = units_sheet(scheme, units)
        previous = {new: old for old, new in RENAMED.items()}
        header = [*header, "上年名称"]
        rows = [[*row, previous.get(row[1])] for row in rows]
        sheets = {
            "units": (header, rows),
            "yearend": yearend_sheet(scheme, units, _rng(seed, scheme.id, "yearend")),
            "content": content_sheet(scheme, units, _rng(seed, scheme.id, "content")),
            "adjustments": adjustments_sheet(scheme, units,
                                                _rng(seed, scheme.id, "adjustments")),
            "metrics": metrics_sheet(scheme, _rng(seed, scheme.id, "metrics")),
        }
        names = [SCHEME_FILE]
        for kind, (head, body) in sheets.items():
            extra = {"说明": explanation_rows(scheme, seed)} if kind == "units" else {}
            write_workbook(folder / FILE_NAMES[kind], scheme, KINDS[kind], head,
                              body, extra)
            names.append(FILE_NAMES[kind])
        _swap_in(folder, target, staging / "old")
        return [target / name for name in names]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
