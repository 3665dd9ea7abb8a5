"""Reads the project's import graph and template libraries from the source, for ``tests/test_architecture.py``.

Every ``import`` and ``from … import`` statement counts, at module level or inside a function (a deferred
import is still a dependency; deferring it only hides a circle from the interpreter). Relative imports are
resolved; an import names the longest project module it reaches (``from subsidies import versioning`` is
``subsidies.versioning``; ``from subsidies.models import Subsidy`` is ``subsidies.models``).
"""

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Who may import whom: an app may import its own modules and those of apps on a lower layer, never one on its
# own layer (the feature apps are independent of each other) or above it.
LAYERS = {
    "subsidies": 0,
    "checklists": 1,
    "comparisons": 1,
    "assistant": 1,
    "matching": 1,
    "alerts": 1,
    "jgrants": 1,
    "config": 2,
    "benchmarks": 3,
}
CORE = "subsidies"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(apps: Iterable[str] = LAYERS, root: Path = ROOT) -> dict[str, Path]:
    """Every Python module of the given apps (migrations included), by dotted name."""
    return {module_name(path, root): path for app in apps for path in sorted((root / app).rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that module ``name`` (at ``path``) imports anywhere in its body."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node.module, node.level)
            targets = [f"{base}.{alias.name}" if base else alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            module = _longest_known_prefix(target, known)
            if module is not None and module != name:
                found.add(module)
    return found


def _absolute(name: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    package = name.split(".") if is_package else name.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def _longest_known_prefix(target: str, known: set[str]) -> str | None:
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    known = set(files)
    return {name: imports_of(name, path, known) for name, path in files.items()}


def app_of(module: str) -> str:
    return module.split(".")[0]


def upward_imports(graph: Mapping[str, set[str]], layers: Mapping[str, int] = LAYERS) -> list[str]:
    """``a -> b`` for every import of a module of another app that is not on a lower layer."""
    wrong = []
    for module, targets in graph.items():
        for target in targets:
            source_app, target_app = app_of(module), app_of(target)
            if source_app != target_app and layers[target_app] >= layers[source_app]:
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def import_circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(circles)


LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")


def template_libraries(apps: Iterable[str] = LAYERS, root: Path = ROOT) -> dict[str, str]:
    """Each template tag library of the project's apps (``{% load name %}``) and the app it belongs to."""
    return {
        path.stem: app
        for app in apps
        for path in (root / app).glob("templatetags/*.py")
        if path.stem != "__init__"
    }


def loaded_libraries(template: Path) -> set[str]:
    """The libraries a template loads (``{% load a b %}``; ``{% load x from a %}`` names ``a``)."""
    found = set()
    for match in LOAD.finditer(template.read_text()):
        words = match.group(1).split()
        found.update(words[words.index("from") + 1 :] if "from" in words else words)
    return found


def template_owner(template: Path, templates_dir: Path, apps: Iterable[str] = LAYERS) -> str:
    """The app a project template belongs to: ``templates/<app>/...`` is the app's; everything else
    (``base.html``, ``includes/``, the error pages) is the site's frame, shared by every app."""
    first = template.relative_to(templates_dir).parts[0]
    return first if first in set(apps) else "site"


def upward_loads(templates_dir: Path, libraries: Mapping[str, str], layers: Mapping[str, int] = LAYERS):
    """``template: library`` for every ``{% load %}`` of a library of an app the template must not depend on.

    An app's templates may load its own libraries and those of lower apps; the site's frame may load only the
    core's (and Django's), so that any feature app can be removed.
    """
    wrong = []
    for template in sorted(templates_dir.rglob("*.html")):
        owner = template_owner(template, templates_dir, layers)
        for library in sorted(loaded_libraries(template)):
            library_app = libraries.get(library)
            if library_app is None or library_app == owner:
                continue
            allowed = library_app == CORE if owner == "site" else layers[library_app] < layers[owner]
            if not allowed:
                wrong.append(f"{template.relative_to(templates_dir)}: {library}")
    return wrong
