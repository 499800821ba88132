"""A two-year series small enough to check by hand (issue 17's done-when case).

Series `hubin`: scheme hubin-2024 and hubin-2025, one deduction rubric (missing input = full
marks), so each total is 100 − the 扣分 loaded on indicator A1. Between the years:

- 卫生局 and 计生委 merge into 卫生计生委 (上年名称 卫生局、计生委): no single previous rank;
- 金城镇 is renamed 金城街道 (上年名称 金城镇) and trades places with 尧塘镇;
- 教育局 and 财政局 trade places (2 ↔ 3);
- 开发区 moves from 镇 to 部门: history kept, no rank change;
- 水利局 is new in 2025;
- the scheme: A1 50 → 60 points, A2 renumbered B2 (previous_code) 40 → 30, A4 dropped, A3 added;
- 2024's 整改台账 (loaded with 2024's files) holds 3 items, 2 of them 已整改: the 2025 通报 says so.
"""

from __future__ import annotations

from pathlib import Path

SCHEME_2024 = """\
id: hubin-2024
series: hubin
name: 湖滨区2024年度电子政务考核办法
jurisdiction: 湖滨区
year: 2024
documents:
  - {number: 湖政办〔2024〕3号, title: 关于印发湖滨区2024年度电子政务考核办法的通知}
unit_types:
  - {name: 部门}
  - {name: 镇}
stages:
  - {id: yearend, name: 年终考评, basis: rubric, weight: 1}
rubrics:
  - id: main
    name: 湖滨区2024年度考核细则
    unit_types: [部门, 镇]
    max_points: 100
    default_rule: {kind: deduction}
    missing_input: full
    categories:
      - name: 基础工作
        children:
          - {code: A1, name: 工作机制, max_points: 50}
          - {code: A2, name: 信息公开, max_points: 40}
          - {code: A4, name: 宣传报道, max_points: 10}
grades:
  bands:
    - {name: 优秀, min: 90}
    - {name: 良好, min: 80}
    - {name: 一般, min: null}
"""

SCHEME_2025 = """\
id: hubin-2025
series: hubin
name: 湖滨区2025年度电子政务考核办法
jurisdiction: 湖滨区
year: 2025
documents:
  - {number: 湖政办〔2025〕5号, title: 关于印发湖滨区2025年度电子政务考核办法的通知}
unit_types:
  - {name: 部门}
  - {name: 镇}
stages:
  - {id: yearend, name: 年终考评, basis: rubric, weight: 1}
rubrics:
  - id: main
    name: 湖滨区2025年度考核细则
    unit_types: [部门, 镇]
    max_points: 100
    default_rule: {kind: deduction}
    missing_input: full
    categories:
      - name: 基础工作
        children:
          - {code: A1, name: 工作机制, max_points: 60}
          - {code: B2, name: 信息公开, max_points: 30, previous_code: A2}
          - {code: A3, name: 数据共享, max_points: 10}
grades:
  bands:
    - {name: 优秀, min: 90}
    - {name: 良好, min: 80}
    - {name: 一般, min: null}
"""

# unit: (unit type, total); 上年名称 for 2025.
TOTALS_2024 = {"卫生局": ("部门", 90), "教育局": ("部门", 85), "财政局": ("部门", 80),
               "计生委": ("部门", 70), "金城镇": ("镇", 95), "尧塘镇": ("镇", 88),
               "开发区": ("镇", 80)}
TOTALS_2025 = {"卫生计生委": ("部门", 92), "财政局": ("部门", 88), "教育局": ("部门", 78),
               "开发区": ("部门", 65), "水利局": ("部门", 60), "尧塘镇": ("镇", 90),
               "金城街道": ("镇", 86)}
PREVIOUS_NAMES_2025 = {"卫生计生委": "卫生局、计生委", "金城街道": "金城镇"}


