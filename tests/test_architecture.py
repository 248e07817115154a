"""The shape of the code, kept as docs/architecture.md draws it: the layers
(import-linter's contracts in pyproject.toml), no import circle anywhere, no
audience prefix left at the reports app's root, the map of the packages
matching the tree, and every task started by name existing."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp

from signalconso.celery import app as celery_app

BASE = Path(__file__).resolve().parent.parent
PACKAGES = ("signalconso", "accounts", "companies", "reports", "inspections", "notifications")


def test_the_layers_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(BASE / "pyproject.toml")],
        cwd=BASE,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def import_circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not
    (Tarjan's strongly connected components, of more than one module)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in imports.get(node, ()):
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
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(imports):
        if node not in index:
            visit(node)
    return found


def test_the_circle_finder_finds_a_circle():
    assert import_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back():
    graph = grimp.build_graph(*PACKAGES)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    # A package's __init__ that re-exports its modules (reports.models) is
    # not a circle with them: they never import the package itself.
    assert import_circles(imports) == []


AUDIENCE_PREFIX = re.compile(r"^(agent|agents|pro|consumer|public|statistics|admin)_")


def test_no_module_at_the_root_of_reports_is_named_after_an_audience():
    names = [path.stem for path in (BASE / "reports").glob("*.py")]
    assert [name for name in names if AUDIENCE_PREFIX.match(name)] == []


def _mapped_paths() -> set[str]:
    """The packages and modules that docs/architecture.md's map names."""
    text = (BASE / "docs" / "architecture.md").read_text()
    block = text.split("<!-- map -->")[1].split("<!-- /map -->")[0]
    paths, root = set(), ""
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        match = re.match(r"([a-z_/]+(?:\.py)?)(\s|$)", line.lstrip())
        if not match or indent not in (0, 2):
            continue  # a description carried over to the next line
        name = match.group(1).rstrip("/")
        if indent == 0:
            root = name
            paths.add(name)
        else:
            paths.add(f"{root}/{name}")
    return paths


def test_the_map_in_the_docs_matches_the_tree():
    mapped = _mapped_paths()
    packages = {
        str(path.parent.relative_to(BASE))
        for package in PACKAGES
        for path in (BASE / package).rglob("__init__.py")
        if "migrations" not in path.parts and "management" not in path.parts
    }
    assert sorted(packages - mapped) == [], "packages missing from docs/architecture.md"
    missing = sorted(path for path in mapped if not (BASE / path).exists())
    assert missing == [], "the map names what no longer exists"


def _started_task_names() -> set[str]:
    names = set()
    for package in PACKAGES:
        for path in (BASE / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") in ("start_task", "send_task_now")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    names.add(node.args[0].value)
    return names


def test_every_task_started_by_name_exists():
    names = _started_task_names()
    assert "reports.tasks.scan_attachment" in names  # the search itself works
    celery_app.loader.import_default_modules()
    assert sorted(name for name in names if name not in celery_app.tasks) == []
