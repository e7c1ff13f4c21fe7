"""How long does drawing the Check-feedback diagram take?

    python benchmarks/bench_diagram.py [--repeat 20]

For each exercise: a passing report (the source notebook's solution) and a
failing one (a function that returns None), rendered with
``dnn_lab.diagram.render_report`` to PNG.  Prints the median wall and CPU time
per render with warm caches (what a student sees from the second click on),
with only the per-line outline cache emptied (a new exercise once a few were
drawn: its characters are known, its labels are not), with every glyph cache
emptied, and the first render in a fresh process (imports matplotlib, loads
the fonts).
Needs a source checkout (``load_solutions``).  Prints figures; asserts nothing.
"""
import argparse
import io
import statistics
import subprocess
import sys
import time


def _median_ms(fn, repeat, before=None):
    wall, cpu = [], []
    for _ in range(repeat):
        if before:
            before()
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def first_render_ms():
    code = ("import time; t = time.perf_counter(); "
            "from dnn_lab.checks import run_checks; from dnn_lab.diagram import render_report; "
            "r = run_checks('L_model_backward', lambda AL, Y, caches: None, lang='both'); "
            "t1 = time.perf_counter(); render_report(r); print((time.perf_counter() - t1) * 1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    from PIL import Image

    from dnn_lab.checks import EXERCISES, run_checks
    from dnn_lab.dev import load_solutions
    from dnn_lab.diagram import draw, render_report

    solutions = load_solutions("step_by_step")
    print(f"diagram render (PNG, lang=both), median of {args.repeat}; wall / cpu in ms")
    print(f"{'exercise':28s} {'report':8s} {'size px':>9s} {'warm wall':>10s} {'warm cpu':>9s} "
          f"{'new labels':>11s} {'all cold':>9s}")
    all_warm = []
    for name in EXERCISES:
        for kind, fn in (("passed", solutions[name]), ("failed", lambda *a, **k: None)):
            report = run_checks(name, fn, lang="both")
            png, _ = render_report(report)          # warm-up
            wall, cpu = _median_ms(lambda report=report: render_report(report), args.repeat)
            fresh, _ = _median_ms(lambda report=report: render_report(report), max(3, args.repeat // 4),
                                  before=draw._glyphs.cache_clear)
            cold, _ = _median_ms(lambda report=report: render_report(report), max(3, args.repeat // 4),
                                 before=draw.clear_glyph_cache)
            w, h = Image.open(io.BytesIO(png)).size
            all_warm.append(wall)
            print(f"{name:28s} {kind:8s} {f'{w}x{h}':>9s} {wall:10.1f} {cpu:9.1f} {fresh:11.1f} {cold:9.1f}")
    print(f"median over all exercises (warm, wall): {statistics.median(all_warm):.1f} ms")
    print(f"first render in a fresh process (imports + fonts): {first_render_ms():.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
