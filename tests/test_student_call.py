"""dnn_lab.checks.student_call: calling a student's function without letting it hurt the caller."""
import copy
import inspect
import threading
import time
import types

import numpy as np
import pytest

from dnn_lab.checks import student_call
from dnn_lab.checks.student_call import call_student, changed_parts, global_data_reads


def _args():
    rng = np.random.RandomState(0)
    return rng.randn(3, 2), {"W1": rng.randn(2, 3), "b1": np.zeros((2, 1))}


def test_function_gets_copies_and_the_callers_arrays_stay_unchanged():
    """Does the function receive copies, so that changing them in place leaves the caller's data alone?"""
    args = _args()
    before = copy.deepcopy(args)
    received = []

    def vandal(A, params):
        received.extend([A, params])
        A *= 0
        params["W1"] += 1
        params["extra"] = 1
        return A

    call = call_student(vandal, args, ("A", "params"))
    assert received[0] is not args[0] and received[1] is not args[1]
    assert received[1]["W1"] is not args[1]["W1"]
    assert np.array_equal(args[0], before[0])
    assert set(args[1]) == {"W1", "b1"} and np.array_equal(args[1]["W1"], before[1]["W1"])
    assert call.returned and call.mutated == ["A", "params"]


def test_mutation_paths_name_the_changed_entries():
    """Is an in-place change reported by the path of the changed entry, e.g. params['W1']?"""
    args = _args()

    def nudge(A, params):
        params["W1"] -= 0.1
        return params

    call = call_student(nudge, args, ("A", "params"))
    assert call.mutated == ["params['W1']"]
    assert changed_parts("x", (1, [np.zeros(2)]), (1, [np.ones(2)])) == ["x[1][0]"]


def test_dtype_change_counts_as_a_change():
    """Is an array replaced by an equal-valued array of another dtype seen as changed?"""
    assert changed_parts("p", {"W": np.zeros(2)}, {"W": np.zeros(2, dtype=np.float32)}) == ["p['W']"]


class Boom(BaseException):
    """A BaseException that is neither Exception nor KeyboardInterrupt."""


@pytest.mark.parametrize("exc, name", [(SystemExit(3), "SystemExit"), (Boom("bang"), "Boom"),
                                       (GeneratorExit(), "GeneratorExit")])
def test_base_exceptions_are_caught_and_described(exc, name):
    """Does SystemExit (or another BaseException) from the student become data instead of escaping?"""
    def quitter(A, params):
        raise exc

    call = call_student(quitter, _args(), ("A", "params"))
    assert call.error is not None and call.error["type"] == name
    assert not call.returned and not call.timed_out


def test_not_implemented_error_is_flagged():
    """Is NotImplementedError told apart from other errors?"""
    def stub(A, params):
        raise NotImplementedError

    call = call_student(stub, _args(), ("A", "params"))
    assert call.not_implemented and call.error is None


def test_error_line_is_the_students_line_not_numpys():
    """Does the reported line point into the student's function, not into numpy?"""
    def broken(A, params):
        W = params["W1"]
        Z = np.dot(A, W)  # (3,2)·(2,3): fine; the next line is not
        return np.dot(A, Z)

    call = call_student(broken, _args(), ("A", "params"))
    lines, first = inspect.getsourcelines(broken)
    expected_line = first + next(i for i, text in enumerate(lines) if "return np.dot(A, Z)" in text)
    assert call.error["type"] == "ValueError"
    assert call.error["line"] == expected_line
    assert call.error["code"] == "return np.dot(A, Z)"


def test_output_is_captured_not_shown(capsys):
    """Is what the function prints captured into the call, and kept off the caller's stdout and stderr?"""
    import sys

    def chatty(A, params):
        print("debug", A.shape)
        print("oops", file=sys.stderr)
        return A

    call = call_student(chatty, _args(), ("A", "params"))
    assert "debug (3, 2)" in call.printed and "oops" in call.printed
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")


def test_hanging_function_is_stopped_in_the_main_thread():
    """Does a busy loop end at the time limit when the check runs in the main thread (SIGALRM)?"""
    def spin(A, params):
        while True:
            pass

    started = time.perf_counter()
    call = call_student(spin, _args(), ("A", "params"), timeout=0.3)
    assert call.timed_out and call.error is None
    assert time.perf_counter() - started < 0.3 + 2


