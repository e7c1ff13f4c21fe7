"""The Check widget, driven headless: ipywidgets objects work without a kernel,
so ``button.click()`` runs the real callback (checks, diagram, output update).

The notebook is imitated by a fresh ``__main__`` module holding the source
notebook's solutions; wrong implementations below are moved into it under the
exercise's name, as a student's cell would define them.
"""
import base64
import contextlib
import json
import sys
import types

import pytest

import dnn_lab
from dnn_lab import widget
from dnn_lab.checks import EXERCISES
from dnn_lab.messages import LANGS

# The helpers and the other graded functions are globals of the fake notebook
# the functions below are moved into; these names only exist there.
# ruff: noqa: F821

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def notebook(solutions, monkeypatch, tmp_path):
    """A fake notebook namespace as ``sys.modules['__main__']``, working in a
    temporary folder (progress.json goes there), outside grading mode."""
    main = types.ModuleType("__main__")
    main.__dict__.update(solutions)
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return main.__dict__


def define(ns, name, fn):
    """What running a notebook cell ``def <name>(...)`` does: bind ``fn``'s code
    to the notebook's globals under ``name``."""
    clone = types.FunctionType(fn.__code__, ns, name, fn.__defaults__, fn.__closure__)
    ns[name] = clone
    return clone


def kinds(w):
    return [o["metadata"]["dnn_lab"]["kind"] for o in w.outputs]


def output_of(w, kind):
    return next(o for o in w.outputs if o["metadata"]["dnn_lab"]["kind"] == kind)


