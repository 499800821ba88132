"""Load a scheme file and check it: the shape (pydantic) and every rule that spans fields.

Every problem names the file, the line, the field, the value and what is wrong, in Chinese and
English. A scheme with any problem is refused whole.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import ValidationError

from pipelines.inputs.problems import InputRejected, Problem
from pipelines.rules.registry import RULE_KINDS, kind_of
from pipelines.schemes.model import Indicator, Node, Rubric, Scheme
from pipelines.schemes.tables import node_leaf_sum
from pipelines.schemes.weights import check_weights, weighted
from pipelines.schemes.yaml_files import parse_yaml_checked, read_yaml_file, yaml_line

TOLERANCE = 1e-6


class SchemeRejected(InputRejected):
    """A scheme file with problems (or a scheme the warehouse refuses)."""

    def head(self) -> str:
        n = len(self.problems)
        return (f"方案未通过检查,共 {n} 个问题,未作任何更改。 / "
                f"Scheme rejected: {n} problem(s); nothing was changed.")


SCHEME_FILE = ("方案文件", "a scheme file")


def load_scheme_text(text: str, file: str) -> Scheme:
    """Parse and check scheme YAML; raise SchemeRejected listing every problem."""
    root, data = parse_yaml_checked(text, file, SchemeRejected, SCHEME_FILE)
    if not isinstance(data, dict):
        raise SchemeRejected(
            [Problem(file, None, 1, None, None, "方案文件应为一个映射(键: 值)",
                     "a scheme file must be a mapping of fields")]
        )
    line_of = lambda path: yaml_line(root, path)  # noqa: E731 - a one-line closure
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as err:
        errors = err.errors(include_url=False)
        problems = [_pydantic_problem(file, root, e) for e in errors]
        problems += checks_after_repair(data, errors, file, line_of)
        raise SchemeRejected(problems) from None
    problems = check_scheme(scheme, file, line_of)
    if problems:
        raise SchemeRejected(problems)
    return scheme


def load_scheme_file(path: Path) -> Scheme:
    """Load and check one YAML scheme file (UTF-8, a BOM is tolerated)."""
    return load_scheme_text(read_yaml_file(path, SchemeRejected, SCHEME_FILE), str(path))


BUILTIN_SCHEMES_DIR = Path(__file__).resolve().parents[2] / "schemes"


def load_scheme_dir(directory: Path = BUILTIN_SCHEMES_DIR) -> list[Scheme]:
    """Every scheme file (*.yaml) in a folder, in file-name order; the built-in ones by default."""
    return [load_scheme_file(p) for p in sorted(directory.glob("*.yaml"))]


def ratio_policies(scheme: Scheme) -> list[str]:
    """One line per ratio indicator saying what a numerator above its denominator means, and one
    per rate indicator that accepts an actual rate above 100% (the others refuse it)."""
    from pipelines.schemes.tables import iter_leaves

    lines = []
    for rubric in scheme.rubrics:
        for leaf in iter_leaves(rubric):
            rules = [(leaf.indicator.code, leaf.rule)]
            if leaf.rule.kind == "parts":
                rules = [(f"{leaf.indicator.code} 分项 {p.name}", p.rule) for p in leaf.rule.parts]
            for label, rule in rules:
                if rule.kind == "rate_target" and rule.above_one == "cap":
                    lines.append(f"  比率对标 rate_target {rubric.id} 指标 {label}: 实际值超过100%"
                                 "时接受并按满分计 / an actual rate above 100% is accepted and "
                                 "scores full (above_one: cap)")
                if rule.kind != "ratio":
                    continue
                if rule.above_one == "cap":
                    zh = "分子大于分母时按满分计"
                    en = "a numerator above the denominator scores full"
                else:
                    zh = "分子大于分母时拒收该行"
                    en = "a numerator above the denominator is refused"
                lines.append(f"  比值公式 ratio {rubric.id} 指标 {label}: {zh} / "
                             f"{en} (above_one: {rule.above_one})")
    return lines


# ---------------------------------------------------------------------------------------------


def check_scheme(scheme: Scheme, file: str, line_of=lambda path: None) -> list[Problem]:
    """Cross-field checks: unique codes, sums, unit types, grade bands, stages."""
    problems: list[Problem] = []

    def add(path: tuple, value, zh: str, en: str) -> None:
        shown = None if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        problems.append(Problem(file, None, line_of(path), _dotted(path), shown, zh, en))

    type_names = [u.name for u in scheme.unit_types]
    for name, n in Counter(type_names).items():
        if n > 1:
            add(("unit_types",), name, "单位类型重复", "duplicate unit type")

    covered: Counter[str] = Counter()
    rubric_ids = Counter(r.id for r in scheme.rubrics)
    for ri, rubric in enumerate(scheme.rubrics):
        rp = ("rubrics", ri)
        if rubric_ids[rubric.id] > 1:
            add((*rp, "id"), rubric.id, "评分细则 id 重复", "duplicate rubric id")
        for ti, ut in enumerate(rubric.unit_types):
            covered[ut] += 1
            if ut not in type_names:
                add((*rp, "unit_types", ti), ut, "未在 unit_types 中声明的单位类型",
                    "unit type not declared in unit_types")
        # Each leaf is reported at its own path, so the YAML line (or workbook row) is the
        # duplicate itself, not the top of the rubric.
        leaves = list(_leaf_paths(rubric, rp))
        first_path: dict[str, tuple] = {}
        for leaf, path in leaves:
            code = leaf.code
            if code in first_path:
                add((*path, "code"), code,
                    f"指标编号 {code} 重复(同一评分细则内已有此编号)",
                    f"indicator code {code} is used twice in this rubric")
            else:
                first_path[code] = path
        total = sum(c.max_points if isinstance(c, Indicator) else node_leaf_sum(c)
                    for c in rubric.categories)
        check_weights(rubric.categories, (*rp, "categories"), rubric.name, add)
        # Weighted categories are the rubric's points by construction (their sum is checked).
        if abs(total - rubric.max_points) > TOLERANCE and not weighted(rubric.categories):
            add((*rp, "max_points"), rubric.max_points,
                f"各指标分值合计 {total:g},与评分细则总分 {rubric.max_points:g} 不符",
                f"leaves sum to {total:g}, not the rubric's stated {rubric.max_points:g}")
        # A top-level scored item (flat index) stands as a 一级指标 of its own name (or code).
        names = Counter(_top_name(c) for c in rubric.categories)
        for ci, category in enumerate(rubric.categories):
            if names[_top_name(category)] > 1:
                add((*rp, "categories", ci, "name" if isinstance(category, Node) else "code"),
                    _top_name(category),
                    "同一评分细则下一级指标名称重复", "two categories of this rubric share a name")
            if isinstance(category, Node):
                _check_node(category, (*rp, "categories", ci), add)
        for leaf, path in leaves:
            rule_path = (*path, "rule") if leaf.rule is not None else path
            _check_rule(leaf, leaf.rule or rubric.default_rule, rubric, add, rule_path)
    for ut in type_names:
        if covered[ut] == 0:
            add(("unit_types",), ut, "该单位类型没有适用的评分细则",
                "no rubric applies to this unit type")
        elif covered[ut] > 1:
            add(("unit_types",), ut, "该单位类型适用多个评分细则",
                "more than one rubric applies to this unit type")

    stage_ids = Counter(s.id for s in scheme.stages)
    for si, stage in enumerate(scheme.stages):
        if stage_ids[stage.id] > 1:
            add(("stages", si, "id"), stage.id, "考评阶段 id 重复", "duplicate stage id")
    weights = sum(s.weight for s in scheme.stages)
    if abs(weights - 1) > TOLERANCE:
        add(("stages",), f"{weights:g}", "各考评阶段权重之和应为 1", "stage weights must sum to 1")
    bases = Counter(s.basis for s in scheme.stages)
    if bases["rubric"] != 1:
        add(("stages",), None, "须有且只有一个 basis: rubric 的阶段",
            "exactly one stage must have basis: rubric")
    if bases["content"] > 1:
        add(("stages",), None, "最多一个 basis: content 的阶段",
            "at most one stage may have basis: content")
    if bases["content"] and scheme.content is None:
        add(("stages",), "content", "有平时(content)阶段却没有 content 定义",
            "a content stage needs a `content` section")
    if scheme.content is not None:
        if not bases["content"]:
            add(("content",), None, "定义了 content 却没有 basis: content 的阶段",
                "`content` needs a stage with basis: content")
        numbers = Counter(it.number for it in scheme.content.items)
        for number, n in numbers.items():
            if n > 1:
                add(("content", "items"), number, "内容保障项目序号重复",
                    "duplicate content item number")
        steps = scheme.content.full_mark.excess_step_by_unit_type
        for ut in type_names:
            if ut not in steps:
                add(("content", "full_mark", "excess_step_by_unit_type"), ut,
                    "缺少该单位类型的超额加分步长", "no excess step for this unit type")
        for ut, step in steps.items():
            if ut not in type_names:
                add(("content", "full_mark", "excess_step_by_unit_type"), ut,
                    "未声明的单位类型", "unit type not declared in unit_types")
            if step <= 0:
                add(("content", "full_mark", "excess_step_by_unit_type", ut), step,
                    "步长须大于 0", "the step must be above 0")

    if scheme.grades is not None:
        bands = scheme.grades.bands
        for i, band in enumerate(bands):
            path = ("grades", "bands", i, "min")
            last = i == len(bands) - 1
            if last and band.min is not None:
                add(path, band.min, "最低等次的下限应为空(null),否则低于它的总分无等次",
                    "the lowest band must have min: null, or totals below it get no grade (a gap)")
            if not last and band.min is None:
                add(path, None, "只有最低等次可以没有下限", "only the lowest band may have no min")
            if i > 0 and band.min is not None and bands[i - 1].min is not None \
                    and band.min >= bands[i - 1].min:
                add(path, band.min, "等次下限须从高到低严格递减",
                    "band minimums must strictly decrease, best first")
        names = Counter(b.name for b in bands)
        for name, n in names.items():
            if n > 1:
                add(("grades", "bands"), name, "等次名称重复", "duplicate grade name")

    if scheme.adjustments is not None:
        keys = Counter((c.kind, c.number) for c in scheme.adjustments.clauses)
        for (kind, number), n in keys.items():
            if n > 1:
                add(("adjustments", "clauses"), f"{kind}{number}", "加减分条款编号重复",
                    "duplicate clause number for this kind")

    codes = Counter(t.code for t in scheme.targets)
    for ti, t in enumerate(scheme.targets):
        if codes[t.code] > 1:
            add(("targets", ti, "code"), t.code, "目标代码重复", "duplicate target code")
        if t.stretch is not None:
            better = t.stretch > t.floor if t.direction == "higher_better" else t.stretch < t.floor
            if not better and t.stretch != t.floor:
                add(("targets", ti, "stretch"), t.stretch, "争取目标应优于保底目标",
                    "the stretch level must be better than the floor")
    return problems


# Parts whose removal changes no sum, code or unit type: a leaf's rule (the rubric's default
# applies instead) and descriptive text. A shape error inside one of them does not stop the
# cross-field checks, so one bad rule does not hide a duplicate code elsewhere.
_SET_ASIDE = frozenset({
    "rule", "default_rule", "source", "interpretation", "criteria", "scoring_text",
    "lead_office", "supporting_offices", "assessing_bodies", "evidence", "description", "seed",
})


def checks_after_repair(data: object, errors: list[dict], file: str,
                        line_of: Callable[[tuple], int | None] = lambda path: None
                        ) -> list[Problem]:
    """Cross-field problems of a scheme that failed validation, where that is still possible.

    Each failing part that can be set aside (see _SET_ASIDE, or an unknown field) is removed
    and the scheme validated again; if that succeeds, its cross-field problems are returned,
    except rule checks on leaves whose own rule was set aside (they would judge the default
    rule instead). Otherwise, and when nothing can be set aside, returns [].
    """
    if not isinstance(data, dict):
        return []
    repaired = copy.deepcopy(data)
    set_aside: list[tuple] = []
    for error in errors:
        path = error_path(error)
        if error["type"] == "extra_forbidden":
            cut = len(path)
        else:
            cut = next((i + 1 for i in range(len(path) - 1, -1, -1)
                        if path[i] in _SET_ASIDE), None)
        if cut is None:
            return []
        set_aside.append(path[:cut])
        _remove(repaired, path[:cut])
    try:
        scheme = Scheme.model_validate(repaired)
    except ValidationError:
        return []
    skip = set()
    for path in set_aside:
        if path[-1] == "rule":
            skip |= {_dotted(path), _dotted(path[:-1])}
    return [p for p in check_scheme(scheme, file, line_of) if p.column not in skip]


def _remove(data: object, path: tuple) -> None:
    node = data
    for part in path[:-1]:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, dict):
        node.pop(path[-1], None)


def _leaf_paths(rubric: Rubric, rubric_path: tuple) -> Iterator[tuple[Indicator, tuple]]:
    """Every leaf of a rubric with its path in the file (rubrics.i.categories.j.children.k...)."""

    def walk(node: Node, path: tuple) -> Iterator[tuple[Indicator, tuple]]:
        for i, child in enumerate(node.children):
            if isinstance(child, Indicator):
                yield child, (*path, "children", i)
            else:
                yield from walk(child, (*path, "children", i))

    for ci, category in enumerate(rubric.categories):
        if isinstance(category, Indicator):  # a flat index: a scored item at the top
            yield category, (*rubric_path, "categories", ci)
        else:
            yield from walk(category, (*rubric_path, "categories", ci))


def _top_name(category: Node | Indicator) -> str:
    """A category's name; a top-level scored item's name (or code), as the tables show it."""
    if isinstance(category, Node):
        return category.name
    return category.name or category.code


def _check_node(node: Node, path: tuple, add) -> None:
    check_weights(node.children, (*path, "children"), node.name, add)
    if node.max_points is not None and not weighted(node.children):
        total = node_leaf_sum(node)
        if abs(total - node.max_points) > TOLERANCE:
            add((*path, "max_points"), node.max_points,
                f"「{node.name}」下属指标分值合计 {total:g},与其分值 {node.max_points:g} 不符",
                f"the leaves under '{node.name}' sum to {total:g}, not its {node.max_points:g}")
    # Two sibling groups with one name would be one group in the warehouse (its path is the key).
    names = Counter(c.name for c in node.children if isinstance(c, Node))
    for i, child in enumerate(node.children):
        if isinstance(child, Node):
            if names[child.name] > 1:
                add((*path, "children", i, "name"), child.name,
                    f"「{node.name}」下有同名的下级指标分组",
                    f"two groups under '{node.name}' share a name")
            _check_node(child, (*path, "children", i), add)


def _check_rule(ind: Indicator, rule, rubric, add, where: tuple) -> None:
    """Rule parameters that contradict the leaf's max points (or are implausible): each kind
    checks its own (pipelines/rules/kinds/)."""
    kind_of(rule).check(rule, ind.max_points, ind.code, add, where)


# ---------------------------------------------------------------------------------------------


def _pydantic_problem(file: str, root, error: dict) -> Problem:
    loc = error_path(error)
    zh, en = explain_error(error)
    return Problem(file, None, yaml_line(root, loc), _dotted(loc), error_value(error), zh, en)


def error_path(error: dict) -> tuple:
    """A pydantic error's location as a path in the scheme file (union tags removed)."""
    return tuple(p for p in error["loc"] if p not in ("node", "leaf") and not _is_tag(p))


