"""The layout rules of docs/architecture.md, checked: no import cycle, small modules, small folders.

Run `python -m scripts.layout_check`; it prints what breaks a rule and exits 1, or prints a
summary and exits 0. Imports inside functions count: an import moved into a function to dodge
a cycle is still a cycle.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("icp_site", "portfolio", "profiles")
MAX_LINES = 400
MAX_MODULES = 15
# Layers: a package may import only from its own layer or lower ones.
LAYERS = {"icp_site": 0, "portfolio": 1, "profiles": 2}
# The shell may name the apps in these modules only: root URLs include the apps' URL modules,
# settings list the apps, and the demo command composes the apps' demo data.
SHELL_ENTRY_POINTS = {
    "icp_site.urls",
    "icp_site.settings",
    "profiles.management.commands.seed_demo",
}


@dataclass(frozen=True)
class Problem:
    rule: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.detail}"


def _skipped(path: Path) -> bool:
    return "migrations" in path.parts or "__pycache__" in path.parts


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages by dotted name (migrations aside)."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if _skipped(path.relative_to(root)):
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported(module: str, path: Path, node: ast.AST, known: set[str]) -> Iterable[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    if not isinstance(node, ast.ImportFrom):
        return
    if node.level:
        package = module.split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    yield base
    for alias in node.names:
        if f"{base}.{alias.name}" in known:
            yield f"{base}.{alias.name}"


def _owner(name: str, known: set[str]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports, at any depth of its code."""
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for name in _imported(module, path, node, known):
                target = _owner(name, known)
                if target and target != module:
                    edges.add(target)
        graph[module] = edges
    return graph


def _without_parents(module: str, targets: set[str]) -> set[str]:
    # Importing `a.b.c` runs `a/__init__` and `a/b/__init__` first; a package's __init__ that
    # imports its own children is not a cycle of ours, so edges from a child to its own
    # parents, and from a package to its children, are left out of the cycle search.
    return {t for t in targets if not module.startswith(t + ".") and not t.startswith(module + ".")}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        work = [(start, iter(sorted(_without_parents(start, graph[start]))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(_without_parents(child, graph[child])))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def layer_problems(graph: dict[str, set[str]]) -> list[Problem]:
    """Imports that point up the layers: shell <- portfolio <- profiles."""
    problems = []
    for module, targets in sorted(graph.items()):
        top = module.split(".")[0]
        for target in sorted(targets):
            other = target.split(".")[0]
            if LAYERS[other] <= LAYERS[top] or module in SHELL_ENTRY_POINTS:
                continue
            problems.append(Problem("import points up", module, f"imports {target}"))
    return problems


def size_problems(modules: dict[str, Path], root: Path = ROOT) -> list[Problem]:
    """Modules over MAX_LINES lines and folders with more than MAX_MODULES modules."""
    problems = []
    folders: dict[Path, int] = {}
    for path in modules.values():
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            where = str(path.relative_to(root))
            problems.append(Problem("module too long", where, f"{lines} lines > {MAX_LINES}"))
        if path.name != "__init__.py":
            folders[path.parent] = folders.get(path.parent, 0) + 1
    for folder, count in sorted(folders.items()):
        if count > MAX_MODULES:
            where = str(folder.relative_to(root))
            problems.append(Problem("folder too full", where, f"{count} modules > {MAX_MODULES}"))
    return problems


def package_docstring_problems(modules: dict[str, Path]) -> list[Problem]:
    """Packages whose __init__.py does not say what lives there."""
    problems = []
    for name, path in sorted(modules.items()):
        if path.name != "__init__.py" or ".management" in name or ".templatetags" in name:
            continue
        if name.endswith(".formats") or ".formats." in name:
            continue
        if not ast.get_docstring(ast.parse(path.read_text())):
            problems.append(Problem("package without docstring", name, "add one in __init__"))
    return problems


def check(root: Path = ROOT) -> list[Problem]:
    """Every broken rule of the layout, empty when the layout holds."""
    modules = project_modules(root)
    graph = import_graph(modules)
    problems = [Problem("import cycle", " -> ".join(group), "") for group in cycles(graph)]
    problems += layer_problems(graph)
    problems += size_problems(modules, root)
    problems += package_docstring_problems(modules)
    return problems


def main() -> int:
    modules = project_modules()
    problems = check()
    for problem in problems:
        print(problem)
    if problems:
        print(f"\nlayout check: {len(problems)} problem(s)")
        return 1
    print(
        f"layout check: {len(modules)} modules, no cycle, none over {MAX_LINES} lines, "
        f"no folder over {MAX_MODULES} modules"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