# ---- one wrong implementation per exercise, with the step it must fail at ------------


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h)  # the 0.01 is missing here only
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.ones((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    return np.dot(W, A), (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    return A, ((A_prev, W, b), activation_cache)


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    W, b = parameters["W" + str(L)], parameters["b" + str(L)]
    Z = W @ A  # the last layer forgets b
    AL, _ = sigmoid(Z)
    caches.append(((A, W, b), Z))
    return AL, caches


def compute_cost(AL, Y):
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def linear_backward(dZ, cache):
    A_prev, W, _b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True) / m


def linear_activation_backward(dA, cache, activation):
    linear_cache, _activation_cache = cache
    return linear_backward(dA, linear_cache)  # skips relu_backward / sigmoid_backward


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dA = Y / AL - (1 - Y) / (1 - AL)  # sign flipped
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(dA, caches[l - 1], activation)
        grads["dA" + str(l - 1)] = dA
    return grads


def update_parameters(params, grads, learning_rate):
    L = len(params) // 2
    for l in range(1, L + 1):
        params["W" + str(l)] -= learning_rate * grads["dW" + str(l)]
        params["b" + str(l)] -= learning_rate * grads["db" + str(l)]
    return params


WRONG = {
    "initialize_parameters": (initialize_parameters, "W2"),
    "initialize_parameters_deep": (initialize_parameters_deep, "b1"),
    "linear_forward": (linear_forward, "Z"),
    "linear_activation_forward": (linear_activation_forward, "linear"),
    "L_model_forward": (L_model_forward, "layer3"),
    "compute_cost": (compute_cost, "cost"),
    "linear_backward": (linear_backward, "dW"),
    "linear_activation_backward": (linear_activation_backward, "activation_backward"),
    "L_model_backward": (L_model_backward, "dAL"),
    "update_parameters": (update_parameters, "inputs"),
}


def hangs(*args):
    while True:
        pass


def divides_by_zero(*args):
    return 1 / 0


# ---- tests -----------------------------------------------------------------------------


def test_every_exercise_has_a_wrong_implementation():
    """Does the table of wrong implementations cover all ten exercises?"""
    assert set(WRONG) == set(EXERCISES)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_click_on_correct_function_passes(notebook, exercise):
    """Does a click on the source notebook's solution show a pass, with every drawn step green?"""
    w = dnn_lab.check(exercise, lang="en")
    assert isinstance(w, widget.CheckWidget)
    w.report = None
    w.button.click()
    assert w.report is not None and w.report.passed and w.report.failed_step is None
    assert w.diagram_states and set(w.diagram_states.values()) == {"passed"}
    assert kinds(w) == ["report", "diagram"]
    assert output_of(w, "report")["metadata"]["dnn_lab"]["passed"] is True
    assert not w.button.disabled


@pytest.mark.parametrize("exercise", EXERCISES)
def test_click_on_wrong_function_marks_the_step(notebook, exercise):
    """Does a wrong implementation fail at its step, in the report and in the drawn diagram?"""
    fn, step = WRONG[exercise]
    define(notebook, exercise, fn)
    w = dnn_lab.check(exercise, lang="en")
    w.button.click()
    assert not w.report.passed
    assert w.report.failed_step == step
    assert w.diagram_states[step] == "failed"
    assert "passed" not in {w.diagram_states[s] for s in w.diagram_states if s == step}
    meta = output_of(w, "report")["metadata"]["dnn_lab"]
    assert meta["failed_step"] == step and meta["hints"] == list(w.report.hints)
    assert output_of(w, "diagram")["metadata"]["dnn_lab"]["states"] == w.diagram_states


def test_outputs_render_without_a_kernel(notebook):
    """Does the result area hold display_data with text/plain, text/html and a real PNG?"""
    define(notebook, "linear_backward", linear_backward)
    w = dnn_lab.check("linear_backward", lang="both")
    data = {k for o in w.outputs for k in o["data"]}
    assert {"text/plain", "text/html", "image/png"} <= data
    assert all(o["output_type"] == "display_data" for o in w.outputs)
    png = base64.b64decode(output_of(w, "diagram")["data"]["image/png"])
    assert png.startswith(PNG_MAGIC)
    # Without widgets (exported or untrusted notebooks) the widget's own bundle carries the report.
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and 'data-failed-step="dW"' in bundle["text/html"]


def test_result_is_shown_on_display(notebook):
    """Does the widget show the current result right away, before any click?"""
    define(notebook, "compute_cost", compute_cost)
    w = dnn_lab.check("compute_cost", lang="zh")
    assert w.report is not None and w.report.failed_step == "cost"
    assert kinds(w) == ["report", "diagram"]


@pytest.mark.parametrize("lang", LANGS)
def test_button_label_follows_language(notebook, lang):
    """Is the button labelled 检查 / Check / 检查 Check (SPEC §4) in the chosen language?"""
    w = dnn_lab.check("linear_forward", lang=lang)
    assert w.button.description == {"zh": "检查", "en": "Check", "both": "检查 Check"}[lang]
    assert w.report.lang == lang


def test_hanging_function_times_out_and_button_stays_usable(notebook):
    """Does a function that never returns end with the hint 'timeout' and leave the button usable?"""
    correct = notebook["linear_forward"]
    define(notebook, "linear_forward", hangs)
    w = dnn_lab.check("linear_forward", lang="en", timeout=1)
    w.button.click()
    assert "timeout" in w.report.hints and w.report.failed_step == "Z"
    assert not w.button.disabled
    notebook["linear_forward"] = correct
    w.button.click()
    assert w.report.passed


def test_raising_function_shows_the_exception(notebook):
    """Does an exception in the student's code appear, with its type, in the result area?"""
    define(notebook, "linear_backward", divides_by_zero)
    w = dnn_lab.check("linear_backward", lang="en")
    w.button.click()
    assert w.report.hints[0] == "exception"
    assert w.report.failures[0].params["exc_type"] == "ZeroDivisionError"
    report_out = output_of(w, "report")["data"]
    assert "ZeroDivisionError" in report_out["text/plain"] and "ZeroDivisionError" in report_out["text/html"]
    assert not w.button.disabled


def test_each_click_looks_the_function_up_again(notebook):
    """When the student redefines the function between clicks, does the next click check the new one?"""
    w = dnn_lab.check("linear_backward", lang="en")
    assert w.report.passed and set(w.diagram_states.values()) == {"passed"}
    define(notebook, "linear_backward", linear_backward)
    w.button.click()
    assert w.report.failed_step == "dW" and w.diagram_states["dW"] == "failed"
    define(notebook, "linear_backward", divides_by_zero)
    w.button.click()
    assert w.report.hints == ["exception"]


def test_function_object_is_looked_up_by_name_then_used_as_fallback(notebook):
    """Given a function object, does a click prefer the notebook's current definition of
    that name, and fall back to the object when the notebook has none?"""
    elsewhere = define(dict(notebook), "linear_backward", linear_backward)
    w = dnn_lab.check(elsewhere, lang="en")
    assert w.report.passed  # the notebook's own (correct) linear_backward
    del notebook["linear_backward"]
    w.button.click()
    assert w.report.failed_step == "dW"  # the object given to check()


def test_diagram_is_drawn_again_only_when_the_result_changes(notebook, monkeypatch):
    """Does a repeated click on an unchanged function reuse the drawn diagram, and a changed
    result draw a new one?"""
    import dnn_lab.diagram
    drawn = []
    real = dnn_lab.diagram.render_report

    def counting(report, **kwargs):
        drawn.append(report.failed_step)
        return real(report, **kwargs)
    monkeypatch.setattr(dnn_lab.diagram, "render_report", counting)
    widget.clear_diagram_cache()
    w = dnn_lab.check("linear_backward", lang="en")
    w.button.click()
    w.button.click()
    assert drawn == [None]
    define(notebook, "linear_backward", linear_backward)
    w.button.click()
    w.button.click()
    assert drawn == [None, "dW"] and w.diagram_states["dW"] == "failed"


def test_missing_function_asks_to_run_its_cell(notebook, tmp_path):
    """When the notebook has no such function yet, does the widget say so (ui.function_missing)
    without recording a result?"""
    del notebook["compute_cost"]
    w = dnn_lab.check("compute_cost", lang="en")
    w.button.click()
    assert w.report is None and w.diagram_states == {}
    assert output_of(w, "missing")["metadata"]["dnn_lab"]["message_id"] == "ui.function_missing"
    assert not (tmp_path / ".dnn_lab" / "progress.json").exists()


def test_unknown_exercise_is_a_clear_error(notebook):
    """Does a misspelt exercise name raise a ValueError naming the known exercises (and a wrong language one too)?"""
    with pytest.raises(ValueError) as info:
        dnn_lab.check("linear_backwards", lang="en")
    assert "linear_backward" in str(info.value)
    with pytest.raises(ValueError):
        dnn_lab.check("linear_backward", lang="fr")


def test_renderer_error_appears_in_the_result_area(notebook, monkeypatch):
    """When the diagram renderer fails, is ui.internal_error shown after the report, and the button re-enabled?"""
    def broken(report, lang):
        raise RuntimeError("renderer broke")
    monkeypatch.setattr(widget, "render_diagram", broken)
    w = dnn_lab.check("linear_forward", lang="en")
    w.button.click()
    assert kinds(w) == ["report", "error"]
    meta = output_of(w, "error")["metadata"]["dnn_lab"]
    assert meta["message_id"] == "ui.internal_error" and meta["error_type"] == "RuntimeError"
    assert w.report.passed and not w.button.disabled


def test_checker_error_appears_in_the_result_area(notebook, monkeypatch):
    """When the checks themselves crash, is ui.internal_error shown and the button re-enabled?"""
    w = dnn_lab.check("linear_forward", lang="en")

    def crash(*args, **kwargs):
        raise KeyError("engine broke")
    monkeypatch.setattr(widget, "run_checks", crash)
    w.button.click()
    assert kinds(w) == ["error"] and w.report is None
    assert output_of(w, "error")["metadata"]["dnn_lab"]["error_type"] == "KeyError"
    assert not w.button.disabled


def test_button_is_disabled_while_running(notebook, monkeypatch):
    """Is the button disabled during the check and enabled again afterwards?"""
    w = dnn_lab.check("linear_forward", lang="en")
    seen = []
    real = widget.run_feedback

    def spy(*args, **kwargs):
        seen.append(w.button.disabled)
        return real(*args, **kwargs)
    monkeypatch.setattr(widget, "run_feedback", spy)
    w.button.click()
    assert seen == [True] and not w.button.disabled


def test_click_records_progress(notebook, tmp_path):
    """Does a click write the exercise's last result to .dnn_lab/progress.json?"""
    import dnn_lab.progress_record as progress  # noqa: PLR0402
    define(notebook, "linear_backward", linear_backward)
    w = dnn_lab.check("linear_backward", lang="en")
    w.button.click()
    saved = progress.load(tmp_path / ".dnn_lab" / "progress.json")["exercises"]["linear_backward"]
    assert saved["passed"] is False and saved["failed_step"] == "dW" and saved["hints"] == w.report.hints


# ---- inside IPython: what a cell shows, in grading mode and not ------------------------------


@pytest.fixture
def shell(notebook, monkeypatch):
    """A real IPython shell whose namespace is the fake notebook; cells run with run_cell."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    sh = InteractiveShell.instance(config=config, user_ns=notebook)
    monkeypatch.setitem(sys.modules, "__main__", sh.user_module)
    from dnn_lab import messages
    monkeypatch.setitem(messages._state, "lang", messages._state["lang"])  # cells may set_language()
    from dnn_lab import kernel
    kernel.install(sh)  # what the notebook's `import dnn_lab` does in a kernel
    yield sh
    kernel.uninstall()
    InteractiveShell.clear_instance()


def run_cell(shell, source):
    from IPython.utils.capture import capture_output
    with capture_output() as cap:
        result = shell.run_cell(source, store_history=True)  # as a kernel does: one execution count per cell
    assert result.success, result.error_in_exec or result.error_before_exec
    return cap


WRONG_CELL = '''
def linear_backward(dZ, cache):
    A_prev, W, _b = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True) / m
'''


def run_cell_result(shell, source):
    from IPython.utils.capture import capture_output
    with capture_output() as cap:
        result = shell.run_cell(source, store_history=True)
    return result, cap


def test_autograde_shows_one_line_and_never_calls_the_function(shell, monkeypatch, capsys):
    """Under nbgrader autograde, does check() show one static line (no widget, no report),
    without calling the student's function, and write nothing to stderr?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    run_cell(shell, "calls = []\ndef linear_backward(dZ, cache):\n    calls.append(1)\n    return None\n")
    cap = run_cell(shell, "import dnn_lab\nr = dnn_lab.check('linear_backward', lang='both')\nr")
    assert [o.metadata["dnn_lab"]["kind"] for o in cap.outputs] == ["graded_outside"]
    assert cap.outputs[0].metadata["dnn_lab"]["message_id"] == "ui.graded_outside"
    assert not any("application/vnd.jupyter.widget-view+json" in o.data for o in cap.outputs)
    assert shell.user_ns["calls"] == [] and shell.user_ns["r"].report is None
    assert cap.stderr == "" and capsys.readouterr().err == ""


def test_validate_runs_the_checks_and_raises_a_short_assertion(shell, monkeypatch, capsys):
    """Under nbgrader validate, does a wrong function get static text + HTML (no widget, no
    diagram) and an AssertionError whose shown traceback is the message, not dnn_lab's files?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    run_cell(shell, WRONG_CELL)
    result, cap = run_cell_result(shell, "import dnn_lab\ndnn_lab.check('linear_backward', lang='en')")
    assert isinstance(result.error_in_exec, AssertionError)
    assert [o.metadata["dnn_lab"]["kind"] for o in cap.outputs] == ["report"]
    assert cap.outputs[0].metadata["dnn_lab"]["failed_step"] == "dW"
    assert not any("application/vnd.jupyter.widget-view+json" in o.data for o in cap.outputs)
    shown = cap.stdout
    assert "AssertionError" in shown and "dW" in shown
    assert "widget.py" not in shown and "public_tests.py" not in shown and "Traceback" not in shown
    assert cap.stderr == "" and capsys.readouterr().err == ""


def test_validate_passes_a_correct_function_quietly(shell, monkeypatch, capsys):
    """Under nbgrader validate, does the solution pass without an error and without stderr?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    result, cap = run_cell_result(shell, "import dnn_lab\nr = dnn_lab.check('linear_backward')")
    assert result.success and shell.user_ns["r"].report.passed
    assert cap.stderr == "" and capsys.readouterr().err == ""


def test_validate_checker_faults_never_fail_the_student(shell, monkeypatch, capsys):
    """Under nbgrader validate, do an unknown name and a noisy, broken renderer end as outputs
    (no exception, nothing on stderr), while a missing function is an AssertionError?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")

    def noisy(report, lang):
        import warnings
        print("font trouble", file=sys.stderr)
        warnings.warn("missing glyph")
        raise RuntimeError("renderer broke")
    monkeypatch.setattr(widget, "render_diagram", noisy)
    monkeypatch.setattr(widget, "check_now", lambda *a: (_ for _ in ()).throw(RuntimeError("engine broke")))
    cap = run_cell(shell, "import dnn_lab\n"
                          "a = dnn_lab.check('no_such_exercise')\n"
                          "c = dnn_lab.check('linear_forward')\n")
    ids = [o.metadata["dnn_lab"].get("message_id") for o in cap.outputs]
    assert ids == ["ui.unknown_exercise", "ui.internal_error"]
    del shell.user_ns["compute_cost"]
    result, cap2 = run_cell_result(shell, "dnn_lab.check('compute_cost')")
    assert isinstance(result.error_in_exec, AssertionError)
    assert [o.metadata["dnn_lab"].get("message_id") for o in cap2.outputs] == ["ui.function_missing"]
    assert cap.stderr == cap2.stderr == "" and capsys.readouterr().err == ""


def test_grading_mode_records_no_progress(shell, monkeypatch, tmp_path):
    """Does a check under nbgrader (validate) leave no .dnn_lab/progress.json behind?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    run_cell(shell, "import dnn_lab\nr = dnn_lab.check('linear_forward')")
    assert shell.user_ns["r"].report.passed
    assert not (tmp_path / ".dnn_lab").exists()


def test_cell_ending_with_check_shows_the_widget_once(shell):
    """Does a cell ending with dnn_lab.check(...) display the widget once (no second display,
    no execute_result), while a later cell can show it again?"""
    cap = run_cell(shell, "import dnn_lab\nw = dnn_lab.check('linear_forward', lang='en')\nw")
    assert len(cap.outputs) == 1
    assert "application/vnd.jupyter.widget-view+json" in cap.outputs[0].data
    again = run_cell(shell, "w")
    assert len(again.outputs) == 1


# ---- a real kernel (nbclient) ---------------------------------------------------------------------


def _execute(cells, tmp_path, **kwargs):
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   **kwargs).execute()
    return nb


@pytest.mark.notebook
def test_real_kernel_grading_mode_outputs(tmp_path, monkeypatch):
    """In a real kernel under nbgrader autograde, is the check cell's output one display_data
    line (text/plain, text/html) — no widget, no stderr, no execute_result, no progress file?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    nb = _execute(["import numpy as np\n" + WRONG_CELL,
                   "import dnn_lab\ndnn_lab.check('linear_backward')"], tmp_path)
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data"]
    assert {"text/plain", "text/html"} == set(outputs[0].data)
    assert [o.metadata["dnn_lab"]["kind"] for o in outputs] == ["graded_outside"]
    assert not (tmp_path / ".dnn_lab").exists()


@pytest.mark.notebook
def test_real_kernel_saved_widget_state_holds_the_result(tmp_path, monkeypatch):
    """Saved with widget state, does the notebook carry the result (text, HTML, PNG) inside the
    Output widget's state, and a text/html fallback next to the widget view?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = _execute(["import numpy as np\n" + WRONG_CELL,
                   "import dnn_lab\ndnn_lab.check('linear_backward', lang='zh')"], tmp_path,
                  store_widget_state=True)
    (view,) = nb.cells[1].outputs
    assert view.output_type == "display_data"
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(view.data)
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [o for m in state.values() if m["model_name"] == "OutputModel" for o in m["state"]["outputs"]]
    assert {"text/plain", "text/html", "image/png"} <= {k for o in outputs for k in o["data"]}
    assert [o["metadata"]["dnn_lab"]["kind"] for o in outputs] == ["report", "diagram"]
    import dnn_lab.progress_record as progress  # noqa: PLR0402
    recorded = progress.load(tmp_path / ".dnn_lab" / "progress.json")["exercises"]
    assert recorded["linear_backward"]["failed_step"] == "dW"


