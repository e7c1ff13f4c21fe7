"""Loading a student's graded functions from a notebook file without running
the rest of it (demos, check cells, top-level calls): used by ``dnn-lab check``
and by Part 2's :func:`dnn_lab.app.load_part1`."""
import ast
import copy
import linecache

import numpy as np

from . import helpers

# Cells never run (their code calls the functions or grades them).
SKIPPED_ROLES = ("setup", "demo", "check")
# What runs from a function cell: definitions only, never calls or prints.
KEPT_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def defines(source, names):
    """Which of ``names`` are defined at the top level of ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {n for n in names if f"def {n}(" in source}
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names}


def function_cells(nb, names):
    """(cell number, cell) of the cells holding the graded functions ``names``:
    nbgrader ``grade_id`` in ``names``, or a code cell that defines one of them and
    is not a setup/demo/check cell (notebooks that lost their metadata)."""
    out = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        grader = cell.metadata.get("nbgrader", {})
        role = cell.metadata.get("dnn_lab", {}).get("role")
        if grader.get("grade_id") in names:
            out.append((number, cell))
        elif role not in SKIPPED_ROLES and not grader.get("grade") and defines(cell.source, names):
            out.append((number, cell))
    return out


def top_level_statements(nb):
    """The top-level statements of every code cell that parses (cells that do not are skipped)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        yield from tree.body


def _imports(nb):
    """Top-level import statements of every code cell (the student may have
    imported a module in a cell of their own)."""
    return [node for node in top_level_statements(nb) if isinstance(node, (ast.Import, ast.ImportFrom))]


def base_namespace(module_name="__student__"):
    """What the setup cell gives the functions: numpy, copy and the provided helpers."""
    ns = {"np": np, "copy": copy, "__name__": module_name, "__builtins__": __builtins__}
    ns.update({name: getattr(helpers, name) for name in helpers.HELPERS})
    return ns


def _remember_source(name, source):
    """Make ``source`` the text of file ``name`` for tracebacks and the checks' static reading
    (the line quoted under a message, the stub blocks of a half-written function)."""
    source = source if source.endswith("\n") else source + "\n"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)


def execute_functions(nb, names, filename="notebook.ipynb", module_name="__student__", provided=None):
    """Run the definitions (def, class, import) of the function cells in a fresh
    namespace.  Returns ``(namespace, cell_errors)``; a cell that fails is
    reported, and its functions are then missing.  ``provided``: names the notebook
    has before its own cells define anything (Part 2: the Part 1 functions that
    ``load_part1`` puts there); the notebook's own definitions come after them."""
    base = base_namespace(module_name)
    ns = dict(base)
    ns.update(provided or {})
    for node in _imports(nb):
        try:
            exec(compile(ast.Module(body=[node], type_ignores=[]), filename, "exec"), ns)
        except Exception:  # noqa: BLE001 - a module only the notebook's folder has; the base namespace covers it
            continue
    ns.update(base)  # an import above must not shadow numpy, copy or the provided helpers
    errors = []
    for number, cell in function_cells(nb, names):
        try:
            tree = ast.parse(cell.source, filename=f"{filename}, cell {number}")
        except SyntaxError as exc:
            errors.append((number, f"SyntaxError: {exc.msg} (line {exc.lineno})"))
            continue
        kept = [node for node in tree.body if isinstance(node, KEPT_STATEMENTS)]
        _remember_source(f"{filename}, cell {number}", cell.source)
        try:
            exec(compile(ast.Module(body=kept, type_ignores=[]), f"{filename}, cell {number}", "exec"), ns)
        except Exception as exc:  # noqa: BLE001 - reported to the student
            errors.append((number, f"{type(exc).__name__}: {exc}"))
    return ns, errors


def load_functions(path, names=None):
    """The namespace of the graded functions defined in the notebook at ``path``."""
    import nbformat

    from .checks import ALL_EXERCISES
    nb = nbformat.read(str(path), as_version=4)
    return execute_functions(nb, names or ALL_EXERCISES, filename=str(path))[0]
