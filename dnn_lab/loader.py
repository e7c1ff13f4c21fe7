"""Loading a student's graded functions from a notebook file without running
the rest of it (demos, test cells): used by ``dnn-lab check`` and Part 2."""
import copy

import numpy as np


def graded_cells(nb):
    """Code cells that hold graded functions: nbgrader solution cells, or
    (for notebooks that lost their metadata) cells defining a known exercise."""
    from .checks import ALL_EXERCISES
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") or any(f"def {name}(" in cell.source for name in ALL_EXERCISES):
            cells.append(cell)
    return cells


def load_functions(path, namespace=None):
    """Execute the graded cells of the notebook at ``path`` in a fresh namespace
    (numpy, copy and the provided helpers preloaded) and return it.  A cell that
    fails to execute is skipped: its functions are then missing, which the
    checks report as not implemented."""
    import nbformat

    from . import helpers
    nb = nbformat.read(str(path), as_version=4)
    ns = {"np": np, "copy": copy, "__name__": "__student__"}
    ns.update({name: getattr(helpers, name) for name in helpers.HELPERS})
    if namespace:
        ns.update(namespace)
    for cell in graded_cells(nb):
        try:
            exec(compile(cell.source, f"<{path}>", "exec"), ns)
        except Exception:  # noqa: BLE001 - reported later as a missing function
            continue
    return ns