@contextlib.contextmanager
def real_kernel(cwd):
    """A real python3 kernel (jupyter_client) working in ``cwd``: yields its client; shut down at the end."""
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd))
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def replies(kc, parent_id):
    """iopub messages answering ``parent_id``, up to the kernel going idle."""
    got = []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != parent_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return got
        got.append(msg)


def run_code(kc, code):
    """Run ``code`` in the kernel: its iopub messages, none of them an error."""
    msgs = replies(kc, kc.execute(code))
    assert not [m for m in msgs if m["msg_type"] == "error"], msgs
    return msgs


def printed(msgs):
    """What the messages wrote to stdout/stderr."""
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")


def click_message(kc, button_id):
    """The comm message a front end sends when the button is clicked."""
    return kc.session.msg("comm_msg", {"comm_id": button_id,
                                       "data": {"method": "custom", "content": {"event": "click"}}})


@pytest.mark.notebook
def test_real_kernel_click_from_a_front_end(tmp_path, monkeypatch):
    """When a front end clicks (a comm message to the button), does the real kernel disable the
    button, stop the hanging function after the timeout, send the new outputs and re-enable it?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with real_kernel(tmp_path) as kc:
        ids = printed(run_code(kc, "import dnn_lab\nw = dnn_lab.check('linear_forward', timeout=1)\n"
                                   "print(w.button.model_id, w.output.model_id)")).split()
        button_id, output_id = ids
        run_code(kc, "def linear_forward(A, W, b):\n    while True:\n        pass\n")
        click = click_message(kc, button_id)
        kc.shell_channel.send(click)
        updates = [(m["content"]["comm_id"], m["content"]["data"].get("state", {}))
                   for m in replies(kc, click["header"]["msg_id"]) if m["msg_type"] == "comm_msg"]
        disabled = [state["disabled"] for cid, state in updates if cid == button_id and "disabled" in state]
        assert disabled == [True, False]
        new_outputs = [state["outputs"] for cid, state in updates if cid == output_id and "outputs" in state]
        assert new_outputs and [o["metadata"]["dnn_lab"]["kind"] for o in new_outputs[-1]] == ["report", "diagram"]
        assert json.loads(printed(run_code(kc, "import json; print(json.dumps(w.report.hints))"))) == ["timeout"]


# ---- the kernel hooks: which cell run is checked, Run All past the stubs ---------------------


STUB_CELL = "def linear_forward(A, W, b):\n    raise NotImplementedError()\n"
GOOD_CELL = "def linear_forward(A, W, b):\n    return np.dot(W, A) + b, (A, W, b)\n"


def test_a_stub_in_a_demo_cell_prints_one_line_and_the_cell_succeeds(shell):
    """When a demo cell calls an unimplemented exercise stub, does the cell succeed (Run All goes on)
    with one short "not implemented yet" line and no traceback — while a NotImplementedError of
    another function is still an error, and a cell's last expression is still displayed?"""
    from dnn_lab.messages import t_short
    run_cell(shell, "import dnn_lab\ndnn_lab.set_language('en')")
    run_cell(shell, STUB_CELL)
    result, cap = run_cell_result(shell, "x = linear_forward(1, 2, 3)\nprint(x)")
    assert result.success and result.error_in_exec is None
    assert cap.stdout.strip() == "… " + t_short("ui.stub_not_implemented", "en", fn="linear_forward")
    assert "Traceback" not in cap.stdout and cap.stderr == ""
    result, cap = run_cell_result(shell, "def other():\n    raise NotImplementedError('mine')\nother()")
    assert not result.success and isinstance(result.error_in_exec, NotImplementedError)
    result, cap = run_cell_result(shell, "6 * 7")
    assert result.success and result.result == 42


