"""The self-assessment case checked by hand in the selfcheck tests of the pipeline and of the
command line (issue 18): four Yueyang counties, 核定 and 自评 rows."""

from __future__ import annotations

from pathlib import Path

UNITS = "方案,单位,单位类型\n" + "".join(
    f"yueyang-2017,{u},县市区\n" for u in ("A县", "B县", "C县", "D县"))
# 核定: A loses 1 on 1 and 2 on 2 (97); B and D lose 0.5 on 1 (99.5, tied); C loses nothing.
# 自评: A claims a loss of 0 on 1, 0.5 on 2, 0 on 3 (no verified row for 3); B the same as 核定.
YEAREND = """方案,年度,单位,指标,扣分,说明,评分来源
yueyang-2017,2017,A县,1,1,未专题研究,核定
yueyang-2017,2017,A县,2,2,机构不全,
yueyang-2017,2017,B县,1,0.5,,核定
yueyang-2017,2017,D县,1,0.5,,核定
yueyang-2017,2017,A县,1,0,,自评
yueyang-2017,2017,A县,2,0.5,,自评
yueyang-2017,2017,A县,3,0,,自评
yueyang-2017,2017,B县,1,0.5,,自评
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
