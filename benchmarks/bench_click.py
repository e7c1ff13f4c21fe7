"""Median click-to-feedback time of the Check widget, per exercise.

A click = look the function up in ``__main__``, run the checks, record the
progress, draw the diagram (PNG), render text + HTML and update the widget.
Measured headless (``button.click()``; no front end), on the source
notebook's solutions (a pass) and on the untouched stub (returns None: a fail,
red first step), ``--clicks`` times each after one warm-up click.

Two figures per row: ``first`` clears the widget's diagram cache before every
click (the picture is drawn: what a click after changing the function costs);
``again`` is a repeated click on an unchanged function (the same picture is
reused).  ``checks``/``diagram`` split the ``first`` clicks.

    python benchmarks/bench_click.py [--clicks 20] [--lang both]

Targets (SPEC §8), per exercise: a click returns its full feedback (checks +
diagram) in < 50 ms median (``again``), and the first click after a code
change (``first``: the diagram is drawn anew) in < 150 ms.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import types


def stub(*args, **kwargs):
    return None


def timed(module, name, store):
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            store.append(time.perf_counter() - started)
    setattr(module, name, wrapper)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--lang", default="both", choices=["zh", "en", "both"])
    args = parser.parse_args(argv)

    os.environ.pop("NBGRADER_EXECUTION", None)
    os.chdir(tempfile.mkdtemp(prefix="dnn_lab_bench_"))  # progress.json goes here
    from dnn_lab import widget
    from dnn_lab.checks import EXERCISES
    from dnn_lab.dev import load_solutions

    solutions = load_solutions("step_by_step")
    main_module = types.ModuleType("__main__")
    main_module.__dict__.update(solutions)
    sys.modules["__main__"] = main_module

    checks_t, diagram_t = [], []
    timed(widget, "run_checks", checks_t)
    timed(widget, "render_diagram", diagram_t)

    print(f"clicks per row: {args.clicks} (after 1 warm-up), lang={args.lang}, times in ms (median)")
    header = (f"{'exercise':28s} {'result':6s} {'first':>7s} {'p90':>7s} {'checks':>7s} {'diagram':>8s} "
              f"{'rest':>6s} {'again':>7s}")
    print(header)
    print("-" * len(header))
    medians, again_medians = [], []
    for name in EXERCISES:
        for label, fn in (("pass", solutions[name]), ("fail", stub)):
            main_module.__dict__[name] = fn
            w = widget.CheckWidget(name, lang=args.lang, run_now=False)
            w.button.click()  # warm-up: first imports, caches
            assert w.report is not None and w.report.passed == (label == "pass"), (name, label)
            assert w.diagram_states, (name, "no diagram", w.error)
            clicks = []
            del checks_t[:], diagram_t[:]
            for _ in range(args.clicks):
                widget.clear_diagram_cache()
                started = time.perf_counter()
                w.button.click()
                clicks.append(time.perf_counter() - started)
            chk = statistics.median(checks_t) * 1000
            dia = statistics.median(diagram_t) * 1000
            again = []
            for _ in range(args.clicks):
                started = time.perf_counter()
                w.button.click()
                again.append(time.perf_counter() - started)
            again_med = statistics.median(again) * 1000
            again_medians.append(again_med)
            ms = [c * 1000 for c in clicks]
            med = statistics.median(ms)
            p90 = statistics.quantiles(ms, n=10)[-1] if len(ms) > 1 else ms[0]
            medians.append(med)
            print(f"{name:28s} {label:6s} {med:7.1f} {p90:7.1f} {chk:7.1f} {dia:8.1f} {med - chk - dia:6.1f} "
                  f"{again_med:7.1f}")
            w.close()
        main_module.__dict__[name] = solutions[name]
    print("-" * len(header))
    print(f"first click after a change: median of rows {statistics.median(medians):.1f} ms, worst row "
          f"{max(medians):.1f} ms   (target < 150 ms per exercise)")
    print(f"click (again):              median of rows {statistics.median(again_medians):.1f} ms, worst row "
          f"{max(again_medians):.1f} ms   (target < 50 ms per exercise)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