def test_the_check_names_the_cell_run_it_checked(shell):
    """Does a Check name the execution count (and time) of the cell run that defined the function?"""
    run_cell(shell, "import dnn_lab")
    run_cell(shell, GOOD_CELL)
    count = shell.execution_count - 1
    w = dnn_lab.check("linear_forward", lang="en")
    assert w.report.passed
    assert w.version["count"] == count and w.version["tracked"] and w.version["time"]
    meta = output_of(w, "report")["metadata"]["dnn_lab"]
    assert meta["version"]["count"] == count
    assert f"In [{count}]" in output_of(w, "report")["data"]["text/html"]


def test_a_failed_run_of_the_defining_cell_is_the_result(shell):
    """When the function's cell is re-run with a SyntaxError (or raises after the def), does the
    Check report that failed run (msg.cell_failed naming the error) instead of the old function,
    and does a successful re-run make it pass again?"""
    run_cell(shell, "import dnn_lab")
    run_cell(shell, GOOD_CELL)
    w = dnn_lab.check("linear_forward", lang="en")
    assert w.report.passed
    shell.run_cell("def linear_forward(A, W, b)\n    return 1\n", store_history=True)
    failed_at = shell.execution_count - 1
    w.button.click()
    assert not w.report.passed and w.state == "failed"
    (f,) = w.report.failures
    assert (f.message_id, f.hint, f.params["exc_type"], f.params["count"]) == (
        "msg.cell_failed", "exception", "SyntaxError", failed_at)
    assert w.version["count"] == failed_at and w.version["ok"] is False
    assert kinds(w) == ["report"]  # nothing was checked: no diagram to draw
    shell.run_cell(GOOD_CELL + "1 / 0\n", store_history=True)
    w.button.click()
    assert w.report.failures[0].params["exc_type"] == "ZeroDivisionError"
    run_cell(shell, GOOD_CELL)
    w.button.click()
    assert w.report.passed and w.version["count"] == shell.execution_count - 1


