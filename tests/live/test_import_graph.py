"""The project's modules import each other in one direction: no module-level import cycle in any
app, and no import of a project module hidden inside a function of live/.

An import inside a function is how a cycle hides: both modules load, until one is imported first
from somewhere new. Read with `ast`, so nothing is imported to find out.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("marketplace", "shops", "orders", "live")

# orders.payments registers its providers by importing them at the end of its __init__, and each
# provider imports the registry back from the package: a plugin registry, orders' to untangle.
KNOWN_CYCLES = [
    {"orders.payments", "orders.payments.cod", "orders.payments.dev_gateway", "orders.payments.midtrans"}
]

# AppConfig.ready() is Django's place for imports that need every app's models loaded (signals,
# hooks registered with orders): it runs once, after all modules are importable, so it hides no
# cycle. live/apps.py's module-level callbacks import the selectors for the same reason.
FUNCTION_IMPORTS_ALLOWED_IN = {"live.apps"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _project_module(name: str) -> str | None:
    """The project module `name` loads (a package's submodule, or the package itself)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
        ]
    return [found for name in names if (found := _project_module(name))]


def _imports(module: str) -> tuple[set[str], list[tuple[int, str]]]:
    """The project modules `module` imports at its top (under `if`/`try` too), and those imported
    anywhere else (inside functions and classes), with their line."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    top_nodes = []
    for node in tree.body:
        top_nodes += list(ast.walk(node)) if isinstance(node, ast.If | ast.Try) else [node]
    top = {n for n in top_nodes if isinstance(n, ast.Import | ast.ImportFrom)}
    at_top = {target for node in top for target in _imported(node, module) if target != module}
    elsewhere = [
        (node.lineno, target)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and node not in top
        for target in _imported(node, module)
    ]
    return at_top, elsewhere


def _cycles(graph: dict[str, set[str]]) -> list[tuple[set[str], list[str]]]:
    """Each set of modules that import each other in a circle (Tarjan's strongly connected
    components), with one path that closes the circle, to name it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [(component, _path_through(graph, component)) for component in components]


def _path_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle from the component's first module back to itself."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(graph[node] & component):
            if other == start:
                return [*paths[node], start]
            if other not in paths:
                paths[other] = [*paths[node], other]
                queue.append(other)
    raise AssertionError(component)


def test_the_module_level_imports_of_every_app_make_no_cycle():
    graph = {module: _imports(module)[0] for module in MODULES}

    cycles = [path for component, path in _cycles(graph) if component not in KNOWN_CYCLES]

    assert not cycles, "import cycles: " + "; ".join(" → ".join(cycle) for cycle in cycles)


def test_no_module_of_live_imports_a_project_module_inside_a_function():
    hidden = [
        f"{module}:{line} imports {target}"
        for module in MODULES
        if module.split(".")[0] == "live" and module not in FUNCTION_IMPORTS_ALLOWED_IN
        for line, target in _imports(module)[1]
    ]

    assert not hidden, "imports inside functions: " + "; ".join(hidden)


def test_a_cycle_is_found_and_named():
    # The checker itself: a → b → c → a is reported as that path, an edge into it is not.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert _cycles(graph) == [({"a", "b", "c"}, ["a", "b", "c", "a"])]
