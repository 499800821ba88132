"""The sample units (示例数据): names, unit types and aliases per built-in scheme, each with a
latent quality in (0, 1) that drives every figure drawn for it; and the 单位名录 sheet."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.inputs.kinds import KINDS
from pipelines.sample.draw import stream, zh_header
from pipelines.schemes.model import Scheme

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
    rng = stream(seed, scheme.id, "units")
    n = len(rows)
    qualities = [(i + 0.5) / n for i in range(n)]
    rng.shuffle(qualities)
    return [
        SampleUnit(name, unit_type, aliases, round(q, 4))
        for (name, unit_type, aliases), q in zip(rows, qualities, strict=True)
    ]


def units_sheet(scheme: Scheme, units: list[SampleUnit]) -> tuple[list[str], list[list[object]]]:
    header = zh_header(KINDS["units"], ("scheme", "unit", "unit_type", "aliases"))
    rows = [[scheme.id, u.name, u.unit_type, "、".join(u.aliases) or None] for u in units]
    return header, rows