def test_a_dead_button_is_not_silent():
    """Does the widget carry a note that only a disconnected widget (no kernel) shows?"""
    w = widget.CheckWidget("linear_forward", lang="en", run_now=False)
    assert "dnn-lab-check" in w._dom_classes
    assert ".dnn-lab-check.jupyter-widgets-disconnected .dnn-lab-not-connected" in w.note.value
    assert 'class="dnn-lab-not-connected" style="display:none' in w.note.value


def test_a_cell_saved_changed_but_not_run_asks_to_run_it_first(shell, tmp_path, monkeypatch):
    """When the saved notebook (JPY_SESSION_NAME, saved after the last run) holds a changed version
    of the function's cell, does the Check say "run the cell first" (msg.cell_changed, nothing
    checked or recorded) — and check again normally once that cell has been run?"""
    import os
    import time

    import nbformat
    path = tmp_path / "student.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    run_cell(shell, "import dnn_lab")
    run_cell(shell, GOOD_CELL)
    w = dnn_lab.check("linear_forward", lang="en")
    assert w.report.passed
    edited = GOOD_CELL.replace("+ b", "")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(edited)]), str(path))
    later = time.time() + 5
    os.utime(path, (later, later))
    w.button.click()
    assert [f.message_id for f in w.report.failures] == ["msg.cell_changed"] and not w.report.passed
    assert kinds(w) == ["report"]
    assert not (tmp_path / ".dnn_lab" / "progress.json").exists() or \
        dnn_lab.progress_record.load()["exercises"]["linear_forward"]["passed"] is True  # not recorded as a result
    run_cell(shell, edited)
    w.button.click()
    assert w.report.failed_step == "Z"  # the edited (wrong: no bias) version is what is checked now


