"""Every layer imports where fcntl does not exist (as on Windows); no module needs it to import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import stage5kit

SRC = Path(stage5kit.__file__).resolve().parent

# Blocks fcntl (sys.modules[name] = None makes `import name` raise ImportError), then imports
# every stage5kit module (but __main__, which runs the CLI), as Windows would; prints them.
_IMPORT_ALL_WITHOUT_FCNTL = """
import importlib, pkgutil, sys
sys.modules["fcntl"] = None
import stage5kit
modules = pkgutil.walk_packages(stage5kit.__path__, "stage5kit.")
names = ["stage5kit"] + [m.name for m in modules if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print("\\n".join(names))
"""


def test_every_module_imports_without_fcntl() -> None:
    """With fcntl unavailable, core, signing, compliance, reporting, cli and files all import."""
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL_WITHOUT_FCNTL],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    imported = set(out.stdout.split())
    layers = {
        "stage5kit.files",
        "stage5kit.core",
        "stage5kit.core.io",
        "stage5kit.signing",
        "stage5kit.compliance",
        "stage5kit.reporting",
        "stage5kit.cli",
    }
    assert layers <= imported


def _module_level_imports(tree: ast.Module) -> set[str]:
    """Modules imported by statements that run at import time (not inside a def or class)."""
    names: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.If | ast.Try | ast.With):
            pending.extend(ast.iter_child_nodes(node))  # type: ignore[arg-type]
    return names


def test_no_module_imports_fcntl_or_msvcrt_at_import_time() -> None:
    """fcntl and msvcrt are imported only inside the lock helper, never at module level."""
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))) & {"fcntl", "msvcrt"}
    ]
    assert offenders == []
