"""The folders of src/pressbot are layers, and imports only go down them.

Each module may import from its own layer and the layers listed before it, never from one after
it: the folder names read in import order. Imports inside functions count too (a lazy import
is still a dependency); ``if TYPE_CHECKING:`` ones are not exempt either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "pressbot"

#: Bottom first. config and logs are modules of their own at the top of the package.
LAYERS: tuple[str, ...] = (
    "logs",  # logging set-up: imports nothing of pressbot
    "core",  # the domain: models, kinds, clock, quiet hours, release times, ids
    "texts",  # what the bot says: translations, markup, the views
    "charts",  # the pictures of reports, drawn off the event loop
    "storage",  # SQLite: the only SQL
    "delivery",  # the engine: sending, pacing, outcomes, progress, digests
    "publishing",  # the admin's use cases
    "ingest",  # the website's feeds and pages, and items files
    "config",  # the settings, read from the environment
    "bot",  # python-telegram-bot: the typed context, jobs, handlers
    "server",  # the process: the Application built, run, listened to, watched
    "console",  # the bot in a terminal
    "cli",  # the command line
    "__main__",
)


def layer_of(module: str) -> int:
    """The layer of `module` ("pressbot.delivery.engine" -> delivery's index)."""
    parts = module.split(".")
    assert parts[0] == "pressbot", module
    if len(parts) == 1:
        return -1  # the package itself: its version, nothing else
    return LAYERS.index(parts[1])


def module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, module: str) -> list[tuple[int, str]]:
    """Every pressbot module `path` imports, with the line it does so on."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            else:
                target = node.module or ""
            if target == "pressbot":  # from pressbot import texts -> the names are modules
                found += [(node.lineno, f"pressbot.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "pressbot"]


MODULES = sorted(SRC.rglob("*.py"))


def test_every_module_is_in_a_layer() -> None:
    tops = {path.relative_to(SRC).parts[0].removesuffix(".py") for path in MODULES}
    assert tops - {"__init__"} <= set(LAYERS), "a folder or module not in LAYERS"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down_the_layers(path: Path) -> None:
    module = module_name(path)
    own = layer_of(module)
    upward = [
        f"line {line}: {name} ({LAYERS[layer_of(name)]})"
        for line, name in imported(path, module)
        if layer_of(name) > own
    ]
    assert not upward, f"{module} ({LAYERS[own]}) imports from a layer above: {upward}"


def test_no_module_is_much_over_350_lines() -> None:
    long = {
        str(path.relative_to(SRC)): lines
        for path in MODULES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 360
    }
    assert not long, f"modules to split along their seams: {long}"


def test_the_top_of_the_package_holds_folders_and_a_handful_of_modules() -> None:
    modules = sorted(p.name for p in SRC.glob("*.py"))
    assert modules == ["__init__.py", "__main__.py", "logs.py"]
