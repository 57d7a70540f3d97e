"""The layout rules of docs/architecture.md, checked on the code itself."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("accounts", "actors", "positions", "config")
# Data, not code: the migrations Django writes. (The demo's facts are split
# into modules that stay under the limit.)
SIZE_EXEMPT = ("migrations",)
MAX_MODULE_LINES = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in APP_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports, anywhere in it (inside functions too)."""
    found = set()
    package = _module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1]]
                    + ([base] if base else [])
                )
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            # "from positions.selectors import change_list" imports the package.
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    found.discard(_module_name(path))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = app_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def test_it_reads_the_app_code():
    graph = import_graph()

    assert {"config.lib.rest", "positions.selectors.sql", "actors.models"} <= set(graph)
    assert "positions.selectors.sql" in graph["positions.selectors.stances"]


def test_it_finds_no_import_circle():
    graph = import_graph()
    state: dict[str, str] = {}
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                circles.append([*trail[trail.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])

    assert circles == []


def test_config_lib_imports_no_app_and_apps_import_only_config_lib():
    graph = import_graph()
    wrong = []
    for module, imported in graph.items():
        for name in imported:
            if module.startswith("config.lib") and not name.startswith("config.lib"):
                wrong.append(f"{module} → {name}")
            if module.startswith(("accounts", "actors", "positions")) and (
                name.startswith("config") and not name.startswith("config.lib")
            ):
                wrong.append(f"{module} → {name}")

    assert wrong == []


def test_actors_never_imports_positions():
    graph = import_graph()

    assert [
        f"{module} → {name}"
        for module, imported in graph.items()
        if module.startswith("actors")
        for name in imported
        if name.startswith("positions")
    ] == []


def test_no_module_of_app_code_is_over_500_lines():
    long = {
        name: lines
        for name, path in app_modules().items()
        if not any(part in str(path) for part in SIZE_EXEMPT)
        and (lines := len(path.read_text(encoding="utf-8").splitlines()))
        > MAX_MODULE_LINES
    }

    assert long == {}
