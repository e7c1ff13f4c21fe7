"""`dnn-lab check` = the Check button: on correct notebooks of the three language forms every
exercise passes, alone (`--exercise NAME`) or all together; Part 2 gets the Part 1 functions the
way its notebook does (from step_by_step.ipynb beside it); a function that is missing is said to be
missing, never a near-miss; a half-written function is said to be half-written, as the button says."""
import re

import nbformat
import pytest

from dnn_lab import cli
from dnn_lab.checks.registry import ASSIGNMENTS
from dnn_lab.messages import t, t_short
from dnn_lab.notebooks import student_notebook
from nbutil import as_cell_source, fill, solution_sources
from test_checks_diagnosis import laf_relu_branch_stub

CJK = re.compile(r"[\u4e00-\u9fff]")


def write_course(folder, lang, answers=None):
    """step_by_step.ipynb and application.ipynb of the ``lang`` form in ``folder``, every graded cell
    holding the source notebook's solution (``answers``: {assignment: {grade_id: source}} overrides)."""
    folder.mkdir(parents=True, exist_ok=True)
    for assignment in ASSIGNMENTS:
        nb = nbformat.reads(student_notebook(assignment, lang).read_text(encoding="utf-8"), as_version=4)
        filled = {**solution_sources(assignment), **((answers or {}).get(assignment, {}))}
        nbformat.write(fill(nb, filled), folder / f"{assignment}.ipynb")
    return folder


def run(capsys, *argv):
    code = cli.main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_correct_notebooks_pass_every_run(tmp_path, capsys, lang):
    """On correct notebooks of this form: does `dnn-lab check` give 10/10 for Part 1 and 3/3 for Part 2
    (Part 1 read from step_by_step.ipynb beside it), and does every one of the 13 `--exercise` runs pass?"""
    folder = write_course(tmp_path / lang, lang)
    part1, part2 = folder / "step_by_step.ipynb", folder / "application.ipynb"
    code, out = run(capsys, part1)
    assert code == 0 and out.rstrip().splitlines()[-1] == t_short("cli.check.summary", lang, passed=10, total=10)
    code, out = run(capsys, part2)
    assert code == 0 and out.rstrip().splitlines()[-1] == t_short("cli.check.summary", lang, passed=3, total=3)
    assert t("cli.check.part1", lang, path="step_by_step.ipynb", n=10, total=10) in out
    assert bool(CJK.search(out)) == (lang != "en")
    failed = []
    for assignment, names in ASSIGNMENTS.items():
        for name in names:
            code, out = run(capsys, folder / f"{assignment}.ipynb", "--exercise", name)
            if code != 0 or "✓" not in out or "✗" in out:
                failed.append((name, out[:400]))
    assert failed == []


def test_a_missing_function_is_said_to_be_missing(tmp_path, capsys):
    """When linear_backward's cell does not run (so the function is missing), does the check of
    linear_activation_backward say that Exercise 7's function is not defined and to run its cell (hint
    function_missing), never 'did you mean …'?"""
    broken = {"step_by_step": {"linear_backward": "def linear_backward(dZ, cache:\n    pass\n"}}
    folder = write_course(tmp_path, "en", broken)
    code, out = run(capsys, folder / "step_by_step.ipynb", "--exercise", "linear_activation_backward")
    assert code == 1
    assert "calls `linear_backward`, which is not defined yet: it is the function of Exercise 7" in out
    assert "did you mean" not in out
    assert t("hint.function_missing", "en").split(":")[0] in out
    from dnn_lab.checks import run_checks
    from dnn_lab.loader import load_functions
    ns = load_functions(folder / "step_by_step.ipynb")
    report = run_checks("linear_activation_backward", ns["linear_activation_backward"], lang="zh")
    assert report.hints[0] == "function_missing"
    assert report.failures[0].message_id == "msg.function_missing"
    assert report.failures[0].params["name"] == "linear_backward" and report.failures[0].params["number"] == 7


def test_part2_without_part1_says_which_part1_function_is_missing(tmp_path, capsys):
    """With no step_by_step.ipynb beside application.ipynb, does `dnn-lab check` say where it looked and, for
    two_layer_model, that initialize_parameters is Part 1's Exercise 1 (run load_part1), with no near-miss
    (not initialize_parameters_deep_scaled)?"""
    folder = write_course(tmp_path, "en")
    (folder / "step_by_step.ipynb").unlink()
    code, out = run(capsys, folder / "application.ipynb", "--exercise", "two_layer_model")
    assert code == 1
    assert "Cannot find the Part 1 notebook step_by_step.ipynb" in out
    assert "calls `initialize_parameters`, which is not defined yet: it is the function of Part 1's Exercise 1" in out
    assert "did you mean" not in out and "initialize_parameters_deep_scaled`?" not in out


HALF_WRITTEN = as_cell_source(laf_relu_branch_stub, "linear_activation_forward")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_half_written_function_is_partly_implemented_as_on_the_button(tmp_path, capsys, lang):
    """U18: does `dnn-lab check` say of a function whose relu branch is still the stub what the button says
    (partly implemented, naming the block and quoting its line), not 'not implemented yet'?"""
    folder = write_course(tmp_path, lang, {"step_by_step": {"linear_activation_forward": HALF_WRITTEN}})
    code, out = run(capsys, folder / "step_by_step.ipynb", "--exercise", "linear_activation_forward")
    assert code == 1
    assert t("ui.not_implemented_yet", lang, fn="linear_activation_forward") not in out
    assert '`elif activation == "relu"`' in out  # quoted as written (U19)
    assert t("hint.partly_implemented", lang).split("：" if lang == "zh" else ":")[0] in out


