"""The checks engine: run one exercise's cases against a student's function.

An exercise is described by an :class:`Exercise` (cases, steps, a ``check``
function that compares one case's result with the expected data, and a
``record`` function the maintainer uses to produce that data from the source
notebook's solutions).  :func:`run_checks` turns that into a :class:`Report`.
"""
import re
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..messages import get_language, t
from . import compare
from .expected import expected_for
from .report import FAILED, NOT_REACHED, PASSED, CaseResult, Finding, Report, hint_rank, order_hints
from .student_call import call_student, global_data_reads

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Case:
    """One set of inputs. ``make()`` returns fresh argument tuples; ``about``
    names the shapes for people; ``dims`` feeds the diagram (layer sizes, m)."""
    id: str
    make: Callable[[], tuple]
    about: str
    dims: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    name: str
    assignment: str
    arg_names: tuple
    cases: tuple
    steps: Callable            # case -> [step ids] in checking order
    check: Callable            # ctx -> None
    record: Callable           # (solutions namespace, case) -> {key: ndarray}
    spy: tuple = ()            # global names whose calls are recorded
    error_step: Callable | None = None   # (ctx) -> step id blamed for an exception, or None
    mutation_step: str | None = None     # step blamed for changed inputs
    explain_error: Callable | None = None  # (ctx) -> None; may record the cause of an exception
    layered: bool = False      # works over layers: an index past the last layer is a loop_bounds


class StopCase(Exception):
    """Raised by a check to end its case after a structural failure."""


class Context:
    """What a ``check`` function works with for one case."""

    def __init__(self, exercise, case, args, call, expected):
        self.exercise, self.case, self.args, self.call = exercise, case, args, call
        self.value = call.value
        self.expected = expected
        self.findings = []
        self.visited = []
        self.error_hint = None
        self.fn = None  # the student's function (or the grader's stand-in for it)

    # -- recording ------------------------------------------------------
    def visit(self, step):
        if step not in self.visited:
            self.visited.append(step)

    def fail(self, step, hint, message_id, *, shown=None, warning=False, **params):
        """Record a finding.  ``params`` fill the message's placeholders; ``shown``
        is the (expected, got) pair of printable summaries for the case table,
        by default the message's own ``expected``/``got`` params."""
        self.visit(step)
        if shown is None:
            shown = (params.get("expected"), params.get("got"))
        exp_s, got_s = (None if v is None else str(v) for v in shown)
        self.findings.append(Finding(case=self.case.id, step=step, message_id=message_id, hint=hint,
                                     params=params, expected=exp_s, got=got_s, warning=warning))

    def stop(self, step, hint, message_id, **kw):
        self.fail(step, hint, message_id, **kw)
        raise StopCase()

    def failed(self, step):
        return any(f.step == step and not f.warning for f in self.findings)

    # -- comparing ------------------------------------------------------
    def exp(self, key):
        return self.expected[key]

    def array(self, step, what, got, key, *, m=None, is_sum=False, variants=(), extra_m=None):
        """Compare ``got`` with expected ``key``; record a finding; True when equal."""
        self.visit(step)
        expected = self.expected[key] if isinstance(key, str) else key
        found = compare.diagnose(got, expected, what, m=m, is_sum=is_sum, variants=variants, extra_m=extra_m)
        if found is None:
            return True
        hint, message_id, params = found
        self.fail(step, hint, message_id, shown=(compare.summarize(np.asarray(expected)), compare.summarize(got)),
                  **params)
        return False

    def sequence(self, step, what, got, length, kinds=(tuple, list)):
        """Require a tuple/list of ``length`` (a list works wherever a tuple is unpacked)."""
        if not isinstance(got, kinds):
            self.stop(step, "wrong_type", "msg.wrong_type", what=what,
                      expected=f"tuple[{length}]", got=compare.type_name(got))
        if len(got) != length:
            self.stop(step, "wrong_type", "msg.wrong_length", what=what, expected=length, got=len(got))
        return got

    def dict_value(self, step, what, got):
        if not isinstance(got, dict):
            self.stop(step, "wrong_type", "msg.wrong_type", what=what, expected="dict",
                      got=compare.type_name(got))
        return got


def _fn_name(fn, exercise):
    return getattr(fn, "__name__", exercise)


def _texts(findings, lang, fn_name):
    out = []
    for f in findings:
        params = {"fn": fn_name, **f.params}
        try:
            text = t(f.message_id, lang, **params)
        except Exception:  # noqa: BLE001 - a text that cannot be filled must not lose the verdict
            text = ""
        out.append(Finding(case=f.case, step=f.step, message_id=f.message_id, hint=f.hint, params=f.params,
                           text=text, expected=f.expected, got=f.got, warning=f.warning))
    return out


