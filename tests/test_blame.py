"""Blame the function that is wrong (W5): when an exercise fails because a graded function it calls fails
its own check with the same symptom, the report names that function and its exercise (report.callee,
msg.callee_wrong, the callee's hints then callee_wrong), at the step where it is called; in the
kernel's Check, in `dnn-lab check` (tests/test_check_cli_forms.py) and in grading without isolation."""
import pytest

from dnn_lab import widget
from dnn_lab.checks import run_checks
from dnn_lab.checks.blame import called_at
from dnn_lab.dev import load_solutions
from dnn_lab.render import render_html, render_text

LB_NO_M = '''
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
'''
LB_DB_AXIS = LB_NO_M.replace("dW = np.dot(dZ, A_prev.T)", "dW = np.dot(dZ, A_prev.T) / m").replace(
    "np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=0, keepdims=True)")
LMB_DAL_SIGN = '''
def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads
'''


def namespace(*sources):
    """The solutions of Part 1 with ``sources`` executed over them (the student's notebook namespace)."""
    ns = load_solutions("step_by_step")
    for source in sources:
        exec(source, ns)
    return ns


@pytest.fixture(scope="module")
def no_m():
    return namespace(LB_NO_M)


@pytest.mark.parametrize("exercise, step", [("linear_activation_backward", "linear_backward"),
                                            ("L_model_backward", "layer2")])
def test_a_wrong_linear_backward_is_named_by_its_callers(no_m, exercise, step):
    """dW without 1/m in linear_backward: do the reports of linear_activation_backward and L_model_backward
    name linear_backward (callee, exercise 7), with its hint first and callee_wrong, at the step where it is
    called, and give no hint of their own?"""
    report = run_checks(exercise, no_m[exercise], lang="en")
    assert not report.passed and report.callee == "linear_backward"
    assert report.failed_step == step and "linear_backward" in called_at(exercise, step)
    assert report.hints == ["forgot_1_over_m", "callee_wrong"]
    first = report.failures[0]
    assert (first.message_id, first.step, first.params["callee"], first.params["number"]) == \
        ("msg.callee_wrong", step, "linear_backward", 7)
    assert report.as_dict()["callee"] == "linear_backward"
    own = run_checks("linear_backward", no_m["linear_backward"], lang="en")
    assert own.callee is None and own.hints[0] == "forgot_1_over_m"  # the callee itself: its own report


def test_what_a_person_reads_names_the_callee(no_m):
    """Does the headline say, in zh and en, text and HTML, that the mistake is in linear_backward (Exercise 7 /
    练习 7), with linear_backward's hint, and does the diagram mark the step where it is called?"""
    report = run_checks("L_model_backward", no_m["L_model_backward"], lang="en")
    en = render_text(report, "en").splitlines()
    assert en[0] == "✗ `L_model_backward`: the mistake is in your `linear_backward` (Exercise 7), not in " \
                    "`L_model_backward` itself."
    assert en[1].startswith("  hint: ") and "divide by" in en[1].lower()
    assert "`linear_backward` (Exercise 7), called here, fails its own check" in en[2]
    zh = render_text(report, "zh").splitlines()
    assert zh[0].startswith("✗ `L_model_backward`：错误出在你写的 `linear_backward`（练习 7）里")
    html = render_html(report, "zh")
    assert "<code>linear_backward</code>（练习 7）" in html and 'data-hints="forgot_1_over_m callee_wrong"' in html
    from dnn_lab.diagram import render_report, report_notes
    _, states = render_report(report, lang="en", fmt="svg")
    assert states["layer2"] == "failed"
    assert "linear_backward" in report_notes(report, "en")["layer2"]


def test_a_callee_failing_otherwise_is_not_blamed():
    """With a wrong linear_backward (db over the wrong axis) and L_model_backward's own mistake (the sign of
    dAL), is L_model_backward told about its own mistake, not blamed on linear_backward?"""
    ns = namespace(LB_DB_AXIS, LMB_DAL_SIGN)
    assert run_checks("linear_backward", ns["linear_backward"], lang="en").hints[0] == "wrong_sum_axis"
    report = run_checks("L_model_backward", ns["L_model_backward"], lang="en")
    assert report.callee is None and (report.failed_step, report.hints[0]) == ("dAL", "sign_error")


def test_the_kernel_check_names_the_callee(no_m):
    """In the widget's run (the Check button without the front end), does the report output carry the
    callee in its metadata, its text name it, the diagram mark layer 2, and nothing show a traceback?"""
    fb = widget.run_feedback("L_model_backward", no_m["L_model_backward"], "en", 10, record=False)
    report_out, diagram_out = fb.outputs[0], fb.outputs[1]
    meta = report_out["metadata"]["dnn_lab"]
    assert meta["callee"] == "linear_backward" and meta["hints"][0] == "forgot_1_over_m"
    assert "the mistake is in your `linear_backward` (Exercise 7)" in report_out["data"]["text/plain"]
    assert diagram_out["metadata"]["dnn_lab"]["states"]["layer2"] == "failed"
    assert all("Traceback" not in o["data"].get("text/plain", "") for o in fb.outputs)


def test_grading_names_the_callee_without_isolation_and_not_with_it():
    """Graded from a notebook with that linear_backward: without isolation, is L_model_backward's verdict
    blamed on linear_backward; with isolation (references as callees), does L_model_backward pass?"""
    import nbformat

    from dnn_lab.grading.grade import grade_notebook, load_references
    from nbutil import SOURCE, grade_id
    path = SOURCE / "step_by_step" / "step_by_step.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if grade_id(cell) == "linear_backward":
            cell.source = LB_NO_M
    refs = load_references([path])
    verdicts, _ = grade_notebook(nb, "step_by_step", refs, lang="en", isolate=False)
    assert not verdicts["linear_backward"].passed
    lmb = verdicts["L_model_backward"]
    assert not lmb.passed and lmb.report.callee == "linear_backward" and lmb.report.hints[-1] == "callee_wrong"
    verdicts, _ = grade_notebook(nb, "step_by_step", refs, lang="en", isolate=True)
    assert verdicts["L_model_backward"].passed and verdicts["L_model_backward"].report.callee is None