# --------------------------------------------------------------------------- one planted bug per exercise

# (assignment, exercise, text in the solution, replacement): one ordinary mistake each.
PLANTED = [
    ("step_by_step", "initialize_parameters", "W1 = np.random.randn(n_h, n_x) * 0.01", "W1 = np.random.randn(n_h, n_x)"),
    ("step_by_step", "initialize_parameters_deep", ", layer_dims[l - 1]) * 0.01", ", layer_dims[l - 1])"),
    ("step_by_step", "linear_forward", "Z = np.dot(W, A) + b", "Z = np.dot(W, A)"),
    ("step_by_step", "linear_activation_forward", "A, activation_cache = relu(Z)", "A, activation_cache = sigmoid(Z)"),
    ("step_by_step", "L_model_forward", '''parameters["b" + str(L)], "sigmoid")''', '''parameters["b" + str(L)], "relu")'''),
    ("step_by_step", "compute_cost", "cost = -(1 / m) *", "cost = (1 / m) *"),
    ("step_by_step", "linear_backward", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T)"),
    ("step_by_step", "linear_activation_backward", "dZ = relu_backward(dA, activation_cache)",
     "dZ = sigmoid_backward(dA, activation_cache)"),
    ("step_by_step", "L_model_backward", "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
     "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)"),
    ("step_by_step", "update_parameters", '''parameters["W" + str(l + 1)] - learning_rate *''',
     '''parameters["W" + str(l + 1)] + learning_rate *'''),
    ("application", "two_layer_model", "parameters = update_parameters(parameters, grads, learning_rate)",
     "update_parameters(parameters, grads, learning_rate)"),
    ("application", "L_layer_model", "parameters = initialize_parameters_deep_scaled(layers_dims)",
     "parameters = initialize_parameters_deep(layers_dims)"),
    ("application", "predict", "p = (probas > 0.5).astype(int)", "p = (probas >= 0.5).astype(int)"),
]


def planted(assignment, exercise, old, new):
    source = solution_sources(assignment)[exercise]
    assert source.count(old) == 1, (exercise, old)
    return {assignment: {exercise: source.replace(old, new)}}


def test_every_exercise_has_a_planted_bug():
    """Is there one planted bug for each of the 13 exercises?"""
    assert [row[1] for row in PLANTED] == [n for names in ASSIGNMENTS.values() for n in names]


@pytest.mark.parametrize("assignment, exercise, old, new", PLANTED, ids=[row[1] for row in PLANTED])
def test_a_planted_bug_is_named_by_every_run_it_fails(tmp_path, capsys, assignment, exercise, old, new):
    """With one bug in this exercise (the rest correct): does `dnn-lab check --exercise NAME` fail it, and does
    every failing headline of the whole notebook's run name this exercise (its own, or "the mistake is in
    your `NAME`" for an exercise that calls it)?"""
    folder = write_course(tmp_path, "en", planted(assignment, exercise, old, new))
    notebook = folder / f"{assignment}.ipynb"
    code, out = run(capsys, notebook, "--exercise", exercise)
    own = [line for line in out.splitlines() if line.startswith("✗ ")]
    assert code == 1 and len(own) == 1 and own[0].startswith(f"✗ `{exercise}`: failed at step"), out[:300]
    code, out = run(capsys, notebook)
    headlines = [line for line in out.splitlines() if line.startswith("✗ ")]
    assert code == 1 and headlines
    assert all(f"`{exercise}`" in line for line in headlines), headlines
    blamed = [line for line in headlines if not line.startswith(f"✗ `{exercise}`")]
    assert all("the mistake is in" in line for line in blamed), blamed
    if assignment == "step_by_step":  # Part 2 trains with it: its failures name the Part 1 function too
        code, out = run(capsys, folder / "application.ipynb")
        headlines = [line for line in out.splitlines() if line.startswith("✗ ")]
        assert all(f"the `{exercise}` you wrote in Part 1" in line for line in headlines), headlines


def test_the_cli_never_prints_a_traceback(tmp_path, capsys, monkeypatch):
    """When a message cannot be filled, does `dnn-lab check` print the verdict (exercise, step, hint id) and
    one bilingual line; and when the checker itself breaks, one line naming the error type — never a
    traceback?"""
    from dnn_lab import checks
    from dnn_lab.messages import MESSAGES
    answers = {"step_by_step": {"compute_cost": solution_sources()["compute_cost"].replace("-(1 / m) *", "(1 / m) *")}}
    folder = write_course(tmp_path, "en", answers)
    monkeypatch.setitem(MESSAGES, "hint.sign_error", {"zh": "坏的 {nope}", "en": "broken {nope}"})
    monkeypatch.setitem(MESSAGES, "msg.sign_error", {"zh": "坏的 {nope}", "en": "broken {nope}"})
    code, out = run(capsys, folder / "step_by_step.ipynb", "--exercise", "compute_cost")
    assert code == 1
    assert "✗ compute_cost · step: cost · hint: sign_error" in out
    assert t("ui.render_failed", "zh") + " / " + t("ui.render_failed", "en") in out

    def broken(*args, **kwargs):
        raise KeyError("l")
    monkeypatch.setattr(checks, "run_checks", broken)
    code, out = run(capsys, folder / "step_by_step.ipynb", "--exercise", "compute_cost")
    assert code == 1 and "✗ compute_cost: " + t_short("ui.internal_error", "en", error="KeyError") in out
