"""The original-style entry points ``linear_forward_test(linear_forward)`` …:
a pass line for correct code, AssertionError naming the failure otherwise."""
import numpy as np
import pytest

from dnn_lab import public_tests
from dnn_lab.checks import ALL_EXERCISES, EXERCISES, run_checks
from dnn_lab.messages import case_label, t
from dnn_lab.render._model import first_sentence


@pytest.fixture(autouse=True)
def _own_cwd(tmp_path, monkeypatch):
    # The entry points record progress under ./.dnn_lab: keep it out of the checkout.
    monkeypatch.chdir(tmp_path)


def test_every_exercise_has_an_entry_point():
    """Is there a <name>_test function for every exercise, listed in __all__?"""
    for name in ALL_EXERCISES:
        assert callable(getattr(public_tests, f"{name}_test"))
        assert f"{name}_test" in public_tests.__all__


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_solution_prints_the_pass_line(exercise, lang, solutions, capsys):
    """Does the entry point print the pass line (and nothing else) for the solution?"""
    result = getattr(public_tests, f"{exercise}_test")(solutions[exercise], lang=lang)
    assert result is None
    n = len(run_checks(exercise, solutions[exercise], lang=lang).cases)
    assert capsys.readouterr().out == t("ui.passed_all", lang, fn=exercise, n=n) + "\n"


def lb_forgot_m(dZ, cache):
    A_prev, W, b = cache
    return W.T @ dZ, dZ @ A_prev.T, np.mean(dZ, axis=1, keepdims=True)


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wrong_function_raises_assertion_error_naming_step_and_hint(lang):
    """Does a wrong function raise AssertionError that names the failed step and explains the first hint?"""
    with pytest.raises(AssertionError) as info:
        public_tests.linear_backward_test(lb_forgot_m, lang=lang)
    report = run_checks("linear_backward", lb_forgot_m, lang=lang)
    text = str(info.value)
    assert (report.failed_step, report.hints[0]) == ("dW", "forgot_1_over_m")
    case = case_label(report.failed_case, 1)  # the first case: 用例 1 in zh, its id in en
    assert t("ui.failed_at", lang, fn="linear_backward", step="dW", case=case) in text
    assert first_sentence(t("hint.forgot_1_over_m", lang), lang) in text
    assert report.failures[0].text in text
    assert isinstance(info.value, public_tests.CheckFailed)
    assert info.value._render_traceback_()[0].startswith("AssertionError: ")  # IPython shows no frames


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_raises_assertion_error(exercise, capsys):
    """Does every entry point raise AssertionError (not print a pass line) for an unimplemented stub?"""
    with pytest.raises(AssertionError) as info:
        getattr(public_tests, f"{exercise}_test")(stub, lang="en")
    assert t("ui.not_implemented_yet", "en", fn=exercise) in str(info.value)
    assert t("ui.passed_all", "en", fn=exercise, n=1).split(":")[0] not in capsys.readouterr().out


def test_warnings_are_printed_after_the_pass_line(solutions, capsys):
    """Does a correct function that prints still pass, with the warning printed under the pass line?"""
    def lf_prints(A, W, b):
        print("debug")
        return np.dot(W, A) + b, (A, W, b)

    public_tests.linear_forward_test(lf_prints, lang="en")
    report = run_checks("linear_forward", lf_prints, lang="en")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == t("ui.passed_all", "en", fn="linear_forward", n=len(report.cases))
    assert out[1:] == ["  ! " + w.text for w in report.warnings] and len(out) > 1


def test_one_time_limit_everywhere():
    """Do the entry points, the widget and `dnn-lab check` share the checks' single time limit?"""
    import inspect

    from dnn_lab import check_cli, widget
    from dnn_lab.checks import DEFAULT_TIMEOUT
    assert DEFAULT_TIMEOUT == 10.0
    assert inspect.signature(public_tests.linear_forward_test).parameters["timeout"].default == DEFAULT_TIMEOUT
    assert inspect.signature(widget.check).parameters["timeout"].default == DEFAULT_TIMEOUT
    assert inspect.signature(widget.CheckWidget).parameters["timeout"].default == DEFAULT_TIMEOUT
    assert check_cli.build_parser().parse_args(["x.ipynb"]).timeout == DEFAULT_TIMEOUT
    assert not hasattr(widget, "INITIAL_TIMEOUT")
