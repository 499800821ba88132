"""The sample's second year (示例数据 under a 示例方案): Jintan 2014, so that every year view has
something to show out of the box.

The scheme `jintan-2014` is not a real document: it is derived from jintan-2013 (坛政办发〔2013〕
63号、64号) with a few changes an office makes from one year to the next, each stated in the
scheme's `notes` (SAMPLE_CHANGES) and labelled 示例方案 in its name and 文号:

1. the stage weights move from 平时 60% / 年终 40% to 50% / 50%;
2. indicator 8 (绩效考核) is renumbered 129 (`previous_code: "8"`);
3. indicator 6 (加入工作群) is dropped and code 6 is given to a new indicator 政务新媒体 (same code,
   another name: not matched across the years);
4. 1 point moves from indicator 5 (材料报送) to indicator 4 (业务培训);
5. the unit 卫生局 is renamed 卫生计生委 (上年名称 卫生局).

Its workbooks and the scheme file 示例方案.yaml are written beside the others by
`write_sample_data` (pipelines/sample_data.py, which also holds that writer) into
out_dir/jintan-2014/ (not among the paths it returns, which are the built-in schemes'
workbooks); `egov build` adds a sample folder's 示例方案.yaml before it reads the workbooks
(`add_sample_schemes`, one call in pipelines/build.py), so `egov demo` and a build of a folder
holding the sample both know the scheme.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.schemes.model import Scheme

SAMPLE_SCHEME_ID = "jintan-2014"
BASE_SCHEME_ID = "jintan-2013"
SCHEME_FILE = "示例方案.yaml"
RENAMED = {"卫生局": "卫生计生委"}  # 2013 name → 2014 name

SAMPLE_CHANGES = (
    "示例方案:本方案不是真实文件,由坛政办发〔2013〕63号、64号改写而成,只用于演示历年比较。",
    "与2013年方案相比:平时考评与年终考评的权重由60%、40%调整为各50%。",
    "与2013年方案相比:指标8(绩效考核)改为编号129(previous_code 8)。",
    "与2013年方案相比:删去指标6(加入工作群),编号6改为新增指标「政务新媒体」(编号相同、名称不同,"
    "两年不对应)。",
    "与2013年方案相比:指标5(材料报送)由1分减为0.5分,指标4(业务培训)由1分增为1.5分。",
    "与2013年方案相比:卫生局更名为卫生计生委(单位名录「上年名称」列写明)。",
)


def sample_next_scheme(base: Scheme) -> Scheme:
    """jintan-2014 示例方案 from jintan-2013 with the changes of SAMPLE_CHANGES."""
    data = base.model_dump()
    data.update(
        id=SAMPLE_SCHEME_ID, year=2014, series=base.series,
        name="金坛市电子政务绩效考核办法(2014年示例方案)",
        source="示例方案(据坛政办发〔2013〕63号、64号改写,非真实文件)",
        documents=[{"number": "示例方案(非真实文件)",
                    "title": "金坛市2014年电子政务绩效考核示例方案"
                             "(据坛政办发〔2013〕63号、64号改写)",
                    "seed": None}],
        notes=list(SAMPLE_CHANGES),
    )
    for stage in data["stages"]:
        stage["weight"] = 0.5
    for leaf in _leaves(data["rubrics"][0]["categories"]):
        if leaf["code"] == "8":
            leaf.update(code="129", previous_code="8")
        elif leaf["code"] == "6":
            leaf.update(name="政务新媒体", criteria="开设政务微博、微信并按时更新。",
                        scoring_text=None, source="示例方案", interpretation=None)
        elif leaf["code"] == "5":
            leaf["max_points"] = 0.5
        elif leaf["code"] == "4":
            leaf["max_points"] = 1.5
    return Scheme.model_validate(data)


def _leaves(nodes: list[dict]):
    for node in nodes:
        if "children" in node and node.get("code") is None:
            yield from _leaves(node["children"])
        else:
            yield node


def add_sample_schemes(db: Path, sample_dir: Path) -> list[str]:
    """Add (or bring up to date) each 示例方案 file in sample_dir/*/ to the warehouse before its
    workbooks are read; return the scheme ids added or replaced. A warehouse that already holds
    the scheme as written is left alone; no sample folder, nothing done."""
    from pipelines.loading import open_state
    from pipelines.schemes.admin import add_scheme, check_scheme_file

    done = []
    for path in sorted(sample_dir.glob(f"*/{SCHEME_FILE}")) if sample_dir.is_dir() else []:
        scheme = check_scheme_file(path)
        stored = (open_state(db)["schemes"].filter(pl.col("scheme") == scheme.id)
                  if db.exists() else None)
        if stored is None or stored.is_empty():
            add_scheme(db, path, replace=False)
        elif Scheme.model_validate_json(stored["definition"][0]) != scheme:
            add_scheme(db, path, replace=True)
        else:
            continue
        done.append(scheme.id)
    return done