def write_schemes(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    first, second = folder / "hubin-2024.yaml", folder / "hubin-2025.yaml"
    first.write_text(SCHEME_2024, encoding="utf-8")
    second.write_text(SCHEME_2025, encoding="utf-8")
    return first, second


# 2024's 整改台账: (unit, 问题, 状态); 2 of 3 done.
LEDGER_2024 = [("计生委", "工作机制不健全", "已整改"), ("财政局", "工作机制不健全", "已整改"),
               ("开发区", "工作机制不健全", "整改中")]


def write_year(folder: Path, year: int) -> tuple[Path, ...]:
    """The unit list and the 年终评分 of one year as CSV files (units, yearend), and for 2024
    its 整改台账."""
    folder.mkdir(parents=True, exist_ok=True)
    scheme, totals = (f"hubin-{year}", TOTALS_2024 if year == 2024 else TOTALS_2025)
    units = folder / f"单位名录{year}.csv"
    lines = ["方案,单位,单位类型" + (",上年名称" if year == 2025 else "")]
    for unit, (unit_type, _) in totals.items():
        extra = f",{PREVIOUS_NAMES_2025.get(unit, '')}" if year == 2025 else ""
        lines.append(f"{scheme},{unit},{unit_type}{extra}")
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    yearend = folder / f"年终评分{year}.csv"
    rows = ["方案,年度,单位,指标,扣分"]
    rows += [f"{scheme},{year},{unit},A1,{100 - total}" for unit, (_, total) in totals.items()]
    yearend.write_text("\n".join(rows) + "\n", encoding="utf-8")
    if year != 2024:
        return units, yearend
    ledger = folder / "整改台账2024.csv"
    ledger.write_text("\n".join([
        "方案,年度,单位,指标,问题,整改措施,责任人,完成时限,状态",
        *(f"hubin-2024,2024,{unit},A1,{issue},建立制度,张三,2025-03-31,{status}"
          for unit, issue, status in LEDGER_2024),
    ]) + "\n", encoding="utf-8")
    return units, yearend, ledger


def build(folder: Path, order: tuple[int, ...] = (2024, 2025), *,
          schemes_written: bool = False) -> Path:
    """A warehouse in `folder` with both schemes added (as folder/schemes holds them where
    `schemes_written`) and the years loaded in `order`, through the command line (scheme add,
    ingest)."""
    db = folder / "egov.duckdb"
    schemes = folder / "schemes"
    paths = ((schemes / "hubin-2024.yaml", schemes / "hubin-2025.yaml") if schemes_written
             else write_schemes(schemes))
    for path in paths:
        _run("scheme", "add", "--db", db, path)
    for year in order:
        _run("ingest", "--db", db, *write_year(folder / "raw", year))
    return db


# The 目标 page's years table: both years with two targets (appended to each scheme file);
# 2024's figures below, 2025 with none yet or with T1's only.
TARGETS = """\
targets:
  - {code: T1, name: 在全市排名, text: 在全市保二争一, measure: rank, direction: lower_better,
     floor: 2, stretch: 1, aggregate: last, unit: 名}
  - {code: T2, name: 公开文件, text: 公开文件20件以上, measure: cumulative,
     direction: higher_better, floor: 20, aggregate: sum, unit: 件}
"""
# (scheme, month, target, value). 2024: T1 ends at 1st (达争: at the stretch), T2 at 25 件
# (the floor reached, and T2 has no stretch: the pages say 完成, the engine 达保). 2025: T1 2nd
# in March (达保: the floor, not the stretch).
METRICS_2024 = [("hubin-2024", "2024-06", "T1", 3), ("hubin-2024", "2024-12", "T1", 1),
                ("hubin-2024", "2024-12", "T2", 25)]
METRICS_2025 = [("hubin-2025", "2025-03", "T1", 2)]


def build_with_targets(folder: Path) -> Path:
    """A warehouse as `build` makes, the schemes with TARGETS, and METRICS_2024 loaded."""
    for path in write_schemes(folder / "schemes"):
        path.write_text(path.read_text(encoding="utf-8") + TARGETS, encoding="utf-8")
    db = build(folder, schemes_written=True)
    ingest_metrics(db, folder / "raw" / "目标数据2024.csv", METRICS_2024)
    return db


def ingest_metrics(db: Path, path: Path, rows: list[tuple[str, str, str, int]]) -> None:
    """Load these 目标数据 rows (egov ingest)."""
    path.write_text("方案,月份,指标,数值\n" + "".join(f"{s},{m},{t},{v}\n" for s, m, t, v in rows),
                    encoding="utf-8")
    _run("ingest", "--db", db, path)


def _run(*args: object) -> None:
    from click.testing import CliRunner

    from egov.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
