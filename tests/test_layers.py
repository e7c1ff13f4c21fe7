"""The layers of CONTRIBUTING.md, read from the source: data and checks below, renderers above, grading and
the server on top; a module never imports one of a layer above its own (also not lazily, inside a function)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "dnn_lab"

# Layer of each top-level module or package of dnn_lab, bottom first. Anything not listed counts as the top
# layer: it may import anything, and nothing listed may import it.
LAYERS = {
    "data": ("helpers", "testcases", "messages", "data", "notebooks", "startup"),  # startup: stdlib only
    "checks": ("checks",),
    "entry points": ("public_tests", "loader", "kernel"),
    "renderers": ("render", "diagram", "widget", "progress_record", "app"),
    "grading": ("grading", "autograde", "classreport"),
}
RANK = {part: rank for rank, parts in enumerate(LAYERS.values()) for part in parts}
TOP = len(LAYERS)

# The upward imports there are, each for a reason (lazy, inside the function that needs it).
KNOWN = {
    ("dnn_lab.checks.report", "dnn_lab.render.text"),  # str(report): a Report prints as the text report
    ("dnn_lab.checks.report", "dnn_lab.render.html"),  # a Report displays as the HTML report in a notebook
    ("dnn_lab.public_tests", "dnn_lab.render.text"),  # linear_backward_test(fn) fails with the text report
    ("dnn_lab.public_tests", "dnn_lab.progress_record"),  # ... and records the result like the button
}


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path):
    """The dnn_lab modules ``path`` imports, anywhere in its code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            if node.module and (node.level or node.module != "dnn_lab"):
                yield base
            else:  # from . import x, from dnn_lab import x: x may be a module
                yield from (f"{base}.{alias.name}" for alias in node.names)


def rank(module):
    parts = module.split(".")
    return RANK.get(parts[1], TOP) if len(parts) > 1 else TOP


def test_no_module_imports_a_layer_above_its_own():
    """Does every module of dnn_lab (the package's own __init__, the public facade, aside) import only its own
    layer and those below — the checks nothing from diagram/ or render/ (each exercise's diagram is laid out
    on a Layout handed in), data nothing from the checks — apart from the known lazy display hooks?"""
    upward = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        if source == "dnn_lab" or "notebooks" in path.parts:
            continue
        for target in imported(path):
            if target.startswith("dnn_lab.") and rank(target) > rank(source):
                upward.add((source, target))
    assert upward == KNOWN
    assert rank("dnn_lab.checks.linear_backward") < rank("dnn_lab.diagram.graph") < rank("dnn_lab.grading.child")
