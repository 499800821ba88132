"""数据与方法: the load history, the import templates, and the scheme's rules with the seed text
and every interpretation the scheme file states.

The page is a list of sections (functions below), `main()` last."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.kit import data, filters, revisions, widgets
from dashboard.sections import years_view
from pipelines.corrections.history import file_label
from pipelines.notice.warnings import method_lines
from pipelines.rules.registry import RULE_KIND_ZH

TEMPLATE_KINDS = {
    "units": "单位名录",
    "content": "内容保障月报",
    "yearend": "年终评分",
    "adjustments": "加减分",
    "metrics": "目标数据",
}

# The rule kinds, as each names itself (pipelines/rules/kinds/).
RULE_KINDS = RULE_KIND_ZH


def template_bytes(db: Path, scheme_id: str, kind: str) -> bytes:
    """An empty import workbook of `kind` for the scheme, with its units in the drop-downs.
    Runs when the button is clicked (write_template writes a file, so go through a temp dir)."""
    from pipelines.inputs.template_writer import write_template
    from pipelines.schemes.stored import load_schemes
    from warehouse import queries

    scheme = next(s for s in load_schemes(db) if s.id == scheme_id)
    units = queries.units(db, scheme_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(kind, scheme, units, Path(tmp) / f"{kind}.xlsx")
        return Path(path).read_bytes()


def loads_section(f: filters.Filters) -> None:
    """数据导入记录: the loads of the scheme's data, newest first."""
    st.subheader("数据导入记录")
    st.caption("本方案数据的导入批次,最新在前。")
    loads = data.loads(f.db, f.scheme)
    if loads.is_empty():
        widgets.nothing_to_show(
            "数据仓库还没有导入过数据。用下方模板填好后运行 `egov ingest 文件.xlsx`。"
        )
        return
    st.caption("每次导入一批文件;同一键(方案、期间、单位、项目或指标)再次导入时替换旧数据,记录保留。")
    table = loads.select(
        pl.col("load_id").alias("批次"), pl.col("loaded_at").dt.strftime("%Y-%m-%d %H:%M")
        .alias("导入时间"), pl.col("kind").alias("类型"),
        pl.struct("file", "kind").map_elements(lambda r: file_label(r["file"], r["kind"]),
                                               return_dtype=pl.String).alias("文件"),
        pl.col("rows").alias("行数"), pl.col("replaced_rows").alias("替换行数"),
        pl.col("sha256").str.slice(0, 12).alias("SHA-256(前12位)"),
    )
    widgets.show_table(table, name="数据导入记录", filters=f, key="dm-loads", height=280)


def revisions_section(f: filters.Filters) -> None:
    """更正记录: which units' scores and ranks a chosen load batch changed, and by how much."""
    st.subheader("更正记录")
    st.caption("每个导入批次(含撤销)使本方案哪些单位的得分和名次变了、变了多少;变化在导入时由计分流程"
               "算好保存。已发布的通报若因此更正,可据此表发布更正说明。")
    batches = revisions.with_status(data.load_batches(f.db, f.scheme))
    if batches.is_empty():
        widgets.nothing_to_show("本方案还没有导入批次。")
        return
    with st.expander(f"本方案的导入批次({batches.height} 个)"):
        widgets.show_table(revisions.batches_table(batches), name="导入批次", filters=f,
                           key="dm-batches", height=widgets.table_height(batches.height, 10))
    labels = {r["batch"]: revisions.batch_label(r) for r in batches.iter_rows(named=True)}
    widgets.keep_valid("dm-revision-batch", list(labels))
    chosen = st.selectbox("导入批次", list(labels), format_func=labels.__getitem__,
                          key="dm-revision-batch")
    changes_section(f, chosen)


def changes_section(f: filters.Filters, batch: int) -> None:
    """What load `batch` changed in the scheme's results: the counts, and a screen of the rows
    (year-end totals first, the largest changes first) with a search over every row; the
    export holds every row, read when it is clicked (a large load changes tens of thousands)."""
    counted = data.revision_counts(f.db, batch, f.scheme).row(0, named=True)
    st.caption(revisions.counts_line(counted))
    if not counted["rows"]:
        st.caption("该批次没有改变本方案的任何得分或名次。")
        return
    query = ""
    if counted["rows"] > widgets.SEARCH_FROM:
        query = st.text_input("搜索单位", key="dm-revision-q", placeholder="输入单位名称的一部分",
                              help="在该批次的全部变化中查找;导出包含全部变化。").strip()
    shown = data.revision_rows(f.db, batch, f.scheme, search=query, limit=revisions.SHOWN)
    matched = int(shown["matched"][0]) if shown.height else 0
    if query:
        st.caption(f"「{widgets.md(query)}」匹配 {matched} 行(共 {counted['rows']} 行)。")
    if matched > shown.height:
        st.caption(f"表中显示前 {shown.height} 行(年终总分在前,变化大的在前);"
                   f"另有 {matched - shown.height} 行未显示:可搜索单位,"
                   f"或从「导出」下载全部 {counted['rows']} 行。")
    table = revisions.changes_table(shown)
    db, scheme = f.db, f.scheme
    widgets.show_table(table, name=f"更正记录_批次{batch}", filters=f, key="dm-revisions",
                       height=widgets.table_height(table.height, 15),
                       export=lambda: revisions.changes_export(db, batch, scheme))