_LAYER_KEY = re.compile(r"^(d?)([WbA])(\d+)$")


def _error_hint(ctx, error):
    """``loop_bounds`` when a layered exercise indexes past its layers, else ``exception``."""
    if not ctx.exercise.layered:
        return "exception"
    L = len(ctx.case.dims.get("layer_dims", ())) - 1
    key = error.get("key")
    if error["type"] == "KeyError" and isinstance(key, str) and _LAYER_KEY.match(key):
        d, letter, index = _LAYER_KEY.match(key).groups()
        # W, b, dW, db: layers 1..L; A: A0 (X) .. AL; dA: dA0 .. dA(L-1), the keys of grads.
        low, high = (1, L) if letter in "Wb" else (0, L - 1 if d else L)
        if not low <= int(index) <= high:
            return "loop_bounds"
    if error["type"] == "IndexError" and error["message"] in ("list index out of range", "tuple index out of range"):
        return "loop_bounds"
    return "exception"


def _report_error(ctx, steps):
    """Record an exception.  An index past the last layer is a ``loop_bounds``; a
    KeyError, NameError, loop variable or stub left halfway gets its own hint
    (``checks/diagnosis.py``); when the exercise can name an earlier cause (a layer got
    the wrong input, seen by a spy; a wrong value in the failing frame), that finding
    comes first, in computation order, and lends the exception its hint."""
    from .diagnosis import report_error
    report_error(ctx, steps, _error_hint(ctx, ctx.call.error), StopCase)


_INPUTS = {}


def case_inputs(ex, case):
    """The case's inputs, built once per process (seeding a RandomState costs more than a
    whole check).  Read-only: the student's function gets deep copies, and the checks
    only read them.  Cases not among the exercise's public ones (hidden cases) are built
    each time."""
    if not any(case is c for c in ex.cases):
        return case.make()
    key = (ex.name, case.id)
    if key not in _INPUTS:
        _INPUTS[key] = case.make()
    return _INPUTS[key]


def run_case(ex, case, fn, timeout, caller=None, expected=None):
    """Run one case; returns (CaseResult without texts, stop_after).  ``caller`` replaces
    :func:`call_student` (the grader calls the function in a sandboxed process);
    ``expected(case)`` replaces the public expected data (hidden cases)."""
    steps = ex.steps(case)
    args = case_inputs(ex, case)
    call = (caller or call_student)(fn, args, ex.arg_names, timeout=timeout, spy=ex.spy)
    exp = expected(case) if expected else expected_for(ex.assignment, ex.name, case.id)
    ctx = Context(ex, case, args, call, exp)
    ctx.fn = fn
    stop_after = False
    first = steps[0]
    if call.timed_out:
        ctx.fail(first, "timeout", "msg.timeout", seconds=f"{timeout:g}")
        stop_after = True
    elif call.not_implemented:
        from .diagnosis import partly_implemented
        if not partly_implemented(ctx, steps):
            ctx.fail(first, "not_implemented", "msg.not_implemented_raised")
        stop_after = True
    elif call.error is not None:
        _report_error(ctx, steps)
    elif call.value is None:
        # Code that does work (loads numpy, helpers…) but returns None lacks its return.
        ctx.fail(first, "not_implemented", "msg.no_return" if call.loads else "msg.not_implemented")
        stop_after = True
    else:
        try:
            ex.check(ctx)
        except StopCase:
            pass
        except Exception as exc:  # noqa: BLE001 - a value the check did not foresee
            ctx.fail(ctx.visited[-1] if ctx.visited else first, "wrong_type", "msg.unreadable_value",
                     error=f"{type(exc).__name__}: {exc}"[:200])
        if call.mutated:
            ctx.fail(ex.mutation_step or first, "mutates_inputs", "msg.mutates_inputs",
                     what=", ".join(call.mutated[:4]))
    if call.printed.strip():
        sample = call.printed.strip().splitlines()[0][:60]
        ctx.fail(first, "prints_output", "msg.prints_output", warning=True, sample=sample)
    failures = [f for f in ctx.findings if not f.warning]
    order = {s: i for i, s in enumerate(steps)}
    # Computation order; within one step the specific diagnosis before the generic symptom.
    failures.sort(key=lambda f: (order.get(f.step, len(order)), hint_rank(f.hint)))
    states = {}
    failed_steps = {f.step for f in failures}
    for s in steps:
        if s in failed_steps:
            states[s] = FAILED
        elif s in ctx.visited:
            states[s] = PASSED
        else:
            states[s] = NOT_REACHED
    if not failures and not call.timed_out and call.error is None:
        # Every step the check did not explicitly fail is verified by the whole result.
        states = {s: PASSED for s in steps}
    warnings = [f for f in ctx.findings if f.warning]
    result = CaseResult(case=case.id, about=case.about, passed=not failures, steps=states,
                        findings=tuple(failures + warnings))
    return result, stop_after


