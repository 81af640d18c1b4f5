"""The package's layers: a module imports only modules of its own layer or of layers below it, at top level."""

import ast
from pathlib import Path

import posecheck

PKG = Path(posecheck.__file__).parent
# Lowest first. A module may import from its own layer or any earlier one, never a later one.
LAYERS = [
    ["errors", "version"],
    ["core"],
    ["io"],
    ["words"],
    ["render"],
    ["report"],
    ["api"],
    ["live", "tuning", "batch", "routine", "history"],
    ["cli"],
    ["__init__", "__main__"],
]


def _layer(dotted: str) -> int:
    top = dotted.removeprefix("posecheck").lstrip(".").split(".")[0] or "__init__"
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{dotted}: in no layer of tests/test_layers.py")


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).with_suffix("")
        yield "posecheck." + ".".join(rel.parts), path


def test_no_module_imports_a_higher_layer():
    bad = []
    for name, path in _modules():
        own = _layer(name)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("posecheck"):
                # `from posecheck import words` imports the module posecheck.words, not the package.
                targets = [f"posecheck.{a.name}" for a in node.names] if node.module == "posecheck" else [node.module]
                bad += [f"{name} imports {m}" for m in targets if _layer(m) > own]
    assert bad == []


def test_no_posecheck_import_is_hidden_in_a_function():
    hidden = []
    for name, path in _modules():
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.ImportFrom, ast.Import)):
                        mods = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                        if any((m or "").startswith("posecheck") for m in mods) or \
                                (isinstance(node, ast.ImportFrom) and node.level > 0):
                            hidden.append(f"{name}.{fn.name}")
    assert hidden == []
