"""What the front end's word costs a Check click: our JupyterLab extension sends the notebook's code
cells (source, In [n]) on the kernel's dnn_lab comm before every click; the kernel keeps them and
compares the defining cell with the source that ran (``kernel.edited_on_screen``).

Measured on the Part 1 student notebook filled with the source notebook's solutions, its cells run in
a real IPython shell with dnn_lab's hooks installed; prints the message size and, per exercise, the
median time of receiving the message + comparing (``--repeat`` times).

    python benchmarks/bench_frontend_word.py [--repeat 200] [--lang both]
"""
import argparse
import json
import os
import statistics
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--lang", default="both", choices=["zh", "en", "both"])
    args = parser.parse_args(argv)
    os.environ.pop("NBGRADER_EXECUTION", None)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
    from browser_util import fill, solution_sources, student_notebook
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from dnn_lab import kernel
    from dnn_lab.checks import EXERCISES

    nb = fill(student_notebook(args.lang), solution_sources())
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    kernel.install(shell)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count = None
        if any(f"def {name}(" in cell.source for name in EXERCISES):  # the function cells run
            shell.run_cell(cell.source, store_history=True)
            count = shell.execution_count - 1
        cells.append({"source": cell.source, "count": count})
    message = {"content": {"data": {"kind": "cells", "reason": "click", "cells": cells}}}
    size = len(json.dumps(message["content"]["data"], ensure_ascii=False).encode("utf-8"))
    print(f"notebook: step_by_step ({args.lang}), {len(cells)} code cells, message {size / 1024:.1f} KB")
    print(f"{'exercise':28} {'median ms':>10} {'max ms':>8}")
    for name in EXERCISES:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            kernel._on_front_end_message(message)
            edited = kernel.edited_on_screen(name, kernel.front_end_cells())
            times.append(time.perf_counter() - started)
        assert edited is False, name
        print(f"{name:28} {statistics.median(times) * 1000:10.3f} {max(times) * 1000:8.3f}")
    kernel.uninstall()


if __name__ == "__main__":
    main()
