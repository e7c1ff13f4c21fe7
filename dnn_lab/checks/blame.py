"""Blaming the function that is wrong.

When an exercise fails because a graded function it calls is wrong, the student
must be sent to that function, not to the caller's code: a ``linear_backward``
without 1/m makes ``L_model_backward`` fail at layer 2 with "divide by m", while
Exercise 9 itself says not to divide by m there.

:func:`blame_callee` runs the own checks of the graded functions the exercise
calls (``registry.USES``, only those its code uses, innermost exercise first) and,
when one fails with the same symptom — its first hint is among the caller's hints,
the caller's error was raised inside it, or the caller only saw a wrong value
(``GENERIC``) at the step where it calls it (``CALLED_AT``) — returns the caller's report with
``callee`` set, the callee's own hints (its first one heads the report) then ``callee_wrong``,
and a first finding (``msg.callee_wrong``, with the callee's first hint) at the caller's failed step, which is
where the callee is called (the diagram marks it).  The caller's findings stay as
evidence; no hint is given for the caller's own code.

The grader passes ``callee_reports`` (the verdicts of the exercises graded before)
instead: its functions live in a sandbox, and with isolation the callees are the
references, so there is nothing to blame.
"""
import dataclasses

from .registry import ALL_EXERCISES, ASSIGNMENTS, USES, assignment_of
from .report import Finding
from .student_call import _global_names

# The caller's own unfinished or misplaced code comes first whatever its callees do.
OWN_FIRST = frozenset({"not_implemented", "partly_implemented", "uses_globals", "function_missing", "timeout",
                       "callee_wrong"})


# The hints that only say "the value is wrong": the caller's check saw a wrong result but not why.
GENERIC = frozenset({"wrong_value", "wrong_shape", "wrong_type", "exception"})
_FORWARD = ("L_model_forward", "linear_activation_forward", "linear_forward")
_BACKWARD = ("L_model_backward", "linear_activation_backward", "linear_backward")
_MODEL = {"init": ("initialize_parameters", "initialize_parameters_deep"), "forward": _FORWARD,
          "cost": ("compute_cost",), "backward": _BACKWARD, "update": ("update_parameters",)}
# Where each exercise calls its graded callees: step id (``layer`` = every layerN) → callees.
CALLED_AT = {
    "linear_activation_forward": {"linear": ("linear_forward",)},
    "L_model_forward": {"layer": _FORWARD[1:]},
    "linear_activation_backward": {"linear_backward": ("linear_backward",)},
    "L_model_backward": {"layer": _BACKWARD[1:]},
    "two_layer_model": _MODEL,
    "L_layer_model": _MODEL,
    "predict": {"forward": _FORWARD},
}


def called_at(exercise, step):
    """The graded functions ``exercise`` calls at ``step`` (directly or through another one)."""
    steps = CALLED_AT.get(exercise, {})
    key = "layer" if step and step.startswith("layer") and step[5:].isdigit() else step
    return steps.get(key, ())


def exercise_number(name):
    """``(number in its assignment, assignment)``: linear_backward → (7, "step_by_step")."""
    assignment = assignment_of(name)
    return ASSIGNMENTS[assignment].index(name) + 1, assignment


def called(exercise, fn):
    """The graded functions ``fn`` may reach (its code's globals, and what those call), innermost
    exercise first; all of ``USES`` when the code cannot be read (a stand-in)."""
    uses = USES.get(exercise, ())
    code = getattr(fn, "__code__", None)
    if code is not None:
        direct = {n for n in _global_names(code) if n in uses}
        reach = direct | {c for d in direct for c in USES.get(d, ())}
        uses = [n for n in uses if n in reach]
    return sorted(uses, key=ALL_EXERCISES.index)


def same_symptom(report, callee_report):
    """Does the caller's failure look like the callee's own?"""
    if callee_report is None or callee_report.passed or not callee_report.hints:
        return False
    first = next((h for h in callee_report.hints if h != "callee_wrong"), None)
    if first in report.hints and first not in ("not_implemented", "partly_implemented"):
        return True
    callee = callee_report.exercise
    if any(f.params.get("where") == callee for f in report.failures):
        return True  # the caller's error was raised inside the callee
    # The caller's check only saw a wrong value, at the step where it calls the callee.
    return bool(report.hints) and report.hints[0] in GENERIC and callee in called_at(report.exercise,
                                                                                    report.failed_step)


def blame_callee(report, fn, *, lang, timeout, callee_reports=None):
    """The report, or (a callee is wrong) the report that blames it; see the module docstring."""
    if report.passed or not report.failures or (report.hints and report.hints[0] in OWN_FIRST):
        return report
    from .engine import run_checks
    for name in called(report.exercise, fn):
        if callee_reports is not None:
            callee_report = callee_reports.get(name)
        else:
            callee_fn = (getattr(fn, "__globals__", None) or {}).get(name)
            if not callable(callee_fn):
                continue
            callee_report = run_checks(name, callee_fn, lang=lang, timeout=timeout, blame=False)
        if same_symptom(report, callee_report):
            return blamed(report, callee_report)
    return report


def blamed(report, callee_report):
    callee = callee_report.exercise
    number, assignment = exercise_number(callee)
    part1 = assignment != assignment_of(report.exercise)
    params = {"callee": callee, "number": number, "callee_step": callee_report.failed_step or ""}
    message_id = "msg.callee_wrong_part1" if part1 else "msg.callee_wrong"
    first = report.failures[0]
    from ..messages import t
    hints = [h for h in callee_report.hints if h != "callee_wrong"] + ["callee_wrong"]
    finding = Finding(case=first.case, step=report.failed_step, message_id=message_id, hint=hints[0],
                      params=params, text=_text(t, message_id, report, params))
    return dataclasses.replace(report, callee=callee, hints=hints, failures=[finding, *report.failures])


def _text(t, message_id, report, params):
    try:
        return t(message_id, report.lang, fn=report.exercise, **params)
    except Exception:  # noqa: BLE001 - the renderers rebuild it; never lose the verdict
        return ""
