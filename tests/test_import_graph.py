"""The import graph of the project's packages: no module imports itself through others (an import
circle), whether at the top of a module or inside a function; imports under `TYPE_CHECKING` are
types only and do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGES = ("pipelines", "warehouse", "dashboard", "egov")


def modules(packages: tuple[str, ...], root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every module of these packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The known modules `name` imports anywhere in its file (the nearest known package of an
    imported name that is not itself a module)."""
    named: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                named.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = name.split(".") if path.name == "__init__.py" else \
                        name.split(".")[:-1]
                    package = package[:len(package) - child.level + 1]
                    base = ".".join([*package, *([child.module] if child.module else [])])
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    named.add(full if full in known else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    out = set()
    for module in named:
        while module and module not in known:
            module = module.rpartition(".")[0]
        if module and module != name:
            out.add(module)
    return out


def graph(packages: tuple[str, ...], root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of these packages it imports."""
    known = modules(packages, root)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_no_import_circle():
    """Among pipelines/, warehouse/, dashboard/ and egov/."""
    assert circles(graph(PACKAGES)) == []


@pytest.mark.parametrize("source", [
    # top-level, inside a function, and across three modules
    {"a": "import pkg.b", "b": "import pkg.a"},
    {"a": "def f():\n    from pkg.b import x", "b": "from pkg.a import y"},
    {"a": "from pkg.b import x", "b": "from pkg import c", "c": "import pkg.a"},
])
def test_a_circle_is_found(tmp_path, source):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for name, text in source.items():
        (tmp_path / "pkg" / f"{name}.py").write_text(text + "\n")
    assert circles(graph(("pkg",), tmp_path)) == [sorted(f"pkg.{n}" for n in source)]


def test_imports_for_types_only_are_no_circle(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("import pkg.b\n")
    (tmp_path / "pkg" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n")
    assert circles(graph(("pkg",), tmp_path)) == []


def test_warehouse_imports_nothing_of_the_pipelines_or_the_dashboard():
    """The warehouse is imported (by pipelines, dashboard and CLI), never the other way."""
    edges = graph(("pipelines", "warehouse", "dashboard", "egov"))
    wrong = sorted((a, b) for a, targets in edges.items() if a.split(".")[0] == "warehouse"
                   for b in targets if b.split(".")[0] != "warehouse")
    assert wrong == []
