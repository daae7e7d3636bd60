"""The package's import rules (docs/architecture.md), checked by walking ``ast`` over every module.

Every import counts: at top level, inside functions, under ``TYPE_CHECKING``, relative ones
(resolved), and modules loaded by name (``importlib.import_module``/``__import__``, which must
name a literal so the rule can be checked at all).  ``TYPE_CHECKING``-only imports never run, so
they are left out of the cycle check, but a wing may not even name another wing for types.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = "schedulelib"

#: What each wing may import (besides itself).  ``root`` is ``schedulelib/__init__.py`` (it
#: re-exports from every wing), ``main`` is ``__main__.py`` (it starts the command line).
ALLOWED: dict[str, frozenset[str]] = {
    "_support": frozenset({"_support"}),
    "core": frozenset({"core", "_support"}),
    "lint": frozenset({"lint", "core", "_support"}),
    "preview": frozenset({"preview", "core", "_support"}),
    "workspace": frozenset({"workspace", "core", "_support"}),
    "cli": frozenset({"cli", "lsp", "root", "core", "lint", "preview", "workspace", "_support"}),
    "lsp": frozenset({"lsp", "root", "core", "lint", "preview", "workspace", "_support"}),
    "root": frozenset({"root", "core", "lint", "preview", "workspace", "_support"}),
    "main": frozenset({"cli"}),
}

@dataclass(frozen=True)
class Edge:
    """One import of ``target`` (a module of the package) by ``source``."""

    source: str
    target: str
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``: never executed
    names: tuple[str, ...] = ()  # ``from target import names``

    def __str__(self) -> str:
        what = f" ({', '.join(self.names)})" if self.names else ""
        kind = " [TYPE_CHECKING]" if self.type_only else ""
        return f"{self.source}:{self.line} -> {self.target}{what}{kind}"


@dataclass
class Graph:
    modules: dict[str, Path]
    edges: list[Edge]
    dynamic: list[str]  # import by a name that is not a literal: the rule cannot be checked
    private: list[str]  # a cli module using a private name of a sibling cli module


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``, by dotted name."""
    found: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, type_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below ``node``, each with whether it sits under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield child, type_only
            for part in child.body:
                yield part, True
                yield from _walk(part, True)
            for part in child.orelse:
                yield part, type_only
                yield from _walk(part, type_only)
            continue
        yield child, type_only
        yield from _walk(child, type_only)


def _is_dynamic_import(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""
    return name in {"import_module", "__import__"}


def build(root: Path, package: str = PACKAGE) -> Graph:
    """The import graph of ``package`` (sources under ``root``), edges inside it only."""
    modules = module_names(root, package)
    graph = Graph(modules, [], [], [])

    def target_of(name: str) -> str | None:
        # The longest prefix of ``name`` that is a module of the package.
        parts = name.split(".")
        while parts:
            if ".".join(parts) in modules:
                return ".".join(parts)
            parts.pop()
        return None

    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        sibling_modules: dict[str, str] = {}  # local name -> a cli module it is bound to
        for node, type_only in _walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = target_of(alias.name)
                    if target is not None:
                        graph.edges.append(Edge(name, target, node.lineno, type_only))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")
                    if not is_package:
                        base.pop()
                    base = base[:len(base) - (node.level - 1)]
                    absolute = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    absolute = node.module or ""
                if target_of(absolute) is None:
                    continue
                plain: list[str] = []
                for alias in node.names:
                    sub = f"{absolute}.{alias.name}"
                    if sub in modules:  # ``from pkg import module``
                        graph.edges.append(Edge(name, sub, node.lineno, type_only))
                        sibling_modules[alias.asname or alias.name] = sub
                    else:
                        plain.append(alias.name)
                if plain:
                    target = target_of(absolute)
                    assert target is not None
                    graph.edges.append(Edge(name, target, node.lineno, type_only, tuple(plain)))
                    _private_from_sibling(graph, name, target, node.lineno, plain)
            elif isinstance(node, ast.Call) and _is_dynamic_import(node):
                arg = node.args[0] if node.args else None
                anchor = next((k.value for k in node.keywords if k.arg == "package"),
                              node.args[1] if len(node.args) > 1 else None)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and \
                        arg.value.startswith("."):
                    # import_module(".x", package="schedulelib.core"): resolved as Python does.
                    if not (isinstance(anchor, ast.Constant) and isinstance(anchor.value, str)):
                        graph.dynamic.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
                        continue
                    dots = len(arg.value) - len(arg.value.lstrip("."))
                    base = anchor.value.split(".")
                    base = base[:len(base) - (dots - 1)]
                    arg = ast.Constant(".".join([*base, arg.value[dots:]]).rstrip("."))
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    target = target_of(arg.value)
                    if target is not None:
                        graph.edges.append(Edge(name, target, node.lineno, type_only))
                else:
                    graph.dynamic.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
        for node, _ in _walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in sibling_modules):
                _private_from_sibling(graph, name, sibling_modules[node.value.id],
                                      node.lineno, [node.attr])
    return graph