def _hints(failures, warnings):
    """Distinct hints, most specific first — but those of the first failure (the case
    and step the diagram shows) before all others, so the first hint explains it."""
    if not failures:
        return order_hints([w.hint for w in warnings])
    head = order_hints([f.hint for f in failures if (f.case, f.step) == (failures[0].case, failures[0].step)])
    rest = [h for h in order_hints([f.hint for f in failures + warnings]) if h not in head]
    return head + rest


def run_checks(exercise, fn, lang=None, timeout=DEFAULT_TIMEOUT, *, caller=None, cases=None, expected=None,
               blame=True, callee_reports=None):
    """Check ``fn`` against every case of ``exercise``; never raises for the
    student's faults.  See SPEC §3 for the report's fields.

    The grader (``dnn_lab.grading``) passes ``caller`` (runs the function in its sandbox,
    returns a ``Call``), and for hidden cases ``cases`` with ``expected(case) -> {key: array}``.
    ``blame``: when a graded function ``fn`` calls fails its own check with the same symptom,
    the report names it (``checks/blame.py``); those checks run on the callees found in
    ``fn``'s globals, or their reports come in ``callee_reports`` ({name: Report}, the grader)."""
    # Comparing a student's inf/NaN with the expected values must not print warnings.
    with np.errstate(all="ignore"):
        report = _run_checks(exercise, fn, lang, timeout, caller, cases, expected)
        if blame and not report.passed and (caller is None or callee_reports is not None):
            from .blame import blame_callee
            report = blame_callee(report, fn, lang=report.lang, timeout=timeout, callee_reports=callee_reports)
        return report


def _run_checks(exercise, fn, lang, timeout, caller=None, cases=None, expected=None):
    from .registry import get_exercise
    ex = get_exercise(exercise)
    all_cases = tuple(cases) if cases is not None else ex.cases
    lang = lang or get_language()
    started = time.perf_counter()
    fn_name = _fn_name(fn, ex.name)
    results = []
    if fn is None or not callable(fn):
        first_case = all_cases[0]
        steps = ex.steps(first_case)
        f = Finding(case=first_case.id, step=steps[0], message_id="msg.not_implemented", hint="not_implemented")
        results.append(CaseResult(case=first_case.id, about=first_case.about, passed=False,
                                  steps={s: (FAILED if i == 0 else NOT_REACHED) for i, s in enumerate(steps)},
                                  findings=(f,)))
    else:
        stop = False
        for case in all_cases:
            if stop:
                steps = ex.steps(case)
                results.append(CaseResult(case=case.id, about=case.about, passed=False,
                                          steps={s: NOT_REACHED for s in steps}))
                continue
            result, stop = run_case(ex, case, fn, timeout, caller, expected)
            results.append(result)
        globals_read = global_data_reads(fn)
        if globals_read:
            first = results[0]
            step = ex.steps(all_cases[0])[0]
            f = Finding(case=first.case, step=step, message_id="msg.uses_globals", hint="uses_globals",
                        params={"names": ", ".join(globals_read)})
            states = dict(first.steps)
            states[step] = FAILED
            results[0] = CaseResult(case=first.case, about=first.about, passed=False, steps=states,
                                    findings=(f,) + first.findings)
    findings = [f for r in results for f in r.findings]
    failures = _texts([f for f in findings if not f.warning], lang, fn_name)
    warnings = _texts([f for f in findings if f.warning], lang, fn_name)
    shown = next((r for r in results if not r.passed and r.findings), results[0])
    case_obj = next(c for c in all_cases if c.id == shown.case)
    return Report(
        exercise=ex.name, lang=lang, passed=not failures,
        failed_step=failures[0].step if failures else None,
        hints=_hints(failures, warnings),
        failures=failures, warnings=warnings, cases=results,
        step_states=dict(shown.steps), dims=dict(case_obj.dims),
        seconds=time.perf_counter() - started,
    )
