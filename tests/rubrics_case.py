"""A scheme with a rubric per unit type, numbered each from 1 (as Yueyang's and Shengzhou's
are), in two years: the changes between them are read off RUBRICS by hand
(tests/pipelines/years/test_years_changes.py, and the 数据与方法 page's change table in
tests/dashboard/test_years_pages.py)."""

from __future__ import annotations

from pathlib import Path

# Two rubrics, each numbered from 1: 部门's and the one scoring both 镇 and 街道.
# year: {rubric's unit types: [(code, name, points, previous_code)]}. From 2024 to 2025:
# - both rubrics add 9 数据安全 (5分): the same change for every unit type, stated once;
# - 部门: 1 工作机制 60→55分; 2 renamed 信息公开 → 政务公开 at the same code (no previous_code:
#   one dropped, one added);
# - 镇、街道: 2 工作机制 30→20分 (code 2 changes in both rubrics); 3 便民服务 renumbered 4 and
#   renamed 政务服务 (previous_code 3), 20→25分; 1 信息公开 unchanged (部门's 2 信息公开 is
#   another rubric's indicator: it does not match 镇's 1).
RUBRICS = {
    2024: {("部门",): [("1", "工作机制", 60, None), ("2", "信息公开", 30, None),
                       ("3", "宣传报道", 10, None)],
           ("镇", "街道"): [("1", "信息公开", 50, None), ("2", "工作机制", 30, None),
                            ("3", "便民服务", 20, None)]},
    2025: {("部门",): [("1", "工作机制", 55, None), ("2", "政务公开", 30, None),
                       ("3", "宣传报道", 10, None), ("9", "数据安全", 5, None)],
           ("镇", "街道"): [("1", "信息公开", 50, None), ("2", "工作机制", 20, None),
                            ("4", "政务服务", 25, "3"), ("9", "数据安全", 5, None)]},
}


def scheme_text(year: int) -> str:
    """duo-YEAR: three unit types, a rubric for 部门 and one for 镇 and 街道, each from 1."""
    rubrics = []
    for i, (types, indicators) in enumerate(RUBRICS[year].items()):
        children = "\n".join(
            f"          - {{code: '{code}', name: {name}, max_points: {points}"
            + (f", previous_code: '{previous}'" if previous else "") + "}"
            for code, name, points, previous in indicators)
        rubrics.append(f"""\
  - id: r{i}
    name: {"、".join(types)}考核细则
    unit_types: [{", ".join(types)}]
    max_points: 100
    default_rule: {{kind: deduction}}
    missing_input: full
    categories:
      - name: 基础工作
        children:
{children}""")
    return f"""\
id: duo-{year}
series: duo
name: 湖滨区{year}年度考核办法
jurisdiction: 湖滨区
year: {year}
documents:
  - {{number: 湖政办〔{year}〕2号, title: 湖滨区{year}年度考核办法}}
unit_types:
  - {{name: 部门}}
  - {{name: 镇}}
  - {{name: 街道}}
stages:
  - {{id: yearend, name: 年终考评, basis: rubric, weight: 1}}
rubrics:
""" + "\n".join(rubrics) + "\n"


def write_schemes(folder: Path) -> tuple[Path, Path]:
    """duo-2024.yaml and duo-2025.yaml in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "duo-2024.yaml", folder / "duo-2025.yaml")
    for year, path in zip((2024, 2025), paths, strict=True):
        path.write_text(scheme_text(year), encoding="utf-8")
    return paths