def _private_from_sibling(graph: Graph, source: str, target: str, line: int,
                          names: list[str]) -> None:
    cli = f"{PACKAGE}.cli."
    if source.startswith(cli) and target.startswith(cli) and source != target:
        for n in names:
            if n.startswith("_") and not n.startswith("__"):
                graph.private.append(f"{source}:{line} uses {target}.{n}")


def wing(module: str, package: str = PACKAGE) -> str:
    """The wing of ``module``: the first part below the package (``root`` for the package)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    return "main" if parts[1] == "__main__" else parts[1]


def wing_breaks(graph: Graph) -> list[Edge]:
    """Every edge the import rules forbid (TYPE_CHECKING-only ones included)."""
    broken = []
    for edge in graph.edges:
        source, target = wing(edge.source), wing(edge.target)
        if target not in ALLOWED.get(source, frozenset()):
            broken.append(edge)
    return broken


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing
    itself), over the imports that run: Tarjan's algorithm, iterative."""
    succ: dict[str, set[str]] = {m: set() for m in graph.modules}
    for edge in graph.edges:
        if not edge.type_only:
            succ[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(succ):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(succ[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(succ[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in succ[node]:
                        found.append(sorted(component))
    return sorted(found)


def describe(graph: Graph, component: list[str]) -> str:
    """A cycle's modules and the edges that join them."""
    members = set(component)
    edges = [str(e) for e in graph.edges if not e.type_only and e.source in members
             and e.target in members]
    return "cycle " + " <-> ".join(component) + "\n    " + "\n    ".join(edges)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build(ROOT)


# -- the package ----------------------------------------------------------------------------------


def test_every_module_is_in_a_wing(graph: Graph) -> None:
    """No module sits outside the wings (a new top-level module would escape every rule)."""
    strays = sorted(m for m in graph.modules if wing(m) not in ALLOWED)
    assert not strays, f"modules outside the wings: {strays}"


def test_wings_import_only_what_they_may(graph: Graph) -> None:
    """core -> core/_support; lint, preview, workspace -> core/_support and themselves; nothing
    but __main__ (and cli itself) imports cli."""
    broken = wing_breaks(graph)
    assert not broken, "imports that break the wing rules:\n" + "\n".join(map(str, broken))


def test_no_module_is_loaded_by_a_computed_name(graph: Graph) -> None:
    """import_module/__import__ with anything but a literal would hide an import from the rules."""
    assert not graph.dynamic, "imports by a computed name:\n" + "\n".join(graph.dynamic)


def test_commands_share_helpers_through_common_not_private_names(graph: Graph) -> None:
    """A cli module never reaches for a private name of a sibling (cli/_common.py is for that)."""
    assert not graph.private, "private names taken from a sibling:\n" + "\n".join(graph.private)


def test_no_cycle_at_all(graph: Graph) -> None:
    """No import cycle anywhere, counting the imports inside functions."""
    found = cycles(graph)
    assert not found, "\n".join(describe(graph, c) for c in found)


def test_the_walk_sees_the_whole_package(graph: Graph) -> None:
    """A sanity floor: the walk found the wings and the imports inside functions."""
    assert {wing(m) for m in graph.modules} >= {"root", "main", "_support", "core", "lint",
                                                 "preview", "workspace", "cli"}
    # cli/main.py imports each command inside _load(): those edges must be seen.
    loaded = {e.target for e in graph.edges if e.source == f"{PACKAGE}.cli.main"}
    assert {f"{PACKAGE}.cli.validate", f"{PACKAGE}.cli.calendar"} <= loaded


# -- the checker itself, on small made-up packages ------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Graph:
    for rel, text in files.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for wing_name in ("core", "lint", "preview", "cli", "_support"):
        init = tmp_path / PACKAGE / wing_name / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text("", encoding="utf-8")
    (tmp_path / PACKAGE / "__init__.py").touch()
    return build(tmp_path)


@pytest.mark.parametrize(("source", "expected"), [
    ("from schedulelib.lint.x import y\n", "schedulelib.core.a:1 -> schedulelib.lint.x (y)"),
    ("def f():\n    from schedulelib.preview import x\n",
     "schedulelib.core.a:2 -> schedulelib.preview.x"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from schedulelib.lint import x\n",
     "schedulelib.core.a:3 -> schedulelib.lint.x [TYPE_CHECKING]"),
    ("from ...lint.x import y\n", None),  # beyond the top: not part of the package
    ("from ..lint.x import y\n", "schedulelib.core.a:1 -> schedulelib.lint.x (y)"),
    ("import schedulelib.cli.main as m\n", "schedulelib.core.a:1 -> schedulelib.cli.main"),
    ("import importlib\nimportlib.import_module('schedulelib.lint.x')\n",
     "schedulelib.core.a:2 -> schedulelib.lint.x"),
    ("__import__('schedulelib.preview.x')\n", "schedulelib.core.a:1 -> schedulelib.preview.x"),
    ("from importlib import import_module\nimport_module('..lint.x', package='schedulelib.core')\n",
     "schedulelib.core.a:2 -> schedulelib.lint.x"),
    ("from schedulelib import check\n", "schedulelib.core.a:1 -> schedulelib (check)"),
    ("from schedulelib.core import b\nfrom schedulelib._support import c\n", None),
], ids=["top-level", "in-function", "type-checking", "relative-too-far", "relative",
        "import-as", "import-module", "dunder-import", "import-module-relative", "the-root",
        "allowed"])
def test_checker_reports_a_core_module_reaching_out(tmp_path: Path, source: str,
                                                    expected: str | None) -> None:
    """Every way core/a.py can import another wing is one reported edge."""
    graph = _package(tmp_path, {"core/a.py": source, "core/b.py": "", "_support/c.py": "",
                                "lint/x.py": "y = 1\n", "preview/x.py": "", "cli/main.py": ""})
    broken = [str(e) for e in wing_breaks(graph)]
    assert broken == ([expected] if expected else [])


def test_checker_reports_a_computed_name(tmp_path: Path) -> None:
    graph = _package(tmp_path, {"lint/a.py": "import importlib\nn = 'x'\n"
                                             "importlib.import_module(n)\n"
                                             "importlib.import_module('.b', package=__name__)\n"})
    assert graph.dynamic == ["schedulelib.lint.a:3: importlib.import_module(n)",
                             "schedulelib.lint.a:4: importlib.import_module('.b', "
                             "package=__name__)"]


def test_checker_finds_cycles_through_functions_but_not_type_checking(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "core/a.py": "from schedulelib.core import b\n",
        "core/b.py": "def f():\n    from schedulelib.core.c import x\n",
        "core/c.py": "from . import a\nx = 1\n",
        "core/d.py": "from schedulelib.core.e import y\ny = 1\n",
        "core/e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from schedulelib.core.d import y\nelse:\n    y = 2\n",
        "core/f.py": "from schedulelib.core import f\n",
    })
    assert cycles(graph) == [["schedulelib.core.a", "schedulelib.core.b", "schedulelib.core.c"],
                             ["schedulelib.core.f"]]
    assert "schedulelib.core.c:1 -> schedulelib.core.a" in describe(graph, cycles(graph)[0])


def test_checker_reports_private_names_of_a_sibling_command(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "cli/main.py": "_x = 1\n",
        "cli/_common.py": "ok = 1\n",
        "cli/show.py": "from schedulelib.cli.main import _x\nfrom schedulelib.cli import main\n"
                       "main._x\nfrom schedulelib.cli._common import ok\nmain.__doc__\n",
    })
    assert graph.private == ["schedulelib.cli.show:1 uses schedulelib.cli.main._x",
                             "schedulelib.cli.show:3 uses schedulelib.cli.main._x"]


def test_nothing_but_main_imports_cli(tmp_path: Path) -> None:
    graph = _package(tmp_path, {"cli/main.py": "", "__main__.py": "from schedulelib.cli.main "
                                "import main\n", "lint/a.py": "import schedulelib.cli.main\n",
                                "__init__.py": "from schedulelib.cli import main\n"})
    assert sorted(map(str, wing_breaks(graph))) == [
        "schedulelib.lint.a:1 -> schedulelib.cli.main",
        "schedulelib:1 -> schedulelib.cli.main"]


def test_version_is_the_projects() -> None:
    """schedulelib.__version__ (kept in _support/version.py for every wing) is pyproject's."""
    import tomllib

    import schedulelib
    from schedulelib._support.version import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert schedulelib.__version__ == __version__ == project["version"]


# -- the docs name modules that exist -----------------------------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WINGS = ("_support", "core", "lint", "preview", "workspace", "cli")


def _dotted_exists(name: str, modules: dict[str, Path]) -> bool:
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        if ".".join(parts[:cut]) in modules:
            obj: object = importlib.import_module(".".join(parts[:cut]))
            for attr in parts[cut:]:
                if not hasattr(obj, attr):
                    return False
                obj = getattr(obj, attr)
            return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_docs_name_modules_that_exist(doc: Path, graph: Graph) -> None:
    """Every `schedulelib.x.y` name, `schedulelib/x.py` path and wing path (`lint/fix.py`) in
    the docs is there: the layout moves, the docs follow in the same commit."""
    import re

    text = doc.read_text(encoding="utf-8")
    missing = [m for m in re.findall(r"`(schedulelib(?:\.\w+)+)", text)
               if not _dotted_exists(m, graph.modules)]
    # Paths in the package (not inside a URL), and paths that start with a wing.
    for path in re.findall(r"(?<![\w/.-])(schedulelib/[\w/]+(?:\.py|/))", text):
        if not (ROOT / path).exists():
            missing.append(path)
    wing_path = re.compile(r"`((?:" + "|".join(WINGS) + r")/[\w/]*?\w+\.py)`")
    for path in wing_path.findall(text):
        if not (ROOT / PACKAGE / path).exists():
            missing.append(path)
    assert not missing, f"{doc.name} names what is not in the package: {missing}"
