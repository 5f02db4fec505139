"""The house in floors: imports go only downward, never in a circle, and modules stay small.

Every import counts, at module level, inside functions and under ``TYPE_CHECKING``: a
circle that only type checkers see is still two modules that cannot be read apart.
"""

import ast
import inspect
from pathlib import Path

import pytest

from cxsim import CXEcosystemModel

SRC = Path(__file__).resolve().parents[1] / "src" / "cxsim"

FLOORS = {
    "config": 1,
    "engine": 1,
    "ecosystem": 2,
    "outputs": 2,
    "model": 3,
    "sweeps": 3,
    "simulation": 4,
    "studies": 5,
    "cli": 6,
    "studio": 6,
}
"""Each top-level package (or module) of cxsim and its floor: the README's Architecture."""

FACADE = {"cxsim", "cxsim._legacy"}
"""The package's front door and the old names' aliases: they import from every floor."""

MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The cxsim modules that ``name`` imports, anywhere in its body."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from cxsim.x import y`: y is a module when cxsim.x.y is one, else a name of x
            targets = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULES
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: _imports(name) for name in MODULES if name not in FACADE}


def _floor(name: str) -> tuple[str, int]:
    top = name.split(".")[1]
    return top, FLOORS[top]


def test_every_module_has_a_floor():
    unplaced = sorted(n for n in GRAPH if n != "cxsim" and n.split(".")[1] not in FLOORS)
    assert not unplaced, f"modules on no floor (add them to FLOORS and the README): {unplaced}"


def test_no_module_imports_from_a_floor_above_or_beside_its_own():
    wrong = []
    for name, targets in GRAPH.items():
        package, floor = _floor(name)
        for target in targets - FACADE:
            other, other_floor = _floor(target)
            if other != package and other_floor >= floor:
                wrong.append(f"{name} (floor {floor}) -> {target} (floor {other_floor})")
    assert not wrong, "imports must go down a floor:\n" + "\n".join(wrong)


def test_no_module_imports_its_own_package():
    wrong = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if name.startswith(target + ".")
    ]
    assert not wrong, "import sibling modules directly, not the package:\n" + "\n".join(wrong)


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH.get(name, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = 2
        return None

    for name in sorted(GRAPH):
        if name not in state and (cycle := visit(name)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small_and_say_their_job(name):
    text = MODULES[name].read_text()
    lines = len(text.splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines; split it along its jobs"
    assert ast.get_docstring(ast.parse(text)), f"{name}: no module docstring"


def test_the_day_fits_on_one_screen():
    lines = inspect.getsource(CXEcosystemModel.step).splitlines()
    assert len(lines) <= 50, f"CXEcosystemModel.step is {len(lines)} lines"
