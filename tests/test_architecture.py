"""The core and the CLI's core commands never import the UI toolkit."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import reader.core

CORE = Path(reader.core.__file__).parent


def core_modules() -> list[str]:
    modules = pkgutil.walk_packages([str(CORE)], prefix="reader.core.")
    return [*sorted(m.name for m in modules), "reader.config"]


def test_core_sources_name_no_textual() -> None:
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("textual", "reader.ui", "rich")), (path, name)


def test_importing_core_loads_no_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {core_modules()!r}: importlib.import_module(m)\n"
        "import reader.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
