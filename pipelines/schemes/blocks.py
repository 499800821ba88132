"""Repeated blocks (issue 20 item 4): an indicator set measured for each of several items.

A published index often measures the same indicators once per item (each of nine life events,
each service area, each sub-unit). A scheme writes such a set once, on a group, with the list of
items:

    - name: 用户中心
      weight: 1/2
      repeat: {items: [出生, 就业, 创业], label: 生命事件}
      children:
        - {code: "1", name: 在线可用, weight: 1/2}
        - {code: "2", name: 移动适配, weight: 1/2}

and the loader expands it (`children_of`): the group's children become one group per item
(named by the item, each an equal share of the group: its points / n), each holding a copy of the
written children with their points / n and codes `<code>·<item>` («1·出生»). The 年终评分 row
names the indicator by its written code and the item in the 项目 [item] column. Scores roll up per
item (the item groups: `egov scores --levels`, the pages' groups) and per indicator over the items
(the view `repeated_indicator_scores`). The written form stays as written (export, the workbook,
`egov scheme check` read it); everything that walks the tree to score it reads `children_of`.
"""

from __future__ import annotations

from typing import Any

ITEM_SEPARATOR = "·"

# id(node) -> (node, its expanded children): the expansion is made once per validated node (the
# models are frozen; the node is kept with its entry so that its id is never reused).
_EXPANDED: dict[int, tuple[Any, list]] = {}
# id(expanded leaf) -> (leaf, written code, item)
_ITEM_OF: dict[int, tuple[Any, str, str]] = {}


def expanded_code(code: str, item: str) -> str:
    """The code of an indicator's copy for one item: «1·出生»."""
    return f"{code}{ITEM_SEPARATOR}{item}"


def children_of(node: Any) -> list:
    """A group's children as scored: its written children, or for a repeated block one group
    per item holding a copy of them (points / number of items, codes `<code>·<item>`)."""
    repeat = getattr(node, "repeat", None)
    if repeat is None:
        return node.children
    found = _EXPANDED.get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    group = type(node)  # the model's Node; not imported, as the model imports this module

    n = len(repeat.items)
    points = node.max_points if node.max_points is not None else _leaf_sum(node.children)
    expanded = [
        group(name=item, max_points=points / n, aggregation=node.aggregation,
             not_applicable=node.not_applicable,
             children=[_copy(child, item, n) for child in node.children])
        for item in repeat.items
    ]
    _EXPANDED[id(node)] = (node, expanded)
    return expanded


def item_of(leaf: Any) -> tuple[str, str] | None:
    """(written code, item) of an expanded indicator, None for any other."""
    found = _ITEM_OF.get(id(leaf))
    return (found[1], found[2]) if found is not None and found[0] is leaf else None


def _copy(child: Any, item: str, n: int) -> Any:
    if hasattr(child, "code"):
        leaf = child.model_copy(update={"code": expanded_code(child.code, item),
                                        "max_points": child.max_points / n})
        _ITEM_OF[id(leaf)] = (leaf, child.code, item)
        return leaf
    points = child.max_points / n if child.max_points is not None else None
    return child.model_copy(update={"max_points": points,
                                    "children": [_copy(c, item, n) for c in child.children]})


def _leaf_sum(children: list) -> float:
    return sum(c.max_points if hasattr(c, "code") else
               (c.max_points if c.max_points is not None else _leaf_sum(c.children))
               for c in children)


def check_items(items: list[str]) -> list[str]:
    """The items as written, refused (ValueError, Chinese and English) when the list is empty or
    names an item twice."""
    if not items:
        raise ValueError("重复指标块的项目列表为空;请列出各项目(如各生命事件) / the repeated "
                         "block's item list is empty: list its items (each life event ...)")
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"重复指标块的项目「{item}」写了两次 / the repeated block names the "
                             f"item '{item}' twice")
        if ITEM_SEPARATOR in item:
            raise ValueError(f"项目名称「{item}」不能含「{ITEM_SEPARATOR}」 / an item's name "
                             f"cannot contain '{ITEM_SEPARATOR}'")
        seen.add(item)
    return items