def templates_section(f: filters.Filters, clauses: pl.DataFrame, targets: pl.DataFrame) -> None:
    """导入模板: one download button per import template the scheme needs, built on click."""
    st.subheader("导入模板")
    kinds = ["units", "yearend"]
    if f.info.get("has_content"):
        kinds.insert(1, "content")
    if not clauses.is_empty():
        kinds.append("adjustments")
    if not targets.is_empty():
        kinds.append("metrics")
    st.caption("空白模板带本方案的单位和指标编号下拉列表;"
               "填写后用 `egov ingest` 导入(全部通过才写入)。")
    cols = st.columns(len(kinds))
    for col, kind in zip(cols, kinds, strict=True):
        db, scheme_id = f.db, f.scheme
        col.download_button(
            f"{TEMPLATE_KINDS[kind]}模板",
            data=lambda k=kind, d=db, s=scheme_id: template_bytes(d, s, k),
            file_name=f"{scheme_id}_{TEMPLATE_KINDS[kind]}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"dm-tpl-{kind}", on_click="ignore", icon=":material/download:", width="stretch",
        )
    missing = [TEMPLATE_KINDS[k] for k in TEMPLATE_KINDS if k not in kinds]
    if missing:
        st.caption(f"本方案不需要的模板: {'、'.join(missing)}(方案中没有相应的阶段、条款或目标)。")


def scheme_section(f: filters.Filters) -> None:
    """考核方案: the scheme's name and documents, its stages, rubrics with their first-level
    categories, and grade bands."""
    st.subheader("考核方案")
    st.markdown(f"**{widgets.md(f.info.get('name', ''))}**  \n{widgets.md(f.jurisdiction)} · "
                f"{f.info.get('year', '')}年 · 文件: {widgets.md(f.info.get('documents', ''))} · "
                f"满分 {f.info.get('total_points', 100):g} 分")
    stages = data.stages(f.db, f.scheme).select(
        pl.col("name").alias("考评阶段"),
        pl.col("basis").replace({"content": "按月内容保障计分", "rubric": "评分细则"})
        .alias("依据"),
        pl.col("weight").alias("权重"), pl.col("max_points").alias("满分"),
    )
    widgets.show_table(stages, name="考评阶段", filters=f, key="dm-stages")

    cats = data.rubric_categories(f.db, f.scheme)
    st.markdown("**评分细则与一级指标**")
    # A scheme written in weights (an index) shows them as written (2/3), beside the points they
    # make of the rubric's scale; a scheme in points has no 权重 column.
    weights = ([pl.col("weight").alias("权重")]
               if "weight" in cats.columns and cats["weight"].is_not_null().any() else [])
    widgets.show_table(
        cats.select(pl.col("rubric_name").alias("评分细则"),
                    pl.col("unit_types").alias("适用单位类型"),
                    pl.col("category").alias("一级指标"), *weights,
                    pl.col("max_points").alias("分值")),
        name="评分细则与一级指标", filters=f, key="dm-cats",
    )

    grades = data.grades(f.db, f.scheme)
    st.markdown("**考核等次**")
    if grades.is_empty():
        st.caption("本方案没有规定考核等次,只排名次。")
    else:
        bands = [f"{m:g}分及以上" if m is not None else "低于上一等次"
                 for m in grades["min_points"].to_list()]
        widgets.show_table(pl.DataFrame({"等次": grades["grade"], "分数线": bands}),
                           name="考核等次", filters=f, key="dm-grades")


def clauses_section(f: filters.Filters, clauses: pl.DataFrame) -> None:
    """加分与减分条款, where the scheme has any."""
    if clauses.is_empty():
        return
    st.markdown("**加分与减分条款**")
    widgets.show_table(
        clauses.select(pl.col("kind").alias("类别"), pl.col("clause").alias("条款"),
                       pl.col("text").alias("内容"), pl.col("level").alias("级别"),
                       pl.col("points").alias("分值"), pl.col("source").alias("出处")),
        name="加减分条款", filters=f, key="dm-clauses",
    )


def content_items_section(f: filters.Filters, content_items: pl.DataFrame) -> None:
    """内容保障计分项目 (in an expander), where the scheme scores monthly content."""
    if content_items.is_empty():
        return
    with st.expander(f"内容保障计分项目({content_items.height}项)"):
        widgets.show_table(
            content_items.select(pl.col("item").alias("序号"), pl.col("category").alias("类别"),
                                 pl.col("name").alias("项目"), pl.col("points").alias("分值"),
                                 pl.col("per").alias("计分单位"), pl.col("source").alias("出处")),
            name="内容保障计分项目", filters=f, key="dm-items", height=360,
        )


