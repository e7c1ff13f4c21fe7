"""What does grading from the source, in a sandbox, cost?  Prints figures; asserts nothing.

In one run, with real `nbgrader autograde`:

(a) our course (`dnn-lab course init`: sandboxed grading + sandboxed feedback kernel) on N solved
    submissions of step_by_step;
(b) the same notebook as a plain nbgrader course: no dnn_lab in the notebook, grade cells with
    plain asserts (the hidden tests of the original course style), nbgrader's default config;
(c) our course on one student whose every function hangs (`while True: pass`), the exercise
    limit being c.DnnLabGrader.timeout (default 10 s).

Goal: (a)/(b) per student <= 1.1; (c) <= 10 x limit + 30 s.

Run:  python benchmarks/bench_autograde.py [--students 10] [--skip-hang]
"""
import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source" / "step_by_step"

# Plain asserts for (b): the public reference values, checked the way a plain nbgrader notebook would.
PLAIN_TESTS = {
    "initialize_parameters": "_p = initialize_parameters(3, 2, 1)\nassert _p['W1'].shape == (2, 3) and np.all(_p['b1'] == 0)\n"
                             "np.random.seed(1)\nassert np.allclose(_p['W1'], np.random.randn(2, 3) * 0.01)",
    "initialize_parameters_deep": "_p = initialize_parameters_deep([5, 4, 3])\nassert _p['W2'].shape == (3, 4)\n"
                                  "np.random.seed(3)\nassert np.allclose(_p['W1'], np.random.randn(4, 5) * 0.01)",
    "linear_forward": "_A, _W, _b = linear_forward_test_case()\nassert np.allclose(linear_forward(_A, _W, _b)[0], _W @ _A + _b)",
    "linear_activation_forward": "_A, _W, _b = linear_activation_forward_test_case()\n_Z = _W @ _A + _b\n"
                                 "assert np.allclose(linear_activation_forward(_A, _W, _b, 'relu')[0], np.maximum(_Z, 0))\n"
                                 "assert np.allclose(linear_activation_forward(_A, _W, _b, 'sigmoid')[0], 1 / (1 + np.exp(-_Z)))",
    "L_model_forward": "_X, _P = L_model_forward_test_case_2hidden()\n_AL, _c = L_model_forward(_X, _P)\n"
                       "assert len(_c) == 3 and np.allclose(_AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])",
    "compute_cost": "_Y, _AL = compute_cost_test_case()\nassert np.isclose(compute_cost(_AL, _Y), 0.2797765635793422)",
    "linear_backward": "_dZ, (_A, _W, _b) = linear_backward_test_case()\n_d = linear_backward(_dZ, (_A, _W, _b))\n"
                       "assert np.allclose(_d[1], _dZ @ _A.T / 4) and np.allclose(_d[0], _W.T @ _dZ)",
    "linear_activation_backward": "_dA, _cache = linear_activation_backward_test_case()\n"
                                  "_o = linear_activation_backward(_dA, _cache, 'relu')\nassert _o[1].shape == (1, 3)",
    "L_model_backward": "_AL, _Y, _c = L_model_backward_test_case()\n_g = L_model_backward(_AL, _Y, _c)\n"
                        "assert set(_g) == {'dA0', 'dA1', 'dW1', 'dW2', 'db1', 'db2'} and np.all(_g['dW1'][1] == 0)",
    "update_parameters": "_P, _G = update_parameters_test_case()\n_N = update_parameters(_P, _G, 0.1)\n"
                         "assert np.allclose(_N['b2'], [[-0.84610769]])",
}


def nbgrader(*args, cwd):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stdout + proc.stderr)
    return proc


def solved_sources(nb):
    out = {}
    for cell in nb.cells:
        grader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grader.get("solution"):
            out[grader["grade_id"]] = "\n".join(l for l in cell.source.splitlines()
                                                if l.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return out


def hanging(sources):
    out = {}
    for name, src in sources.items():
        i = src.index('    """', src.index('"""') + 3) + len('    """\n')
        out[name] = src[:i] + "    while True:\n        pass\n" + src[i:]
    return out


def submit(course, student, answers):
    release = course / "release" / "step_by_step"
    nb = nbformat.read(release / "step_by_step.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    target = course / "submitted" / student / "step_by_step"
    shutil.copytree(release, target)
    nbformat.write(nb, target / "step_by_step.ipynb")


def our_course(base, name="ours"):
    course = base / name
    subprocess.run([sys.executable, "-m", "dnn_lab.cli", "course", "init", str(course), "--lang", "en"],
                   check=True, capture_output=True)
    nbgrader("generate_assignment", "step_by_step", "--force", cwd=course)
    return course


def plain_course(base):
    """The same notebook without dnn_lab: plain asserts, nbgrader's defaults."""
    course = base / "plain"
    src = course / "source" / "step_by_step"
    shutil.copytree(SOURCE, src, ignore=shutil.ignore_patterns("__pycache__", "public_tests.py"))
    nb = nbformat.read(src / "step_by_step.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        role = cell.metadata.get("dnn_lab", {}).get("role")
        if role == "setup":
            cell.source = ("import copy\n\nimport numpy as np\nfrom dnn_utils import sigmoid, sigmoid_backward, relu, "
                           "relu_backward\nfrom testCases import *\nnp.random.seed(1)")
        elif meta.get("grade") and meta.get("grade_id", "").endswith("_test"):
            cell.source = PLAIN_TESTS[meta["grade_id"][:-5]]
        cell.metadata.pop("dnn_lab", None)
    nbformat.write(nb, src / "step_by_step.ipynb")
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}\n')
    nbgrader("generate_assignment", "step_by_step", "--force", cwd=course)
    return course


def timed_autograde(course):
    started = time.perf_counter()
    nbgrader("autograde", "step_by_step", "--create", "--force", cwd=course)
    return time.perf_counter() - started


def scores(course):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return [s.score for s in gb.assignment_submissions("step_by_step")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--skip-hang", action="store_true")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    try:
        solved = solved_sources(nbformat.read(SOURCE / "step_by_step.ipynb", as_version=4))
        ours, plain = our_course(base), plain_course(base)
        for course in (ours, plain):
            for i in range(args.students):
                submit(course, f"s{i:02d}", solved)
        # interleave the two, twice, and keep the faster run of each (the machine's noise)
        t_ours, t_plain = [], []
        for _ in range(2):
            t_plain.append(timed_autograde(plain))
            t_ours.append(timed_autograde(ours))
        a, b = min(t_ours) / args.students, min(t_plain) / args.students
        print(f"students: {args.students} solved submissions each; scores ours {sorted(set(scores(ours)))}, "
              f"plain {sorted(set(scores(plain)))}")
        print(f"(a) dnn_lab course (sandboxed grading + sandboxed feedback kernel): {a:.2f} s per student")
        print(f"(b) same notebook, plain asserts, plain nbgrader:                      {b:.2f} s per student")
        print(f"ratio (a)/(b): {a / b:.2f}   (goal <= 1.1)")
        if not args.skip_hang:
            hang = our_course(base, "hang")
            submit(hang, "hangs_everywhere", hanging(solved))
            limit = 10
            t = timed_autograde(hang)
            print(f"(c) one student hanging in all 10 functions (limit {limit} s): {t:.1f} s "
                  f"(goal <= {10 * limit + 30} s); score {scores(hang)}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