def test_hanging_function_is_stopped_in_another_thread():
    """Does the time limit also work when the check runs outside the main thread (no signals there)?"""
    def spin(A, params):
        x = 0
        while True:
            x += 1

    box = {}

    def run():
        started = time.perf_counter()
        box["call"] = call_student(spin, _args(), ("A", "params"), timeout=0.3)
        box["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(5)
    assert not worker.is_alive()
    assert box["call"].timed_out
    assert box["seconds"] < 0.3 + 2


GIVE_WAY = """
import os, threading, numpy as np
from dnn_lab.checks import student_call
student_call.NICE_AFTER = 0.2
def spin(A, params):
    while True:
        pass
args = (np.ones((2, 2)), {"W": np.ones(2)})
tid = threading.get_native_id()
before = os.getpriority(os.PRIO_PROCESS, tid)
quick = student_call.call_student(lambda A, params: A, args, ("A", "params"), timeout=1)
short = student_call.call_student(spin, args, ("A", "params"), timeout=0.15)
after_short = os.getpriority(os.PRIO_PROCESS, tid)
long = student_call.call_student(spin, args, ("A", "params"), timeout=0.5)
print(before, after_short, os.getpriority(os.PRIO_PROCESS, tid), quick.timed_out, short.timed_out, long.timed_out)
"""


def test_a_runaway_call_gives_way_to_other_processes():
    """Does a student call still running after NICE_AFTER seconds lower its thread's CPU priority to nice 10
    (so a `while True:` on a shared hub slows nobody else), and do a quick call and one stopped before that
    leave it alone? (In a child process: nobody can raise a priority back.)"""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", GIVE_WAY], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "0", str(student_call.NICE), "False", "True", "True"]


def test_alarm_handler_is_restored():
    """Is the caller's SIGALRM handler back in place after a check?"""
    import signal
    previous = signal.getsignal(signal.SIGALRM)
    call_student(lambda A, params: A, _args(), ("A", "params"), timeout=1)
    assert signal.getsignal(signal.SIGALRM) is previous


def test_callers_pending_timer_is_given_back():
    """Does a timer the caller had set (say, a test runner's SIGALRM) keep running after a check?"""
    import signal
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 50)
    try:
        call_student(lambda A, params: A, _args(), ("A", "params"), timeout=1)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 45 < remaining <= 50
        assert not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---- notebook globals ----------------------------------------------------------------------

NOTEBOOK = '''
import copy
import numpy as np
from collections import OrderedDict

t_A = np.ones((3, 2))
learning_rate = 0.1
settings = {"lr": 0.1}
name = "x"

class Helper:
    pass

def my_dot(a, b):
    return np.dot(a, b)

def reads_data(A, W, b):
    return np.dot(W, t_A) + b * learning_rate

def reads_data_in_comprehension(A, W, b):
    return [settings[k] for k in ("lr",)], [name for _ in range(1)]

def uses_tools(A, W, b):
    c = copy.deepcopy(A)
    Helper()
    OrderedDict()
    return my_dot(W, c) + b, len(A), max(1, 2)
'''


@pytest.fixture
def notebook():
    namespace = {"__name__": "__main__"}
    exec(compile(NOTEBOOK, "<notebook>", "exec"), namespace)
    return namespace


def test_reading_global_data_is_found(notebook):
    """Are reads of notebook globals holding data (array, number) reported by name?"""
    assert global_data_reads(notebook["reads_data"]) == ["learning_rate", "t_A"]


def test_reading_global_data_inside_a_comprehension_is_found(notebook):
    """Are reads from nested code (comprehensions, lambdas) found too?"""
    assert global_data_reads(notebook["reads_data_in_comprehension"]) == ["name", "settings"]


def test_modules_functions_classes_and_builtins_are_not_reported(notebook):
    """Are modules, helper functions, classes and builtins left alone?"""
    assert global_data_reads(notebook["uses_tools"]) == []


def test_spies_do_not_touch_the_notebook_namespace(notebook):
    """After a spied call, are the notebook's own globals still the original objects?"""
    original = notebook["my_dot"]
    call = call_student(notebook["uses_tools"], (np.ones((3, 2)), np.ones((1, 3)), np.zeros((1, 1))),
                        ("A", "W", "b"), spy=("my_dot",))
    assert notebook["my_dot"] is original
    assert len(call.spied["my_dot"]) == 1


def test_spy_records_the_call_that_raised(notebook):
    """When a spied helper raises, is that call (its arguments) recorded for the diagnosis?"""
    call = call_student(notebook["uses_tools"], (np.ones((3, 2)), np.ones((1, 4)), np.zeros((1, 1))),
                        ("A", "W", "b"), spy=("my_dot",))
    assert call.error["type"] == "ValueError"
    name, args, kwargs = call.spy_raised
    assert name == "my_dot" and args[0].shape == (1, 4) and "my_dot" not in call.spied


def test_non_function_callables_are_called_without_spies():
    """Can a callable object (not a plain function) be checked, without spies or global analysis?"""
    class Callable:
        def __call__(self, A, params):
            return A

    call = call_student(Callable(), _args(), ("A", "params"), spy=("relu",))
    assert call.returned and global_data_reads(Callable()) == []
    assert isinstance(student_call.is_data(types), bool) and not student_call.is_data(types)