def targets_section(f: filters.Filters, targets: pl.DataFrame) -> None:
    """年度目标 (保 and 争 with their source and interpretation), where the scheme sets any."""
    if targets.is_empty():
        return
    st.markdown("**年度目标**")
    widgets.show_table(
        targets.select(pl.col("text").alias("目标"), pl.col("floor").alias("保(底线)"),
                       pl.col("stretch").alias("争(争取)"), pl.col("unit").alias("单位"),
                       pl.col("source").alias("出处"), pl.col("interpretation").alias("解释")),
        name="年度目标", filters=f, key="dm-targets",
    )


def interpretations_section(f: filters.Filters) -> None:
    """方案文件中的解释说明: every interpretation the scheme file states, as a table and to read
    one by one."""
    st.subheader("方案文件中的解释说明")
    st.caption("原文没有写明或有歧义之处,方案文件逐条写明所取的理解;计分严格按此执行。")
    notes = data.interpretations(f.db, f.scheme)
    if notes.is_empty():
        st.caption("本方案没有需要解释的条款。")
        return
    widgets.show_table(
        notes.select(pl.col("scope").alias("适用范围"), pl.col("source").alias("原文出处"),
                     pl.col("interpretation").alias("解释")),
        name="解释说明", filters=f, key="dm-notes", height=420, wrap=True,
        column_config={"解释": st.column_config.TextColumn("解释", width="large")},
    )
    with st.expander(f"逐条阅读全部 {notes.height} 条解释"):
        for r in notes.iter_rows(named=True):
            origin = f"  \n:gray[原文出处: {widgets.md(r['source'])}]" if r["source"] else ""
            st.markdown(f"**{widgets.md(r['scope'])}**: {widgets.md(r['interpretation'])}{origin}")


def rules_section(f: filters.Filters) -> None:
    """全部指标的计分规则与原文 (in an expander): every indicator's rule, input columns, seed
    text and interpretation."""
    with st.expander("全部指标的计分规则与原文"):
        rules = data.indicator_rules(f.db, f.scheme)
        leaf_weights = ([pl.col("weight").alias("权重(在所属分组中)")]
                        if rules["weight"].is_not_null().any() else [])
        widgets.show_table(
            rules.select(pl.col("rubric_name").alias("评分细则"), pl.col("code").alias("编号"),
                         pl.col("name").alias("指标"), pl.col("category").alias("一级指标"),
                         *leaf_weights, pl.col("max_points").alias("分值"),
                         pl.col("rule_kind").replace(RULE_KINDS).alias("计分规则"),
                         pl.col("input_columns").alias("录入列"),
                         pl.col("criteria").alias("考核要点/评分细则"),
                         pl.col("source").alias("出处"),
                         pl.col("interpretation").alias("解释")),
            name="指标计分规则", filters=f, key="dm-rules", height=420,
        )


def not_applicable_section(f: filters.Filters) -> None:
    """不适用(豁免)的指标 of the year (issue 20 item 2), where any unit has one."""
    marks = data.not_applicable_marks(f.db, f.scheme, f.year) if f.year else None
    if marks is None or not marks.height:
        return
    st.subheader("不适用(豁免)的指标")
    st.caption("这些单位的这些指标标为不适用(或豁免),不计分;所在分组按方案的规定合成:"
               "「平均」其余指标得分率的简单平均,「按权重折算」其余指标按各自权重折算,"
               "「细则折算」整个细则按其余指标折算。")
    method_zh = {"mean": "平均", "rescale": "按权重折算", "rubric": "细则折算"}
    widgets.show_table(
        marks.select(pl.col("unit").alias("单位"), pl.col("unit_type").alias("单位类型"),
                     pl.col("code").alias("编号"), pl.col("name").alias("指标"),
                     pl.col("group_path").alias("所属分组"),
                     pl.col("not_applicable").replace_strict(method_zh, default="细则折算")
                     .alias("合成方式")),
        name="不适用的指标", filters=f, key="dm-na",
    )


def warning_rules_section() -> None:
    """预警规则: how the 预警 of the overview and the 通报 arise, heaviest first."""
    st.subheader("预警规则")
    st.caption("总览页和通报中的预警按以下规则产生,按后果从重到轻排列。")
    st.markdown("\n".join(f"{i}. {line}" for i, line in enumerate(method_lines(), start=1)))


def main() -> None:
    """The page."""
    f = filters.current()
    widgets.page_header("数据与方法", f)
    clauses = data.clauses(f.db, f.scheme)
    content_items = data.content_items(f.db, f.scheme)
    targets = data.targets(f.db, f.scheme)
    loads_section(f)
    revisions_section(f)
    templates_section(f, clauses, targets)
    scheme_section(f)
    clauses_section(f, clauses)
    content_items_section(f, content_items)
    targets_section(f, targets)
    years_view.changes_section(f)  # what changed since the previous year of the series (issue 17)
    interpretations_section(f)
    rules_section(f)
    not_applicable_section(f)
    warning_rules_section()


main()
