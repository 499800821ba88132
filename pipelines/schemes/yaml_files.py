"""YAML files a user gives us, read safely: the size limit and UTF-8 (`read_yaml_file`), the
document parsed once with its aliases bounded by max_yaml_nodes (`parse_yaml_checked`), and the
line of a path in it for a problem's report (`yaml_line`).

Scheme files (`pipelines/schemes/checks.py`) and the 通报's settings.yaml
(`pipelines/notice/settings.py`) are read through it. It stands apart from the scheme checks so
that reading settings.yaml (every 通报 and 反馈单) does not import the scheme models.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.inputs import limits
from pipelines.inputs.problems import InputRejected, Problem


def parse_yaml_checked(text: str, file: str, rejected: type[InputRejected],
                       what: tuple[str, str]) -> tuple[yaml.Node | None, object]:
    """YAML text parsed once, under the max_yaml_nodes limit: the node tree (for line numbers,
    see yaml_line) and the data. A syntax error or aliases that expand past the limit raise
    `rejected` with one problem naming the file and line; `what` names the kind of file in
    Chinese and English ("方案文件", "a scheme file")."""
    try:
        return _parse_yaml(text)
    except TooManyNodes as err:
        raise rejected([Problem(
            file, None, err.line, None, f"{err.nodes:,}",
            f"YAML 别名(&/*)展开后的节点过多:超过 {err.limit:,} 个 (设置 setting "
            f"{limits.ENV['max_yaml_nodes']});{what[0]}不需要这样的结构",
            f"the YAML aliases (&/*) expand to more than {err.limit:,} nodes (setting "
            f"{limits.ENV['max_yaml_nodes']}); {what[1]} needs nothing like it",
        )]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise rejected(
            [
                Problem(
                    file, None, mark.line + 1 if mark else None, None, None,
                    f"YAML 语法错误: {getattr(err, 'problem', err)}",
                    f"YAML syntax error: {getattr(err, 'problem', err)}",
                )
            ]
        ) from None


# libyaml's loader is about ten times faster than the pure-Python one; every command loads the
# built-in schemes, so it matters. Both give nodes with line marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TooManyNodes(yaml.YAMLError):
    """A YAML document whose aliases expand to more nodes than the max_yaml_nodes limit."""

    def __init__(self, nodes: int, limit: int, line: int | None):
        self.nodes, self.limit, self.line = nodes, limit, line
        super().__init__(f"{nodes} nodes after expanding aliases, over the limit of {limit}")


def _parse_yaml(text: str) -> tuple[yaml.Node | None, object]:
    """Parse once: the node tree (for line numbers) and the data built from it.

    The node graph is composed first (an alias is one shared node, so this stays as small as
    the text) and measured as the tree it would expand to; past the max_yaml_nodes limit the
    document is refused before anything is built or validated from it (a "billion laughs"
    file of 1 KB expands to millions of nodes).
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            limit = limits.current().max_yaml_nodes
            nodes = expanded_size(root, limit)
            if nodes > limit:
                raise TooManyNodes(nodes, limit, root.start_mark.line + 1)
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return root, data


def expanded_size(root: yaml.Node, stop: int) -> int:
    """How many nodes the document holds once every alias is expanded (counting stops early,
    past `stop`). Shared nodes are measured once: linear in the composed graph."""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in size and not children_done:
            continue
        children = _children(node)
        if not children_done:
            size[key] = -1  # in progress (a recursive alias points back here)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        total = 1 + sum(max(size.get(id(c), 0), 0) for c in children)
        size[key] = min(total, stop + 1)
    return size[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_yaml_file(path: Path, rejected: type[InputRejected], what: tuple[str, str]) -> str:
    """The text of a YAML file a user gives us (UTF-8, a BOM tolerated), refused with `rejected`
    when it is larger than the max_scheme_mb limit or not UTF-8; `what` names the kind of file
    ("方案文件", "a scheme file")."""
    allowed = limits.current().max_scheme_mb
    size = path.stat().st_size
    if size > allowed * limits.MB:
        raise rejected([Problem(
            str(path), None, None, None, f"{size / limits.MB:.1f} MB",
            f"{what[0]}过大:上限为 {allowed} MB (设置 setting {limits.ENV['max_scheme_mb']})",
            f"{what[1]} is too large: the limit is {allowed} MB (setting "
            f"{limits.ENV['max_scheme_mb']})")])
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise rejected([Problem(str(path), None, None, None, None,
                                f"{what[0]}须为 UTF-8 编码的文本",
                                f"{what[1]} must be UTF-8 text")]) from None


def yaml_line(root: yaml.Node | None, path: tuple) -> int | None:
    """The 1-based line of the YAML node at this path (or of its nearest ancestor)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
              and 0 <= part < len(node.value)):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