def front_end_says(cells):
    """What our JupyterLab extension sends on the kernel's dnn_lab comm just before a click or a
    check cell's run: the code cells on screen, ``(source, In [n])``."""
    from dnn_lab import kernel
    kernel._on_front_end_message({"content": {"data": {"kind": "cells", "reason": "click",
                                                        "cells": [{"source": s, "count": n} for s, n in cells]}}})


def test_a_cell_edited_on_screen_but_not_run_asks_to_run_it_first(shell, tmp_path):
    """When the front end shows the defining cell with other text than what ran (an unsaved edit),
    does the click say "this cell changed since it ran: run it first" (msg.cell_edited, nothing
    checked, nothing recorded) — and check normally when the text is what ran, when no front end
    says anything (the classic notebook), and once the edited cell has run?"""
    from dnn_lab.messages import t, t_short
    run_cell(shell, "import dnn_lab")
    run_cell(shell, GOOD_CELL)
    ran = shell.execution_count - 1
    w = dnn_lab.check("linear_forward", lang="en")
    assert w.report.passed
    edited = GOOD_CELL.replace("+ b", "")
    front_end_says([("import dnn_lab", ran - 1), (edited, ran), ('check("linear_forward")', ran + 1)])
    w.button.click()
    assert [f.message_id for f in w.report.failures] == ["msg.cell_edited"] and not w.report.passed
    assert w.report.failures[0].params["count"] == ran
    assert kinds(w) == ["report"]  # nothing was checked: no diagram
    html = output_of(w, "report")["data"]["text/html"]
    assert t_short("ui.status_cell_changed", "en") in w.status.value
    assert "changed since it last ran" in output_of(w, "report")["data"]["text/plain"]
    assert f"In [{ran}]" in html
    assert t("msg.cell_edited", "en", fn="linear_forward", count=ran).split("`")[0] in \
        output_of(w, "report")["data"]["text/plain"]
    assert not (tmp_path / ".dnn_lab" / "progress.json").exists() or \
        dnn_lab.progress_record.load()["exercises"]["linear_forward"]["passed"] is True  # not recorded as a result
    w.button.click()  # no word from a front end: the old behaviour (the function in the kernel)
    assert w.report.passed
    front_end_says([(GOOD_CELL + "\n", ran)])  # what ran, give or take trailing blanks
    w.button.click()
    assert w.report.passed
    # the extension's way: the click rides in the same message as the cells (the widget named by its id)
    from dnn_lab import kernel
    runs = w.runs
    kernel._on_front_end_message({"content": {"data": {"kind": "cells", "reason": "click", "click": w.model_id,
                                                        "cells": [{"source": edited, "count": ran}]}}})
    assert w.runs == runs + 1 and [f.message_id for f in w.report.failures] == ["msg.cell_edited"]
    assert f"dnn-lab-id-{w.model_id}" in w._dom_classes
    run_cell(shell, edited)
    front_end_says([(edited, shell.execution_count - 1)])
    w.button.click()
    assert w.report.failed_step == "Z"  # the edited (wrong: no bias) version is what is checked now


