"""Grading one submitted notebook, exercise by exercise, from its source.

For each exercise of the assignment: a fresh sandboxed worker loads the student's graded
cells (definitions only), the public cases run through the same engine as the Check button
(:func:`dnn_lab.checks.run_checks` with the worker as ``caller``), then the hidden cases of the
instructor's notebook, whose expected values the grading process computes with the reference
implementations.  Every comparison happens here, in the grading process: the worker only
returns what the student's function returned.
"""
import ast
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..checks import run_checks
from ..checks.registry import ASSIGNMENTS, USES, get_exercise
from .sandbox import Limits
from .session import GradingSession

HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


@dataclass
class Verdict:
    exercise: str
    passed: bool
    reason: str                     # passed | public | hidden | not_implemented | cell_error | timeout | exited | …
    report: object                  # the public Report (what the Check button shows)
    hidden: object = None           # the Report of the hidden cases, when they ran
    detail: dict = field(default_factory=dict)
    seconds: float = 0.0


# ---- instructor material ----------------------------------------------------------------


def _solution_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def load_references(notebook_paths):
    """A namespace with the functions defined by the solution cells of the instructor's source
    notebooks (in order: Part 1 before Part 2).  Runs in the grading process only."""
    import copy

    import nbformat

    from .. import helpers
    from ..app.init import initialize_parameters_deep_scaled
    namespace = {"np": np, "copy": copy, "__name__": "dnn_lab_references",
                 "initialize_parameters_deep_scaled": initialize_parameters_deep_scaled}
    namespace.update({name: getattr(helpers, name) for name in helpers.HELPERS})

    class _Quiet:
        def __init__(self, *a, **k):
            pass

        def update(self, *a, **k):
            pass

        def close(self):
            pass
    namespace["TrainingProgress"] = _Quiet
    for path in notebook_paths:
        nb = nbformat.read(str(path), as_version=4)
        for cell in _solution_cells(nb):
            exec(compile(cell.source, f"<reference {Path(path).name}:{cell.metadata['nbgrader'].get('grade_id')}>",
                         "exec"), namespace)
    return namespace


def hidden_specs(nb):
    """{exercise: [spec, …]} from the ``hidden_cases = [...]`` data in the hidden regions of the
    grade cells (restored from the gradebook by nbgrader, so the student cannot change them)."""
    out = {}
    for cell in nb.cells:
        grader = cell.metadata.get("nbgrader", {})
        gid = grader.get("grade_id", "")
        if not (cell.cell_type == "code" and grader.get("grade") and gid.endswith("_test")):
            continue
        for region in HIDDEN_REGION.findall(cell.source):
            try:
                tree = ast.parse(region)
            except SyntaxError:
                continue
            for node in tree.body:
                if (isinstance(node, ast.Assign) and len(node.targets) == 1
                        and getattr(node.targets[0], "id", None) == "hidden_cases"):
                    out[gid[:-len("_test")]] = list(ast.literal_eval(node.value))
    return out


def build_hidden_cases(exercise, specs):
    import importlib
    module = importlib.import_module(f"dnn_lab.checks.{exercise}")
    return [module.hidden_case(f"hidden{i}", **spec) for i, spec in enumerate(specs, start=1)]


def _expected_from(references, ex):
    def expected(case):
        np.random.seed(0)
        with np.errstate(all="ignore"):
            return {k: np.asarray(v) for k, v in ex.record(references, case).items()}
    return expected


# ---- the submission ---------------------------------------------------------------------


