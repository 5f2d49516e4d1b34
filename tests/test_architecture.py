"""The code's shape, checked from the imports themselves: no cycles, no service importing a
task module, and every task a service sends by name is one a worker knows."""

import ast
from pathlib import Path

import pytest

from lms.celery import app
from tasks.config import Queues
from tasks.enqueue import TASK_NAMES

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "audit", "certificates", "courses", "lms", "quizzes", "tasks")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app_name in APPS
        for path in (ROOT / app_name).rglob("*.py")
        if "migrations" not in path.parts
    }


MODULES = _project_modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports anywhere in its file, functions included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` names a module; `from module import name` does not.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            # A package's __init__ and the modules it imports count as one only by accident.
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_imports_it_must():
    # The checks below mean something only if imports are found, relative ones included.
    assert "courses.services.progress" in GRAPH["quizzes.services.grading"]
    assert "quizzes.selectors.grading" in GRAPH["quizzes.services.grading"]
    assert "tasks.enqueue" in GRAPH["quizzes.services.attempts"]
    assert "quizzes.services.grading" in GRAPH["tasks.grading"]
    assert "tasks.base" in GRAPH["tasks.grading"]  # `from .base import lms_task`


def test_no_import_cycle_between_project_modules():
    assert _cycles() == []


def _is_layer(name: str, layer: str) -> bool:
    return f".{layer}." in f".{name}." and not name.startswith("tasks")


@pytest.mark.parametrize("layer", ["services", "selectors"])
def test_no_service_or_selector_imports_a_task_module(layer):
    offenders = {
        name: sorted(t for t in targets if t.startswith("tasks.") and t != "tasks.enqueue")
        for name, targets in GRAPH.items()
        if _is_layer(name, layer)
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}


def test_selectors_import_no_services():
    offenders = {
        name: sorted(t for t in targets if _is_layer(t, "services"))
        for name, targets in GRAPH.items()
        if _is_layer(name, "selectors")
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}


@pytest.mark.parametrize("name", TASK_NAMES)
def test_every_task_sent_by_name_is_registered_and_routed_to_a_queue(name):
    app.loader.import_default_modules()  # what a worker imports at start (tasks.config)
    assert name in app.tasks
    route = app.amqp.router.route({}, name, (), {})
    assert route["queue"].name in Queues.ALL