def test_the_front_end_word_is_for_the_next_click_or_run_only(shell):
    """Are the cells a front end sent ignored once a cell has run since (they were meant for that
    run), and used only once?"""
    from dnn_lab import kernel
    run_cell(shell, "import dnn_lab")
    run_cell(shell, GOOD_CELL)
    ran = shell.execution_count - 1
    front_end_says([(GOOD_CELL.replace("+ b", ""), ran)])
    run_cell(shell, "x = 1")
    assert kernel.front_end_cells() is None
    front_end_says([(GOOD_CELL.replace("+ b", ""), ran)])
    assert kernel.front_end_cells() is not None and kernel.front_end_cells() is None
    # a check cell run right after the word (the extension sends it before a cell calling check( runs)
    front_end_says([(GOOD_CELL.replace("+ b", ""), ran)])
    w = shell.run_cell("w = dnn_lab.check('linear_forward', lang='en')", store_history=True)
    assert w.success
    assert [f.message_id for f in shell.user_ns["w"].report.failures] == ["msg.cell_edited"]


def test_the_cell_that_ran_is_the_one_showing_its_count(shell):
    """Is the defining run's cell found by its In [n] (a copy elsewhere with the old text does not
    hide an edit; a cell that rebound the name without def counts), and does a stale In [n] of a
    cell that does not name the function, or no cell at all, never make an edit up?"""
    from dnn_lab import kernel
    run_cell(shell, "import dnn_lab")
    run_cell(shell, GOOD_CELL)
    ran = shell.execution_count - 1
    edited = GOOD_CELL.replace("+ b", "")
    assert kernel.edited_on_screen("linear_forward", [(GOOD_CELL, None), (edited, ran)])
    assert not kernel.edited_on_screen("linear_forward", [(edited, None), (GOOD_CELL, ran)])
    assert not kernel.edited_on_screen("linear_forward", [("x = 1", ran), (GOOD_CELL, 2)])
    assert kernel.edited_on_screen("linear_forward", [("x = 1", ran), (edited, 2)])  # its count is gone
    assert not kernel.edited_on_screen("linear_forward", [])
    run_cell(shell, "def mine(A, W, b):\n    return np.dot(W, A) + b, (A, W, b)\nlinear_forward = mine")
    rebound = shell.execution_count - 1
    assert not kernel.edited_on_screen("linear_forward", [(STUB_CELL, 99), (shell.user_ns["_ih"][rebound], rebound)])
    assert not kernel.edited_on_screen("linear_forward", [(STUB_CELL, 99)])  # rebound without def: no guess