def submission_cells(nb):
    """The code cells the worker may load (it keeps only definitions of the graded cells)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        grader = cell.metadata.get("nbgrader", {})
        if grader.get("grade") or grader.get("locked"):
            continue   # instructor cells: setup, demos, checks
        out.append({"source": cell.source,
                    "nbgrader": {k: grader.get(k) for k in ("grade_id", "solution", "grade")},
                    "dnn_lab": {"role": cell.metadata.get("dnn_lab", {}).get("role")}})
    return out


def notebook_data_names(nb):
    """Names the notebook's code cells assign at their top level (``t_A = ...``, ``for i in ...``): data
    a function might read from the kernel instead of its arguments."""
    from ..loader import KEPT_STATEMENTS, top_level_statements
    return {sub.id for node in top_level_statements(nb) if not isinstance(node, KEPT_STATEMENTS)
            for sub in ast.walk(node) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store)}


def _failure_reason(fn, report):
    if fn.gone and fn.gone[0] not in ("finished",):
        return fn.gone[0]
    for f in report.failures:
        if f.params.get("exc_type") == "MemoryError":
            return "memory"
    return None


def grade_exercise(session, exercise, cells, names, *, references, specs, isolate=True, timeout=10.0,
                   lang="both", application=False, notebook_names=(), callee_reports=None):
    started = time.perf_counter()
    ex = get_exercise(exercise)
    proxies = USES.get(exercise, ()) if isolate else ()
    fn = session.function(exercise, cells, names, proxies=proxies, application=application,
                          notebook_names=notebook_names)
    try:
        if not fn.defined:
            report = run_checks(exercise, None, lang=lang)
            errors = fn.load_errors
            reason = fn.gone[0] if fn.gone else ("cell_error" if errors else "not_implemented")
            return Verdict(exercise, False, reason, report, detail={"errors": errors},
                           seconds=time.perf_counter() - started)
        # Not isolated, the callees are the student's own: a wrong one is named (checks/blame.py) from its
        # verdict, graded before (exercise order); isolated, they are the references and nothing is blamed.
        report = run_checks(exercise, fn, lang=lang, timeout=timeout, caller=fn.call_student,
                            callee_reports=None if isolate else callee_reports)
        if not report.passed:
            first = report.hints[0] if report.hints else None
            reason = _failure_reason(fn, report) or {"timeout": "timeout", "not_implemented": "not_implemented"}.get(
                first, "public")
            return Verdict(exercise, False, reason, report, seconds=time.perf_counter() - started)
        cases = build_hidden_cases(exercise, specs.get(exercise, []))
        hidden = None
        if cases:
            hidden = run_checks(exercise, fn, lang=lang, timeout=timeout, caller=fn.call_student, cases=cases,
                                expected=_expected_from(references, ex))
            if not hidden.passed:
                reason = _failure_reason(fn, hidden) or ("timeout" if "timeout" in hidden.hints else "hidden")
                return Verdict(exercise, False, reason, report, hidden, seconds=time.perf_counter() - started)
        return Verdict(exercise, True, "passed", report, hidden, seconds=time.perf_counter() - started)
    finally:
        fn.finish()


def grade_notebook(nb, assignment, references, *, isolate=True, timeout=10.0, limits=Limits(), lang="both",
                   part1_cells=None, prefer_bwrap=True, hide=()):
    """{exercise: Verdict} for every exercise of ``assignment``; the sandbox level is in ``level``."""
    specs = hidden_specs(nb)
    cells = submission_cells(nb)
    data_names = notebook_data_names(nb)
    names = list(ASSIGNMENTS[assignment])
    application = assignment != "step_by_step"
    if application:
        names = list(ASSIGNMENTS["step_by_step"]) + names
        if not isolate and part1_cells:
            cells = part1_cells + cells
    verdicts = {}
    with GradingSession(references, limits=limits, timeout=timeout, prefer_bwrap=prefer_bwrap, hide=hide) as session:
        for exercise in ASSIGNMENTS[assignment]:
            verdicts[exercise] = grade_exercise(session, exercise, cells, names, references=references, specs=specs,
                                                isolate=isolate or (application and not part1_cells),
                                                timeout=timeout, lang=lang, application=application,
                                                notebook_names=data_names,
                                                callee_reports={n: v.report for n, v in verdicts.items()})
        level = session.level
    return verdicts, level
