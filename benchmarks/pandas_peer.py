"""The peer for bench_scale.py: the same load written the way a typical team writes it in pandas.

Run: uv run python benchmarks/pandas_peer.py --db OUT.duckdb FILE.csv ...

Reads the CSV templates with pandas, checks what egov checks for these files (known scheme,
unit, month in the scheme's year, content item, counts whole and not negative, adoption within the
count, indicator of the unit's rubric, score within the max, duplicate keys, clause and level of
an adjustment), collects one message per bad cell with its Excel row, scores the year (content
points with the adoption bonus, the 600-point full mark with excess steps, the rubric sum weighted
by the stage, capped bonus and penalty, grade, rank within the unit type), and writes the facts
and results into a new DuckDB file. Idiomatic pandas: vectorised where pandas makes it natural
(`to_numeric`, `merge`, `groupby`), `apply` row by row where a team usually reaches for it
(parsing months, building messages). Exit 1 with the problems on stderr, as egov does.

This is a benchmark peer, not a second implementation to trust: egov's engine is the reference.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.schemes.checks import load_scheme_dir
from pipelines.schemes.tables import dimension_frames

KINDS = {
    "units": {"方案", "单位", "单位类型"},
    "content": {"方案", "月份", "单位", "项目", "条数"},
    "yearend": {"方案", "年度", "单位", "指标"},
    "adjustments": {"方案", "年度", "单位", "类别", "事由"},
    "metrics": {"方案", "月份", "指标", "数值"},
}
RENAME = {"方案": "scheme", "单位": "unit", "单位类型": "unit_type", "别名": "aliases",
          "月份": "month", "项目": "item", "条数": "count", "市级录用": "city_adopted",
          "省级录用": "province_adopted", "年度": "year", "指标": "indicator", "得分": "score",
          "扣分": "deduction", "实际值": "actual", "分子": "numerator", "分母": "denominator",
          "次数": "times", "名次": "place", "选项": "choice", "豁免": "exempt", "说明": "note",
          "类别": "kind", "级别": "level", "事由": "reason", "分值": "points", "数值": "value"}
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def kind_of(columns: list[str]) -> str:
    found = set(columns)
    for kind in ("content", "yearend", "adjustments", "metrics", "units"):
        if KINDS[kind] <= found:
            return kind
    raise SystemExit(f"unknown template: {columns}")


def read(paths: list[Path]) -> dict[str, pd.DataFrame]:
    frames: dict[str, list[pd.DataFrame]] = {}
    for path in paths:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        kind = kind_of(list(df.columns))
        df = df.rename(columns=RENAME)
        df["_file"] = path.name
        df["_row"] = np.arange(len(df)) + 2
        frames.setdefault(kind, []).append(df)
    return {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}


class Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, df: pd.DataFrame, mask: pd.Series | np.ndarray, column: str, message: str
            ) -> None:
        bad = df[pd.Series(mask, index=df.index).fillna(False).astype(bool)]
        if len(bad):
            self.lines += bad.apply(
                lambda r: f"{r['_file']} row {r['_row']} {column} '{r[column]}': {message}",
                axis=1).tolist()


def number(df: pd.DataFrame, column: str, problems: Problems, required: bool) -> pd.Series:
    text = df[column].str.strip().str.replace(",", "", regex=False) if column in df else \
        pd.Series("", index=df.index)
    values = pd.to_numeric(text, errors="coerce")
    if column in df:
        problems.add(df, (text != "") & values.isna(), column, "a number is expected")
        if required:
            problems.add(df, text == "", column, "required")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()

    schemes = {s.id: s for s in load_scheme_dir()}
    dims = {k: v.to_pandas() for k, v in dimension_frames(list(schemes.values())).items()}
    data = read(args.files)
    problems = Problems()

    units = data["units"]
    problems.add(units, ~units["scheme"].isin(schemes), "scheme", "unknown scheme")
    types = units.merge(dims["unit_types"][["scheme", "unit_type", "rubric"]],
                        on=["scheme", "unit_type"], how="left", indicator=True)
    problems.add(units, (types["_merge"] == "left_only").to_numpy(), "unit_type", "unknown type")
    problems.add(units, units.duplicated(["scheme", "unit"], keep=False), "unit", "duplicate")
    unit_types = units[["scheme", "unit", "unit_type"]]

    content = data.get("content", pd.DataFrame(columns=["scheme", "month", "unit", "item"]))
    if len(content):
        year_of = {s: sc.year for s, sc in schemes.items()}
        month = content["month"].apply(lambda m: MONTH.match(m.strip()))
        problems.add(content, month.isna(), "month", "a month is expected as YYYY-MM")
        content["year"] = month.apply(lambda m: int(m.group(1)) if m else None)
        problems.add(content, content["year"] != content["scheme"].map(year_of), "month",
                     "not in the scheme's year")
        known = content.merge(unit_types, on=["scheme", "unit"], how="left")
        problems.add(content, known["unit_type"].isna().to_numpy(), "unit", "unknown unit")
        for column in ("item", "count", "city_adopted", "province_adopted"):
            values = number(content, column, problems, required=column in ("item", "count"))
            values = values.fillna(0) if column not in ("item", "count") else values
            problems.add(content, (values < 0) | (values % 1 != 0), column,
                         "a whole number not below 0 is expected")
            content[column] = values
        items = dims["content_items"][["scheme", "item", "points"]]
        items = items.assign(item=items["item"].astype(float))
        content = content.merge(items, on=["scheme", "item"], how="left")
        problems.add(content, content["points"].isna(), "item", "unknown content item")
        problems.add(content, content["city_adopted"] + content["province_adopted"]
                     > content["count"], "count", "adopted above the count")
        problems.add(content, content.duplicated(["scheme", "month", "unit", "item"], keep=False),
                     "item", "duplicate")

    yearend = data["yearend"]
    year_check = yearend["year"].astype(int) != yearend["scheme"].map(
        {s: sc.year for s, sc in schemes.items()})
    problems.add(yearend, year_check, "year", "the year must be the scheme's year")
    yearend = yearend.merge(unit_types, on=["scheme", "unit"], how="left")
    problems.add(yearend, yearend["unit_type"].isna(), "unit", "unknown unit")
    yearend = yearend.merge(dims["unit_types"][["scheme", "unit_type", "rubric"]],
                            on=["scheme", "unit_type"], how="left")
    indicators = dims["indicators"][["scheme", "rubric", "code", "max_points", "rule_kind",
                                     "rule_params"]]
    yearend = yearend.merge(indicators.rename(columns={"code": "indicator"}),
                            on=["scheme", "rubric", "indicator"], how="left")
    problems.add(yearend, yearend["max_points"].isna(), "indicator", "unknown indicator")
    for column in ("score", "deduction", "actual", "numerator", "denominator", "times", "place"):
        yearend[column] = number(yearend, column, problems, required=False)
        problems.add(yearend, yearend[column] < 0, column, "must not be below 0")
    problems.add(yearend, yearend["score"] > yearend["max_points"] + 1e-9, "score",
                 "above the indicator's max points")
    problems.add(yearend, yearend.duplicated(["scheme", "year", "unit", "indicator"], keep=False),
                 "indicator", "duplicate")
    yearend["exempt"] = yearend.get("exempt", pd.Series("", index=yearend.index)).isin(["是"])

    adjustments = data.get("adjustments", pd.DataFrame(columns=["scheme", "unit", "kind"]))
    if len(adjustments):
        clauses = dims["clauses"].copy()
        label = {s: sc.county_level_label for s, sc in schemes.items()}
        adjustments["level"] = adjustments.apply(
            lambda r: "县级" if r["level"] == label.get(r["scheme"]) else (r["level"] or None),
            axis=1)
        adjustments["clause"] = pd.to_numeric(adjustments["item"], errors="coerce")
        single = clauses.groupby(["scheme", "kind"])["clause"].transform("nunique") == 1
        firsts = clauses[single].drop_duplicates(["scheme", "kind"])[["scheme", "kind", "clause"]]
        adjustments = adjustments.merge(firsts.rename(columns={"clause": "only"}),
                                        on=["scheme", "kind"], how="left")
        adjustments["clause"] = adjustments["clause"].fillna(adjustments["only"])
        adjustments = adjustments.merge(
            clauses[["scheme", "kind", "clause", "level", "points"]].rename(
                columns={"points": "value"}),
            on=["scheme", "kind", "clause", "level"], how="left")
        problems.add(adjustments, adjustments["value"].isna(), "level", "unknown clause/level")
        given = pd.to_numeric(adjustments["points"], errors="coerce")
        adjustments["points"] = given.fillna(adjustments["value"])

    if problems.lines:
        print(f"rejected: {len(problems.lines)} problem(s)", file=sys.stderr)
        print("\n".join(problems.lines[:50]), file=sys.stderr)
        raise SystemExit(1)

    results = score(schemes, dims, unit_types, content, yearend, adjustments)
    con = duckdb.connect(str(args.db))
    for name, frame in {"units": unit_types, "content_tallies": content,
                        "yearend_inputs": yearend, "adjustment_inputs": adjustments,
                        **results}.items():
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.execute("CHECKPOINT")
    con.close()
    print({name: len(frame) for name, frame in results.items()})


def score(schemes, dims, units, content, yearend, adjustments) -> dict[str, pd.DataFrame]:
    """The year's scores: content stage, rubric stage, adjustments, total, grade, rank."""
    out: dict[str, list[pd.DataFrame]] = {"monthly_points": [], "indicator_scores": [],
                                          "results": []}
    for sid, scheme in schemes.items():
        su = units[units["scheme"] == sid]
        if su.empty:
            continue
        stages = {}
        sc = content[content["scheme"] == sid] if len(content) else content
        if scheme.content is not None and len(sc):
            bonus = scheme.content.adoption_bonus
            sc = sc.assign(item_points=sc["count"] * sc["points"],
                           adoption_points=sc["city_adopted"] * bonus.city
                           + sc["province_adopted"] * bonus.province)
            monthly = sc.groupby(["unit", "month"], as_index=False)[
                ["item_points", "adoption_points"]].sum()
            monthly["points"] = monthly["item_points"] + monthly["adoption_points"]
            monthly = monthly.merge(su, on="unit").sort_values(["unit", "month"])
            monthly["ytd_points"] = monthly.groupby("unit")["points"].cumsum()
            monthly["rank"] = monthly.groupby(["month", "unit_type"])["points"].rank(
                method="min", ascending=False)
            out["monthly_points"].append(monthly)
            annual = monthly.groupby("unit")["points"].sum()
        sy = yearend[yearend["scheme"] == sid].copy()
        params = sy["rule_params"].map(lambda p: json.loads(p) if p else {})
        kind = sy["rule_kind"]
        top = sy["max_points"]
        score = np.select(
            [kind == "assessor_score", kind == "deduction", kind == "ratio",
             kind == "per_event"],
            [sy["score"].clip(lower=0).clip(upper=top), (top - sy["deduction"]).clip(lower=0),
             top * (sy["numerator"] / sy["denominator"]).clip(upper=1),
             np.minimum(sy["times"] * params.map(lambda p: p.get("points_each", 0)), top)],
            default=np.nan)
        rate = kind == "rate_target"
        if rate.any():
            target = params.map(lambda p: p.get("target", 1.0))
            score = np.where(rate, top * (sy["actual"] / target).clip(upper=1), score)
        sy["score"] = np.where(sy["exempt"], 0.0, np.nan_to_num(score))
        out["indicator_scores"].append(sy)
        rubric = sy.groupby("unit").agg(earned=("score", "sum"))
        for stage in scheme.stages:
            stage_max = stage.weight * scheme.total_points
            if stage.basis == "content" and scheme.content is not None:
                fm = scheme.content.full_mark
                p = su["unit"].map(annual).fillna(0.0)
                step = su["unit_type"].map(fm.excess_step_by_unit_type)
                steps = np.floor((p - fm.points).clip(lower=0) / step + 1e-9)
                stages[stage.id] = (stage_max * np.minimum(p, fm.points) / fm.points
                                    + steps * fm.excess_bonus).to_numpy()
            else:
                rubric_max = scheme.rubrics[0].max_points
                earned = su["unit"].map(rubric["earned"]).fillna(0.0)
                stages[stage.id] = (earned * stage_max / rubric_max).to_numpy()
        res = su.copy()
        res["stages_total"] = sum(stages.values())
        sa = adjustments[adjustments["scheme"] == sid] if len(adjustments) else adjustments
        if len(sa):
            sums = sa.pivot_table(index="unit", columns="kind", values="points", aggfunc="sum")
            cap = scheme.adjustments
            res["bonus"] = res["unit"].map(sums.get("加分", pd.Series(dtype=float))).fillna(0)
            res["penalty"] = res["unit"].map(sums.get("减分", pd.Series(dtype=float))).fillna(0)
            if cap and cap.bonus_cap is not None:
                res["bonus"] = res["bonus"].clip(upper=cap.bonus_cap)
            if cap and cap.penalty_cap is not None:
                res["penalty"] = res["penalty"].clip(upper=cap.penalty_cap)
        else:
            res["bonus"] = res["penalty"] = 0.0
        res["total"] = res["stages_total"] + res["bonus"] - res["penalty"]
        if scheme.grades:
            bands = scheme.grades.bands
            res["grade"] = res["total"].apply(lambda t, bands=bands: next(
                b.name for b in bands if b.min is None or t >= b.min - 1e-9))
        res["rank"] = res.assign(total=res["total"].round(9)).groupby("unit_type")["total"].rank(
            method="min", ascending=False)
        out["results"].append(res)
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items() if v}


if __name__ == "__main__":
    main()
