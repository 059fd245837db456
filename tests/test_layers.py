"""The house's floors (docs/architecture.md): imports point down, so no two apps import each
other and the ground floor (``plumbing``) imports none of them; and page modules stay small
enough for a newcomer to find their way in."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PAGE_MODULE_MAX_LINES = 400


def _our_apps() -> list[str]:
    return sorted(config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir())


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_apps(path: Path, ours: set[str]) -> set[str]:
    """The apps of ours a module imports, anywhere in it (inside a function too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & ours
    return found


def _import_graph() -> dict[str, set[str]]:
    ours = set(_our_apps())
    graph = {}
    for app in ours:
        graph[app] = set()
        for path in _modules(app):
            graph[app] |= _imported_apps(path, ours) - {app}
    return graph


def test_no_two_apps_import_each_other():
    graph = _import_graph()
    assert "plumbing" in graph and "organisations" in graph
    # Any cycle, however long, means two apps that reach each other.

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    cycles = [(app, other) for app in graph for other in graph[app] if app in reachable(other)]
    assert cycles == []


def test_the_ground_floor_imports_no_app():
    graph = _import_graph()
    assert graph["plumbing"] == set()
    # The floor just above it: organisations stands on plumbing only.
    assert graph["organisations"] == {"plumbing"}


def _page_modules() -> list[Path]:
    pages = []
    for app in _our_apps():
        for path in _modules(app):
            if path.name == "views.py" or path.name.endswith("_views.py") or "views" in path.parent.parts[-1:]:
                pages.append(path)
    return pages


def test_page_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in _page_modules()}
    assert any(name.startswith("referrals/") for name in names)
    assert any(name.startswith("housing/") for name in names)


@pytest.mark.parametrize("path", _page_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_page_module_is_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= PAGE_MODULE_MAX_LINES