@pytest.mark.notebook
def test_real_kernel_hears_the_cells_on_screen_before_a_click(tmp_path, monkeypatch):
    """In a real kernel, does `import dnn_lab` open the dnn_lab comm, and does a cells message sent
    on it just before a Check click (as our JupyterLab extension does) make that click say
    msg.cell_edited for an edited, unrun cell — also when the front end opens the comm itself
    with the cells inside (a page that missed the kernel's comm)?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with real_kernel(tmp_path) as kc:
        opened = [m for m in run_code(kc, "import dnn_lab") if m["msg_type"] == "comm_open"]
        assert [m["content"]["target_name"] for m in opened] == ["dnn_lab"]
        comm_id = opened[0]["content"]["comm_id"]
        good = "import numpy as np\n" + GOOD_CELL
        count = next(m["content"]["execution_count"] for m in run_code(kc, good) if m["msg_type"] == "execute_input")
        out = run_code(kc, "w = dnn_lab.check('linear_forward', lang='en')\nprint(w.button.model_id, w.model_id)")
        button_id, widget_id = printed(out).split()
        edited = [{"source": good.replace("+ b", ""), "count": count}]  # the cell on screen: edited, not run

        def word_then_click(word):
            """Send the front end's cells message ``word``, then a click on the button: the failures' ids."""
            click = click_message(kc, button_id)
            kc.shell_channel.send(word)
            kc.shell_channel.send(click)
            replies(kc, click["header"]["msg_id"])
            return printed(run_code(kc, "print([f.message_id for f in w.report.failures])")).strip()

        cells = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {
            "kind": "cells", "reason": "click", "cells": edited}})
        assert word_then_click(cells) == "['msg.cell_edited']"

        # a page that never saw the kernel's comm (opened later) opens its own, the word inside
        run_code(kc, "w.button.click()")  # no word: the function in the kernel is checked
        out = run_code(kc, "print(w.report.passed)")
        assert printed(out).strip() == "True"
        opened = kc.session.msg("comm_open", {"comm_id": "from-a-later-page", "target_name": "dnn_lab", "data": {
            "kind": "cells", "reason": "click", "cells": edited}})
        assert word_then_click(opened) == "['msg.cell_edited']"

        # what the extension sends now: the click inside the cells message, one message on one comm
        run_code(kc, "w.button.click()")
        both = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {
            "kind": "cells", "reason": "click", "click": widget_id, "cells": edited}})
        kc.shell_channel.send(both)
        replies(kc, both["header"]["msg_id"])
        out = run_code(kc, "print(w.runs, [f.message_id for f in w.report.failures])")
        assert printed(out).strip().endswith("['msg.cell_edited']")


@pytest.mark.notebook
def test_real_kernel_runs_the_untouched_notebook_to_the_end(tmp_path, monkeypatch):
    """Executed top to bottom by a real kernel (nbclient stops at the first error), does the untouched
    student notebook run to its last cell, with a "not implemented yet" line per demo cell, no error
    output, and each check cell showing one widget whose fallback is in the not_implemented state?"""
    import nbformat
    from browser_util import copy_supporting_files, only_check_calls, student_notebook
    from nbclient import NotebookClient

    from dnn_lab.messages import t_short
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = only_check_calls(student_notebook("en"))
    copy_supporting_files(tmp_path)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code if c.source.strip())
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    role = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in code}
    for name in EXERCISES:
        demo = "".join(o.get("text", "") for o in role[f"{name}_demo"].outputs)
        assert demo.strip() == "… " + t_short("ui.stub_not_implemented", "en", fn=name)
        (view,) = role[f"{name}_test"].outputs
        assert "application/vnd.jupyter.widget-view+json" in view.data
        assert f'data-exercise="{name}" data-state="not_implemented"' in view.data["text/html"]
    assert nbformat.validate(nb) is None


def test_a_name_a_skipped_cell_would_have_set_is_the_same_skip(shell):
    """After a cell is skipped for a stub, is a later cell's top-level NameError on a name that cell
    would have assigned the same "not implemented yet" line (cell ok) — while a NameError raised
    inside a function, or on any other name, stays an error?  And a stub re-homed into another
    namespace (Part 2's swaps) is still recognised?"""
    import types

    from dnn_lab.messages import t_short
    run_cell(shell, "import dnn_lab\ndnn_lab.set_language('en')")
    run_cell(shell, STUB_CELL)
    line = "… " + t_short("ui.stub_not_implemented", "en", fn="linear_forward")
    result, cap = run_cell_result(shell, "Z_demo, cache_demo = linear_forward(1, 2, 3)")
    assert result.success and cap.stdout.strip() == line
    result, cap = run_cell_result(shell, "print(Z_demo)")
    assert result.success and cap.stdout.strip() == line
    result, _ = run_cell_result(shell, "print(not_a_skipped_name)")
    assert isinstance(result.error_in_exec, NameError)
    result, _ = run_cell_result(shell, "def uses():\n    return Z_demo\nuses()")
    assert isinstance(result.error_in_exec, NameError)
    fn = shell.user_ns["linear_forward"]
    shell.user_ns["elsewhere"] = types.FunctionType(fn.__code__, {"np": shell.user_ns["np"]}, "linear_forward")
    result, cap = run_cell_result(shell, "elsewhere(1, 2, 3)")
    assert result.success and cap.stdout.strip() == line


@pytest.mark.notebook
def test_real_kernel_runs_the_untouched_part_2_to_the_end(tmp_path, monkeypatch):
    """Beside an untouched Part 1, does the untouched Part 2 (application) run to its last cell in a
    real kernel, its three check cells in the not_implemented state?"""
    import nbformat
    from browser_util import only_check_calls
    from nbclient import NotebookClient

    from dnn_lab.lab import prepare_all
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    prepare_all(tmp_path, "en")
    nb = only_check_calls(nbformat.read(str(tmp_path / "application.ipynb"), as_version=4))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    states = [o.data["text/html"] for c in code for o in c.outputs
              if o.output_type == "display_data" and "dnn-lab-report" in o.data.get("text/html", "")]
    assert [s.split('data-state="', 1)[1].split('"')[0] for s in states] == ["not_implemented"] * 3