def error_value(error: dict) -> str | None:
    """The offending value as text, or None for a whole mapping or list."""
    value = error.get("input")
    return None if isinstance(value, dict | list) or value is None else str(value)


def explain_error(error: dict) -> tuple[str, str]:
    """What a pydantic error means, in Chinese and English."""
    return _explain(error)


def _is_tag(part) -> bool:
    return isinstance(part, str) and part in RULE_KINDS


def _explain(error: dict) -> tuple[str, str]:
    kind = error["type"]
    msg = error["msg"]
    if kind == "missing":
        return "缺少必填字段", "missing required field"
    if kind == "extra_forbidden":
        return "未知字段(拼写错误?)", "unknown field (a typo?)"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return ("未知或缺少的计分规则 kind;可用: " + ", ".join(RULE_KINDS) + "(分项不能再含分项)",
                f"unknown or missing rule kind: {msg}")
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return f"数值超出允许范围: {msg}", f"value out of range: {msg}"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return "应为数字", f"a number is expected: {msg}"
    if kind == "finite_number":
        return ("应为有限的数值(不接受 .inf、.nan 或超出范围的数)",
                "a finite number is expected (.inf, .nan and numbers out of range are refused)")
    if kind == "too_short":
        return "不能为空", f"must not be empty: {msg}"
    if kind == "value_error":
        # Our validators say both languages, "中文 / English"; pydantic prefixes "Value error, ".
        text = str(error.get("ctx", {}).get("error", msg))
        first, sep, second = text.partition(" / ")
        if sep:
            chinese = any("\u4e00" <= ch <= "\u9fff" for ch in first)
            return (first, second) if chinese else (second, first)
    if kind == "literal_error":
        return f"取值无效: {msg}", f"invalid value: {msg}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "此处应为映射(键: 值),不是列表或文字", "a mapping (key: value) is expected here"
    if kind in ("list_type", "tuple_type"):
        return "此处应为列表(- 项)", "a list (- item) is expected here"
    if kind == "string_type":
        return "此处应为文字,不是列表或映射", "text is expected here, not a list or a mapping"
    if kind == "string_pattern_mismatch":
        field = str(error["loc"][-1]) if error.get("loc") else "id"
        return (f"{field} 只能用小写字母、数字和连字符(以字母或数字开头)",
                f"{field} may only use lowercase letters, digits and '-' (starting with a letter "
                "or digit)")
    return f"无效: {msg}", f"invalid: {msg}"


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path) if path else ""
